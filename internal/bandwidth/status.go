package bandwidth

// Port-in ProcessingStatus values (PROTOCOL.md §5.6). List filters use the lower-case form.
const (
	StatusDraft             = "DRAFT"
	StatusValidateDraftTFNs = "VALIDATE_DRAFT_TFNS"
	StatusInvalidDraftTFNs  = "INVALID_DRAFT_TFNS"
	StatusValidDraftTFNs    = "VALID_DRAFT_TFNS"
	StatusValidateTFNs      = "VALIDATE_TFNS"
	StatusInvalidTFNs       = "INVALID_TFNS"
	StatusPendingDocuments  = "PENDING_DOCUMENTS"
	StatusSubmitted         = "SUBMITTED"
	StatusException         = "EXCEPTION"
	StatusRequestedSupp     = "REQUESTED_SUPP"
	StatusFOC               = "FOC"
	StatusRequestedCancel   = "REQUESTED_CANCEL"
	StatusCancelled         = "CANCELLED"
	StatusComplete          = "COMPLETE"
)

// IsTerminalPortInStatus reports whether a port-in in status s will not change again.
func IsTerminalPortInStatus(s string) bool { return s == StatusComplete || s == StatusCancelled }

// CSR order statuses (PROTOCOL.md §4.4).
const (
	CsrStatusReceived        = "RECEIVED"
	CsrStatusProcessing      = "PROCESSING"
	CsrStatusActionRequired  = "ACTION_REQUIRED"
	CsrStatusComplete        = "COMPLETE"
	CsrStatusFailed          = "FAILED"
	CsrStatusRequestedCancel = "REQUESTED_CANCEL"
	CsrStatusCancelled       = "CANCELLED"
)

// Bulk port-in statuses (PROTOCOL.md §7.2). Note COMPLETED, not COMPLETE.
const (
	BulkStatusDraft            = "DRAFT"
	BulkStatusValidateDraftTNs = "VALIDATE_DRAFT_TNS"
	BulkStatusValidDraftTNs    = "VALID_DRAFT_TNS"
	BulkStatusInvalidDraftTNs  = "INVALID_DRAFT_TNS"
	BulkStatusInProgress       = "IN_PROGRESS"
	BulkStatusNeedsAttention   = "NEEDS_ATTENTION"
	BulkStatusPartial          = "PARTIAL"
	BulkStatusCompleted        = "COMPLETED"
	BulkStatusCancelled        = "CANCELLED"
)

// Port types (PROTOCOL.md §5.7), as returned by GET /portins/{id} and /lnpchecker. There is no
// AUTOMATED_ON_NET/AUTOMATED_OFF_NET/TOLL_FREE in the API.
const (
	PortTypeAutomated       = "AUTOMATED"
	PortTypeAutomatedOffNet = "AUTOMATEDOFFNET"
	PortTypeInternal        = "INTERNAL"
	PortTypeManualOnNet     = "MANUAL_ON_NET"
	PortTypeManualOffNet    = "MANUALOFFNET"
	PortTypeManualTollFree  = "MANUAL_TOLLFREE"
	// PortTypeMixed appears only in /lnpchecker answers: the numbers span more than one type.
	PortTypeMixed = "MIXED"
)

// Subscriber types.
const (
	SubscriberBusiness    = "BUSINESS"
	SubscriberResidential = "RESIDENTIAL"
)

// Callback number formats of a subscription.
const (
	NumberFormatLegacy = "LEGACY" // +1 numbers as 10 digits
	NumberFormatE164   = "E164"
)

// Document types for port-in document uploads.
const (
	DocumentLOA     = "LOA"
	DocumentInvoice = "INVOICE"
	DocumentCSR     = "CSR"
	DocumentOther   = "OTHER"
)
