package order

import "time"

// BulkStep is where a request's Bandwidth bulk port-in stands in portflow's flow.
type BulkStep string

// Bulk steps, in flow order.
const (
	// BulkStepCreating: the draft bulk port-in is being created (CreateBulkPortIn issued).
	BulkStepCreating BulkStep = "creating"
	// BulkStepValidating: the TN list is at Bandwidth, which validates it and splits it into
	// draft child port-ins by losing carrier and port type.
	BulkStepValidating BulkStep = "validating"
	// BulkStepPreparing: the children exist (detached from the bulk so that each can be
	// supplemented); each gets its CSR and a SUPP with the validated data.
	BulkStepPreparing BulkStep = "preparing"
	// BulkStepSubmitting: the prepared children are attached again and the bulk is submitted.
	BulkStepSubmitting BulkStep = "submitting"
	// BulkStepSubmitted: Bandwidth works the children; the bulk's status follows them.
	BulkStepSubmitted BulkStep = "submitted"
	// BulkStepFinished: every child is finished.
	BulkStepFinished BulkStep = "finished"
	// BulkStepAbandoned: nothing was left to submit (every number failed or every child left the
	// bulk to wait for an operator); the draft was deleted.
	BulkStepAbandoned BulkStep = "abandoned"
)

// Bandwidth bulk port-in statuses (PROTOCOL §7.2).
const (
	BulkStatusDraft          = "DRAFT"
	BulkStatusValidating     = "VALIDATE_DRAFT_TNS"
	BulkStatusValid          = "VALID_DRAFT_TNS"
	BulkStatusInvalid        = "INVALID_DRAFT_TNS"
	BulkStatusInProgress     = "IN_PROGRESS"
	BulkStatusNeedsAttention = "NEEDS_ATTENTION"
	BulkStatusPartial        = "PARTIAL"
	BulkStatusCompleted      = "COMPLETED"
	BulkStatusCancelled      = "CANCELLED"
)

// BulkOrder is the Bandwidth bulk port-in of a request: one TN list that Bandwidth validates and
// splits into child port-ins, submitted together once portflow has prepared each child.
type BulkOrder struct {
	Step             BulkStep  `json:"step"`
	StepSince        time.Time `json:"step_since"`
	BandwidthOrderID string    `json:"bandwidth_order_id,omitempty"`
	ProcessingStatus string    `json:"processing_status,omitempty"`
	LastModified     time.Time `json:"last_modified,omitzero"`
	// Routes are the losing carriers and port types the portability check found; numbers refer
	// to them by 1-based index (NumberState.Route).
	Routes []BulkRoute `json:"routes,omitempty"`
	// TnListPuts counts TN lists sent: a list Bandwidth finds invalid is sent again without the
	// numbers it names, a bounded number of times.
	TnListPuts int `json:"tn_list_puts,omitempty"`
	// Submits counts submissions Bandwidth refused without naming a child.
	Submits int `json:"submits,omitempty"`
	// Errors are Bandwidth's last errors about the bulk (validation, submission).
	Errors []BandwidthError `json:"errors,omitempty"`
	// CreatedAt is when the draft was created; a draft left idle for 48 h is purged by
	// Bandwidth, so portflow submits what is ready well before (bulkDraftDeadline).
	CreatedAt time.Time `json:"created_at,omitzero"`
	// RetryAt is when an unanswered or deferred bulk step is issued again.
	RetryAt     time.Time `json:"retry_at,omitzero"`
	SubmittedAt time.Time `json:"submitted_at,omitzero"`
}

// BulkRoute is a losing carrier and port type of some of a bulk request's numbers.
type BulkRoute struct {
	Carrier  Carrier `json:"carrier"`
	PortType string  `json:"port_type"`
}
