package order

import "time"

// EventKind names a kind of event; it is also the Cause of timeline entries.
type EventKind string

// Event kinds.
const (
	KindAccepted            EventKind = "accepted"
	KindPortabilityChecked  EventKind = "portability_checked"
	KindPortabilityRejected EventKind = "portability_rejected"
	KindCsrCreated          EventKind = "csr_created"
	KindCsrRejected         EventKind = "csr_rejected"
	KindCsrObserved         EventKind = "csr_observed"
	KindPortInCreated       EventKind = "port_in_created"
	KindPortInRejected      EventKind = "port_in_rejected"
	KindPortInObserved      EventKind = "port_in_observed"
	KindDocumentsUploaded   EventKind = "documents_uploaded"
	KindDocumentsRejected   EventKind = "documents_rejected"
	KindSuppRejected        EventKind = "supp_rejected"
	KindCorrected           EventKind = "corrected"
	KindCancelRequested     EventKind = "cancel_requested"
	KindCancelRefused       EventKind = "cancel_refused"
	KindActivationRequested EventKind = "activation_requested"
	KindActivationDue       EventKind = "activation_due"
	KindActivationRefused   EventKind = "activation_refused"
	KindNoteReceived        EventKind = "note_received"
	KindDocumentsAdded      EventKind = "documents_added"
	KindNotified            EventKind = "notified"
	KindCheckDue            EventKind = "check_due"
	KindBulkCreated         EventKind = "bulk_created"
	KindBulkRejected        EventKind = "bulk_rejected"
	KindBulkValidated       EventKind = "bulk_validated"
	KindDraftPrepared       EventKind = "draft_prepared"
	KindDraftRejected       EventKind = "draft_rejected"
	KindBulkSubmitted       EventKind = "bulk_submitted"
	KindBulkSubmitRejected  EventKind = "bulk_submit_rejected"
	KindBulkObserved        EventKind = "bulk_observed"
)

// EventKinds lists every event kind.
var EventKinds = []EventKind{
	KindAccepted, KindPortabilityChecked, KindPortabilityRejected,
	KindCsrCreated, KindCsrRejected, KindCsrObserved,
	KindPortInCreated, KindPortInRejected, KindPortInObserved,
	KindDocumentsUploaded, KindDocumentsRejected, KindSuppRejected,
	KindCorrected, KindCancelRequested, KindCancelRefused,
	KindActivationRequested, KindActivationDue, KindActivationRefused,
	KindNoteReceived, KindNotified, KindCheckDue, KindDocumentsAdded,
	KindBulkCreated, KindBulkRejected, KindBulkValidated, KindDraftPrepared, KindDraftRejected,
	KindBulkSubmitted, KindBulkSubmitRejected, KindBulkObserved,
}

// Event is something that happened to a port request: an operator command, a result of a call
// to Bandwidth, a notification, or a reconcile tick. The set is closed: only this package's
// types implement it.
type Event interface {
	Kind() EventKind
	// Time is when the event happened; it is Decide's only clock.
	Time() time.Time
	sealed()
}

// portOrderEvent is an event about one port order.
type portOrderEvent interface {
	Event
	portOrderID() string
}

// Accepted starts a stored request: it asks for the portability check.
type Accepted struct {
	At time.Time
}

// PortabilityChecked is the result of POST /lnpchecker?fullCheck=true, per number.
type PortabilityChecked struct {
	At          time.Time
	Portable    []PortableNumber
	NotPortable []NumberFailure
}

// PortableNumber is a portable number with its losing carrier and port type.
type PortableNumber struct {
	TN       string
	Carrier  Carrier
	PortType string
}

// NumberFailure is a number that cannot be ported, and why.
type NumberFailure struct {
	TN     string
	Code   string
	Reason string
}

// PortabilityRejected is a 4xx from the portability check.
type PortabilityRejected struct {
	At     time.Time
	Errors []BandwidthError
}

// CsrCreated reports the CSR order placed (or found by CustomerOrderId) for a port order.
type CsrCreated struct {
	At         time.Time
	PortOrder  string
	CsrOrderID string
}

// CsrRejected is a 4xx from POST /csrs: no CSR order exists.
type CsrRejected struct {
	At        time.Time
	PortOrder string
	Errors    []BandwidthError
}

// CsrObserved is the state of a CSR order as read with GET /csrs/{id}.
type CsrObserved struct {
	At         time.Time
	PortOrder  string
	CsrOrderID string
	// Status is Bandwidth's CSR status (CsrComplete, …).
	Status string
	Errors []BandwidthError
	// Data is CsrData with its address parsed; nil when the CSR carried none.
	Data *CsrData
	// Differences compares Data with the customer's input (computed by the caller).
	Differences  []FieldDifference
	LastModified time.Time
}

// PortInCreated reports the port-in created (or found by CustomerOrderId) for a port order.
type PortInCreated struct {
	At               time.Time
	PortOrder        string
	BandwidthOrderID string
	ProcessingStatus string
	Errors           []BandwidthError
	LastModified     time.Time
}

// PortInRejected is a 4xx from POST /portins: no order exists.
type PortInRejected struct {
	At        time.Time
	PortOrder string
	Errors    []BandwidthError
}

// PortInObserved is the state of a port-in as read with GET /portins/{id} — the truth, which a
// notification only hints at.
type PortInObserved struct {
	At               time.Time
	PortOrder        string
	BandwidthOrderID string
	ProcessingStatus string
	ActualFocDate    time.Time
	Errors           []BandwidthError
	// CompletedNumbers are the numbers Bandwidth reports complete (on COMPLETE).
	CompletedNumbers []string
	LastModified     time.Time
}

// DocumentsUploaded reports documents uploaded to a port-in's LOA files.
type DocumentsUploaded struct {
	At          time.Time
	PortOrder   string
	DocumentIDs []string
}

// DocumentsRejected reports Bandwidth refusing an upload (format, size, name).
type DocumentsRejected struct {
	At          time.Time
	PortOrder   string
	DocumentIDs []string
	Errors      []BandwidthError
}

// SuppRejected is a 4xx from PUT /portins/{id}.
type SuppRejected struct {
	At        time.Time
	PortOrder string
	Errors    []BandwidthError
}

// Corrected is what an operator supplies to resolve an ActionRequired. Nil fields are unchanged.
type Corrected struct {
	At                   time.Time
	AccountNumber        *Secret
	PIN                  *Secret
	ServiceAddress       *Address
	ServiceAddressParts  *AddressParts
	Subscriber           *Subscriber
	BillingNumber        *string
	LoaAuthorizingPerson *string
	FocWish              *Date
	Documents            []string
	// Confirm resolves a confirmable action with the data as it is.
	Confirm bool
}

// CancelRequested is the customer's or operator's request to cancel.
type CancelRequested struct {
	At     time.Time
	Reason string
}

// CancelRefused is a 4xx from DELETE /portins/{id}.
type CancelRefused struct {
	At        time.Time
	PortOrder string
	Errors    []BandwidthError
}

// ActivationRequested is the operator's "activate now" for an on-demand request.
type ActivationRequested struct {
	At time.Time
}

// ActivationDue fires at the activation time scheduled by ScheduleActivation.
type ActivationDue struct {
	At           time.Time
	PortOrder    string
	ScheduledFor time.Time
}

// ActivationRefused is a 4xx from PUT /portins/{id}/activationStatus.
type ActivationRefused struct {
	At        time.Time
	PortOrder string
	Errors    []BandwidthError
}

// DocumentsAdded is a customer document (LOA, invoice, CSR copy) stored for the request: it goes
// to every live port-in, and resolves a port order waiting for documents.
type DocumentsAdded struct {
	At        time.Time
	Documents []string
}

// NoteReceived is a note Bandwidth added to a port-in (notification with <Note>).
type NoteReceived struct {
	At        time.Time
	PortOrder string
	Text      string
}

// NotificationSubject says which Bandwidth order a notification was about.
type NotificationSubject string

// Notification subjects.
const (
	SubjectCsr    NotificationSubject = "csr"
	SubjectPortIn NotificationSubject = "port_in"
	// SubjectBulk is the request's bulk port-in; Notified.PortOrder is then empty.
	SubjectBulk NotificationSubject = "bulk"
)

// Notified is a Bandwidth notification: only a hint that the order changed, answered by reading
// the order.
type Notified struct {
	At        time.Time
	PortOrder string
	Subject   NotificationSubject
	Status    string
}

// CheckDue is the reconciler's tick: poll whatever is waiting, act on deadlines.
type CheckDue struct {
	At time.Time
}

// BulkCreated reports the draft bulk port-in created for the request.
type BulkCreated struct {
	At               time.Time
	BandwidthOrderID string
}

// BulkCall names the bulk call a BulkRejected answers.
type BulkCall string

// Bulk calls that can be refused.
const (
	BulkCallCreate BulkCall = "create"
	BulkCallTnList BulkCall = "tn_list"
)

// BulkRejected is a 4xx from creating the bulk port-in or from PUT tnList.
type BulkRejected struct {
	At     time.Time
	Call   BulkCall
	Errors []BandwidthError
}

// BulkChild is a draft child port-in Bandwidth made from the bulk's TN list.
type BulkChild struct {
	BandwidthOrderID string
	Numbers          []string
}

// BulkValidated is the bulk's TN list as Bandwidth reports it (the 202 of PUT tnList, or
// GET tnList): still validating, valid with its children, or invalid with the numbers it names.
type BulkValidated struct {
	At               time.Time
	BandwidthOrderID string
	// ProcessingStatus is VALIDATE_DRAFT_TNS, VALID_DRAFT_TNS or INVALID_DRAFT_TNS.
	ProcessingStatus string
	Children         []BulkChild
	// Errors name the numbers that cannot be ported, with Bandwidth's code.
	Errors []BandwidthError
}

// DraftPrepared reports a bulk child's draft port-in updated (or created) with the data portflow
// chose for it; it now waits for the bulk's submission.
type DraftPrepared struct {
	At               time.Time
	PortOrder        string
	BandwidthOrderID string
}

// DraftRejected is a 4xx from updating or creating a bulk child's draft.
type DraftRejected struct {
	At        time.Time
	PortOrder string
	Errors    []BandwidthError
}

// BulkSubmitted reports the bulk port-in submitted (PATCH IN_PROGRESS) with its prepared
// children attached.
type BulkSubmitted struct {
	At               time.Time
	BandwidthOrderID string
	ProcessingStatus string
	LastModified     time.Time
}

// BulkSubmitRejected is a 4xx from attaching the children or submitting the bulk: Bandwidth
// names the children it refuses (ChildErrors, by Bandwidth order id) or the bulk as a whole.
type BulkSubmitRejected struct {
	At          time.Time
	Errors      []BandwidthError
	ChildErrors map[string][]BandwidthError
}

// BulkObserved is the bulk port-in as read with GET /bulkPortins/{id}.
type BulkObserved struct {
	At               time.Time
	BandwidthOrderID string
	ProcessingStatus string
	LastModified     time.Time
}

func (e Accepted) Kind() EventKind            { return KindAccepted }
func (e PortabilityChecked) Kind() EventKind  { return KindPortabilityChecked }
func (e PortabilityRejected) Kind() EventKind { return KindPortabilityRejected }
func (e CsrCreated) Kind() EventKind          { return KindCsrCreated }
func (e CsrRejected) Kind() EventKind         { return KindCsrRejected }
func (e CsrObserved) Kind() EventKind         { return KindCsrObserved }
func (e PortInCreated) Kind() EventKind       { return KindPortInCreated }
func (e PortInRejected) Kind() EventKind      { return KindPortInRejected }
func (e PortInObserved) Kind() EventKind      { return KindPortInObserved }
func (e DocumentsUploaded) Kind() EventKind   { return KindDocumentsUploaded }
func (e DocumentsRejected) Kind() EventKind   { return KindDocumentsRejected }
func (e SuppRejected) Kind() EventKind        { return KindSuppRejected }
func (e Corrected) Kind() EventKind           { return KindCorrected }
func (e CancelRequested) Kind() EventKind     { return KindCancelRequested }
func (e CancelRefused) Kind() EventKind       { return KindCancelRefused }
func (e ActivationRequested) Kind() EventKind { return KindActivationRequested }
func (e ActivationDue) Kind() EventKind       { return KindActivationDue }
func (e ActivationRefused) Kind() EventKind   { return KindActivationRefused }
func (e NoteReceived) Kind() EventKind        { return KindNoteReceived }
func (e DocumentsAdded) Kind() EventKind      { return KindDocumentsAdded }
func (e Notified) Kind() EventKind            { return KindNotified }
func (e CheckDue) Kind() EventKind            { return KindCheckDue }

func (e Accepted) Time() time.Time            { return e.At }
func (e PortabilityChecked) Time() time.Time  { return e.At }
func (e PortabilityRejected) Time() time.Time { return e.At }
func (e CsrCreated) Time() time.Time          { return e.At }
func (e CsrRejected) Time() time.Time         { return e.At }
func (e CsrObserved) Time() time.Time         { return e.At }
func (e PortInCreated) Time() time.Time       { return e.At }
func (e PortInRejected) Time() time.Time      { return e.At }
func (e PortInObserved) Time() time.Time      { return e.At }
func (e DocumentsUploaded) Time() time.Time   { return e.At }
func (e DocumentsRejected) Time() time.Time   { return e.At }
func (e SuppRejected) Time() time.Time        { return e.At }
func (e Corrected) Time() time.Time           { return e.At }
func (e CancelRequested) Time() time.Time     { return e.At }
func (e CancelRefused) Time() time.Time       { return e.At }
func (e ActivationRequested) Time() time.Time { return e.At }
func (e ActivationDue) Time() time.Time       { return e.At }
func (e ActivationRefused) Time() time.Time   { return e.At }
func (e NoteReceived) Time() time.Time        { return e.At }
func (e DocumentsAdded) Time() time.Time      { return e.At }
func (e Notified) Time() time.Time            { return e.At }
func (e CheckDue) Time() time.Time            { return e.At }

func (Accepted) sealed()            {}
func (PortabilityChecked) sealed()  {}
func (PortabilityRejected) sealed() {}
func (CsrCreated) sealed()          {}
func (CsrRejected) sealed()         {}
func (CsrObserved) sealed()         {}
func (PortInCreated) sealed()       {}
func (PortInRejected) sealed()      {}
func (PortInObserved) sealed()      {}
func (DocumentsUploaded) sealed()   {}
func (DocumentsRejected) sealed()   {}
func (SuppRejected) sealed()        {}
func (Corrected) sealed()           {}
func (CancelRequested) sealed()     {}
func (CancelRefused) sealed()       {}
func (ActivationRequested) sealed() {}
func (ActivationDue) sealed()       {}
func (ActivationRefused) sealed()   {}
func (NoteReceived) sealed()        {}
func (DocumentsAdded) sealed()      {}
func (Notified) sealed()            {}
func (CheckDue) sealed()            {}

func (e CsrCreated) portOrderID() string        { return e.PortOrder }
func (e CsrRejected) portOrderID() string       { return e.PortOrder }
func (e CsrObserved) portOrderID() string       { return e.PortOrder }
func (e PortInCreated) portOrderID() string     { return e.PortOrder }
func (e PortInRejected) portOrderID() string    { return e.PortOrder }
func (e PortInObserved) portOrderID() string    { return e.PortOrder }
func (e DocumentsUploaded) portOrderID() string { return e.PortOrder }
func (e DocumentsRejected) portOrderID() string { return e.PortOrder }
func (e SuppRejected) portOrderID() string      { return e.PortOrder }
func (e CancelRefused) portOrderID() string     { return e.PortOrder }
func (e ActivationDue) portOrderID() string     { return e.PortOrder }
func (e ActivationRefused) portOrderID() string { return e.PortOrder }
func (e NoteReceived) portOrderID() string      { return e.PortOrder }
func (e Notified) portOrderID() string          { return e.PortOrder }

func (e BulkCreated) Kind() EventKind        { return KindBulkCreated }
func (e BulkRejected) Kind() EventKind       { return KindBulkRejected }
func (e BulkValidated) Kind() EventKind      { return KindBulkValidated }
func (e DraftPrepared) Kind() EventKind      { return KindDraftPrepared }
func (e DraftRejected) Kind() EventKind      { return KindDraftRejected }
func (e BulkSubmitted) Kind() EventKind      { return KindBulkSubmitted }
func (e BulkSubmitRejected) Kind() EventKind { return KindBulkSubmitRejected }
func (e BulkObserved) Kind() EventKind       { return KindBulkObserved }

func (e BulkCreated) Time() time.Time        { return e.At }
func (e BulkRejected) Time() time.Time       { return e.At }
func (e BulkValidated) Time() time.Time      { return e.At }
func (e DraftPrepared) Time() time.Time      { return e.At }
func (e DraftRejected) Time() time.Time      { return e.At }
func (e BulkSubmitted) Time() time.Time      { return e.At }
func (e BulkSubmitRejected) Time() time.Time { return e.At }
func (e BulkObserved) Time() time.Time       { return e.At }

func (BulkCreated) sealed()        {}
func (BulkRejected) sealed()       {}
func (BulkValidated) sealed()      {}
func (DraftPrepared) sealed()      {}
func (DraftRejected) sealed()      {}
func (BulkSubmitted) sealed()      {}
func (BulkSubmitRejected) sealed() {}
func (BulkObserved) sealed()       {}

func (e DraftPrepared) portOrderID() string { return e.PortOrder }
func (e DraftRejected) portOrderID() string { return e.PortOrder }
