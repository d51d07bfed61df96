package order

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// PortRequest is the aggregate: one customer's request to port a set of numbers into Bandwidth,
// with the port orders it split into. It is stored as JSON (secrets encrypted by the store), so
// every field a decision depends on lives here.
type PortRequest struct {
	ID              string        `json:"id"`
	CustomerOrderID string        `json:"customer_order_id,omitempty"`
	Numbers         []NumberState `json:"numbers"`
	// BillingNumber is the customer's billing telephone number (BTN) at the losing carrier.
	BillingNumber  string     `json:"billing_number"`
	Subscriber     Subscriber `json:"subscriber"`
	ServiceAddress Address    `json:"service_address"`
	// ServiceAddressParts is ServiceAddress parsed into Bandwidth's parts (by the caller).
	ServiceAddressParts  AddressParts    `json:"service_address_parts"`
	AccountNumber        Secret          `json:"account_number,omitempty"`
	PIN                  Secret          `json:"pin,omitempty"`
	LoaAuthorizingPerson string          `json:"loa_authorizing_person"`
	FocWish              *Date           `json:"requested_foc_date,omitempty"`
	Activation           Activation      `json:"activation"`
	Documents            []string        `json:"documents,omitempty"`
	Policy               Policy          `json:"policy"`
	Status               Status          `json:"status"`
	StatusReason         string          `json:"status_reason,omitempty"`
	Action               *ActionRequired `json:"action,omitempty"`
	Orders               []PortOrder     `json:"orders,omitempty"`
	// Bulk is the Bandwidth bulk port-in the request goes through (see bulk.go); nil for a
	// request ported with individual port-ins.
	Bulk              *BulkOrder `json:"bulk,omitempty"`
	CancelRequestedAt time.Time  `json:"cancel_requested_at,omitzero"`
	// NextCheckAt is when the reconciler should next send CheckDue; zero when nothing is left to
	// check (terminal).
	NextCheckAt time.Time `json:"next_check_at,omitzero"`
	// Version increases by one with every decision that changes the request.
	Version   int64     `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// NumberState is one number of a request and how it fares.
type NumberState struct {
	TN        string       `json:"tn"`
	Status    NumberStatus `json:"status"`
	Reason    string       `json:"reason,omitempty"`
	PortOrder string       `json:"port_order,omitempty"`
	// Account is the number's own account at the losing carrier, when the customer gave one
	// per number (CSV intake); nil means the request's billing number, account number and PIN.
	Account *NumberAccount `json:"account,omitempty"`
	// Route is the 1-based index into PortRequest.Bulk.Routes of the losing carrier and port
	// type the portability check found for the number (bulk requests only; 0 when unknown).
	Route int `json:"route,omitempty"`
}

// NumberAccount is one number's account at the losing carrier. Numbers that share a losing
// carrier are ported together only when they share the account too: one port-in carries one
// billing number, one account number and one PIN.
type NumberAccount struct {
	BillingNumber string `json:"billing_number,omitempty"`
	AccountNumber Secret `json:"account_number,omitempty"`
	PIN           Secret `json:"pin,omitempty"`
}

// ActionRequired says what an operator must supply before the flow can go on.
type ActionRequired struct {
	// Code is machine-readable (see the Action* constants).
	Code string `json:"code"`
	// Message tells the operator, in a sentence or two, what to supply.
	Message string `json:"message"`
	// Fields are the Corrected fields the operator is asked for (FieldAccountNumber, …). All of
	// them resolve the action; for a confirmable action any one of them does.
	Fields []string `json:"fields,omitempty"`
	// Confirmable means Corrected{Confirm: true} also resolves it: go on with the data as it is.
	Confirmable bool `json:"confirmable,omitempty"`
	// Errors are the Bandwidth errors behind the action, when there are any.
	Errors []BandwidthError `json:"errors,omitempty"`
	// PortOrder is the port order the action belongs to.
	PortOrder string    `json:"port_order,omitempty"`
	Since     time.Time `json:"since"`
	// Resume is the step the port order takes once the action is resolved.
	Resume ResumeStep `json:"resume"`
}

// ResumeStep is what a port order does once its ActionRequired is resolved.
type ResumeStep string

// Resume steps.
const (
	ResumeCreateCsr      ResumeStep = "create_csr"
	ResumeUpdateCsr      ResumeStep = "update_csr"
	ResumeWithoutCsr     ResumeStep = "without_csr"
	ResumeCreatePortIn   ResumeStep = "create_port_in"
	ResumeSupp           ResumeStep = "supp"
	ResumeUploadDocument ResumeStep = "upload_documents"
)

// Action codes: why a request is action_required.
const (
	ActionAccountDetailsRequired = "account_details_required"
	ActionCsrInformationRequired = "csr_information_required"
	ActionCsrUnavailable         = "csr_unavailable"
	ActionDocumentsRejected      = "documents_rejected"
)

// PortOrder is one Bandwidth port-in: the numbers of a request that share a losing carrier and
// a port type.
type PortOrder struct {
	// ID is "{requestID}-{n}" and is also the Bandwidth CustomerOrderId, so a retried create
	// finds the existing order instead of making a second one.
	ID            string      `json:"id"`
	Carrier       Carrier     `json:"carrier"`
	PortType      string      `json:"port_type"`
	Numbers       []string    `json:"numbers"`
	BillingNumber string      `json:"billing_number"`
	Status        OrderStatus `json:"status"`
	StatusSince   time.Time   `json:"status_since"`
	Csr           CsrLookup   `json:"csr"`
	// Address is the service address sent (or to be sent) to Bandwidth and where it came from.
	Address       AddressParts  `json:"address"`
	AddressSource AddressSource `json:"address_source,omitempty"`
	// NameSource says whose subscriber name is sent: the customer's or the CSR's.
	NameSource AddressSource `json:"name_source,omitempty"`
	// AccountNumber is the account number sent: the CSR's when it has one, else the customer's.
	AccountNumber Secret `json:"account_number,omitempty"`
	// SendAccountDetails is set when WirelessInfo (account number, PIN) must go on the port-in:
	// wireless carriers, carriers that require an account number, and after a carrier asked.
	SendAccountDetails bool             `json:"send_account_details,omitempty"`
	BandwidthOrderID   string           `json:"bandwidth_order_id,omitempty"`
	ProcessingStatus   string           `json:"processing_status,omitempty"`
	ActualFocDate      time.Time        `json:"actual_foc_date,omitzero"`
	LastModified       time.Time        `json:"last_modified,omitzero"`
	Errors             []BandwidthError `json:"errors,omitempty"`
	CompletedNumbers   []string         `json:"completed_numbers,omitempty"`
	// Submitted is the data last sent to Bandwidth (create or SUPP), PIN removed; a SUPP sends
	// only what differs from it.
	Submitted *PortInPlan `json:"submitted,omitempty"`
	// InFlightSupp is the SUPP sent and not yet taken by Bandwidth (PIN removed); it is folded
	// into Submitted once Bandwidth shows the order moving on.
	InFlightSupp *SuppPlan `json:"in_flight_supp,omitempty"`
	// PendingSupp is a SUPP Bandwidth asked to retry later; CheckDue resends it at RetryAt.
	PendingSupp *SuppPlan `json:"pending_supp,omitempty"`
	// RetryAt is when a create or SUPP that Bandwidth asked to retry later is resent.
	RetryAt time.Time `json:"retry_at,omitzero"`
	// CsrRemediationUsed: the one automatic SUPP with the CSR's address and name has been sent.
	CsrRemediationUsed bool `json:"csr_remediation_used,omitempty"`
	// PartialPortRemediationUsed: the one automatic SUPP setting PartialPort has been sent.
	PartialPortRemediationUsed bool `json:"partial_port_remediation_used,omitempty"`
	// FocRecomputations counts automatic FOC date corrections (bounded by maxFocRecomputations).
	FocRecomputations  int             `json:"foc_recomputations,omitempty"`
	DocumentsUploaded  []string        `json:"documents_uploaded,omitempty"`
	Action             *ActionRequired `json:"action,omitempty"`
	CancelRequested    bool            `json:"cancel_requested,omitempty"`
	StatusBeforeCancel OrderStatus     `json:"status_before_cancel,omitempty"`
	// CancelRefusal explains why Bandwidth refused to cancel, for the operator.
	CancelRefusal string          `json:"cancel_refusal,omitempty"`
	Activation    ActivationState `json:"activation"`
	LastNote      string          `json:"last_note,omitempty"`
	// InBulk marks a draft child of the request's bulk port-in that is being prepared (CSR,
	// then a SUPP of the detached draft) and goes to Bandwidth with the bulk's submission. A
	// child that needs an operator leaves the bulk and is ported on its own (see bulk.go).
	InBulk bool `json:"in_bulk,omitempty"`
	// BulkOrderID is the Bandwidth bulk port-in the order was submitted with.
	BulkOrderID string `json:"bulk_order_id,omitempty"`
	// Account is the account of the order's numbers when they carry their own (CSV intake).
	Account *NumberAccount `json:"account,omitempty"`
}

// AddressSource says where an address or name came from.
type AddressSource string

// Address sources.
const (
	SourceCustomer AddressSource = "customer"
	SourceCsr      AddressSource = "csr"
	SourceOperator AddressSource = "operator"
)

// ActivationState tracks on-demand activation of a port order.
type ActivationState struct {
	// ScheduledFor is when portflow will activate on the FOC day (ScheduleActivation issued).
	ScheduledFor time.Time `json:"scheduled_for,omitzero"`
	// RequestedAt is when ActivatePortIn was issued.
	RequestedAt time.Time `json:"requested_at,omitzero"`
	// Error is Bandwidth's last refusal, in words.
	Error string `json:"error,omitempty"`
}

// CsrOutcome is how a CSR lookup ended.
type CsrOutcome string

// CSR outcomes.
const (
	CsrOutcomeComplete       CsrOutcome = "complete"
	CsrOutcomeFailed         CsrOutcome = "failed"
	CsrOutcomeActionRequired CsrOutcome = "action_required"
	CsrOutcomeTimedOut       CsrOutcome = "timed_out"
)

// CsrLookup is the CSR order of a port order and what came of it.
type CsrLookup struct {
	OrderID      string            `json:"order_id,omitempty"`
	Status       string            `json:"status,omitempty"`
	RequestedAt  time.Time         `json:"requested_at,omitzero"`
	Deadline     time.Time         `json:"deadline,omitzero"`
	ReconcileAt  time.Time         `json:"reconcile_at,omitzero"`
	Outcome      CsrOutcome        `json:"outcome,omitempty"`
	Data         *CsrData          `json:"data,omitempty"`
	Differences  []FieldDifference `json:"differences,omitempty"`
	Errors       []BandwidthError  `json:"errors,omitempty"`
	LastModified time.Time         `json:"last_modified,omitzero"`
}

// CsrData is what a COMPLETE CSR says about the account at the losing carrier (CsrData, with the
// service address already parsed into parts by the caller).
type CsrData struct {
	CustomerName    string       `json:"customer_name,omitempty"`
	AccountNumber   Secret       `json:"account_number,omitempty"`
	Address         AddressParts `json:"address"`
	UnparsedAddress string       `json:"unparsed_address,omitempty"`
	WorkingNumbers  []string     `json:"working_numbers,omitempty"`
}

// Intake is what a new port request is made from.
type Intake struct {
	ID                   string
	CustomerOrderID      string
	Numbers              []string
	BillingNumber        string
	Subscriber           Subscriber
	ServiceAddress       Address
	ServiceAddressParts  AddressParts
	AccountNumber        Secret
	PIN                  Secret
	LoaAuthorizingPerson string
	FocWish              *Date
	Activation           Activation
	Documents            []string
	Policy               Policy
	// NumberAccounts holds per-number account data (billing number, account number, PIN) by
	// number; numbers without an entry use the request's.
	NumberAccounts map[string]NumberAccount
}

// MaxNumbers caps a request: one Bandwidth bulk port-in's TN list takes at most 20,000 numbers
// (PROTOCOL §7.1). Requests above Policy.BulkThreshold numbers go through a bulk port-in.
const MaxNumbers = 20000

// ValidationError lists everything wrong with an Intake, one problem per field.
type ValidationError struct {
	Problems []FieldProblem
}

// FieldProblem is one invalid field: a JSON Pointer into the request body, a code, a sentence.
type FieldProblem struct {
	Pointer string
	Code    string
	Message string
}

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		msgs[i] = p.Pointer + ": " + p.Message
	}
	return "invalid port request: " + strings.Join(msgs, "; ")
}

var (
	uuidPattern        = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	nanpPattern        = regexp.MustCompile(`^[2-9][0-9]{2}[2-9][0-9]{6}$`)
	customerOrderIDPat = regexp.MustCompile(`^[A-Za-z0-9 -]{1,40}$`)
	stateCodePattern   = regexp.MustCompile(`^[A-Z]{2}$`)
	zipPattern         = regexp.MustCompile(`^[0-9]{5}$`)
)

// Bandwidth's subscriber name limits (7324, 7355, 7356).
const maxSubscriberNameLen = 25

// NewPortRequest validates an intake and returns the request in status received. now is the
// intake time. Every problem is reported at once (*ValidationError).
func NewPortRequest(in Intake, now time.Time) (PortRequest, error) {
	var v validator
	if !uuidPattern.MatchString(in.ID) {
		v.add("/id", "invalid", "must be a UUID")
	}
	if in.CustomerOrderID != "" && !customerOrderIDPat.MatchString(in.CustomerOrderID) {
		v.add("/customer_order_id", "invalid", "may hold only letters, digits, dashes and spaces, at most 40")
	}
	switch {
	case len(in.Numbers) == 0:
		v.add("/numbers", "required", "at least one number is required")
	case len(in.Numbers) > MaxNumbers:
		v.add("/numbers", "too_many", fmt.Sprintf("at most %d numbers per request", MaxNumbers))
	}
	seen := map[string]bool{}
	for i, tn := range in.Numbers {
		ptr := fmt.Sprintf("/numbers/%d", i)
		switch {
		case !nanpPattern.MatchString(tn):
			v.add(ptr, "invalid", "must be a 10-digit North American number")
		case seen[tn]:
			v.add(ptr, "duplicate", "number listed twice")
		}
		seen[tn] = true
	}
	billing := in.BillingNumber
	if billing == "" && len(in.Numbers) > 0 {
		billing = in.Numbers[0]
	}
	if !nanpPattern.MatchString(billing) {
		v.add("/billing_number", "invalid", "must be a 10-digit North American number")
	}
	validateSubscriber(&v, "/subscriber", in.Subscriber)
	validateAddress(&v, "/service_address", in.ServiceAddressParts)
	if strings.TrimSpace(in.LoaAuthorizingPerson) == "" {
		v.add("/loa_authorizing_person", "required", "the person who signed the letter of authorization is required")
	}
	if in.FocWish != nil {
		today := DateOf(now.In(eastern))
		switch {
		case in.FocWish.Before(today.AddDays(1)):
			v.add("/requested_foc_date", "too_soon", "must be a future date")
		case today.AddDays(maxFocDaysOut).Before(*in.FocWish):
			v.add("/requested_foc_date", "too_far", fmt.Sprintf("must be within %d days (Bandwidth 7210)", maxFocDaysOut))
		}
	}
	validateActivation(&v, in.Activation)
	policy := in.Policy
	switch policy.OnCsrFailure {
	case "":
		policy.OnCsrFailure = CsrProceed
	case CsrProceed, CsrHold:
	default:
		v.add("/policy/on_csr_failure", "invalid", "must be proceed or hold")
	}
	if policy.CsrTimeout == 0 {
		policy.CsrTimeout = DefaultCsrTimeout
	} else if policy.CsrTimeout < 0 {
		v.add("/policy/csr_timeout", "invalid", "must be positive")
	}
	if len(v.problems) > 0 {
		return PortRequest{}, &ValidationError{Problems: v.problems}
	}

	numbers := make([]NumberState, len(in.Numbers))
	for i, tn := range in.Numbers {
		numbers[i] = NumberState{TN: tn, Status: NumberPending}
		if acct, ok := in.NumberAccounts[tn]; ok {
			numbers[i].Account = &acct
		}
	}
	activation := in.Activation
	if activation.Mode == "" {
		activation.Mode = ActivationScheduled
	}
	return PortRequest{
		ID:                   strings.ToLower(in.ID),
		CustomerOrderID:      in.CustomerOrderID,
		Numbers:              numbers,
		BillingNumber:        billing,
		Subscriber:           in.Subscriber,
		ServiceAddress:       in.ServiceAddress,
		ServiceAddressParts:  in.ServiceAddressParts,
		AccountNumber:        in.AccountNumber,
		PIN:                  in.PIN,
		LoaAuthorizingPerson: strings.Join(strings.Fields(in.LoaAuthorizingPerson), " "),
		FocWish:              in.FocWish,
		Activation:           activation,
		Documents:            append([]string(nil), in.Documents...),
		Policy:               policy,
		Status:               StatusReceived,
		NextCheckAt:          now.Add(checkSoon),
		Version:              1,
		CreatedAt:            now,
		UpdatedAt:            now,
	}, nil
}

type validator struct{ problems []FieldProblem }

func (v *validator) add(ptr, code, msg string) {
	v.problems = append(v.problems, FieldProblem{Pointer: ptr, Code: code, Message: msg})
}

func validateSubscriber(v *validator, ptr string, s Subscriber) {
	long := func(field, value string) {
		if utf8.RuneCountInString(value) > maxSubscriberNameLen {
			v.add(ptr+"/"+field, "too_long", fmt.Sprintf("at most %d characters (Bandwidth limit)", maxSubscriberNameLen))
		}
	}
	switch s.Type {
	case SubscriberBusiness:
		if strings.TrimSpace(s.BusinessName) == "" {
			v.add(ptr+"/business_name", "required", "a business subscriber needs a business name")
		}
		long("business_name", s.BusinessName)
	case SubscriberResidential:
		if strings.TrimSpace(s.LastName) == "" {
			v.add(ptr+"/last_name", "required", "a residential subscriber needs a last name")
		}
		if s.BusinessName != "" {
			v.add(ptr+"/business_name", "not_allowed", "a residential subscriber may not have a business name (Bandwidth 7211)")
		}
	default:
		v.add(ptr+"/type", "invalid", "must be business or residential")
	}
	long("first_name", s.FirstName)
	long("last_name", s.LastName)
}

func validateAddress(v *validator, ptr string, a AddressParts) {
	if a.HouseNumber == "" {
		v.add(ptr, "unparsed", "the street line needs a house number")
	}
	if a.StreetName == "" {
		v.add(ptr, "unparsed", "the street line needs a street name")
	}
	if a.City == "" {
		v.add(ptr+"/city", "required", "city is required")
	}
	if !stateCodePattern.MatchString(a.StateCode) {
		v.add(ptr+"/state", "invalid", "must be a two-letter state code")
	}
	if !zipPattern.MatchString(a.Zip) {
		v.add(ptr+"/zip", "invalid", "must be a 5-digit ZIP code")
	}
}

func validateActivation(v *validator, a Activation) {
	switch a.Mode {
	case "", ActivationScheduled:
		if a.At != nil {
			v.add("/activation/at", "not_allowed", "a time is only used with on_demand activation; scheduled ports activate at 11:30 ET")
		}
	case ActivationOnDemand:
		if a.At != nil {
			m := a.At.minutes()
			if a.At.Hour < 0 || a.At.Hour > 23 || a.At.Minute < 0 || a.At.Minute > 59 {
				v.add("/activation/at", "invalid", "must be a time of day HH:MM")
			} else if m < activationWindowStart.minutes() || m > activationWindowEnd.minutes() {
				v.add("/activation/at", "outside_window", fmt.Sprintf("must be between %s and %s Eastern Time", activationWindowStart, activationWindowEnd))
			}
		}
	default:
		v.add("/activation/mode", "invalid", "must be scheduled or on_demand")
	}
}

// order returns the port order with id, or nil.
func (r *PortRequest) order(id string) *PortOrder {
	for i := range r.Orders {
		if r.Orders[i].ID == id {
			return &r.Orders[i]
		}
	}
	return nil
}

// number returns the number state of tn, or nil.
func (r *PortRequest) number(tn string) *NumberState {
	for i := range r.Numbers {
		if r.Numbers[i].TN == tn {
			return &r.Numbers[i]
		}
	}
	return nil
}

// clone returns a deep copy, so Decide never mutates its input.
func (r PortRequest) clone() PortRequest {
	c := r
	c.Numbers = append([]NumberState(nil), r.Numbers...)
	c.Documents = append([]string(nil), r.Documents...)
	c.FocWish = clonePtr(r.FocWish)
	c.Activation.At = clonePtr(r.Activation.At)
	c.Action = r.Action.clone()
	if r.Orders != nil {
		c.Orders = make([]PortOrder, len(r.Orders))
		for i, o := range r.Orders {
			c.Orders[i] = o.clone()
		}
	}
	return c
}

func (o PortOrder) clone() PortOrder {
	c := o
	c.Numbers = append([]string(nil), o.Numbers...)
	c.Errors = cloneErrors(o.Errors)
	c.CompletedNumbers = append([]string(nil), o.CompletedNumbers...)
	c.DocumentsUploaded = append([]string(nil), o.DocumentsUploaded...)
	c.Action = o.Action.clone()
	c.Csr.Errors = cloneErrors(o.Csr.Errors)
	c.Csr.Differences = append([]FieldDifference(nil), o.Csr.Differences...)
	if o.Csr.Data != nil {
		d := *o.Csr.Data
		d.WorkingNumbers = append([]string(nil), d.WorkingNumbers...)
		c.Csr.Data = &d
	}
	if o.Submitted != nil {
		p := o.Submitted.clone()
		c.Submitted = &p
	}
	if o.PendingSupp != nil {
		p := o.PendingSupp.clone()
		c.PendingSupp = &p
	}
	if o.InFlightSupp != nil {
		p := o.InFlightSupp.clone()
		c.InFlightSupp = &p
	}
	return c
}

func (a *ActionRequired) clone() *ActionRequired {
	if a == nil {
		return nil
	}
	c := *a
	c.Fields = append([]string(nil), a.Fields...)
	c.Errors = cloneErrors(a.Errors)
	return &c
}

func cloneErrors(errs []BandwidthError) []BandwidthError {
	if errs == nil {
		return nil
	}
	c := make([]BandwidthError, len(errs))
	for i, e := range errs {
		c[i] = e
		c[i].Numbers = append([]string(nil), e.Numbers...)
	}
	return c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
