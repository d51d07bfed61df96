package api

// This file holds the API's response shapes. They are written out field by field from the
// domain types rather than serializing them, so the wire format changes only when this file
// does, and secrets pass through secrets.Mask on the way.

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/secrets"
	"github.com/portflow/portflow/internal/store"
)

// portRequestView is a port request as GET /v1/port-requests/{id} returns it.
type portRequestView struct {
	ID              string           `json:"id"`
	CustomerOrderID string           `json:"customer_order_id,omitempty"`
	Status          string           `json:"status"`
	StatusReason    string           `json:"status_reason,omitempty"`
	ActionRequired  *actionView      `json:"action_required,omitempty"`
	NumberCount     int              `json:"number_count"`
	NumberCounts    numberCountsView `json:"number_counts"`
	// PhoneNumbers lists the numbers inline only up to inlineNumbers of them; above, it is left
	// out and the numbers are paged on links.numbers.
	PhoneNumbers           []numberView        `json:"phone_numbers,omitempty"`
	BillingTelephoneNumber string              `json:"billing_telephone_number"`
	Subscriber             subscriberView      `json:"subscriber"`
	ServiceAddress         addressView         `json:"service_address"`
	AccountNumber          string              `json:"account_number,omitempty"`
	PIN                    string              `json:"pin,omitempty"`
	LoaAuthorizingPerson   string              `json:"loa_authorizing_person"`
	RequestedFocDate       string              `json:"requested_foc_date,omitempty"`
	Activation             activationView      `json:"activation"`
	DocumentIDs            []string            `json:"document_ids"`
	Csr                    *csrView            `json:"csr,omitempty"`
	ServiceAddressUsed     *addressUsedView    `json:"service_address_used,omitempty"`
	PortOrders             []portOrderView     `json:"port_orders"`
	Bulk                   *bulkView           `json:"bulk"`
	Timeline               []timelineEntryView `json:"timeline"`
	// TimelineNextCursor continues the timeline on /events when it was longer than embedded.
	TimelineNextCursor *string    `json:"timeline_next_cursor"`
	CancelRequestedAt  *time.Time `json:"cancel_requested_at,omitempty"`
	Version            int64      `json:"version"`
	CreatedAt          time.Time  `json:"created_at"`
	UpdatedAt          time.Time  `json:"updated_at"`
	Links              linksView  `json:"links"`
}

// inlineNumbers is the most numbers GET /v1/port-requests/{id} lists inline (in phone_numbers
// and in each port order's phone_numbers); a larger request's numbers are paged on /numbers.
const inlineNumbers = 1000

type numberCountsView struct {
	Pending   int `json:"pending"`
	Porting   int `json:"porting"`
	Completed int `json:"completed"`
	Failed    int `json:"failed"`
	Cancelled int `json:"cancelled"`
}

// linksView points at a request's own resources.
type linksView struct {
	Self    string `json:"self"`
	Numbers string `json:"numbers"`
	Events  string `json:"events"`
}

func linksOf(id string) linksView {
	self := "/v1/port-requests/" + id
	return linksView{Self: self, Numbers: self + "/numbers", Events: self + "/events"}
}

// bulkSummaryView is a request's Bandwidth bulk port-in as the summary shows it.
type bulkSummaryView struct {
	BandwidthOrderID *string `json:"bandwidth_order_id"`
	Step             string  `json:"step"`
	// Status is Bandwidth's processing status of the bulk port-in.
	Status *string `json:"status"`
}

// bulkView is the bulk port-in in the full view.
type bulkView struct {
	bulkSummaryView
	Errors      []bandwidthErrorView `json:"errors"`
	CreatedAt   *time.Time           `json:"created_at"`
	SubmittedAt *time.Time           `json:"submitted_at"`
}

// portRequestSummaryView is GET /v1/port-requests/{id}?view=summary: the request's plain
// columns, its numbers counted by status and its port orders, without its numbers or personal data.
type portRequestSummaryView struct {
	ID              string                 `json:"id"`
	CustomerOrderID string                 `json:"customer_order_id,omitempty"`
	Status          string                 `json:"status"`
	StatusReason    string                 `json:"status_reason,omitempty"`
	ActionCode      string                 `json:"action_code,omitempty"`
	Version         int64                  `json:"version"`
	NumberCount     int                    `json:"number_count"`
	NumberCounts    numberCountsView       `json:"number_counts"`
	Bulk            *bulkSummaryView       `json:"bulk"`
	PortOrders      []portOrderSummaryView `json:"port_orders"`
	CreatedAt       time.Time              `json:"created_at"`
	UpdatedAt       time.Time              `json:"updated_at"`
	Links           linksView              `json:"links"`
}

type portOrderSummaryView struct {
	ID               string              `json:"id"`
	Status           string              `json:"status"`
	BandwidthOrderID *string             `json:"bandwidth_order_id"`
	ProcessingStatus *string             `json:"processing_status"`
	LosingCarrier    *carrierSummaryView `json:"losing_carrier"`
	PortType         string              `json:"port_type,omitempty"`
	ActualFocDate    *time.Time          `json:"actual_foc_date"`
	NumberCount      int                 `json:"number_count"`
}

type carrierSummaryView struct {
	Name string `json:"name"`
	SPID string `json:"spid"`
}

// numberPageView is a page of GET /v1/port-requests/{id}/numbers.
type numberPageView struct {
	Data       []numberItemView `json:"data"`
	NextCursor *string          `json:"next_cursor"`
}

type numberItemView struct {
	PhoneNumber string  `json:"phone_number"`
	Status      string  `json:"status"`
	Reason      string  `json:"reason"`
	PortOrderID *string `json:"port_order_id"`
}

type actionView struct {
	Code        string               `json:"code"`
	Message     string               `json:"message"`
	Fields      []string             `json:"fields"`
	Confirmable bool                 `json:"confirmable"`
	Errors      []bandwidthErrorView `json:"errors"`
	PortOrderID string               `json:"port_order_id,omitempty"`
	Since       time.Time            `json:"since"`
}

type bandwidthErrorView struct {
	Code         string   `json:"code"`
	Description  string   `json:"description"`
	PhoneNumbers []string `json:"phone_numbers,omitempty"`
}

type numberView struct {
	Number      string `json:"number"`
	Status      string `json:"status"`
	Reason      string `json:"reason,omitempty"`
	PortOrderID string `json:"port_order_id,omitempty"`
}

type subscriberView struct {
	Type         string `json:"type"`
	BusinessName string `json:"business_name,omitempty"`
	FirstName    string `json:"first_name,omitempty"`
	LastName     string `json:"last_name,omitempty"`
}

type addressView struct {
	Line1 string `json:"line1"`
	Line2 string `json:"line2,omitempty"`
	City  string `json:"city"`
	State string `json:"state"`
	Zip   string `json:"zip"`
}

// addressPartsView is an address in the parts Bandwidth's port-in carries, with the lines
// rendered for display.
type addressPartsView struct {
	addressView
	HousePrefix     string `json:"house_prefix,omitempty"`
	HouseNumber     string `json:"house_number"`
	HouseSuffix     string `json:"house_suffix,omitempty"`
	PreDirectional  string `json:"pre_directional,omitempty"`
	StreetName      string `json:"street_name"`
	StreetSuffix    string `json:"street_suffix,omitempty"`
	PostDirectional string `json:"post_directional,omitempty"`
}

type addressUsedView struct {
	addressPartsView
	// Source is csr when the losing carrier's record supplied the address, customer when the
	// caller's own address was sent (as given at creation or corrected later).
	Source string `json:"source"`
	// Corrected is set when the address came from a correction (PATCH).
	Corrected bool `json:"corrected,omitempty"`
}

type activationView struct {
	Mode string `json:"mode"`
	At   string `json:"at,omitempty"`
}

type csrView struct {
	Status          string               `json:"status,omitempty"`
	OrderID         string               `json:"order_id,omitempty"`
	Outcome         string               `json:"outcome,omitempty"`
	CustomerName    string               `json:"customer_name,omitempty"`
	AccountNumber   string               `json:"account_number,omitempty"`
	ServiceAddress  *addressPartsView    `json:"service_address,omitempty"`
	UnparsedAddress string               `json:"unparsed_address,omitempty"`
	Differences     []differenceView     `json:"differences"`
	Errors          []bandwidthErrorView `json:"errors"`
}

type differenceView struct {
	Field    string `json:"field"`
	Customer string `json:"customer"`
	Csr      string `json:"csr"`
}

type portOrderView struct {
	ID                   string               `json:"id"`
	Status               string               `json:"status"`
	NumberCount          int                  `json:"number_count"`
	PhoneNumbers         []string             `json:"phone_numbers,omitempty"`
	InBulk               bool                 `json:"in_bulk"`
	BulkOrderID          *string              `json:"bulk_order_id"`
	LosingCarrier        *carrierView         `json:"losing_carrier,omitempty"`
	PortType             string               `json:"port_type,omitempty"`
	BandwidthOrderID     *string              `json:"bandwidth_order_id"`
	ProcessingStatus     *string              `json:"processing_status"`
	FocDate              *time.Time           `json:"foc_date"`
	RequestedFocDate     *time.Time           `json:"requested_foc_date,omitempty"`
	LoaAuthorizingPerson string               `json:"loa_authorizing_person,omitempty"`
	Errors               []bandwidthErrorView `json:"errors"`
	ActionRequired       *actionView          `json:"action_required,omitempty"`
	Csr                  *csrView             `json:"csr,omitempty"`
	ServiceAddressUsed   *addressUsedView     `json:"service_address_used,omitempty"`
	Activation           *portActivationView  `json:"activation,omitempty"`
	CancelRefusal        string               `json:"cancel_refusal,omitempty"`
	LastNote             string               `json:"last_note,omitempty"`
	StatusSince          time.Time            `json:"status_since"`
}

type carrierView struct {
	Name       string `json:"name"`
	SPID       string `json:"spid"`
	IsWireless bool   `json:"is_wireless"`
}

type portActivationView struct {
	ScheduledFor *time.Time `json:"scheduled_for,omitempty"`
	RequestedAt  *time.Time `json:"requested_at,omitempty"`
	Error        string     `json:"error,omitempty"`
}

type timelineEntryView struct {
	ID          int64           `json:"id"`
	At          time.Time       `json:"at"`
	From        string          `json:"from"`
	To          string          `json:"to"`
	Reason      string          `json:"reason"`
	Cause       string          `json:"cause"`
	PortOrderID string          `json:"port_order_id,omitempty"`
	Actor       string          `json:"actor"`
	Evidence    json.RawMessage `json:"evidence,omitempty"`
}

// summaryView is a port request as listed.
type summaryView struct {
	ID               string    `json:"id"`
	CustomerOrderID  string    `json:"customer_order_id,omitempty"`
	Status           string    `json:"status"`
	StatusReason     string    `json:"status_reason,omitempty"`
	ActionCode       string    `json:"action_code,omitempty"`
	PhoneNumberCount int       `json:"phone_number_count"`
	Version          int64     `json:"version"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
}

type listView struct {
	Data       []summaryView `json:"data"`
	NextCursor *string       `json:"next_cursor"`
}

type eventsView struct {
	Data       []timelineEntryView `json:"data"`
	NextCursor *string             `json:"next_cursor"`
	// ResumeCursor lets a client that has read everything poll for newer entries only.
	ResumeCursor *string `json:"resume_cursor"`
}

type documentView struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	ContentType string `json:"content_type"`
	FileName    string `json:"file_name,omitempty"`
	SizeBytes   int    `json:"size_bytes"`
}

type documentCreatedView struct {
	Document    documentView    `json:"document"`
	PortRequest portRequestView `json:"port_request"`
}

// apiFieldNames translates the domain's field names (in action_required.fields) to the names a
// client sends in a PATCH.
var apiFieldNames = map[string]string{
	order.FieldBillingNumber: "billing_telephone_number",
}

func apiFieldName(f string) string {
	if n, ok := apiFieldNames[f]; ok {
		return n
	}
	return f
}

// viewOf builds the response for a request with its (first page of the) timeline.
func viewOf(r order.PortRequest, timeline []store.TimelineEntry, timelineNext string) portRequestView {
	v := portRequestView{
		ID:                     r.ID,
		CustomerOrderID:        r.CustomerOrderID,
		Status:                 string(r.Status),
		StatusReason:           r.StatusReason,
		ActionRequired:         actionViewOf(r.Action),
		NumberCount:            len(r.Numbers),
		BillingTelephoneNumber: r.BillingNumber,
		Subscriber: subscriberView{
			Type: string(r.Subscriber.Type), BusinessName: r.Subscriber.BusinessName,
			FirstName: r.Subscriber.FirstName, LastName: r.Subscriber.LastName,
		},
		ServiceAddress: addressView{
			Line1: r.ServiceAddress.Line1, Line2: r.ServiceAddress.Line2, City: r.ServiceAddress.City,
			State: r.ServiceAddress.State, Zip: r.ServiceAddress.Zip,
		},
		AccountNumber:        secrets.Mask(r.AccountNumber.Reveal()),
		PIN:                  secrets.Mask(r.PIN.Reveal()),
		LoaAuthorizingPerson: r.LoaAuthorizingPerson,
		Activation:           activationView{Mode: string(r.Activation.Mode)},
		DocumentIDs:          append([]string{}, r.Documents...),
		PortOrders:           make([]portOrderView, len(r.Orders)),
		Timeline:             make([]timelineEntryView, 0, len(timeline)),
		Version:              r.Version,
		CreatedAt:            r.CreatedAt,
		UpdatedAt:            r.UpdatedAt,
		Bulk:                 bulkViewOf(r.Bulk),
		Links:                linksOf(r.ID),
	}
	inline := len(r.Numbers) <= inlineNumbers
	if inline {
		v.PhoneNumbers = make([]numberView, len(r.Numbers))
	}
	for i, n := range r.Numbers {
		countNumber(&v.NumberCounts, string(n.Status))
		if inline {
			v.PhoneNumbers[i] = numberView{Number: n.TN, Status: string(n.Status), Reason: n.Reason, PortOrderID: n.PortOrder}
		}
	}
	if r.FocWish != nil {
		v.RequestedFocDate = r.FocWish.String()
	}
	if r.Activation.At != nil {
		v.Activation.At = r.Activation.At.String()
	}
	if !r.CancelRequestedAt.IsZero() {
		v.CancelRequestedAt = &r.CancelRequestedAt
	}
	for i, o := range r.Orders {
		v.PortOrders[i] = portOrderViewOf(o, inline)
	}
	// The request-level csr and service_address_used are those of the port order holding the
	// billing number (the account's main line); each port order also carries its own.
	if main := mainPortOrder(r); main != nil {
		v.Csr = v.PortOrders[*main].Csr
		v.ServiceAddressUsed = v.PortOrders[*main].ServiceAddressUsed
	}
	for _, e := range timeline {
		v.Timeline = append(v.Timeline, timelineEntryOf(e, false))
	}
	if timelineNext != "" {
		v.TimelineNextCursor = &timelineNext
	}
	return v
}

func mainPortOrder(r order.PortRequest) *int {
	if len(r.Orders) == 0 {
		return nil
	}
	for i, o := range r.Orders {
		if o.BillingNumber == r.BillingNumber {
			return &i
		}
		for _, tn := range o.Numbers {
			if tn == r.BillingNumber {
				return &i
			}
		}
	}
	first := 0
	return &first
}

func actionViewOf(a *order.ActionRequired) *actionView {
	if a == nil {
		return nil
	}
	v := &actionView{
		Code: a.Code, Message: a.Message, Confirmable: a.Confirmable, Fields: make([]string, len(a.Fields)),
		Errors: bandwidthErrorsOf(a.Errors), PortOrderID: a.PortOrder, Since: a.Since,
	}
	for i, f := range a.Fields {
		v.Fields[i] = apiFieldName(f)
	}
	return v
}

func bandwidthErrorsOf(errs []order.BandwidthError) []bandwidthErrorView {
	out := make([]bandwidthErrorView, len(errs))
	for i, e := range errs {
		out[i] = bandwidthErrorView{Code: e.Code, Description: e.Description, PhoneNumbers: e.Numbers}
	}
	return out
}

// portOrderViewOf builds a port order's view; inline says whether its numbers are listed.
func portOrderViewOf(o order.PortOrder, inline bool) portOrderView {
	v := portOrderView{
		ID:               o.ID,
		Status:           string(o.Status),
		NumberCount:      len(o.Numbers),
		InBulk:           o.InBulk,
		BulkOrderID:      optional(o.BulkOrderID),
		PortType:         o.PortType,
		BandwidthOrderID: optional(o.BandwidthOrderID),
		ProcessingStatus: optional(o.ProcessingStatus),
		FocDate:          optionalTime(o.ActualFocDate),
		Errors:           bandwidthErrorsOf(o.Errors),
		ActionRequired:   actionViewOf(o.Action),
		CancelRefusal:    o.CancelRefusal,
		LastNote:         o.LastNote,
		StatusSince:      o.StatusSince,
	}
	if inline {
		v.PhoneNumbers = append([]string{}, o.Numbers...)
	}
	if o.Carrier.SPID != "" || o.Carrier.Name != "" {
		v.LosingCarrier = &carrierView{Name: o.Carrier.Name, SPID: o.Carrier.SPID, IsWireless: o.Carrier.IsWireless}
	}
	if o.Submitted != nil {
		v.RequestedFocDate = optionalTime(o.Submitted.RequestedFocDate)
		v.LoaAuthorizingPerson = o.Submitted.LoaAuthorizingPerson
	}
	if o.Csr.OrderID != "" || o.Csr.Status != "" || o.Csr.Outcome != "" {
		v.Csr = csrViewOf(o.Csr)
	}
	if o.Address.Complete() && o.AddressSource != "" {
		used := &addressUsedView{addressPartsView: partsViewOf(o.Address), Source: "customer"}
		switch o.AddressSource {
		case order.SourceCsr:
			used.Source = "csr"
		case order.SourceOperator:
			used.Corrected = true
		}
		v.ServiceAddressUsed = used
	}
	a := o.Activation
	if !a.ScheduledFor.IsZero() || !a.RequestedAt.IsZero() || a.Error != "" {
		v.Activation = &portActivationView{ScheduledFor: optionalTime(a.ScheduledFor), RequestedAt: optionalTime(a.RequestedAt), Error: a.Error}
	}
	return v
}

func csrViewOf(c order.CsrLookup) *csrView {
	v := &csrView{
		Status: c.Status, OrderID: c.OrderID, Outcome: string(c.Outcome),
		Differences: make([]differenceView, len(c.Differences)), Errors: bandwidthErrorsOf(c.Errors),
	}
	for i, d := range c.Differences {
		v.Differences[i] = differenceView{Field: d.Field, Customer: d.Customer, Csr: d.Csr}
	}
	if d := c.Data; d != nil {
		v.CustomerName = d.CustomerName
		v.AccountNumber = secrets.Mask(d.AccountNumber.Reveal())
		v.UnparsedAddress = d.UnparsedAddress
		if d.Address.Complete() {
			parts := partsViewOf(d.Address)
			v.ServiceAddress = &parts
		}
	}
	return v
}

func partsViewOf(a order.AddressParts) addressPartsView {
	zip := a.Zip
	if a.PlusFour != "" {
		zip += "-" + a.PlusFour
	}
	line1 := joinNonEmpty(a.HousePrefix, a.HouseNumber, a.HouseSuffix, a.PreDirectional, a.StreetName, a.StreetSuffix, a.PostDirectional)
	return addressPartsView{
		addressView: addressView{Line1: line1, Line2: a.AddressLine2, City: a.City, State: a.StateCode, Zip: zip},
		HousePrefix: a.HousePrefix, HouseNumber: a.HouseNumber, HouseSuffix: a.HouseSuffix,
		PreDirectional: a.PreDirectional, StreetName: a.StreetName, StreetSuffix: a.StreetSuffix,
		PostDirectional: a.PostDirectional,
	}
}

// timelineEntryOf converts a stored entry; evidence (the Bandwidth answer behind it, kept free of
// secrets by the orchestrator) is included on /events only, where entries are read one by one.
func timelineEntryOf(e store.TimelineEntry, withEvidence bool) timelineEntryView {
	v := timelineEntryView{
		ID: e.ID, At: e.At, From: e.From, To: e.To, Reason: e.Detail, Cause: e.Cause,
		PortOrderID: e.PortOrder, Actor: e.Actor,
	}
	if withEvidence && len(e.Evidence) > 0 && string(e.Evidence) != "null" {
		v.Evidence = e.Evidence
	}
	return v
}

func summaryOf(s store.Summary) summaryView {
	return summaryView{
		ID: s.ID, CustomerOrderID: s.CustomerOrderID, Status: s.Status, StatusReason: s.StatusReason,
		ActionCode: s.ActionCode, PhoneNumberCount: s.NumberCount, Version: s.Version,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt,
	}
}

// countNumber counts one number of status into c.
func countNumber(c *numberCountsView, status string) {
	switch order.NumberStatus(status) {
	case order.NumberPending:
		c.Pending++
	case order.NumberPorting:
		c.Porting++
	case order.NumberCompleted:
		c.Completed++
	case order.NumberFailed:
		c.Failed++
	case order.NumberCancelled:
		c.Cancelled++
	}
}

func bulkViewOf(b *order.BulkOrder) *bulkView {
	if b == nil {
		return nil
	}
	return &bulkView{
		bulkSummaryView: bulkSummaryView{BandwidthOrderID: optional(b.BandwidthOrderID), Step: string(b.Step), Status: optional(b.ProcessingStatus)},
		Errors:          bandwidthErrorsOf(b.Errors),
		CreatedAt:       optionalTime(b.CreatedAt),
		SubmittedAt:     optionalTime(b.SubmittedAt),
	}
}

// requestSummaryViewOf builds the summary view from the plain tables' summary.
func requestSummaryViewOf(s store.RequestSummary) portRequestSummaryView {
	v := portRequestSummaryView{
		ID: s.ID, CustomerOrderID: s.CustomerOrderID, Status: s.Status, StatusReason: s.StatusReason,
		ActionCode: s.ActionCode, Version: s.Version, NumberCount: s.NumberCount,
		NumberCounts: numberCountsView{
			Pending: s.Counts.Pending, Porting: s.Counts.Porting, Completed: s.Counts.Completed,
			Failed: s.Counts.Failed, Cancelled: s.Counts.Cancelled,
		},
		PortOrders: make([]portOrderSummaryView, len(s.PortOrders)),
		CreatedAt:  s.CreatedAt, UpdatedAt: s.UpdatedAt, Links: linksOf(s.ID),
	}
	if s.Bulk != nil {
		v.Bulk = &bulkSummaryView{BandwidthOrderID: optional(s.Bulk.BandwidthOrderID), Step: s.Bulk.Step, Status: optional(s.Bulk.ProcessingStatus)}
	}
	for i, o := range s.PortOrders {
		ov := portOrderSummaryView{
			ID: o.ID, Status: o.Status, BandwidthOrderID: optional(o.BandwidthOrderID),
			ProcessingStatus: optional(o.ProcessingStatus), PortType: o.PortType,
			ActualFocDate: optionalTime(o.ActualFocDate), NumberCount: o.NumberCount,
		}
		if o.LosingCarrier != "" || o.LosingCarrierSPID != "" {
			ov.LosingCarrier = &carrierSummaryView{Name: o.LosingCarrier, SPID: o.LosingCarrierSPID}
		}
		v.PortOrders[i] = ov
	}
	return v
}

func numberItemViewOf(n store.NumberRow) numberItemView {
	return numberItemView{PhoneNumber: n.PhoneNumber, Status: n.Status, Reason: n.Reason, PortOrderID: optional(n.PortOrderID)}
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func joinNonEmpty(parts ...string) string {
	kept := parts[:0:0]
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, " ")
}
