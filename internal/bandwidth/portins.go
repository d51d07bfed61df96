package bandwidth

import (
	"cmp"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// LnpOrder is the body of POST /portins (PROTOCOL.md §5.2). Elements are written in the order of
// Bandwidth's schema; empty optional fields are omitted.
type LnpOrder struct {
	XMLName xml.Name `xml:"LnpOrder" json:"-"`
	// CustomerOrderID is portflow's own id for the order (≤40 letters, digits, dashes, spaces).
	// Set it always: it is how FindPortInByCustomerOrderID recognizes an order created by an
	// attempt whose answer was lost.
	CustomerOrderID string `xml:"CustomerOrderId,omitempty" json:"customer_order_id,omitempty"`
	// RequestedFocDate: its time part is honoured only for Triggered automated ports.
	RequestedFocDate          Time          `xml:"RequestedFocDate" json:"requested_foc_date"`
	AlternateSpid             string        `xml:"AlternateSpid,omitempty" json:"alternate_spid,omitempty"`
	BillingTelephoneNumber    string        `xml:"BillingTelephoneNumber,omitempty" json:"billing_telephone_number,omitempty"`
	NewBillingTelephoneNumber string        `xml:"NewBillingTelephoneNumber,omitempty" json:"new_billing_telephone_number,omitempty"`
	SiteID                    string        `xml:"SiteId" json:"site_id"`
	PeerID                    string        `xml:"PeerId,omitempty" json:"peer_id,omitempty"`
	Subscriber                *Subscriber   `xml:"Subscriber,omitempty" json:"subscriber,omitempty"`
	LoaAuthorizingPerson      string        `xml:"LoaAuthorizingPerson" json:"loa_authorizing_person"`
	WirelessInfo              *WirelessInfo `xml:"WirelessInfo,omitempty" json:"wireless_info,omitempty"`
	TnAttributes              TnAttributes  `xml:"TnAttributes" json:"tn_attributes,omitempty"`
	ListOfPhoneNumbers        PhoneNumbers  `xml:"ListOfPhoneNumbers" json:"list_of_phone_numbers"`
	PartialPort               *bool         `xml:"PartialPort,omitempty" json:"partial_port,omitempty"`
	// Triggered must be sent on create for a non-default activation time or on-demand
	// activation (automated wireline ports); it cannot reliably be changed by a SUPP.
	Triggered   *bool `xml:"Triggered,omitempty" json:"triggered,omitempty"`
	Immediately *bool `xml:"Immediately,omitempty" json:"immediately,omitempty"`
	// ProcessingStatus may only be DRAFT on create.
	ProcessingStatus string `xml:"ProcessingStatus,omitempty" json:"processing_status,omitempty"`
	TargetRespOrgID  string `xml:"TargetRespOrgId,omitempty" json:"target_resp_org_id,omitempty"`
}

// Subscriber is the end user whose numbers are ported.
type Subscriber struct {
	SubscriberType string         `xml:"SubscriberType,omitempty" json:"subscriber_type,omitempty"`
	BusinessName   string         `xml:"BusinessName,omitempty" json:"business_name,omitempty"`
	FirstName      string         `xml:"FirstName,omitempty" json:"first_name,omitempty"`
	MiddleInitial  string         `xml:"MiddleInitial,omitempty" json:"middle_initial,omitempty"`
	LastName       string         `xml:"LastName,omitempty" json:"last_name,omitempty"`
	ServiceAddress ServiceAddress `xml:"ServiceAddress" json:"service_address"`
}

// ServiceAddress is the port-in service address: parsed parts, StateCode and Zip+PlusFour (the
// CSR uses a different shape; see CsrServiceAddress.PortInAddress).
type ServiceAddress struct {
	// ResetAddressFields (SUPP only) replaces the whole address instead of the sub-fields given.
	ResetAddressFields bool   `xml:"ResetAddressFields,omitempty" json:"reset_address_fields,omitempty"`
	HousePrefix        string `xml:"HousePrefix,omitempty" json:"house_prefix,omitempty"`
	HouseNumber        string `xml:"HouseNumber,omitempty" json:"house_number,omitempty"`
	HouseSuffix        string `xml:"HouseSuffix,omitempty" json:"house_suffix,omitempty"`
	PreDirectional     string `xml:"PreDirectional,omitempty" json:"pre_directional,omitempty"`
	StreetName         string `xml:"StreetName,omitempty" json:"street_name,omitempty"`
	StreetSuffix       string `xml:"StreetSuffix,omitempty" json:"street_suffix,omitempty"`
	PostDirectional    string `xml:"PostDirectional,omitempty" json:"post_directional,omitempty"`
	AddressLine2       string `xml:"AddressLine2,omitempty" json:"address_line2,omitempty"`
	City               string `xml:"City,omitempty" json:"city,omitempty"`
	StateCode          string `xml:"StateCode,omitempty" json:"state_code,omitempty"`
	Zip                string `xml:"Zip,omitempty" json:"zip,omitempty"`
	PlusFour           string `xml:"PlusFour,omitempty" json:"plus_four,omitempty"`
	County             string `xml:"County,omitempty" json:"county,omitempty"`
	// Country is derived by Bandwidth from StateCode; leave it empty when sending.
	Country string `xml:"Country,omitempty" json:"country,omitempty"`
	// AddressType appears in responses ("Service").
	AddressType string `xml:"AddressType,omitempty" json:"address_type,omitempty"`
}

// serviceAddressFields has ServiceAddress's fields without its MarshalXML.
type serviceAddressFields ServiceAddress

// MarshalXML implements xml.Marshaler: an empty address writes nothing, so a SUPP that changes
// only the subscriber's name sends no address element.
func (a ServiceAddress) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if a == (ServiceAddress{}) {
		return nil
	}
	return e.EncodeElement(serviceAddressFields(a), start)
}

// WirelessInfo carries the account number and PIN a wireless losing carrier requires. It sits
// beside Subscriber, never inside it (7481).
type WirelessInfo struct {
	AccountNumber string `xml:"AccountNumber,omitempty" json:"account_number,omitempty"`
	PinNumber     string `xml:"PinNumber,omitempty" json:"pin_number,omitempty"`
}

// OrderStatus is the <Status> of a port-in create/SUPP/cancel reply: an HTTP-like code and
// Bandwidth's sentence about it.
type OrderStatus struct {
	Code        string `xml:"Code" json:"code"`
	Description string `xml:"Description" json:"description"`
}

// LnpOrderResponse is a port-in order as Bandwidth returns it (create, GET, SUPP, cancel).
type LnpOrderResponse struct {
	OrderID string       `xml:"OrderId" json:"order_id,omitempty"`
	Status  *OrderStatus `xml:"Status" json:"status,omitempty"`
	// Errors are the order's errors and warnings. A create can answer 201 with Errors and
	// ProcessingStatus EXCEPTION: the order exists and is fixed by a SUPP.
	Errors                    ErrorList     `xml:"Errors" json:"errors,omitempty"`
	ProcessingStatus          string        `xml:"ProcessingStatus" json:"processing_status"`
	BulkPortinOrderID         string        `xml:"BulkPortinOrderId" json:"bulk_portin_order_id,omitempty"`
	RequestedFocDate          Time          `xml:"RequestedFocDate" json:"requested_foc_date"`
	ActualFocDate             Time          `xml:"ActualFocDate" json:"actual_foc_date"`
	EarliestEstimate          Time          `xml:"EarliestEstimate" json:"earliest_estimate"`
	CustomerOrderID           string        `xml:"CustomerOrderId" json:"customer_order_id,omitempty"`
	LoaAuthorizingPerson      string        `xml:"LoaAuthorizingPerson" json:"loa_authorizing_person,omitempty"`
	Subscriber                *Subscriber   `xml:"Subscriber" json:"subscriber,omitempty"`
	WirelessInfo              *WirelessInfo `xml:"WirelessInfo" json:"wireless_info,omitempty"`
	TnAttributes              []string      `xml:"TnAttributes>TnAttribute" json:"tn_attributes,omitempty"`
	BillingTelephoneNumber    string        `xml:"BillingTelephoneNumber" json:"billing_telephone_number,omitempty"`
	NewBillingTelephoneNumber string        `xml:"NewBillingTelephoneNumber" json:"new_billing_telephone_number,omitempty"`
	ListOfPhoneNumbers        []string      `xml:"ListOfPhoneNumbers>PhoneNumber" json:"list_of_phone_numbers,omitempty"`
	PON                       string        `xml:"PON" json:"pon,omitempty"`
	AlternateSpid             string        `xml:"AlternateSpid" json:"alternate_spid,omitempty"`
	AccountID                 string        `xml:"AccountId" json:"account_id,omitempty"`
	SiteID                    string        `xml:"SiteId" json:"site_id,omitempty"`
	PeerID                    string        `xml:"PeerId" json:"peer_id,omitempty"`
	// Losing-carrier fields are omitted for Enterprise Telephony accounts.
	LosingCarrierSPID        string `xml:"LosingCarrierSPID" json:"losing_carrier_spid,omitempty"`
	LosingCarrierName        string `xml:"LosingCarrierName" json:"losing_carrier_name,omitempty"`
	LosingCarrierIsWireless  Bool   `xml:"LosingCarrierIsWireless" json:"losing_carrier_is_wireless"`
	VendorID                 string `xml:"VendorId" json:"vendor_id,omitempty"`
	VendorName               string `xml:"VendorName" json:"vendor_name,omitempty"`
	OrderCreateDate          Time   `xml:"OrderCreateDate" json:"order_create_date"`
	LastModifiedDate         Time   `xml:"LastModifiedDate" json:"last_modified_date"`
	UserID                   string `xml:"UserId" json:"user_id,omitempty"`
	LastModifiedBy           string `xml:"LastModifiedBy" json:"last_modified_by,omitempty"`
	PartialPort              Bool   `xml:"PartialPort" json:"partial_port"`
	Immediately              Bool   `xml:"Immediately" json:"immediately"`
	Triggered                Bool   `xml:"Triggered" json:"triggered"`
	PortType                 string `xml:"PortType" json:"port_type,omitempty"`
	BillingType              string `xml:"BillingType" json:"billing_type,omitempty"`
	TollFreeValidationStatus string `xml:"TollFreeValidationStatus" json:"toll_free_validation_status,omitempty"`
	// TollFreeValidationErrors come from <TollFreeValidationErrors><ErrorList><Error>.
	TollFreeValidationErrors ErrorList `xml:"TollFreeValidationErrors" json:"toll_free_validation_errors,omitempty"`
	TollFreePortType         string    `xml:"TollFreePortType" json:"toll_free_port_type,omitempty"`
	TargetRespOrgID          string    `xml:"TargetRespOrgId" json:"target_resp_org_id,omitempty"`
	RespOrgException         string    `xml:"RespOrgException" json:"resp_org_exception,omitempty"`
	Internal                 Bool      `xml:"Internal" json:"internal"`
	RocRequired              Bool      `xml:"RocRequired" json:"roc_required"`
}

// HasError reports whether the order carries error code.
func (r LnpOrderResponse) HasError(code string) bool { return r.Errors.Has(code) }

// Terminal reports whether the order is COMPLETE or CANCELLED.
func (r LnpOrderResponse) Terminal() bool { return IsTerminalPortInStatus(r.ProcessingStatus) }

func (r *LnpOrderResponse) normalize() {
	r.ProcessingStatus = strings.ToUpper(r.ProcessingStatus)
	r.BillingTelephoneNumber = NormalizeTN(r.BillingTelephoneNumber)
	r.NewBillingTelephoneNumber = NormalizeTN(r.NewBillingTelephoneNumber)
	r.ListOfPhoneNumbers = normalizeTNs(nonEmpty(r.ListOfPhoneNumbers))
}

// LnpOrderSupp is the body of a SUPP (PUT /portins/{id}). It is an allow-list: only fields a
// SUPP may change exist here, so a SUPP can never echo server-only values from a GET
// (ActualFocDate, OrderId, PortType, losing-carrier fields…), which Bandwidth refuses. Set only
// what changes; empty fields are omitted. Bandwidth applies most fields as a patch, but some
// omitted fields are reset, so send every field of a group you touch (e.g. the whole Subscriber
// name with the address, both AccountNumber and PinNumber of WirelessInfo).
type LnpOrderSupp struct {
	XMLName                   xml.Name      `xml:"LnpOrderSupp" json:"-"`
	CustomerOrderID           string        `xml:"CustomerOrderId,omitempty" json:"customer_order_id,omitempty"`
	RequestedFocDate          Time          `xml:"RequestedFocDate" json:"requested_foc_date"`
	AlternateSpid             string        `xml:"AlternateSpid,omitempty" json:"alternate_spid,omitempty"`
	BillingTelephoneNumber    string        `xml:"BillingTelephoneNumber,omitempty" json:"billing_telephone_number,omitempty"`
	NewBillingTelephoneNumber string        `xml:"NewBillingTelephoneNumber,omitempty" json:"new_billing_telephone_number,omitempty"`
	SiteID                    string        `xml:"SiteId,omitempty" json:"site_id,omitempty"`
	PeerID                    string        `xml:"PeerId,omitempty" json:"peer_id,omitempty"`
	Subscriber                *Subscriber   `xml:"Subscriber,omitempty" json:"subscriber,omitempty"`
	LoaAuthorizingPerson      string        `xml:"LoaAuthorizingPerson,omitempty" json:"loa_authorizing_person,omitempty"`
	WirelessInfo              *WirelessInfo `xml:"WirelessInfo,omitempty" json:"wireless_info,omitempty"`
	TnAttributes              TnAttributes  `xml:"TnAttributes" json:"tn_attributes,omitempty"`
	// ListOfPhoneNumbers replaces the order's numbers (automated on-net ports only, 7498).
	ListOfPhoneNumbers PhoneNumbers `xml:"ListOfPhoneNumbers" json:"list_of_phone_numbers,omitempty"`
	PartialPort        *bool        `xml:"PartialPort,omitempty" json:"partial_port,omitempty"`
	// Triggered: documentation conflicts on whether a SUPP may change it; set it at create.
	Triggered *bool `xml:"Triggered,omitempty" json:"triggered,omitempty"`
	// ProcessingStatus may only be SUBMITTED, and only to submit a DRAFT.
	ProcessingStatus string `xml:"ProcessingStatus,omitempty" json:"processing_status,omitempty"`
}

// Empty reports whether the SUPP would change nothing.
func (s LnpOrderSupp) Empty() bool {
	return s.CustomerOrderID == "" && !s.RequestedFocDate.IsSet() && s.AlternateSpid == "" &&
		s.BillingTelephoneNumber == "" && s.NewBillingTelephoneNumber == "" && s.SiteID == "" &&
		s.PeerID == "" && s.Subscriber == nil && s.LoaAuthorizingPerson == "" && s.WirelessInfo == nil &&
		len(s.TnAttributes) == 0 && len(s.ListOfPhoneNumbers) == 0 && s.PartialPort == nil &&
		s.Triggered == nil && s.ProcessingStatus == ""
}

// Validate checks what Bandwidth would certainly reject.
func (s LnpOrderSupp) Validate() error {
	var errs []error
	if s.Empty() {
		errs = append(errs, errors.New("SUPP changes nothing"))
	}
	if s.ProcessingStatus != "" && s.ProcessingStatus != StatusSubmitted {
		errs = append(errs, fmt.Errorf("ProcessingStatus %q: a SUPP may only set SUBMITTED", s.ProcessingStatus))
	}
	if w := s.WirelessInfo; w != nil && (w.AccountNumber == "" || w.PinNumber == "") {
		errs = append(errs, errors.New("WirelessInfo in a SUPP needs both AccountNumber and PinNumber"))
	}
	if s.CustomerOrderID != "" {
		errs = append(errs, validateCustomerOrderID(s.CustomerOrderID)...)
	}
	if s.LoaAuthorizingPerson != "" {
		errs = append(errs, validateLoaAuthorizingPerson(s.LoaAuthorizingPerson)...)
	}
	errs = append(errs, validateTNList("ListOfPhoneNumbers", s.ListOfPhoneNumbers, false)...)
	if s.Subscriber != nil {
		errs = append(errs, validateSubscriber(*s.Subscriber, false)...)
	}
	return invalid(errs)
}

var customerOrderIDPattern = regexp.MustCompile(`^[A-Za-z0-9 -]{1,40}$`)

// validDirectionals are the only Pre/PostDirectional values Bandwidth accepts (7329/7330).
var validDirectionals = []string{"N", "S", "E", "W", "NE", "NW", "SE", "SW"}

// Validate checks what Bandwidth would certainly reject, so such an order never costs a
// rate-limited call: required fields, number format and duplicates, CustomerOrderId format,
// LoaAuthorizingPerson ≤ 15 characters, subscriber name rules, directionals.
func (o LnpOrder) Validate() error {
	var errs []error
	if strings.TrimSpace(o.SiteID) == "" {
		errs = append(errs, errors.New("SiteId is required"))
	}
	errs = append(errs, validateLoaAuthorizingPerson(o.LoaAuthorizingPerson)...)
	if o.CustomerOrderID != "" {
		errs = append(errs, validateCustomerOrderID(o.CustomerOrderID)...)
	}
	errs = append(errs, validateTNList("ListOfPhoneNumbers", o.ListOfPhoneNumbers, true)...)
	tollFree := slices.ContainsFunc(o.ListOfPhoneNumbers, isTollFree)
	if !tollFree {
		if o.BillingTelephoneNumber == "" {
			errs = append(errs, errors.New("BillingTelephoneNumber is required for non-toll-free ports"))
		}
		if o.Subscriber == nil {
			errs = append(errs, errors.New("Subscriber is required for non-toll-free ports"))
		} else {
			errs = append(errs, validateSubscriber(*o.Subscriber, true)...)
		}
	}
	if o.BillingTelephoneNumber != "" && !isTenDigits(o.BillingTelephoneNumber) {
		errs = append(errs, fmt.Errorf("BillingTelephoneNumber %q is not 10 digits", o.BillingTelephoneNumber))
	}
	if o.ProcessingStatus != "" && o.ProcessingStatus != StatusDraft {
		errs = append(errs, fmt.Errorf("ProcessingStatus %q: only DRAFT may be sent on create", o.ProcessingStatus))
	}
	return invalid(errs)
}

func validateLoaAuthorizingPerson(s string) []error {
	switch n := utf8.RuneCountInString(s); {
	case strings.TrimSpace(s) == "":
		return []error{errors.New("LoaAuthorizingPerson is required")}
	case n > 15:
		return []error{fmt.Errorf("LoaAuthorizingPerson %q is %d characters; Bandwidth allows 15", s, n)}
	}
	return nil
}

func validateCustomerOrderID(s string) []error {
	if !customerOrderIDPattern.MatchString(s) {
		return []error{fmt.Errorf("CustomerOrderId %q must be 1-40 letters, digits, dashes or spaces", s)}
	}
	return nil
}

func validateTNList(field string, tns []string, required bool) []error {
	var errs []error
	if required && len(tns) == 0 {
		errs = append(errs, fmt.Errorf("%s needs at least one number", field))
	}
	seen := make(map[string]bool, len(tns))
	for _, tn := range tns {
		if !isTenDigits(tn) {
			errs = append(errs, fmt.Errorf("%s: %q is not a 10-digit number", field, tn))
			continue
		}
		if seen[tn] {
			errs = append(errs, fmt.Errorf("%s: %s appears twice", field, tn))
		}
		seen[tn] = true
	}
	return errs
}

func validateSubscriber(s Subscriber, create bool) []error {
	var errs []error
	switch strings.ToUpper(s.SubscriberType) {
	case SubscriberBusiness:
		if create && s.BusinessName == "" {
			errs = append(errs, errors.New("BusinessName is required for a BUSINESS subscriber"))
		}
	case SubscriberResidential:
		if create && s.LastName == "" {
			errs = append(errs, errors.New("LastName is required for a RESIDENTIAL subscriber"))
		}
		if s.BusinessName != "" {
			errs = append(errs, errors.New("a RESIDENTIAL subscriber must not have a BusinessName"))
		}
	case "":
		if create {
			errs = append(errs, errors.New("SubscriberType is required (BUSINESS or RESIDENTIAL)"))
		}
	default:
		errs = append(errs, fmt.Errorf("SubscriberType %q is not BUSINESS or RESIDENTIAL", s.SubscriberType))
	}
	if n := utf8.RuneCountInString(s.BusinessName); n > 25 {
		errs = append(errs, fmt.Errorf("BusinessName is %d characters; Bandwidth allows 25", n))
	}
	a := s.ServiceAddress
	for field, v := range map[string]string{"PreDirectional": a.PreDirectional, "PostDirectional": a.PostDirectional} {
		if v != "" && !slices.Contains(validDirectionals, v) {
			errs = append(errs, fmt.Errorf("%s %q must be one of %s", field, v, strings.Join(validDirectionals, ", ")))
		}
	}
	if create && !a.ResetAddressFields {
		for field, v := range map[string]string{"HouseNumber": a.HouseNumber, "StreetName": a.StreetName,
			"City": a.City, "StateCode": a.StateCode, "Zip": a.Zip} {
			if strings.TrimSpace(v) == "" {
				errs = append(errs, fmt.Errorf("ServiceAddress.%s is required", field))
			}
		}
	}
	slices.SortFunc(errs, func(a, b error) int { return strings.Compare(a.Error(), b.Error()) })
	return errs
}

func isTenDigits(s string) bool {
	if len(s) != 10 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isTollFree reports whether tn is in a North American toll-free NPA.
func isTollFree(tn string) bool {
	if len(tn) != 10 {
		return false
	}
	switch tn[:3] {
	case "800", "833", "844", "855", "866", "877", "888":
		return true
	}
	return false
}

// invalid joins validation problems into one error wrapping ErrInvalidRequest.
func invalid(errs []error) error {
	if len(errs) == 0 {
		return nil
	}
	msgs := make([]string, len(errs))
	for i, e := range errs {
		msgs[i] = e.Error()
	}
	return fmt.Errorf("%w: %s", ErrInvalidRequest, strings.Join(msgs, "; "))
}

// CreatePortIn submits a port-in order (POST /portins). It is never retried automatically: when
// the outcome is unknown (a timeout, a 5xx), call FindPortInByCustomerOrderID before creating
// again. A 201 that already carries Errors (ProcessingStatus EXCEPTION) is returned as a success:
// the order exists and is fixed with SuppPortIn. The order id comes from the body, or from the
// Location header when the body lacks it.
func (c *Client) CreatePortIn(ctx context.Context, order LnpOrder) (LnpOrderResponse, error) {
	if err := order.Validate(); err != nil {
		return LnpOrderResponse{}, err
	}
	var out LnpOrderResponse
	resp, err := c.call(ctx, &request{method: http.MethodPost, route: "/portins", path: "/portins", body: order,
		group: groupPortIn, bodyErrors: keepBodyErrors}, &out)
	if err != nil {
		return LnpOrderResponse{}, err
	}
	if out.OrderID == "" {
		out.OrderID = locationID(resp.header)
	}
	return out, nil
}

// GetPortIn returns a port-in order (GET /portins/{id}). Errors recorded on the order are part of
// the answer (LnpOrderResponse.Errors), not a failed call.
func (c *Client) GetPortIn(ctx context.Context, orderID string) (LnpOrderResponse, error) {
	id, err := pathID("port-in order", orderID)
	if err != nil {
		return LnpOrderResponse{}, err
	}
	var out LnpOrderResponse
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: "/portins/{id}", path: "/portins/" + id,
		idempotent: true, group: groupHistory, bodyErrors: keepBodyErrors}, &out); err != nil {
		return LnpOrderResponse{}, err
	}
	if out.OrderID == "" {
		out.OrderID = orderID
	}
	return out, nil
}

// SuppPortIn changes a submitted order (PUT /portins/{id}, body <LnpOrderSupp>). Not retried
// automatically. The reply's ProcessingStatus is not reliable (SUPP processing is partly
// asynchronous): GET the order afterwards.
func (c *Client) SuppPortIn(ctx context.Context, orderID string, supp LnpOrderSupp) (LnpOrderResponse, error) {
	id, err := pathID("port-in order", orderID)
	if err != nil {
		return LnpOrderResponse{}, err
	}
	if err := supp.Validate(); err != nil {
		return LnpOrderResponse{}, err
	}
	var out LnpOrderResponse
	if _, err := c.call(ctx, &request{method: http.MethodPut, route: "/portins/{id}", path: "/portins/" + id,
		body: supp, group: groupPortIn, bodyErrors: keepBodyErrors}, &out); err != nil {
		return LnpOrderResponse{}, err
	}
	return out, nil
}

// CancelPortIn cancels an order (DELETE /portins/{id}): a draft is removed, a submitted order goes
// to REQUESTED_CANCEL then CANCELLED. Not retried automatically; a repeat after an unknown outcome
// fails with CodeAlreadyCancelled (7303) when the first one went through.
func (c *Client) CancelPortIn(ctx context.Context, orderID string) (LnpOrderResponse, error) {
	id, err := pathID("port-in order", orderID)
	if err != nil {
		return LnpOrderResponse{}, err
	}
	var out LnpOrderResponse
	if _, err := c.call(ctx, &request{method: http.MethodDelete, route: "/portins/{id}", path: "/portins/" + id,
		group: groupPortIn}, &out); err != nil {
		return LnpOrderResponse{}, err
	}
	return out, nil
}

// PortInQuery filters GET /portins. Page and Size default to "1" and 300. TN, OrderTN,
// CustomerOrderID and PON cannot be combined with the date filters; StartDate and EndDate go
// together. Drafts are listed only with Status "draft".
type PortInQuery struct {
	// Page is "1" for the first page, else the order id that starts the page (Links.NextPage).
	Page string
	// Size is the page size (Bandwidth returns at most 1000).
	Size int
	// Status filters by ProcessingStatus (sent lower-case, as Bandwidth expects).
	Status string
	// StartDate and EndDate select orders last modified in the range (dates only).
	StartDate, EndDate time.Time
	// Date selects orders modified on that day (one entry per state change).
	Date            time.Time
	TN              string // billing telephone number
	OrderTN         string // any number on the order
	CustomerOrderID string
	PON             string
}

func (q PortInQuery) values() (url.Values, error) {
	specific := q.TN != "" || q.OrderTN != "" || q.CustomerOrderID != "" || q.PON != ""
	dated := !q.StartDate.IsZero() || !q.EndDate.IsZero() || !q.Date.IsZero()
	var errs []error
	if specific && dated {
		errs = append(errs, errors.New("TN, OrderTN, CustomerOrderID and PON cannot be combined with dates"))
	}
	if q.StartDate.IsZero() != q.EndDate.IsZero() {
		errs = append(errs, errors.New("StartDate and EndDate go together"))
	}
	if q.Size < 0 || q.Size > 1000 {
		errs = append(errs, fmt.Errorf("Size %d is outside 1..1000", q.Size))
	}
	if err := invalid(errs); err != nil {
		return nil, err
	}
	v := url.Values{}
	v.Set("page", cmp.Or(q.Page, "1"))
	v.Set("size", strconv.Itoa(cmp.Or(q.Size, 300)))
	setIf(v, "status", strings.ToLower(q.Status))
	if !q.StartDate.IsZero() {
		v.Set("startdate", q.StartDate.Format(time.DateOnly))
		v.Set("enddate", q.EndDate.Format(time.DateOnly))
	}
	if !q.Date.IsZero() {
		v.Set("date", q.Date.Format(time.DateOnly))
	}
	setIf(v, "tn", q.TN)
	setIf(v, "orderTn", q.OrderTN)
	setIf(v, "customerOrderId", q.CustomerOrderID)
	setIf(v, "pon", q.PON)
	return v, nil
}

// PortInList is one page of GET /portins (<LNPResponseWrapper>).
type PortInList struct {
	TotalCount int             `xml:"TotalCount" json:"total_count"`
	Links      Links           `xml:"Links" json:"links"`
	Orders     []PortInSummary `xml:"lnpPortInfoForGivenStatus" json:"orders"`
}

// PortInSummary is one entry of a port-in list. The list spells several names differently from the
// order GET (ActualFOCDate, lastModifiedDate, accountId); they decode into the same fields.
type PortInSummary struct {
	AccountID              string `xml:"AccountId" json:"account_id,omitempty"`
	CountOfTNs             int    `xml:"CountOfTNs" json:"count_of_tns"`
	CustomerOrderID        string `xml:"CustomerOrderId" json:"customer_order_id,omitempty"`
	UserID                 string `xml:"UserId" json:"user_id,omitempty"`
	LastModifiedDate       Time   `xml:"LastModifiedDate" json:"last_modified_date"`
	OrderDate              Time   `xml:"OrderDate" json:"order_date"`
	OrderID                string `xml:"OrderId" json:"order_id"`
	OrderType              string `xml:"OrderType" json:"order_type,omitempty"`
	ActualFocDate          Time   `xml:"ActualFocDate" json:"actual_foc_date"`
	BillingTelephoneNumber string `xml:"BillingTelephoneNumber" json:"billing_telephone_number,omitempty"`
	CompanyName            string `xml:"CompanyName" json:"company_name,omitempty"`
	LosingCarrierID        string `xml:"LNPLosingCarrierId" json:"losing_carrier_id,omitempty"`
	LosingCarrierName      string `xml:"LNPLosingCarrierName" json:"losing_carrier_name,omitempty"`
	ProcessingStatus       string `xml:"ProcessingStatus" json:"processing_status"`
	RequestedFocDate       Time   `xml:"RequestedFocDate" json:"requested_foc_date"`
	VendorID               string `xml:"VendorId" json:"vendor_id,omitempty"`
	VendorName             string `xml:"VendorName" json:"vendor_name,omitempty"`
	PON                    string `xml:"PON" json:"pon,omitempty"`
}

// Links are a list's pagination links, each written `Link=<url>;rel="next";`.
type Links struct {
	First    string `xml:"first" json:"first,omitempty"`
	Previous string `xml:"previous" json:"previous,omitempty"`
	Next     string `xml:"next" json:"next,omitempty"`
	Last     string `xml:"last" json:"last,omitempty"`
}

var linkURL = regexp.MustCompile(`<([^>]*)>`)

// pageOf extracts the page parameter from one link; "" when there is none.
func pageOf(link string) string {
	m := linkURL.FindStringSubmatch(link)
	if m == nil {
		return ""
	}
	u, err := url.Parse(strings.TrimSpace(m[1]))
	if err != nil {
		return ""
	}
	return u.Query().Get("page")
}

// NextPage returns the page token of the next page, "" on the last page. Only the token is taken
// from the link: the next request goes to the configured base URL, never to the link's host.
func (l Links) NextPage() string { return pageOf(l.Next) }

// ListPortIns returns one page of port-in orders (GET /portins). Bandwidth answers 204 when none
// match; that is an empty list.
func (c *Client) ListPortIns(ctx context.Context, q PortInQuery) (PortInList, error) {
	v, err := q.values()
	if err != nil {
		return PortInList{}, err
	}
	var out PortInList
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: "/portins", path: "/portins", query: v,
		idempotent: true, group: groupHistory}, &out); err != nil {
		return PortInList{}, err
	}
	return out, nil
}

func (l *PortInList) normalize() {
	for i := range l.Orders {
		l.Orders[i].ProcessingStatus = strings.ToUpper(l.Orders[i].ProcessingStatus)
		l.Orders[i].BillingTelephoneNumber = NormalizeTN(l.Orders[i].BillingTelephoneNumber)
	}
}

// maxPages bounds how many pages the iterators follow, so a server that keeps answering with the
// same "next" link cannot loop a caller forever.
const maxPages = 1000

// PortIns iterates over every order matching q, following pagination. It stops at the first
// error, which it yields.
func (c *Client) PortIns(ctx context.Context, q PortInQuery) iter.Seq2[PortInSummary, error] {
	return paginate(q.Page, func(page string) ([]PortInSummary, Links, error) {
		q.Page = page
		l, err := c.ListPortIns(ctx, q)
		return l.Orders, l.Links, err
	})
}

// paginate walks a Bandwidth list page by page (page "1" or the order id that starts a page, as
// Links.NextPage gives it), yielding every item; it stops at the first error, which it yields,
// and guards against a server that sends the same next page twice.
func paginate[T any](first string, list func(page string) ([]T, Links, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		page := first
		seen := map[string]bool{}
		for range maxPages {
			items, links, err := list(page)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range items {
				if !yield(item, nil) {
					return
				}
			}
			next := links.NextPage()
			if next == "" || next == cmp.Or(page, "1") || seen[next] || len(items) == 0 {
				return
			}
			seen[next] = true
			page = next
		}
	}
}

// FindPortInByCustomerOrderID looks up the order created with customerOrderID (GET
// /portins?customerOrderId=…), so a create whose outcome is unknown can be checked before it is
// repeated. When several match, the most recently created one is returned. Drafts are not listed
// by Bandwidth unless asked for; portflow does not create drafts.
func (c *Client) FindPortInByCustomerOrderID(ctx context.Context, customerOrderID string) (PortInSummary, bool, error) {
	if strings.TrimSpace(customerOrderID) == "" {
		return PortInSummary{}, false, fmt.Errorf("%w: customer order id is empty", ErrInvalidRequest)
	}
	var best PortInSummary
	found := false
	for o, err := range c.PortIns(ctx, PortInQuery{CustomerOrderID: customerOrderID, Size: 100}) {
		if err != nil {
			return PortInSummary{}, false, err
		}
		// The filter is Bandwidth's; check anyway, a lax server could ignore it.
		if o.CustomerOrderID != "" && o.CustomerOrderID != customerOrderID {
			continue
		}
		if !found || o.OrderDate.After(best.OrderDate.Time) {
			best, found = o, true
		}
	}
	return best, found, nil
}

// OrderHistoryEntry is one entry of GET /portins/{id}/history.
type OrderHistoryEntry struct {
	OrderDate  Time   `xml:"OrderDate" json:"order_date"`
	Note       string `xml:"Note" json:"note,omitempty"`
	Author     string `xml:"Author" json:"author,omitempty"`
	Status     string `xml:"Status" json:"status,omitempty"`
	Difference string `xml:"Difference" json:"difference,omitempty"`
}

// orderHistory is <OrderHistoryWrapper>.
type orderHistory struct {
	Entries    []OrderHistoryEntry `xml:"OrderHistory"`
	IrisStatus ErrorList           `xml:"IrisStatus"`
}

// PortInHistory returns an order's history (GET /portins/{id}/history). History lags the order
// by seconds to minutes: never use it for the current state. For a draft Bandwidth answers 200
// with code 7710; that comes back as a *Error with Status 200 and CodeHistoryNotSupported.
func (c *Client) PortInHistory(ctx context.Context, orderID string) ([]OrderHistoryEntry, error) {
	id, err := pathID("port-in order", orderID)
	if err != nil {
		return nil, err
	}
	var out orderHistory
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: "/portins/{id}/history",
		path: "/portins/" + id + "/history", idempotent: true, group: groupHistory}, &out); err != nil {
		return nil, err
	}
	return out.Entries, nil
}

// quantity is <Quantity><Count>n</Count></Quantity>.
type quantity struct {
	Count int `xml:"Count"`
}

// PortInTotals counts the account's port-in orders (GET /portins/totals), optionally filtered by
// status and vendor id.
func (c *Client) PortInTotals(ctx context.Context, status, vendorID string) (int, error) {
	v := url.Values{}
	setIf(v, "status", strings.ToLower(status))
	setIf(v, "vendorId", vendorID)
	var out quantity
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: "/portins/totals", path: "/portins/totals",
		query: v, idempotent: true, group: groupHistory}, &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}

// PortInNumberCount returns how many numbers an order has (GET /portins/{id}/totals).
func (c *Client) PortInNumberCount(ctx context.Context, orderID string) (int, error) {
	id, err := pathID("port-in order", orderID)
	if err != nil {
		return 0, err
	}
	var out quantity
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: "/portins/{id}/totals",
		path: "/portins/" + id + "/totals", idempotent: true, group: groupHistory}, &out); err != nil {
		return 0, err
	}
	return out.Count, nil
}

func setIf(v url.Values, key, value string) {
	if value != "" {
		v.Set(key, value)
	}
}
