package bandwidth

import (
	"context"
	"encoding/xml"
	"fmt"
	"net/http"
	"reflect"
	"strings"
)

// BulkPortin is a bulk port-in (PROTOCOL.md §7): a container whose settings are the defaults of
// its child port-ins. It is the body of create and PATCH (set only what you send; empty fields
// are omitted) and the content of Bandwidth's <BulkPortinResponse>.
type BulkPortin struct {
	XMLName xml.Name `xml:"BulkPortin" json:"-"`
	// OrderID, AccountID and the dates are response-only.
	OrderID              string        `xml:"OrderId,omitempty" json:"order_id,omitempty"`
	CustomerOrderID      string        `xml:"CustomerOrderId,omitempty" json:"customer_order_id,omitempty"`
	RequestedFocDate     Time          `xml:"RequestedFocDate" json:"requested_foc_date"`
	AlternateSpid        string        `xml:"AlternateSpid,omitempty" json:"alternate_spid,omitempty"`
	SiteID               string        `xml:"SiteId,omitempty" json:"site_id,omitempty"`
	PeerID               string        `xml:"PeerId,omitempty" json:"peer_id,omitempty"`
	Subscriber           *Subscriber   `xml:"Subscriber,omitempty" json:"subscriber,omitempty"`
	LoaAuthorizingPerson string        `xml:"LoaAuthorizingPerson,omitempty" json:"loa_authorizing_person,omitempty"`
	WirelessInfo         *WirelessInfo `xml:"WirelessInfo,omitempty" json:"wireless_info,omitempty"`
	TnAttributes         TnAttributes  `xml:"TnAttributes" json:"tn_attributes,omitempty"`
	PartialPort          *bool         `xml:"PartialPort,omitempty" json:"partial_port,omitempty"`
	Triggered            *bool         `xml:"Triggered,omitempty" json:"triggered,omitempty"`
	TargetRespOrgID      string        `xml:"TargetRespOrgId,omitempty" json:"target_resp_org_id,omitempty"`
	// ProcessingStatus: IN_PROGRESS in a PATCH submits the bulk order (SubmitBulkPortin).
	ProcessingStatus string `xml:"ProcessingStatus,omitempty" json:"processing_status,omitempty"`
	// RetryValidation in a PATCH restarts toll-free vendor validation.
	RetryValidation  *bool  `xml:"RetryValidation,omitempty" json:"retry_validation,omitempty"`
	AccountID        string `xml:"AccountId,omitempty" json:"account_id,omitempty"`
	OrderCreateDate  Time   `xml:"OrderCreateDate" json:"order_create_date"`
	LastModifiedDate Time   `xml:"LastModifiedDate" json:"last_modified_date"`
	LastModifiedBy   string `xml:"LastModifiedBy,omitempty" json:"last_modified_by,omitempty"`
	CreatedByUser    string `xml:"CreatedByUser,omitempty" json:"created_by_user,omitempty"`
}

// bulkPortinResponse is <BulkPortinResponse><BulkPortin>….
type bulkPortinResponse struct {
	BulkPortin BulkPortin `xml:"BulkPortin"`
}

// TnListResponse is the answer of the bulk tnList calls: 202 with VALIDATE_DRAFT_TNS after a PUT,
// then on GET one of the shapes of PROTOCOL.md §7.3 — NotValidatedTnList while validating;
// ChildPortinOrderList (with PortableTnList) when VALID_DRAFT_TNS; PortableTnList, child orders
// and ErrorList when INVALID_DRAFT_TNS. Both <TN> and <Tn>, and a bare <ChildPortinOrder> outside
// a list, decode.
type TnListResponse struct {
	OrderID            string             `xml:"OrderId" json:"order_id"`
	ProcessingStatus   string             `xml:"ProcessingStatus" json:"processing_status"`
	NotValidatedTnList []string           `xml:"NotValidatedTnList>Tn" json:"not_validated_tn_list,omitempty"`
	PortableTnList     []string           `xml:"PortableTnList>Tn" json:"portable_tn_list,omitempty"`
	TnList             []string           `xml:"TnList>Tn" json:"tn_list,omitempty"`
	ChildPortinOrders  []ChildPortinOrder `xml:"ChildPortinOrderList>ChildPortinOrder" json:"child_portin_orders,omitempty"`
	// ErrorList holds the numbers that cannot be ported and why (inside a 200: part of the
	// answer).
	ErrorList ErrorList `xml:"ErrorList" json:"error_list,omitempty"`
}

// ChildPortinOrder is a port-in Bandwidth created under a bulk order for a group of numbers.
type ChildPortinOrder struct {
	OrderID string   `xml:"OrderId" json:"order_id"`
	TnList  []string `xml:"TnList>Tn" json:"tn_list"`
}

// tnListFields has TnListResponse's fields without its methods; tnListShape adds the bare
// <ChildPortinOrder> that some answers carry outside a ChildPortinOrderList.
type tnListFields TnListResponse

type tnListShape struct {
	tnListFields
	Bare []ChildPortinOrder `xml:"ChildPortinOrder"`
}

// UnmarshalXML implements xml.Unmarshaler.
func (r *TnListResponse) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	var shape tnListShape
	if err := d.DecodeElement(&shape, &start); err != nil {
		return err
	}
	*r = TnListResponse(shape.tnListFields)
	r.ChildPortinOrders = append(r.ChildPortinOrders, shape.Bare...)
	r.ProcessingStatus = strings.ToUpper(r.ProcessingStatus)
	r.NotValidatedTnList = normalizeTNs(nonEmpty(r.NotValidatedTnList))
	r.PortableTnList = normalizeTNs(nonEmpty(r.PortableTnList))
	r.TnList = normalizeTNs(nonEmpty(r.TnList))
	for i := range r.ChildPortinOrders {
		r.ChildPortinOrders[i].TnList = normalizeTNs(nonEmpty(r.ChildPortinOrders[i].TnList))
	}
	return nil
}

// xmlShape tells the lenient decoder which element names TnListResponse expects.
func (TnListResponse) xmlShape() reflect.Type { return reflect.TypeFor[tnListShape]() }

// PortinListResponse is GET /bulkPortins/{id}/portinList: the child orders and, per child, the
// errors that block it (OrderID set on each ErrorDetail).
type PortinListResponse struct {
	PortinOrderIDs []string  `xml:"PortinList>PortinOrderId" json:"portin_order_ids"`
	Errors         ErrorList `xml:"Errors" json:"errors,omitempty"`
}

// bulkTnList is the body of PUT /bulkPortins/{id}/tnList (upper-case TN, as documented).
type bulkTnList struct {
	XMLName xml.Name `xml:"TnList"`
	TNs     []string `xml:"TN"`
}

// portinList is the body of PUT /bulkPortins/{id}/portinList.
type portinList struct {
	XMLName xml.Name `xml:"PortinList"`
	IDs     []string `xml:"PortinOrderId"`
}

// maxBulkTNs is Bandwidth's limit on one bulk tnList.
const maxBulkTNs = 20000

func bulkPath(orderID, suffix string) (route, path string, err error) {
	id, err := pathID("bulk port-in order", orderID)
	if err != nil {
		return "", "", err
	}
	return "/bulkPortins/{id}" + suffix, "/bulkPortins/" + id + suffix, nil
}

// CreateBulkPortin creates a draft bulk port-in (POST /bulkPortins). Not retried automatically.
func (c *Client) CreateBulkPortin(ctx context.Context, b BulkPortin) (BulkPortin, error) {
	b.OrderID, b.AccountID, b.ProcessingStatus = "", "", ""
	if b.CustomerOrderID != "" {
		if err := invalid(validateCustomerOrderID(b.CustomerOrderID)); err != nil {
			return BulkPortin{}, err
		}
	}
	if b.LoaAuthorizingPerson != "" {
		if err := invalid(validateLoaAuthorizingPerson(b.LoaAuthorizingPerson)); err != nil {
			return BulkPortin{}, err
		}
	}
	var out bulkPortinResponse
	resp, err := c.call(ctx, &request{method: http.MethodPost, route: "/bulkPortins", path: "/bulkPortins", body: b,
		group: groupBulkPortIn}, &out)
	if err != nil {
		return BulkPortin{}, err
	}
	if out.BulkPortin.OrderID == "" {
		out.BulkPortin.OrderID = locationID(resp.header)
	}
	return out.BulkPortin.normalized(), nil
}

// GetBulkPortin returns a bulk port-in (GET /bulkPortins/{id}).
func (c *Client) GetBulkPortin(ctx context.Context, orderID string) (BulkPortin, error) {
	route, path, err := bulkPath(orderID, "")
	if err != nil {
		return BulkPortin{}, err
	}
	var out bulkPortinResponse
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: route, path: path, idempotent: true,
		group: groupBulkPortIn}, &out); err != nil {
		return BulkPortin{}, err
	}
	return out.BulkPortin.normalized(), nil
}

// PatchBulkPortin changes the fields set in patch (PATCH /bulkPortins/{id}); changed values are
// re-applied to every child, overwriting child edits. A refusal lists per-child errors
// (ErrorDetail.OrderID). Not retried automatically.
func (c *Client) PatchBulkPortin(ctx context.Context, orderID string, patch BulkPortin) (BulkPortin, error) {
	route, path, err := bulkPath(orderID, "")
	if err != nil {
		return BulkPortin{}, err
	}
	patch.OrderID, patch.AccountID = "", ""
	patch.OrderCreateDate, patch.LastModifiedDate = Time{}, Time{}
	patch.LastModifiedBy, patch.CreatedByUser = "", ""
	if patch.ProcessingStatus != "" && patch.ProcessingStatus != BulkStatusInProgress {
		return BulkPortin{}, fmt.Errorf("%w: a PATCH may only set ProcessingStatus %s", ErrInvalidRequest, BulkStatusInProgress)
	}
	var out bulkPortinResponse
	if _, err := c.call(ctx, &request{method: http.MethodPatch, route: route, path: path, body: patch,
		group: groupBulkPortIn}, &out); err != nil {
		return BulkPortin{}, err
	}
	return out.BulkPortin.normalized(), nil
}

// SubmitBulkPortin submits a bulk port-in whose numbers validated (PATCH with ProcessingStatus
// IN_PROGRESS; allowed from DRAFT or VALID_DRAFT_TNS). Its children go to SUBMITTED or
// PENDING_DOCUMENTS.
func (c *Client) SubmitBulkPortin(ctx context.Context, orderID string) (BulkPortin, error) {
	return c.PatchBulkPortin(ctx, orderID, BulkPortin{ProcessingStatus: BulkStatusInProgress})
}

// RetryBulkValidation restarts toll-free vendor validation (PATCH with RetryValidation true),
// e.g. after 7626 "No results from toll free porting vendor".
func (c *Client) RetryBulkValidation(ctx context.Context, orderID string) (BulkPortin, error) {
	return c.PatchBulkPortin(ctx, orderID, BulkPortin{RetryValidation: Ptr(true)})
}

// DeleteBulkPortin deletes a draft bulk port-in (DELETE /bulkPortins/{id}): draft children are
// deleted, others detached. Submitted bulk orders are cancelled by cancelling every child.
func (c *Client) DeleteBulkPortin(ctx context.Context, orderID string) error {
	route, path, err := bulkPath(orderID, "")
	if err != nil {
		return err
	}
	_, err = c.call(ctx, &request{method: http.MethodDelete, route: route, path: path, group: groupBulkPortIn}, nil)
	return err
}

// PutBulkTnList sets a draft bulk port-in's numbers (PUT /bulkPortins/{id}/tnList, ≤20,000
// numbers, toll-free and not mixable). Bandwidth answers 202 with VALIDATE_DRAFT_TNS; poll
// GetBulkTnList for the result. The list is the full state, so the call is retried on retryable
// failures.
func (c *Client) PutBulkTnList(ctx context.Context, orderID string, tns []string) (TnListResponse, error) {
	route, path, err := bulkPath(orderID, "/tnList")
	if err != nil {
		return TnListResponse{}, err
	}
	if len(tns) > maxBulkTNs {
		return TnListResponse{}, fmt.Errorf("%w: %d numbers; a bulk port-in takes at most %d", ErrInvalidRequest, len(tns), maxBulkTNs)
	}
	body := bulkTnList{TNs: make([]string, len(tns))}
	for i, tn := range tns {
		body.TNs[i] = NormalizeTN(tn)
	}
	if err := invalid(validateTNList("TnList", body.TNs, true)); err != nil {
		return TnListResponse{}, err
	}
	var out TnListResponse
	if _, err := c.call(ctx, &request{method: http.MethodPut, route: route, path: path, body: body, idempotent: true,
		group: groupBulkPortIn}, &out); err != nil {
		return TnListResponse{}, err
	}
	return out, nil
}

// GetBulkTnList returns the validation state of a bulk port-in's numbers (GET
// /bulkPortins/{id}/tnList). Numbers that cannot be ported are in ErrorList; that is an answer,
// not a failed call.
func (c *Client) GetBulkTnList(ctx context.Context, orderID string) (TnListResponse, error) {
	route, path, err := bulkPath(orderID, "/tnList")
	if err != nil {
		return TnListResponse{}, err
	}
	var out TnListResponse
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: route, path: path, idempotent: true,
		group: groupBulkPortIn, bodyErrors: keepBodyErrors}, &out); err != nil {
		return TnListResponse{}, err
	}
	return out, nil
}

// GetBulkPortinList returns a bulk port-in's child orders and their blocking errors (GET
// /bulkPortins/{id}/portinList).
func (c *Client) GetBulkPortinList(ctx context.Context, orderID string) (PortinListResponse, error) {
	route, path, err := bulkPath(orderID, "/portinList")
	if err != nil {
		return PortinListResponse{}, err
	}
	var out PortinListResponse
	if _, err := c.call(ctx, &request{method: http.MethodGet, route: route, path: path, idempotent: true,
		group: groupBulkPortIn, bodyErrors: keepBodyErrors}, &out); err != nil {
		return PortinListResponse{}, err
	}
	return out, nil
}

// PutBulkPortinList replaces a bulk port-in's child list (PUT /bulkPortins/{id}/portinList): only
// draft children can be attached while the bulk is a draft; children can be detached any time.
func (c *Client) PutBulkPortinList(ctx context.Context, orderID string, childOrderIDs []string) error {
	route, path, err := bulkPath(orderID, "/portinList")
	if err != nil {
		return err
	}
	_, err = c.call(ctx, &request{method: http.MethodPut, route: route, path: path,
		body: portinList{IDs: childOrderIDs}, idempotent: true, group: groupBulkPortIn}, nil)
	return err
}

func (b BulkPortin) normalized() BulkPortin {
	b.XMLName = xml.Name{}
	b.ProcessingStatus = strings.ToUpper(b.ProcessingStatus)
	return b
}
