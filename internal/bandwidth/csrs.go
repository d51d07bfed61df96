package bandwidth

import (
	"cmp"
	"context"
	"encoding/xml"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CsrRequest is the body of POST /csrs and PUT /csrs/{id} (root <Csr>, PROTOCOL.md §4.2).
// WorkingOrBillingTelephoneNumber is required on create; on PUT, send the information the carrier
// asked for, or Status REQUESTED_CANCEL to cancel (see CancelCsr).
type CsrRequest struct {
	XMLName                         xml.Name `xml:"Csr" json:"-"`
	CustomerOrderID                 string   `xml:"CustomerOrderId,omitempty" json:"customer_order_id,omitempty"`
	WorkingOrBillingTelephoneNumber string   `xml:"WorkingOrBillingTelephoneNumber,omitempty" json:"working_or_billing_telephone_number,omitempty"`
	AccountNumber                   string   `xml:"AccountNumber,omitempty" json:"account_number,omitempty"`
	AccountTelephoneNumber          string   `xml:"AccountTelephoneNumber,omitempty" json:"account_telephone_number,omitempty"`
	EndUserName                     string   `xml:"EndUserName,omitempty" json:"end_user_name,omitempty"`
	AuthorizingUserName             string   `xml:"AuthorizingUserName,omitempty" json:"authorizing_user_name,omitempty"`
	CustomerCode                    string   `xml:"CustomerCode,omitempty" json:"customer_code,omitempty"`
	EndUserPIN                      string   `xml:"EndUserPIN,omitempty" json:"end_user_pin,omitempty"`
	EndUserPassword                 string   `xml:"EndUserPassword,omitempty" json:"end_user_password,omitempty"`
	AddressLine1                    string   `xml:"AddressLine1,omitempty" json:"address_line1,omitempty"`
	City                            string   `xml:"City,omitempty" json:"city,omitempty"`
	State                           string   `xml:"State,omitempty" json:"state,omitempty"`
	ZIPCode                         string   `xml:"ZIPCode,omitempty" json:"zip_code,omitempty"`
	TypeOfService                   string   `xml:"TypeOfService,omitempty" json:"type_of_service,omitempty"`
	// Status is meaningful only on PUT: CsrStatusRequestedCancel.
	Status string `xml:"Status,omitempty" json:"status,omitempty"`
}

// validate checks the field limits of PROTOCOL.md §4.2; a create also needs the number.
func (r CsrRequest) validate(create bool) error {
	var errs []error
	if create && !isTenDigits(r.WorkingOrBillingTelephoneNumber) {
		errs = append(errs, fmt.Errorf("WorkingOrBillingTelephoneNumber %q must be 10 digits", r.WorkingOrBillingTelephoneNumber))
	}
	if r.CustomerOrderID != "" {
		errs = append(errs, validateCustomerOrderID(r.CustomerOrderID)...)
	}
	limits := []struct {
		name  string
		value string
		max   int
	}{
		{"AccountNumber", r.AccountNumber, 20}, {"AccountTelephoneNumber", r.AccountTelephoneNumber, 10},
		{"EndUserName", r.EndUserName, 100}, {"AuthorizingUserName", r.AuthorizingUserName, 100},
		{"CustomerCode", r.CustomerCode, 3}, {"EndUserPIN", r.EndUserPIN, 50},
		{"EndUserPassword", r.EndUserPassword, 100}, {"AddressLine1", r.AddressLine1, 200},
		{"City", r.City, 100}, {"ZIPCode", r.ZIPCode, 10}, {"TypeOfService", r.TypeOfService, 50},
	}
	for _, l := range limits {
		if len([]rune(l.value)) > l.max {
			errs = append(errs, fmt.Errorf("%s is longer than %d characters", l.name, l.max))
		}
	}
	if r.State != "" && len(r.State) != 2 {
		errs = append(errs, fmt.Errorf("State %q must be a 2-letter code", r.State))
	}
	return invalid(errs)
}

// CsrResponse is a CSR order as Bandwidth returns it (create, GET, PUT, list entries).
//
// Errors inside a 200 are part of the answer: a CSR can be FAILED with 26500, and even COMPLETE
// with 26500 and partial data. Unavailable and Usable tell the cases apart.
type CsrResponse struct {
	CustomerOrderID  string `xml:"CustomerOrderId" json:"customer_order_id,omitempty"`
	LastModifiedBy   string `xml:"LastModifiedBy" json:"last_modified_by,omitempty"`
	CreatedByUser    string `xml:"CreatedByUser" json:"created_by_user,omitempty"`
	OrderCreateDate  Time   `xml:"OrderCreateDate" json:"order_create_date"`
	AccountID        string `xml:"AccountId" json:"account_id,omitempty"`
	OrderID          string `xml:"OrderId" json:"order_id"`
	LastModifiedDate Time   `xml:"LastModifiedDate" json:"last_modified_date"`
	Status           string `xml:"Status" json:"status"`
	// Echo of the request fields.
	AccountNumber          string    `xml:"AccountNumber" json:"account_number,omitempty"`
	AccountTelephoneNumber string    `xml:"AccountTelephoneNumber" json:"account_telephone_number,omitempty"`
	EndUserName            string    `xml:"EndUserName" json:"end_user_name,omitempty"`
	AuthorizingUserName    string    `xml:"AuthorizingUserName" json:"authorizing_user_name,omitempty"`
	CustomerCode           string    `xml:"CustomerCode" json:"customer_code,omitempty"`
	EndUserPIN             string    `xml:"EndUserPIN" json:"end_user_pin,omitempty"`
	EndUserPassword        string    `xml:"EndUserPassword" json:"end_user_password,omitempty"`
	AddressLine1           string    `xml:"AddressLine1" json:"address_line1,omitempty"`
	City                   string    `xml:"City" json:"city,omitempty"`
	State                  string    `xml:"State" json:"state,omitempty"`
	ZIPCode                string    `xml:"ZIPCode" json:"zip_code,omitempty"`
	TypeOfService          string    `xml:"TypeOfService" json:"type_of_service,omitempty"`
	CsrData                *CsrData  `xml:"CsrData" json:"csr_data,omitempty"`
	Errors                 ErrorList `xml:"Errors" json:"errors,omitempty"`
}

// CsrData is what the losing carrier has on file.
type CsrData struct {
	// AccountNumber is the account number at the losing carrier.
	AccountNumber  string             `xml:"AccountNumber" json:"account_number,omitempty"`
	CustomerName   string             `xml:"CustomerName" json:"customer_name,omitempty"`
	ServiceAddress *CsrServiceAddress `xml:"ServiceAddress" json:"service_address,omitempty"`
	// WorkingTelephoneNumber is the number the CSR was requested for.
	WorkingTelephoneNumber           string   `xml:"WorkingTelephoneNumber" json:"working_telephone_number,omitempty"`
	WorkingTelephoneNumbersOnAccount []string `xml:"WorkingTelephoneNumbersOnAccount>TelephoneNumber" json:"working_telephone_numbers_on_account,omitempty"`
	TypeOfService                    string   `xml:"TypeOfService" json:"type_of_service,omitempty"`
	// Other keeps elements this package does not know yet (the full CsrData element set is not
	// documented), so nothing a carrier sent is lost.
	Other []Element `xml:",any" json:"other,omitempty"`
}

// CsrServiceAddress is the service address on a CSR: usually an UnparsedAddress, sometimes with
// parsed parts; State and Zip where the port-in address has StateCode and Zip+PlusFour. Convert it
// with PortInAddress.
type CsrServiceAddress struct {
	UnparsedAddress string    `xml:"UnparsedAddress" json:"unparsed_address,omitempty"`
	HousePrefix     string    `xml:"HousePrefix" json:"house_prefix,omitempty"`
	HouseNumber     string    `xml:"HouseNumber" json:"house_number,omitempty"`
	HouseSuffix     string    `xml:"HouseSuffix" json:"house_suffix,omitempty"`
	PreDirectional  string    `xml:"PreDirectional" json:"pre_directional,omitempty"`
	StreetName      string    `xml:"StreetName" json:"street_name,omitempty"`
	StreetSuffix    string    `xml:"StreetSuffix" json:"street_suffix,omitempty"`
	PostDirectional string    `xml:"PostDirectional" json:"post_directional,omitempty"`
	AddressLine2    string    `xml:"AddressLine2" json:"address_line2,omitempty"`
	City            string    `xml:"City" json:"city,omitempty"`
	State           string    `xml:"State" json:"state,omitempty"`
	Zip             string    `xml:"Zip" json:"zip,omitempty"`
	PlusFour        string    `xml:"PlusFour" json:"plus_four,omitempty"`
	Country         string    `xml:"Country" json:"country,omitempty"`
	Other           []Element `xml:",any" json:"other,omitempty"`
}

// Element is an XML element kept as received.
type Element struct {
	Name     string    `json:"name"`
	Text     string    `json:"text,omitempty"`
	Children []Element `json:"children,omitempty"`
}

// UnmarshalXML implements xml.Unmarshaler.
func (e *Element) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	n, err := parseSubtree(d, start)
	if err != nil {
		return err
	}
	*e = elementOf(n)
	return nil
}

// MarshalXML implements xml.Marshaler, writing the element back as received.
func (e Element) MarshalXML(enc *xml.Encoder, _ xml.StartElement) error {
	start := xml.StartElement{Name: xml.Name{Local: e.Name}}
	if err := enc.EncodeToken(start); err != nil {
		return err
	}
	if e.Text != "" {
		if err := enc.EncodeToken(xml.CharData(e.Text)); err != nil {
			return err
		}
	}
	for _, c := range e.Children {
		if err := c.MarshalXML(enc, xml.StartElement{}); err != nil {
			return err
		}
	}
	return enc.EncodeToken(start.End())
}

func elementOf(n *node) Element {
	e := Element{Name: n.Name, Text: n.Text}
	for _, c := range n.Children {
		e.Children = append(e.Children, elementOf(c))
	}
	return e
}

// HasError reports whether the CSR carries error code.
func (r CsrResponse) HasError(code string) bool { return r.Errors.Has(code) }

// Unavailable reports the "no CSR for this number" outcome (26500), whatever Status says: the
// error arrives with FAILED and also with COMPLETE.
func (r CsrResponse) Unavailable() bool { return r.HasError(CodeCsrNotAvailable) }

// Usable reports whether the CSR is COMPLETE, carries no errors and has a service address: the
// only case in which its data should be trusted over what the customer typed.
func (r CsrResponse) Usable() bool {
	return r.Status == CsrStatusComplete && len(r.Errors) == 0 && r.CsrData != nil &&
		r.CsrData.ServiceAddress != nil &&
		(r.CsrData.ServiceAddress.UnparsedAddress != "" || r.CsrData.ServiceAddress.StreetName != "")
}

// Pending reports whether the CSR is still being worked on (RECEIVED or PROCESSING).
func (r CsrResponse) Pending() bool {
	return r.Status == CsrStatusReceived || r.Status == CsrStatusProcessing
}

func (r *CsrResponse) normalize() {
	r.Status = strings.ToUpper(r.Status)
	if d := r.CsrData; d != nil {
		d.WorkingTelephoneNumber = NormalizeTN(d.WorkingTelephoneNumber)
		d.WorkingTelephoneNumbersOnAccount = normalizeTNs(nonEmpty(d.WorkingTelephoneNumbersOnAccount))
	}
}

const routeCsrs = "/csrs"

// CreateCsr orders a customer service record (POST /csrs). Bandwidth answers 201 (or 200, per its
// guide) with the order id and Status RECEIVED; the result follows by notification or GetCsr.
// Never retried automatically: after an unknown outcome use FindCsrByCustomerOrderID first.
func (c *Client) CreateCsr(ctx context.Context, req CsrRequest) (CsrResponse, error) {
	if err := req.validate(true); err != nil {
		return CsrResponse{}, err
	}
	req.Status = ""
	var out CsrResponse
	resp, err := c.call(ctx, &request{method: http.MethodPost, route: routeCsrs, path: routeCsrs, body: req,
		bodyErrors: keepBodyErrors}, &out)
	if err != nil {
		return CsrResponse{}, err
	}
	if out.OrderID == "" {
		out.OrderID = locationID(resp.header)
	}
	return out, nil
}

// GetCsr returns a CSR order (GET /csrs/{id}). A 200 carrying errors is NOT a failed call: the
// response comes back with a nil error and Errors filled (see Unavailable and Usable). Only
// transport failures and non-2xx answers are errors.
func (c *Client) GetCsr(ctx context.Context, orderID string) (CsrResponse, error) {
	id, err := pathID("CSR order", orderID)
	if err != nil {
		return CsrResponse{}, err
	}
	var out CsrResponse
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: routeCsrs + "/{id}", path: routeCsrs + "/" + id,
		idempotent: true, bodyErrors: keepBodyErrors}, &out); err != nil {
		return CsrResponse{}, err
	}
	if out.OrderID == "" {
		out.OrderID = orderID
	}
	return out, nil
}

// UpdateCsr supplies the information a carrier asked for (PUT /csrs/{id}; the order must be
// PROCESSING or ACTION_REQUIRED). The PUT carries the full information, so it is retried on
// retryable failures. A refusal (400 CsrOrderResponse) is a *Error.
func (c *Client) UpdateCsr(ctx context.Context, orderID string, req CsrRequest) (CsrResponse, error) {
	if req.Status != "" && req.Status != CsrStatusRequestedCancel {
		return CsrResponse{}, fmt.Errorf("%w: CSR Status may only be %s", ErrInvalidRequest, CsrStatusRequestedCancel)
	}
	if err := req.validate(false); err != nil {
		return CsrResponse{}, err
	}
	id, err := pathID("CSR order", orderID)
	if err != nil {
		return CsrResponse{}, err
	}
	var out CsrResponse
	if _, err := c.call(ctx, &request{method: http.MethodPut, route: routeCsrs + "/{id}", path: routeCsrs + "/" + id,
		body: req, idempotent: true, bodyErrors: keepBodyErrors}, &out); err != nil {
		return CsrResponse{}, err
	}
	if out.OrderID == "" {
		out.OrderID = orderID
	}
	return out, nil
}

// CancelCsr cancels a CSR order (PUT /csrs/{id} with <Status>REQUESTED_CANCEL</Status>).
func (c *Client) CancelCsr(ctx context.Context, orderID string) (CsrResponse, error) {
	return c.UpdateCsr(ctx, orderID, CsrRequest{Status: CsrStatusRequestedCancel})
}

// CsrQuery filters GET /csrs.
type CsrQuery struct {
	// ModifiedDateFrom and ModifiedDateTo bound the last-modified time (To defaults to now at
	// Bandwidth).
	ModifiedDateFrom, ModifiedDateTo time.Time
	// Status filters by CSR status (sent lower-case).
	Status string
	// Page is "1" for the first page, else the order id that starts the page.
	Page string
	// Size defaults to 300.
	Size int
}

func (q CsrQuery) values() url.Values {
	v := url.Values{}
	if !q.ModifiedDateFrom.IsZero() {
		v.Set("modifiedDateFrom", q.ModifiedDateFrom.UTC().Format(time.RFC3339))
	}
	if !q.ModifiedDateTo.IsZero() {
		v.Set("modifiedDateTo", q.ModifiedDateTo.UTC().Format(time.RFC3339))
	}
	setIf(v, "status", strings.ToLower(q.Status))
	v.Set("page", cmp.Or(q.Page, "1"))
	v.Set("size", strconv.Itoa(cmp.Or(q.Size, 300)))
	return v
}

// CsrList is one page of GET /csrs (<CsrResponses>).
type CsrList struct {
	TotalCount int           `xml:"TotalCount" json:"total_count"`
	Links      Links         `xml:"Links" json:"links"`
	Orders     []CsrResponse `xml:"CsrResponse" json:"orders"`
}

func (l *CsrList) normalize() {
	for i := range l.Orders {
		l.Orders[i].normalize()
	}
}

// ListCsrs returns one page of CSR orders (GET /csrs; a SEARCH-group endpoint).
func (c *Client) ListCsrs(ctx context.Context, q CsrQuery) (CsrList, error) {
	var out CsrList
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: routeCsrs, path: routeCsrs, query: q.values(),
		idempotent: true, group: groupSearch, bodyErrors: keepBodyErrors}, &out); err != nil {
		return CsrList{}, err
	}
	return out, nil
}

// Csrs iterates over every CSR order matching q, following pagination; it yields the first error
// and stops.
func (c *Client) Csrs(ctx context.Context, q CsrQuery) iter.Seq2[CsrResponse, error] {
	return paginate(q.Page, func(page string) ([]CsrResponse, Links, error) {
		q.Page = page
		l, err := c.ListCsrs(ctx, q)
		return l.Orders, l.Links, err
	})
}

// FindCsrByCustomerOrderID looks for the CSR order created with customerOrderID among the orders
// modified since the given time (Bandwidth's CSR list has no customer-order-id filter, so this
// pages through the window; pass the time the first create attempt started, minus a margin).
// When several match, the most recently created one is returned.
func (c *Client) FindCsrByCustomerOrderID(ctx context.Context, customerOrderID string, since time.Time) (CsrResponse, bool, error) {
	if strings.TrimSpace(customerOrderID) == "" {
		return CsrResponse{}, false, fmt.Errorf("%w: customer order id is empty", ErrInvalidRequest)
	}
	if since.IsZero() {
		return CsrResponse{}, false, fmt.Errorf("%w: a search window start is required", ErrInvalidRequest)
	}
	var best CsrResponse
	found := false
	for o, err := range c.Csrs(ctx, CsrQuery{ModifiedDateFrom: since}) {
		if err != nil {
			return CsrResponse{}, false, err
		}
		if o.CustomerOrderID != customerOrderID {
			continue
		}
		if !found || o.OrderCreateDate.After(best.OrderCreateDate.Time) {
			best, found = o, true
		}
	}
	return best, found, nil
}
