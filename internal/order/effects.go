package order

import "time"

// EffectKind names a kind of effect.
type EffectKind string

// Effect kinds.
const (
	EffectCheckPortability    EffectKind = "check_portability"
	EffectCreateCsr           EffectKind = "create_csr"
	EffectFetchCsr            EffectKind = "fetch_csr"
	EffectUpdateCsr           EffectKind = "update_csr"
	EffectCancelCsr           EffectKind = "cancel_csr"
	EffectCreatePortIn        EffectKind = "create_port_in"
	EffectUploadDocuments     EffectKind = "upload_documents"
	EffectFetchPortIn         EffectKind = "fetch_port_in"
	EffectSuppPortIn          EffectKind = "supp_port_in"
	EffectActivatePortIn      EffectKind = "activate_port_in"
	EffectScheduleActivation  EffectKind = "schedule_activation"
	EffectCancelPortIn        EffectKind = "cancel_port_in"
	EffectCreateBulkPortIn    EffectKind = "create_bulk_port_in"
	EffectPutBulkTnList       EffectKind = "put_bulk_tn_list"
	EffectCollectBulkChildren EffectKind = "collect_bulk_children"
	EffectPrepareDraft        EffectKind = "prepare_draft"
	EffectDiscardDraft        EffectKind = "discard_draft"
	EffectSubmitBulk          EffectKind = "submit_bulk"
	EffectFetchBulkPortIn     EffectKind = "fetch_bulk_port_in"
	EffectDeleteBulkPortIn    EffectKind = "delete_bulk_port_in"
)

// Effect is work Decide asks the orchestrator to do — almost always a call to Bandwidth — whose
// outcome comes back as an event. Every effect is safe to perform twice. Effects that carry a
// Secret (CSR and port-in plans) must not be persisted in clear: encrypt the job arguments or
// rebuild the secret from the stored request when the job runs.
type Effect interface {
	Kind() EffectKind
	effect()
}

// CheckPortability: POST /lnpchecker?fullCheck=true for Numbers; answer with PortabilityChecked
// or PortabilityRejected.
type CheckPortability struct {
	Numbers []string
}

// CreateCsr: find the CSR order by Plan.CustomerOrderID, or POST /csrs; answer with CsrCreated
// or CsrRejected.
type CreateCsr struct {
	PortOrder string
	Plan      CsrPlan
}

// FetchCsr: GET /csrs/{CsrOrderID}; answer with CsrObserved.
type FetchCsr struct {
	PortOrder  string
	CsrOrderID string
}

// UpdateCsr: PUT /csrs/{CsrOrderID} with the information the carrier asked for; answer with
// CsrObserved (after a GET) or CsrRejected.
type UpdateCsr struct {
	PortOrder  string
	CsrOrderID string
	Plan       CsrPlan
}

// CancelCsr: PUT /csrs/{CsrOrderID} with Status REQUESTED_CANCEL. Best effort; no answer needed.
type CancelCsr struct {
	PortOrder  string
	CsrOrderID string
}

// CreatePortIn: find the port-in by Plan.CustomerOrderID (GET /portins?customerOrderId=…), or
// POST /portins; answer with PortInCreated or PortInRejected.
type CreatePortIn struct {
	PortOrder string
	Plan      PortInPlan
}

// UploadDocuments: POST /portins/{id}/loas?documentType=LOA for each document; answer with
// DocumentsUploaded or DocumentsRejected.
type UploadDocuments struct {
	PortOrder        string
	BandwidthOrderID string
	DocumentIDs      []string
}

// FetchPortIn: GET /portins/{id}; answer with PortInObserved.
type FetchPortIn struct {
	PortOrder        string
	BandwidthOrderID string
}

// SuppPortIn: PUT /portins/{id} (LnpOrderSupp) with the changes in Plan, then GET the order;
// answer with PortInObserved or SuppRejected. Bandwidth resets some omitted fields on a SUPP, so
// the client reads the order first and copies every field Plan does not change.
type SuppPortIn struct {
	PortOrder        string
	BandwidthOrderID string
	Plan             SuppPlan
}

// ActivatePortIn: PUT /portins/{id}/activationStatus with AutoActivationDate At (a time in the
// past means "now"); then GET the order; answer with PortInObserved or ActivationRefused.
type ActivatePortIn struct {
	PortOrder        string
	BandwidthOrderID string
	At               time.Time
}

// ScheduleActivation: deliver ActivationDue{ScheduledFor: At} at At.
type ScheduleActivation struct {
	PortOrder string
	At        time.Time
}

// CancelPortIn: DELETE /portins/{id}; then GET the order; answer with PortInObserved or
// CancelRefused.
type CancelPortIn struct {
	PortOrder        string
	BandwidthOrderID string
}

// CreateBulkPortIn: POST /bulkPortins as a DRAFT with the request's shared defaults; answer
// with BulkCreated or BulkRejected{Call: create}.
type CreateBulkPortIn struct {
	Plan BulkPlan
}

// BulkPlan is the <BulkPortin> of a request: the defaults Bandwidth copies to every child.
type BulkPlan struct {
	// CustomerOrderID is the request id, so a bulkPortins notification finds its request.
	CustomerOrderID      string         `json:"customer_order_id"`
	LoaAuthorizingPerson string         `json:"loa_authorizing_person"`
	Subscriber           SubscriberPlan `json:"subscriber"`
	ServiceAddress       AddressParts   `json:"service_address"`
}

// PutBulkTnList: PUT /bulkPortins/{id}/tnList with Numbers; answer with BulkValidated (the 202's
// VALIDATE_DRAFT_TNS) or BulkRejected{Call: tn_list}.
type PutBulkTnList struct {
	BandwidthOrderID string
	Numbers          []string
}

// CollectBulkChildren: GET /bulkPortins/{id}/tnList; once children exist, detach them all
// (PUT portinList, empty) so each can be supplemented — Bandwidth refuses a SUPP of a child
// attached to a draft bulk (7717); answer with BulkValidated.
type CollectBulkChildren struct {
	BandwidthOrderID string
}

// PrepareDraft: PUT /portins/{BandwidthOrderID} (SUPP of the draft) with the whole Plan, or,
// without an id, find the draft by Plan.CustomerOrderID or POST /portins as a DRAFT; answer with
// DraftPrepared or DraftRejected.
type PrepareDraft struct {
	PortOrder        string
	BandwidthOrderID string
	Plan             PortInPlan
}

// DiscardDraft: DELETE /portins/{id} of a draft that left the bulk (removed entirely; a draft
// already gone counts as done). No answer needed.
type DiscardDraft struct {
	PortOrder        string
	BandwidthOrderID string
}

// SubmitBulk: PUT /bulkPortins/{id}/portinList with Children, then PATCH ProcessingStatus
// IN_PROGRESS; answer with BulkSubmitted or BulkSubmitRejected. A bulk found already submitted
// counts as submitted.
type SubmitBulk struct {
	BandwidthOrderID string
	Children         []string
}

// FetchBulkPortIn: GET /bulkPortins/{id}; answer with BulkObserved.
type FetchBulkPortIn struct {
	BandwidthOrderID string
}

// DeleteBulkPortIn: DELETE /bulkPortins/{id} of a draft nothing is left in. No answer needed.
type DeleteBulkPortIn struct {
	BandwidthOrderID string
}

func (CreateBulkPortIn) Kind() EffectKind    { return EffectCreateBulkPortIn }
func (PutBulkTnList) Kind() EffectKind       { return EffectPutBulkTnList }
func (CollectBulkChildren) Kind() EffectKind { return EffectCollectBulkChildren }
func (PrepareDraft) Kind() EffectKind        { return EffectPrepareDraft }
func (DiscardDraft) Kind() EffectKind        { return EffectDiscardDraft }
func (SubmitBulk) Kind() EffectKind          { return EffectSubmitBulk }
func (FetchBulkPortIn) Kind() EffectKind     { return EffectFetchBulkPortIn }
func (DeleteBulkPortIn) Kind() EffectKind    { return EffectDeleteBulkPortIn }

func (CreateBulkPortIn) effect()    {}
func (PutBulkTnList) effect()       {}
func (CollectBulkChildren) effect() {}
func (PrepareDraft) effect()        {}
func (DiscardDraft) effect()        {}
func (SubmitBulk) effect()          {}
func (FetchBulkPortIn) effect()     {}
func (DeleteBulkPortIn) effect()    {}

func (CheckPortability) Kind() EffectKind   { return EffectCheckPortability }
func (CreateCsr) Kind() EffectKind          { return EffectCreateCsr }
func (FetchCsr) Kind() EffectKind           { return EffectFetchCsr }
func (UpdateCsr) Kind() EffectKind          { return EffectUpdateCsr }
func (CancelCsr) Kind() EffectKind          { return EffectCancelCsr }
func (CreatePortIn) Kind() EffectKind       { return EffectCreatePortIn }
func (UploadDocuments) Kind() EffectKind    { return EffectUploadDocuments }
func (FetchPortIn) Kind() EffectKind        { return EffectFetchPortIn }
func (SuppPortIn) Kind() EffectKind         { return EffectSuppPortIn }
func (ActivatePortIn) Kind() EffectKind     { return EffectActivatePortIn }
func (ScheduleActivation) Kind() EffectKind { return EffectScheduleActivation }
func (CancelPortIn) Kind() EffectKind       { return EffectCancelPortIn }

func (CheckPortability) effect()   {}
func (CreateCsr) effect()          {}
func (FetchCsr) effect()           {}
func (UpdateCsr) effect()          {}
func (CancelCsr) effect()          {}
func (CreatePortIn) effect()       {}
func (UploadDocuments) effect()    {}
func (FetchPortIn) effect()        {}
func (SuppPortIn) effect()         {}
func (ActivatePortIn) effect()     {}
func (ScheduleActivation) effect() {}
func (CancelPortIn) effect()       {}

// CsrPlan is the <Csr> body (PROTOCOL §4.2): the billing number plus whatever the customer gave
// that helps the carrier find the account.
type CsrPlan struct {
	CustomerOrderID        string `json:"customer_order_id"`
	WorkingOrBillingNumber string `json:"working_or_billing_number"`
	AccountNumber          Secret `json:"account_number,omitempty"`
	PIN                    Secret `json:"pin,omitempty"`
	EndUserName            string `json:"end_user_name,omitempty"`
	AuthorizingUserName    string `json:"authorizing_user_name,omitempty"`
	AddressLine1           string `json:"address_line1,omitempty"`
	City                   string `json:"city,omitempty"`
	State                  string `json:"state,omitempty"`
	Zip                    string `json:"zip,omitempty"`
	// TypeOfService is "business" or "residential".
	TypeOfService string `json:"type_of_service,omitempty"`
}

// SubscriberPlan is the port-in <Subscriber> name part.
type SubscriberPlan struct {
	// Type is "BUSINESS" or "RESIDENTIAL".
	Type         string `json:"type"`
	BusinessName string `json:"business_name,omitempty"`
	FirstName    string `json:"first_name,omitempty"`
	LastName     string `json:"last_name,omitempty"`
}

// WirelessInfo is the port-in <WirelessInfo>: account number and PIN at the losing carrier.
type WirelessInfo struct {
	AccountNumber Secret `json:"account_number"`
	PIN           Secret `json:"pin,omitempty"`
}

// PortInPlan is the complete <LnpOrder> content for one port order, computed here so that every
// rule about it is testable without Bandwidth. The client adds only the account's SiteId/PeerId.
type PortInPlan struct {
	CustomerOrderID      string         `json:"customer_order_id"`
	Numbers              []string       `json:"numbers"`
	BillingNumber        string         `json:"billing_number"`
	Subscriber           SubscriberPlan `json:"subscriber"`
	ServiceAddress       AddressParts   `json:"service_address"`
	WirelessInfo         *WirelessInfo  `json:"wireless_info,omitempty"`
	RequestedFocDate     time.Time      `json:"requested_foc_date"`
	Triggered            bool           `json:"triggered"`
	PartialPort          bool           `json:"partial_port"`
	LoaAuthorizingPerson string         `json:"loa_authorizing_person"`
	PortType             string         `json:"port_type"`
}

// SuppPlan is what a SUPP changes; nil fields stay as they are. WirelessInfo always carries both
// the account number and the PIN, as Bandwidth requires.
type SuppPlan struct {
	ServiceAddress       *AddressParts   `json:"service_address,omitempty"`
	Subscriber           *SubscriberPlan `json:"subscriber,omitempty"`
	WirelessInfo         *WirelessInfo   `json:"wireless_info,omitempty"`
	RequestedFocDate     *time.Time      `json:"requested_foc_date,omitempty"`
	BillingNumber        *string         `json:"billing_number,omitempty"`
	PartialPort          *bool           `json:"partial_port,omitempty"`
	LoaAuthorizingPerson *string         `json:"loa_authorizing_person,omitempty"`
	// Reason says why the SUPP is sent, for the timeline.
	Reason string `json:"reason"`
}

// Empty reports whether the SUPP changes nothing.
func (p SuppPlan) Empty() bool {
	return p.ServiceAddress == nil && p.Subscriber == nil && p.WirelessInfo == nil &&
		p.RequestedFocDate == nil && p.BillingNumber == nil && p.PartialPort == nil &&
		p.LoaAuthorizingPerson == nil
}

func (p PortInPlan) clone() PortInPlan {
	c := p
	c.Numbers = append([]string(nil), p.Numbers...)
	c.WirelessInfo = clonePtr(p.WirelessInfo)
	return c
}

// withoutPIN returns the plan as stored in PortOrder.Submitted: the PIN lives only on the request.
func (p PortInPlan) withoutPIN() *PortInPlan {
	c := p.clone()
	if c.WirelessInfo != nil {
		c.WirelessInfo.PIN = ""
	}
	return &c
}

func (p SuppPlan) clone() SuppPlan {
	c := p
	c.ServiceAddress = clonePtr(p.ServiceAddress)
	c.Subscriber = clonePtr(p.Subscriber)
	c.WirelessInfo = clonePtr(p.WirelessInfo)
	c.RequestedFocDate = clonePtr(p.RequestedFocDate)
	c.BillingNumber = clonePtr(p.BillingNumber)
	c.PartialPort = clonePtr(p.PartialPort)
	c.LoaAuthorizingPerson = clonePtr(p.LoaAuthorizingPerson)
	return c
}

// apply writes the SUPP's changes into a submitted plan.
func (p SuppPlan) apply(to *PortInPlan) {
	if p.ServiceAddress != nil {
		to.ServiceAddress = *p.ServiceAddress
	}
	if p.Subscriber != nil {
		to.Subscriber = *p.Subscriber
	}
	if p.WirelessInfo != nil {
		to.WirelessInfo = &WirelessInfo{AccountNumber: p.WirelessInfo.AccountNumber}
	}
	if p.RequestedFocDate != nil {
		to.RequestedFocDate = *p.RequestedFocDate
	}
	if p.BillingNumber != nil {
		to.BillingNumber = *p.BillingNumber
	}
	if p.PartialPort != nil {
		to.PartialPort = *p.PartialPort
	}
	if p.LoaAuthorizingPerson != nil {
		to.LoaAuthorizingPerson = *p.LoaAuthorizingPerson
	}
}
