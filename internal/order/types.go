package order

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
)

// Status is a port request's status: where the request as a whole stands. Once port orders
// exist it is computed from them (see AggregateStatus).
type Status string

// Request statuses.
const (
	StatusReceived            Status = "received"
	StatusCheckingPortability Status = "checking_portability"
	StatusAwaitingCsr         Status = "awaiting_csr"
	StatusSubmitting          Status = "submitting"
	StatusSubmitted           Status = "submitted"
	StatusFoc                 Status = "foc"
	StatusCompleted           Status = "completed"
	StatusPartiallyCompleted  Status = "partially_completed"
	StatusActionRequired      Status = "action_required"
	StatusCancelRequested     Status = "cancel_requested"
	StatusCancelled           Status = "cancelled"
	StatusFailed              Status = "failed"
)

// Statuses lists every request status in the order of the flow.
var Statuses = []Status{
	StatusReceived, StatusCheckingPortability, StatusAwaitingCsr, StatusSubmitting,
	StatusSubmitted, StatusFoc, StatusActionRequired, StatusCancelRequested,
	StatusCompleted, StatusPartiallyCompleted, StatusCancelled, StatusFailed,
}

// Terminal reports whether nothing more happens to a request in this status.
func (s Status) Terminal() bool {
	switch s {
	case StatusCompleted, StatusPartiallyCompleted, StatusCancelled, StatusFailed:
		return true
	}
	return false
}

// Valid reports whether s is one of the request statuses.
func (s Status) Valid() bool {
	for _, v := range Statuses {
		if s == v {
			return true
		}
	}
	return false
}

// OrderStatus is a port order's status. The first few are portflow's own steps before Bandwidth
// has a port-in; the middle ones mirror Bandwidth's ProcessingStatus.
type OrderStatus string

// Port order statuses.
const (
	// OrderAwaitingCsr: a CSR order is being placed (CreateCsr issued, no CSR order id yet).
	OrderAwaitingCsr OrderStatus = "awaiting_csr"
	// OrderCsrRequested: the CSR order exists; waiting for the losing carrier's record.
	OrderCsrRequested OrderStatus = "csr_requested"
	// OrderCreating: CreatePortIn issued; waiting to learn the Bandwidth order id.
	OrderCreating OrderStatus = "creating"
	// OrderPreparing: a bulk child's draft is being written with the validated data.
	OrderPreparing OrderStatus = "preparing"
	// OrderReady: a bulk child's draft holds the validated data; it waits for the bulk's
	// submission.
	OrderReady            OrderStatus = "ready"
	OrderSubmitted        OrderStatus = "submitted"
	OrderPendingDocuments OrderStatus = "pending_documents"
	OrderException        OrderStatus = "exception"
	OrderRequestedSupp    OrderStatus = "requested_supp"
	OrderFoc              OrderStatus = "foc"
	OrderRequestedCancel  OrderStatus = "requested_cancel"
	OrderComplete         OrderStatus = "complete"
	OrderCancelled        OrderStatus = "cancelled"
	OrderActionRequired   OrderStatus = "action_required"
	OrderFailed           OrderStatus = "failed"
)

// OrderStatuses lists every port order status.
var OrderStatuses = []OrderStatus{
	OrderAwaitingCsr, OrderCsrRequested, OrderCreating, OrderPreparing, OrderReady, OrderSubmitted, OrderPendingDocuments,
	OrderException, OrderRequestedSupp, OrderFoc, OrderRequestedCancel, OrderComplete,
	OrderCancelled, OrderActionRequired, OrderFailed,
}

// Terminal reports whether the port order is finished.
func (s OrderStatus) Terminal() bool {
	return s == OrderComplete || s == OrderCancelled || s == OrderFailed
}

// NumberStatus is the status of one telephone number of a request.
type NumberStatus string

// Number statuses.
const (
	NumberPending   NumberStatus = "pending"
	NumberPorting   NumberStatus = "porting"
	NumberCompleted NumberStatus = "completed"
	NumberFailed    NumberStatus = "failed"
	NumberCancelled NumberStatus = "cancelled"
)

// Bandwidth port-in ProcessingStatus values (PROTOCOL §5.6).
const (
	ProcessingDraft            = "DRAFT"
	ProcessingPendingDocuments = "PENDING_DOCUMENTS"
	ProcessingSubmitted        = "SUBMITTED"
	ProcessingException        = "EXCEPTION"
	ProcessingRequestedSupp    = "REQUESTED_SUPP"
	ProcessingFoc              = "FOC"
	ProcessingRequestedCancel  = "REQUESTED_CANCEL"
	ProcessingCancelled        = "CANCELLED"
	ProcessingComplete         = "COMPLETE"
)

// Bandwidth CSR order statuses (PROTOCOL §4.4).
const (
	CsrReceived        = "RECEIVED"
	CsrProcessing      = "PROCESSING"
	CsrActionRequired  = "ACTION_REQUIRED"
	CsrComplete        = "COMPLETE"
	CsrFailed          = "FAILED"
	CsrRequestedCancel = "REQUESTED_CANCEL"
	CsrCancelled       = "CANCELLED"
)

// Bandwidth port types (PROTOCOL §5.7).
const (
	PortTypeAutomated       = "AUTOMATED"
	PortTypeAutomatedOffNet = "AUTOMATEDOFFNET"
	PortTypeInternal        = "INTERNAL"
	PortTypeManualOnNet     = "MANUAL_ON_NET"
	PortTypeManualOffNet    = "MANUALOFFNET"
	PortTypeManualTollFree  = "MANUAL_TOLLFREE"
)

// supportsTrigger reports whether Bandwidth honours Triggered (and so on-demand activation and a
// non-default activation time) for the port type: automated wireline and internal ports only.
func supportsTrigger(portType string) bool {
	switch portType {
	case PortTypeAutomated, PortTypeAutomatedOffNet, PortTypeInternal:
		return true
	}
	return false
}

// Secret is a value that must never reach a log line or an API response in clear: PINs and
// account numbers. Formatting it (fmt, slog) prints a placeholder; JSON keeps the value because
// the store encrypts it at rest. Reveal returns the value for the Bandwidth request itself.
type Secret string

const redacted = "[redacted]"

// Reveal returns the secret value.
func (s Secret) Reveal() string { return string(s) }

// String returns a placeholder, never the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// Format keeps every fmt verb (%v, %s, %q, %#v, …) from printing the value.
func (s Secret) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(s.String())) }

// LogValue keeps slog from printing the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// Date is a calendar day without a time zone, written "2006-01-02".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "2006-01-02".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return DateOf(t), nil
}

// String formats d as "2006-01-02".
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// At returns the instant at hour:minute of d in loc.
func (d Date) At(loc *time.Location, hour, minute int) time.Time {
	return time.Date(d.Year, d.Month, d.Day, hour, minute, 0, 0, loc)
}

// AddDays returns the day n days after d (before, when n is negative).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.At(time.UTC, 12, 0).Weekday() }

// MarshalText writes "2006-01-02".
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads "2006-01-02".
func (d *Date) UnmarshalText(b []byte) error {
	parsed, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = parsed
	return nil
}

// TimeOfDay is a wall-clock time in Eastern Time (Bandwidth's porting calendar), written "15:04".
type TimeOfDay struct {
	Hour   int
	Minute int
}

// ParseTimeOfDay parses "15:04".
func ParseTimeOfDay(s string) (TimeOfDay, error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return TimeOfDay{}, fmt.Errorf("parse time of day %q (want HH:MM): %w", s, err)
	}
	return TimeOfDay{t.Hour(), t.Minute()}, nil
}

// String formats the time as "15:04".
func (t TimeOfDay) String() string { return fmt.Sprintf("%02d:%02d", t.Hour, t.Minute) }

// minutes returns the minutes since midnight.
func (t TimeOfDay) minutes() int { return t.Hour*60 + t.Minute }

// MarshalText writes "15:04".
func (t TimeOfDay) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// UnmarshalText reads "15:04".
func (t *TimeOfDay) UnmarshalText(b []byte) error {
	parsed, err := ParseTimeOfDay(string(b))
	if err != nil {
		return err
	}
	*t = parsed
	return nil
}

// Address is a service address as the customer typed it.
type Address struct {
	Line1 string `json:"line1"`
	Line2 string `json:"line2,omitempty"`
	City  string `json:"city"`
	State string `json:"state"`
	Zip   string `json:"zip"`
}

// AddressParts is a service address in the parts Bandwidth's port-in wants (PROTOCOL §5.2).
// Parsing a typed address into parts is the address package's work, not this one's.
type AddressParts struct {
	HousePrefix     string `json:"house_prefix,omitempty"`
	HouseNumber     string `json:"house_number"`
	HouseSuffix     string `json:"house_suffix,omitempty"`
	PreDirectional  string `json:"pre_directional,omitempty"`
	StreetName      string `json:"street_name"`
	StreetSuffix    string `json:"street_suffix,omitempty"`
	PostDirectional string `json:"post_directional,omitempty"`
	AddressLine2    string `json:"address_line2,omitempty"`
	City            string `json:"city"`
	StateCode       string `json:"state_code"`
	Zip             string `json:"zip"`
	PlusFour        string `json:"plus_four,omitempty"`
}

// Complete reports whether the parts Bandwidth requires are present.
func (a AddressParts) Complete() bool {
	return a.HouseNumber != "" && a.StreetName != "" && a.City != "" && a.StateCode != "" && a.Zip != ""
}

// line1 renders the street line, for the CSR request and operator messages.
func (a AddressParts) line1() string {
	parts := []string{a.HousePrefix, a.HouseNumber, a.HouseSuffix, a.PreDirectional, a.StreetName, a.StreetSuffix, a.PostDirectional}
	var kept []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}

// String renders the address on one line.
func (a AddressParts) String() string {
	s := a.line1()
	if a.AddressLine2 != "" {
		s += ", " + a.AddressLine2
	}
	return fmt.Sprintf("%s, %s %s %s", s, a.City, a.StateCode, a.Zip)
}

// SubscriberType says whether the subscriber is a business or a person.
type SubscriberType string

// Subscriber types.
const (
	SubscriberBusiness    SubscriberType = "business"
	SubscriberResidential SubscriberType = "residential"
)

// Subscriber is the end user who owns the numbers at the losing carrier.
type Subscriber struct {
	Type         SubscriberType `json:"type"`
	BusinessName string         `json:"business_name,omitempty"`
	FirstName    string         `json:"first_name,omitempty"`
	LastName     string         `json:"last_name,omitempty"`
}

// DisplayName is the subscriber's name as one string.
func (s Subscriber) DisplayName() string {
	if s.Type == SubscriberBusiness {
		return s.BusinessName
	}
	return strings.TrimSpace(s.FirstName + " " + s.LastName)
}

// ActivationMode says who activates the ported numbers on the FOC day.
type ActivationMode string

// Activation modes.
const (
	// ActivationScheduled leaves activation to Bandwidth: 11:30 ET on the FOC day.
	ActivationScheduled ActivationMode = "scheduled"
	// ActivationOnDemand sends Triggered: portflow activates when the operator asks or at the
	// chosen time on the FOC day.
	ActivationOnDemand ActivationMode = "on_demand"
)

// Activation is how and when the numbers go live at Bandwidth.
type Activation struct {
	Mode ActivationMode `json:"mode"`
	// At is the Eastern Time of day to activate on the FOC day (on_demand only). Without it the
	// operator activates, and Bandwidth falls back to onDemandFallback.
	At *TimeOfDay `json:"at,omitempty"`
}

// CsrFailurePolicy says what happens when no CSR can be had for a port order.
type CsrFailurePolicy string

// CSR failure policies.
const (
	// CsrProceed submits the port-in with the customer's address (the default).
	CsrProceed CsrFailurePolicy = "proceed"
	// CsrHold stops for an operator to confirm or correct the address first.
	CsrHold CsrFailurePolicy = "hold"
)

// DefaultCsrTimeout is how long a CSR may stay unanswered before portflow reconciles it and then
// proceeds by policy. Real-time CSRs answer within minutes; one still open after this has gone
// to a manual process that takes days, which is not worth delaying the port for.
const DefaultCsrTimeout = 2 * time.Hour

// Policy holds the per-request settings, copied from configuration when the request is made so
// that a configuration change never alters a request mid-flight.
type Policy struct {
	OnCsrFailure CsrFailurePolicy `json:"on_csr_failure"`
	// CsrTimeout is how long to wait for a CSR answer (nanoseconds in JSON).
	CsrTimeout time.Duration `json:"csr_timeout"`
	// BulkThreshold: a request with more numbers than this goes through a Bandwidth bulk
	// port-in (0 means DefaultBulkThreshold).
	BulkThreshold int `json:"bulk_threshold,omitempty"`
	// BulkForMultipleCarriers: a request whose numbers have more than one losing carrier goes through
	// a bulk port-in too (the default); false ports each carrier's numbers with its own port-in.
	BulkForMultipleCarriers bool `json:"bulk_for_multiple_carriers,omitempty"`
	// BulkDraftDeadline is how long a bulk draft may wait for its slowest child before the
	// ready ones are submitted without it (0 means DefaultBulkDraftDeadline). Bandwidth purges
	// drafts idle for 48 hours.
	BulkDraftDeadline time.Duration `json:"bulk_draft_deadline,omitempty"`
}

// DefaultBulkDraftDeadline is the default Policy.BulkDraftDeadline: half of Bandwidth's 48-hour
// draft purge.
const DefaultBulkDraftDeadline = 24 * time.Hour

// DefaultBulkThreshold is the request size above which portflow uses a bulk port-in.
const DefaultBulkThreshold = 50

// BandwidthError is one error Bandwidth reported, with the numbers it names when it names any.
type BandwidthError struct {
	Code        string   `json:"code"`
	Description string   `json:"description"`
	Numbers     []string `json:"numbers,omitempty"`
}

// String renders "7402: Address mismatch".
func (e BandwidthError) String() string {
	if e.Description == "" {
		return e.Code
	}
	return e.Code + ": " + e.Description
}

// Carrier is the losing carrier of a set of numbers, as the portability check reports it.
type Carrier struct {
	SPID                       string `json:"spid"`
	Name                       string `json:"name"`
	IsWireless                 bool   `json:"is_wireless"`
	AccountNumberRequired      bool   `json:"account_number_required"`
	MinimumPortingIntervalDays int    `json:"minimum_porting_interval_days"`
}

// FieldDifference is one field where the customer's input and the CSR disagree after
// normalization (computed by the address package and carried in CsrObserved).
type FieldDifference struct {
	Field    string `json:"field"`
	Customer string `json:"customer"`
	Csr      string `json:"csr"`
}

// Operator-facing field names: what an ActionRequired asks for and what Corrected supplies.
const (
	FieldAccountNumber        = "account_number"
	FieldPIN                  = "pin"
	FieldServiceAddress       = "service_address"
	FieldSubscriber           = "subscriber"
	FieldBillingNumber        = "billing_number"
	FieldLoaAuthorizingPerson = "loa_authorizing_person"
	FieldDocuments            = "documents"
	FieldRequestedFocDate     = "requested_foc_date"
)

// RejectedError is an operator or API command refused in the request's current state. The REST
// API answers it with 409 and Message, which says what is wrong and what is possible instead.
type RejectedError struct {
	Code    string
	Message string
}

func (e *RejectedError) Error() string { return e.Code + ": " + e.Message }

// Codes of RejectedError.
const (
	RejectNotAwaitingCorrection  = "not_awaiting_correction"
	RejectCorrectionIncomplete   = "correction_incomplete"
	RejectCorrectionInvalid      = "correction_invalid"
	RejectAlreadyFinished        = "already_finished"
	RejectCancelTooCloseToFoc    = "cancel_too_close_to_foc"
	RejectActivationNotOnDemand  = "activation_not_on_demand"
	RejectActivationNotInFoc     = "activation_not_in_foc"
	RejectActivationNotYet       = "activation_not_yet_allowed"
	RejectActivationNotSupported = "activation_not_supported"
)

func rejected(code, format string, args ...any) *RejectedError {
	return &RejectedError{Code: code, Message: fmt.Sprintf(format, args...)}
}
