package sandbox

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Port-in processing statuses (PROTOCOL §5.6).
const (
	statusDraft             = "DRAFT"
	statusPendingDocuments  = "PENDING_DOCUMENTS"
	statusSubmitted         = "SUBMITTED"
	statusException         = "EXCEPTION"
	statusRequestedSupp     = "REQUESTED_SUPP"
	statusFOC               = "FOC"
	statusRequestedCancel   = "REQUESTED_CANCEL"
	statusCancelled         = "CANCELLED"
	statusComplete          = "COMPLETE"
	statusValidateDraftTFNs = "VALIDATE_DRAFT_TFNS" // a toll-free draft under validation
	statusValidDraftTFNs    = "VALID_DRAFT_TFNS"    // a toll-free draft that may be submitted
	statusInvalidDraftTFNs  = "INVALID_DRAFT_TFNS"  // a toll-free draft whose numbers failed validation
)

// Port types (PROTOCOL §5.7).
const (
	portTypeAutomated       = "AUTOMATED"
	portTypeAutomatedOffNet = "AUTOMATEDOFFNET"
	portTypeInternal        = "INTERNAL"
	portTypeManualOffNet    = "MANUALOFFNET"
	portTypeManualTollFree  = "MANUAL_TOLLFREE"
	portTypeMixed           = "MIXED"
)

// notifiedPortinStatuses are the states a portins subscription hears about (PROTOCOL §2.4).
var notifiedPortinStatuses = map[string]bool{
	statusPendingDocuments: true, statusSubmitted: true, statusFOC: true, statusRequestedSupp: true,
	statusComplete: true, statusCancelled: true, statusException: true, statusRequestedCancel: true,
}

// vendorIDs are the VendorId values Bandwidth lists for its vendors.
var vendorIDs = map[string]string{"Bandwidth CLEC": "49", "Level 3": "57"}

const (
	statusTextCreated  = "Order request received. Please use the order id to check the status of your order later."
	statusTextSupp     = "Supp request received. Please use the order id to check the status of your order later."
	statusTextCancel   = "Cancellation request received. Please use the order id to check the status of your order later."
	statusTextInvalid  = "Validation Failed. Please check your input parameters."
	statusTextNotFound = "Order id not found."
	systemAuthor       = "System"
)

// portIn is one port-in order.
type portIn struct {
	id               string
	customerOrderID  string
	status           string
	deleted          bool // a deleted draft: gone from the API, kept for inspection
	requestedFocDate string
	foc              focRequest
	hasFoc           bool
	actualFoc        time.Time
	activationAt     time.Time
	activationGen    int
	alternateSpid    string
	btn              string
	newBTN           string
	siteID           string
	peerID           string
	loaAuthorizer    string
	subscriber       subscriberXML
	wireless         wirelessInfoXML
	tnAttributes     []string
	tns              []string
	partialPort      bool
	triggered        bool
	immediately      bool
	billingType      string
	carrier          CarrierInfo
	portType         string
	errors           []apiError
	history          []historyEntry
	notes            []*note
	loas             []*loaFile
	created          time.Time
	modified         time.Time
	touched          time.Time // last change on the draft clock, for the idle-draft purge
	createdBy        string
	modifiedBy       string
	pon              string
	bulkID           string
	gen              int             // bumped on every status change; a timer for an older gen does nothing
	heldTNs          []string        // numbers this order holds in tnHolder
	indexedTNs       map[string]bool // numbers already in portinsByTN for this order
}

type historyEntry struct {
	at         time.Time
	note       string
	author     string
	status     string
	difference string
}

func (p *portIn) final() bool { return p.status == statusComplete || p.status == statusCancelled }

// isDraft reports whether the order is a draft: DRAFT, or one of a toll-free draft's states.
func (p *portIn) isDraft() bool {
	switch p.status {
	case statusDraft, statusValidateDraftTFNs, statusValidDraftTFNs, statusInvalidDraftTFNs:
		return true
	}
	return false
}

// tollFreeDraftRefusal is the error for submitting a toll-free draft whose numbers are not
// (yet) validated: only VALID_DRAFT_TFNS (or a bulk's toll-free child, DRAFT) may be submitted.
func tollFreeDraftRefusal(p *portIn) *apiError {
	switch p.status {
	case statusValidateDraftTFNs:
		return &apiError{Code: "7637", Description: "The toll-free numbers are still being validated; submit once the order is VALID_DRAFT_TFNS."}
	case statusInvalidDraftTFNs:
		return &apiError{Code: "7637", Description: "The toll-free numbers failed validation (INVALID_DRAFT_TFNS); correct ListOfPhoneNumbers first."}
	}
	return nil
}

// setDraftStatusLocked moves a draft between draft states; drafts are never notified.
func (s *Sandbox) setDraftStatusLocked(p *portIn, status, note, author string) {
	p.status = status
	p.modified, p.modifiedBy, p.touched = s.now(), author, s.draftClock()
	p.gen++
	p.history = append(p.history, historyEntry{at: p.modified, note: note, author: author, status: status})
	s.logf("sandbox: portin %s %s (%s)", p.id, status, note)
}

// scheduleTollFreeDraftValidationLocked answers a toll-free draft in VALIDATE_DRAFT_TFNS one
// step later: VALID_DRAFT_TFNS, or INVALID_DRAFT_TFNS (7386) when other numbers are on it.
func (s *Sandbox) scheduleTollFreeDraftValidationLocked(p *portIn) {
	gen := p.gen
	s.after(1, func() {
		if p.gen != gen || p.deleted || p.status != statusValidateDraftTFNs {
			return
		}
		var other []string
		for _, tn := range p.tns {
			if !isTollFree(tn) {
				other = append(other, tn)
			}
		}
		if len(other) > 0 {
			p.errors = []apiError{{Code: "7386", Description: "Toll-free and non-toll-free numbers cannot be on the same port-in; put the toll-free numbers on a port-in of their own.", TNs: other}}
			s.setDraftStatusLocked(p, statusInvalidDraftTFNs, "Toll-free validation failed", systemAuthor)
			return
		}
		p.errors = nil
		s.setDraftStatusLocked(p, statusValidDraftTFNs, "Toll-free numbers validated", systemAuthor)
	})
}

// holdsNumbers reports whether the order's numbers count as "on an order" (7205).
func (p *portIn) holdsNumbers() bool {
	return !p.deleted && p.status != "" && !p.isDraft() && !p.final()
}

// triggerable reports whether the order waits for on-demand activation on reaching FOC:
// Triggered automated wireline, off-net and internal ports.
func (p *portIn) triggerable() bool {
	return p.triggered && !p.carrier.Wireless && p.portType != portTypeManualOffNet && p.portType != portTypeManualTollFree
}

// tollFree reports whether the order ports toll-free numbers (judged by its first number; a
// list that mixes toll-free and other numbers is refused with 7386 at submit).
func (p *portIn) tollFree() bool {
	return len(p.tns) > 0 && validNANP(p.tns[0]) && isTollFree(p.tns[0])
}

// waitsForDocuments reports whether the order must stay in PENDING_DOCUMENTS: a toll-free
// port-in goes on only once an LOA (documentType LOA, PDF or TIFF) is on it (PROTOCOL §5.9).
func (p *portIn) waitsForDocuments() bool {
	if !p.tollFree() {
		return false
	}
	for _, f := range p.loas {
		if f.documentType == "LOA" && tollFreeDocumentTypes[f.contentType] {
			return false
		}
	}
	return true
}

func (p *portIn) hasLOA() bool {
	for _, f := range p.loas {
		if f.documentType == "LOA" {
			return true
		}
	}
	return false
}

// applyOrder copies the request's fields onto the order. With present == nil every field is
// taken (create); otherwise only the elements present in the body (SUPP).
func (p *portIn) applyOrder(req *lnpOrderRequest, present elementSet) {
	take := func(path string) bool { return present == nil || present.has(path) }
	str := func(path string, dst *string, v string) {
		if take(path) {
			*dst = strings.TrimSpace(v)
		}
	}
	str("CustomerOrderId", &p.customerOrderID, req.CustomerOrderID)
	str("RequestedFocDate", &p.requestedFocDate, req.RequestedFocDate)
	str("AlternateSpid", &p.alternateSpid, req.AlternateSpid)
	str("BillingTelephoneNumber", &p.btn, req.BillingTelephoneNumber)
	str("NewBillingTelephoneNumber", &p.newBTN, req.NewBillingTelephoneNumber)
	str("SiteId", &p.siteID, req.SiteID)
	str("PeerId", &p.peerID, req.PeerID)
	str("LoaAuthorizingPerson", &p.loaAuthorizer, req.LoaAuthorizingPerson)
	str("BillingType", &p.billingType, req.BillingType)
	str("WirelessInfo/AccountNumber", &p.wireless.AccountNumber, req.WirelessInfo.AccountNumber)
	str("WirelessInfo/PinNumber", &p.wireless.PinNumber, req.WirelessInfo.PinNumber)
	sub := req.Subscriber
	str("Subscriber/SubscriberType", &p.subscriber.SubscriberType, strings.ToUpper(sub.SubscriberType))
	str("Subscriber/BusinessName", &p.subscriber.BusinessName, sub.BusinessName)
	str("Subscriber/FirstName", &p.subscriber.FirstName, sub.FirstName)
	str("Subscriber/MiddleInitial", &p.subscriber.MiddleInitial, sub.MiddleInitial)
	str("Subscriber/LastName", &p.subscriber.LastName, sub.LastName)
	a := sub.ServiceAddress
	// ResetAddressFields replaces the whole address: every address element is taken, given or
	// not; the elements outside the address keep their SUPP (patch) semantics.
	resetAddress := present != nil && parseBoolText(a.ResetAddressFields)
	if resetAddress {
		p.subscriber.ServiceAddress = serviceAddressXML{}
	}
	addr := func(path string, dst *string, v string) {
		if resetAddress || take(path) {
			*dst = strings.TrimSpace(v)
		}
	}
	dst := &p.subscriber.ServiceAddress
	const sa = "Subscriber/ServiceAddress/"
	addr(sa+"HousePrefix", &dst.HousePrefix, a.HousePrefix)
	addr(sa+"HouseNumber", &dst.HouseNumber, a.HouseNumber)
	addr(sa+"HouseSuffix", &dst.HouseSuffix, a.HouseSuffix)
	addr(sa+"PreDirectional", &dst.PreDirectional, a.PreDirectional)
	addr(sa+"StreetName", &dst.StreetName, a.StreetName)
	addr(sa+"StreetSuffix", &dst.StreetSuffix, a.StreetSuffix)
	addr(sa+"PostDirectional", &dst.PostDirectional, a.PostDirectional)
	addr(sa+"AddressLine2", &dst.AddressLine2, a.AddressLine2)
	addr(sa+"City", &dst.City, a.City)
	addr(sa+"StateCode", &dst.StateCode, strings.ToUpper(a.StateCode))
	addr(sa+"Zip", &dst.Zip, a.Zip)
	addr(sa+"PlusFour", &dst.PlusFour, a.PlusFour)
	addr(sa+"County", &dst.County, a.County)
	if take("TnAttributes") {
		p.tnAttributes = append([]string(nil), req.TnAttributes...)
	}
	if take("ListOfPhoneNumbers") {
		p.tns = p.tns[:0:0]
		for _, tn := range req.ListOfPhoneNumbers {
			p.tns = append(p.tns, strings.TrimSpace(tn))
		}
	}
	if take("PartialPort") {
		p.partialPort = parseBoolText(req.PartialPort)
	}
	if present == nil || present.has("Immediately") {
		p.immediately = parseBoolText(req.Immediately)
	}
}

// applyCreateOnly sets what only a create may set (Triggered cannot change in a SUPP).
func (p *portIn) applyCreateOnly(req *lnpOrderRequest) {
	p.triggered = parseBoolText(req.Triggered)
}

// readOnlyPortinElements are server-side fields a SUPP must not echo back.
var readOnlyPortinElements = []string{
	"OrderId", "Status", "Errors", "ActualFocDate", "OrderCreateDate", "LastModifiedDate",
	"LastModifiedBy", "userId", "AccountId", "LosingCarrierSPID", "LosingCarrierName",
	"LosingCarrierIsWireless", "VendorName", "PON", "PortType", "BulkPortinOrderId", "EarliestEstimate",
}

// ---- responses --------------------------------------------------------------------------

func (s *Sandbox) portInToXMLLocked(p *portIn) lnpOrderResponse {
	out := lnpOrderResponse{
		ProcessingStatus: p.status, BulkPortinOrderID: p.bulkID, RequestedFocDate: p.requestedFocDate,
		ActualFocDate: bandwidthTime(p.actualFoc), CustomerOrderID: p.customerOrderID,
		LoaAuthorizingPerson: p.loaAuthorizer, BillingTelephoneNumber: p.btn,
		NewBillingTelephoneNumber: p.newBTN, PON: p.pon, AlternateSpid: p.alternateSpid,
		AccountID: s.opts.AccountID, SiteID: p.siteID, PeerID: p.peerID,
		OrderCreateDate: bandwidthTime(p.created), LastModifiedDate: bandwidthTime(p.modified),
		UserID: p.createdBy, LastModifiedBy: p.modifiedBy, PartialPort: boolText(p.partialPort),
		Immediately: boolText(p.immediately), Triggered: boolText(p.triggered), PortType: p.portType,
		BillingType: "PORTIN",
	}
	if p.carrier.Name != "" {
		out.LosingCarrierSPID, out.LosingCarrierName = p.carrier.SPID, p.carrier.Name
		out.LosingCarrierIsWireless, out.VendorName = boolText(p.carrier.Wireless), p.carrier.VendorName
	}
	for _, e := range p.errors {
		out.Errors = append(out.Errors, lnpErrorXMLOf(e))
	}
	sub := p.subscriber
	if sub.ServiceAddress.StateCode != "" {
		sub.ServiceAddress.Country, sub.ServiceAddress.AddressType = "United States", "Service"
	}
	out.Subscriber = &sub
	if p.wireless != (wirelessInfoXML{}) {
		w := p.wireless
		out.WirelessInfo = &w
	}
	if len(p.tnAttributes) > 0 {
		out.TnAttributes = &tnAttributesXML{TnAttribute: p.tnAttributes}
	}
	out.ListOfPhoneNumbers = &phoneNumberListXML{PhoneNumber: p.tns}
	if p.isDraft() && len(p.tns) > 0 && validNANP(p.tns[0]) {
		interval := carrierOf(p.tns[0]).Info().MinimumPortingInterval
		out.EarliestEstimate = bandwidthTime(earliestFocDay(interval, s.now()).time(eastern, defaultActivationHour, defaultActivationMinute))
	}
	return out
}

func writeLnpErrors(w http.ResponseWriter, status int, orderID, processingStatus string, errs []apiError, echo *lnpOrderResponse) {
	out := lnpOrderResponse{}
	if echo != nil {
		out = *echo
	}
	out.OrderID, out.ProcessingStatus = orderID, processingStatus
	text := statusTextInvalid
	if status == http.StatusNotFound {
		text = statusTextNotFound
	}
	out.Status = &lnpStatusXML{Code: status, Description: text}
	out.Errors = nil
	for _, e := range errs {
		out.Errors = append(out.Errors, lnpErrorXMLOf(e))
	}
	writeXML(w, status, out)
}

// ---- create -----------------------------------------------------------------------------

func (s *Sandbox) createPortIn(w http.ResponseWriter, rc *reqCtx) {
	var req lnpOrderRequest
	present, err := decodeXML(rc.body, &req)
	if err != nil || req.XMLName.Local != "LnpOrder" {
		writeLnpErrors(w, http.StatusBadRequest, "", statusException, []apiError{{Code: "1019", Description: "The body must be an <LnpOrder> document."}}, nil)
		return
	}
	now := s.now()
	p := &portIn{created: now, modified: now, touched: s.draftClock(), createdBy: rc.user, modifiedBy: rc.user}
	p.applyOrder(&req, nil)
	p.applyCreateOnly(&req)
	draft := strings.EqualFold(strings.TrimSpace(req.ProcessingStatus), statusDraft)

	s.mu.Lock()
	if p.customerOrderID != "" {
		for _, other := range s.portinsByCOID[p.customerOrderID] {
			if !other.deleted && other.status != statusCancelled {
				s.violationLocked(rc, RuleDuplicateCreate, fmt.Sprintf(
					"Port-in %s already exists for CustomerOrderId %q; look it up (GET /portins?customerOrderId=…) before creating another.",
					other.id, p.customerOrderID))
				break
			}
		}
	}
	var errs []apiError
	if present.has("Subscriber/WirelessInfo") {
		errs = append(errs, apiError{Code: "7481", Description: "WirelessInfo must not be inside Subscriber."})
	}
	if ps := strings.TrimSpace(req.ProcessingStatus); ps != "" && !draft {
		errs = append(errs, apiError{Code: "1019", Description: fmt.Sprintf("ProcessingStatus '%s' is not allowed on create; only DRAFT.", ps)})
	}
	if draft {
		errs = append(errs, validateTNList(p.tns)...)
	} else {
		errs = append(errs, s.validateSubmitLocked(p, rc, now)...)
	}
	if len(errs) > 0 {
		echo := s.portInToXMLLocked(p)
		s.mu.Unlock()
		writeLnpErrors(w, http.StatusBadRequest, "", statusException, errs, &echo)
		return
	}
	p.id = s.newID()
	p.pon = strings.ToUpper(strings.ReplaceAll(p.id, "-", "")[:16])
	if draft {
		p.status = statusDraft
		if p.tollFree() {
			p.status = statusValidateDraftTFNs
		}
	}
	s.addPortInLocked(p)
	if p.customerOrderID != "" {
		s.creates[createKey{orderTypePortins, p.customerOrderID}]++
	}
	if draft {
		p.history = append(p.history, historyEntry{at: now, note: "Draft order created", author: rc.user, status: p.status})
		if validNANP(p.tns[0]) {
			p.carrier = carrierOf(p.tns[0]).Info()
			p.portType = p.carrier.PortType
		}
		if p.status == statusValidateDraftTFNs {
			s.scheduleTollFreeDraftValidationLocked(p)
		}
	} else {
		s.submitLocked(p, "Order has been created")
	}
	out := s.portInToXMLLocked(p)
	s.unlockAndDispatch()
	out.OrderID = p.id
	out.Status = &lnpStatusXML{Code: http.StatusCreated, Description: statusTextCreated}
	w.Header().Set("Location", s.accountURL(rc, "/portins/"+p.id))
	writeXML(w, http.StatusCreated, out)
}

func (s *Sandbox) addPortInLocked(p *portIn) {
	s.portins[p.id] = p
	s.portinPos[p.id] = len(s.portinSeq)
	s.portinSeq = append(s.portinSeq, p)
	if p.customerOrderID != "" {
		s.portinsByCOID[p.customerOrderID] = append(s.portinsByCOID[p.customerOrderID], p)
	}
	s.syncHeldNumbersLocked(p)
}

// ---- lifecycle --------------------------------------------------------------------------

// setStatusLocked moves the order to a new status, writes history and notifies subscribers
// of the states Bandwidth notifies.
func (s *Sandbox) setStatusLocked(p *portIn, status, note, author string) {
	p.status = status
	p.modified, p.modifiedBy, p.touched = s.now(), author, s.draftClock()
	p.gen++
	p.history = append(p.history, historyEntry{at: p.modified, note: note, author: author, status: status})
	s.syncHeldNumbersLocked(p)
	s.logf("sandbox: portin %s %s (%s)", p.id, status, note)
	if notifiedPortinStatuses[status] {
		n := notification{
			orderType: orderTypePortins, orderID: p.id, customerOrderID: p.customerOrderID,
			status: status, lastModified: p.modified,
		}
		switch status {
		case statusFOC:
			n.actualFocDate = bandwidthTime(p.actualFoc)
		case statusException:
			var parts []string
			for _, e := range p.errors {
				parts = append(parts, e.message())
			}
			n.message = strings.Join(parts, "; ")
		case statusComplete:
			n.completedTNs = p.tns
		}
		if n.message == "" {
			n.message = note
		}
		s.emitLocked(n)
	}
	if p.bulkID != "" {
		if b := s.bulks[p.bulkID]; b != nil {
			s.updateBulkStatusLocked(b)
		}
	}
}

// syncHeldNumbersLocked keeps tnHolder (7205) and the number index in step with the order's
// status and numbers.
func (s *Sandbox) syncHeldNumbersLocked(p *portIn) {
	for _, tn := range p.heldTNs {
		if s.tnHolder[tn] == p {
			delete(s.tnHolder, tn)
		}
	}
	p.heldTNs = nil
	if p.holdsNumbers() {
		for _, tn := range p.tns {
			s.tnHolder[tn] = p
		}
		p.heldTNs = append([]string(nil), p.tns...)
	}
	if p.indexedTNs == nil {
		p.indexedTNs = map[string]bool{}
	}
	for _, tn := range p.tns {
		if !p.indexedTNs[tn] {
			p.indexedTNs[tn] = true
			s.portinsByTN[tn] = append(s.portinsByTN[tn], p)
		}
	}
}

// submitLocked sends the order to the losing carrier, which answers after two steps.
// A toll-free order without its LOA waits in PENDING_DOCUMENTS instead.
func (s *Sandbox) submitLocked(p *portIn, note string) {
	p.errors = nil
	if p.waitsForDocuments() {
		s.setStatusLocked(p, statusPendingDocuments, note+"; waiting for the LOA (PDF or TIFF, documentType LOA)", systemAuthor)
		return
	}
	s.setStatusLocked(p, statusSubmitted, note, systemAuthor)
	s.scheduleCarrierAnswerLocked(p)
}

// documentsChangedLocked sends an order waiting in PENDING_DOCUMENTS on to SUBMITTED one step
// after the document it waits for arrives.
func (s *Sandbox) documentsChangedLocked(p *portIn) {
	if p.status != statusPendingDocuments || p.waitsForDocuments() {
		return
	}
	gen := p.gen
	s.after(1, func() {
		if p.gen == gen && p.status == statusPendingDocuments && !p.waitsForDocuments() {
			s.setStatusLocked(p, statusSubmitted, "LOA received; order submitted", systemAuthor)
			s.scheduleCarrierAnswerLocked(p)
		}
	})
}

func (s *Sandbox) scheduleCarrierAnswerLocked(p *portIn) {
	gen := p.gen
	s.after(2, func() {
		if p.gen == gen && (p.status == statusSubmitted || p.status == statusRequestedSupp) {
			s.carrierAnswerLocked(p)
		}
	})
}

// carrierAnswerLocked is the losing carrier's answer: EXCEPTION with the codes of every
// mismatch against its record of the billing number's account, or FOC.
func (s *Sandbox) carrierAnswerLocked(p *portIn) {
	if p.waitsForDocuments() { // a SUPP of a toll-free order whose LOA was removed meanwhile
		s.setStatusLocked(p, statusPendingDocuments, "Waiting for the LOA (PDF or TIFF, documentType LOA)", systemAuthor)
		return
	}
	var errs []apiError
	if !p.tollFree() { // a RespOrg keeps no customer record to check the order against
		errs = carrierRejectionsOf(p)
	}
	if len(errs) > 0 {
		p.errors = errs
		s.setStatusLocked(p, statusException, errs[0].message(), systemAuthor)
		return
	}
	s.focLocked(p)
}

// carrierRejectionsOf checks the order against the losing carrier's record of its billing
// number's account.
func carrierRejectionsOf(p *portIn) []apiError {
	rec := CarrierRecordFor(p.btn)
	var errs []apiError
	if !serviceAddressMatches(p.subscriber.ServiceAddress, rec.ServiceAddress) {
		errs = append(errs, apiError{Code: "7402", Description: "The losing carrier rejected the order: the service address does not match its customer service record (E1)."})
	}
	if acct := p.wireless.AccountNumber; (rec.Carrier.AccountNumberRequired || acct != "") && !sameAccountValue(acct, rec.AccountNumber) {
		errs = append(errs, apiError{Code: "7401", Description: "The losing carrier rejected the order: the account number is missing or incorrect (E17A)."})
	}
	if pin := p.wireless.PinNumber; (rec.Carrier.Wireless || pin != "") && !sameAccountValue(pin, rec.PIN) {
		errs = append(errs, apiError{Code: "7435", Description: "The losing carrier rejected the order: the PIN/passcode is missing or incorrect (E42PWA)."})
	}
	if rec.Carrier.RequiresLOA && !p.hasLOA() {
		errs = append(errs, apiError{Code: "7424", Description: "The losing carrier rejected the order: LOA requested (E8)."})
	}
	return errs
}

// focLocked accepts the order: FOC, then COMPLETE (or a wait for on-demand activation).
func (s *Sandbox) focLocked(p *portIn) {
	p.errors = nil
	p.actualFoc = s.focInstant(p)
	p.activationAt = p.actualFoc
	if p.triggerable() {
		s.setStatusLocked(p, statusFOC, "FOC received; order waiting for activation", systemAuthor)
		s.scheduleActivationLocked(p, s.opts.ActivationWaitSteps)
		return
	}
	s.setStatusLocked(p, statusFOC, "FOC received", systemAuthor)
	gen := p.gen
	s.after(2, func() {
		if p.gen == gen && p.status == statusFOC {
			s.completeLocked(p)
		}
	})
}

// focInstant is the accepted FOC date: the requested one (its time of day only counts for a
// triggered order) or, when none was requested, the earliest valid date. Dates follow the
// real calendar; only the delays are compressed.
func (s *Sandbox) focInstant(p *portIn) time.Time {
	if !p.hasFoc {
		return earliestFocDay(p.carrier.MinimumPortingInterval, s.now()).time(eastern, defaultActivationHour, defaultActivationMinute)
	}
	if p.triggerable() && p.foc.hasTime {
		return p.foc.at
	}
	return p.foc.day.time(eastern, defaultActivationHour, defaultActivationMinute)
}

// scheduleActivationLocked completes a triggered order after n steps unless its activation is
// rescheduled first.
func (s *Sandbox) scheduleActivationLocked(p *portIn, n int) {
	p.activationGen++
	gen, actGen := p.gen, p.activationGen
	s.after(n, func() {
		if p.gen == gen && p.activationGen == actGen && p.status == statusFOC {
			s.completeLocked(p)
		}
	})
}

func (s *Sandbox) completeLocked(p *portIn) {
	s.setStatusLocked(p, statusComplete, "Order is complete", systemAuthor)
}

// sameAccountValue compares account numbers and PINs the way carriers do: letters and digits
// only, case-insensitive.
func sameAccountValue(given, onFile string) bool {
	norm := func(v string) string {
		var b strings.Builder
		for _, r := range strings.ToUpper(v) {
			if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	return norm(given) != "" && norm(given) == norm(onFile)
}

// ---- read -------------------------------------------------------------------------------

// portInLocked finds a visible order; deleted drafts are gone.
func (s *Sandbox) portInLocked(id string) *portIn {
	p := s.portins[id]
	if p == nil || p.deleted {
		return nil
	}
	return p
}

func (s *Sandbox) getPortIn(w http.ResponseWriter, rc *reqCtx) {
	s.mu.Lock()
	p := s.portInLocked(rc.path("orderId"))
	var out lnpOrderResponse
	if p != nil {
		out = s.portInToXMLLocked(p)
	}
	s.mu.Unlock()
	if p == nil {
		writeLnpErrors(w, http.StatusNotFound, rc.path("orderId"), "", []apiError{{Code: "7000", Description: statusTextNotFound}}, nil)
		return
	}
	writeXML(w, http.StatusOK, out)
}

func (s *Sandbox) portInHistory(w http.ResponseWriter, rc *reqCtx) {
	s.mu.Lock()
	p := s.portInLocked(rc.path("orderId"))
	out := orderHistoryWrapper{}
	if p != nil && p.isDraft() {
		out.IrisStatus = &irisStatusXML{Code: "7710", Description: "History is not supported for bulk port-ins or individual port-ins in draft status."}
	} else if p != nil {
		for _, h := range p.history {
			out.History = append(out.History, orderHistoryXML{
				OrderDate: bandwidthTime(h.at), Note: h.note, Author: h.author, Status: h.status, Difference: h.difference,
			})
		}
	}
	s.mu.Unlock()
	if p == nil {
		writeLnpErrors(w, http.StatusNotFound, rc.path("orderId"), "", []apiError{{Code: "7000", Description: statusTextNotFound}}, nil)
		return
	}
	writeXML(w, http.StatusOK, out)
}

// listPortIns is GET /portins: page, size, status, startdate+enddate, date, tn (billing
// number), orderTn, customerOrderId, pon.
func (s *Sandbox) listPortIns(w http.ResponseWriter, rc *reqCtx) {
	q := rc.r.URL.Query()
	size, page, ok := pageParams(w, q, "LNPResponseWrapper")
	if !ok {
		return
	}
	hasDates := q.Get("startdate") != "" || q.Get("enddate") != "" || q.Get("date") != ""
	hasSpecific := q.Get("tn") != "" || q.Get("orderTn") != "" || q.Get("customerOrderId") != "" || q.Get("pon") != ""
	if hasDates && hasSpecific {
		writeResponseStatus(w, http.StatusBadRequest, "LNPResponseWrapper", "1019", "tn, orderTn, customerOrderId and pon cannot be combined with date parameters.")
		return
	}
	if (q.Get("startdate") == "") != (q.Get("enddate") == "") {
		writeResponseStatus(w, http.StatusBadRequest, "LNPResponseWrapper", "1019", "startdate and enddate must be given together.")
		return
	}
	var start, end, day time.Time
	var err error
	if q.Get("startdate") != "" {
		if start, err = parseQueryTime(q.Get("startdate"), time.Time{}); err == nil {
			end, err = parseQueryTime(q.Get("enddate"), time.Time{})
			end = end.Add(24*time.Hour - time.Nanosecond)
		}
	}
	if err == nil && q.Get("date") != "" {
		day, err = parseQueryTime(q.Get("date"), time.Time{})
	}
	if err != nil {
		writeResponseStatus(w, http.StatusBadRequest, "LNPResponseWrapper", "1019", "Dates must be written 2006-01-02.")
		return
	}
	status := strings.ToUpper(q.Get("status"))

	s.mu.Lock()
	candidates := s.portinSeq
	switch {
	case q.Get("customerOrderId") != "":
		candidates = s.portinsByCOID[q.Get("customerOrderId")]
	case q.Get("orderTn") != "":
		candidates = s.portinsByTNLocked(q.Get("orderTn"))
	}
	var matched []*portIn
	for _, p := range candidates {
		switch {
		case p.deleted,
			status == "" && p.isDraft(),
			status == statusDraft && !p.isDraft(),
			status != "" && status != statusDraft && p.status != status,
			q.Get("tn") != "" && p.btn != q.Get("tn"),
			q.Get("orderTn") != "" && !contains(p.tns, q.Get("orderTn")),
			q.Get("pon") != "" && p.pon != q.Get("pon"),
			!start.IsZero() && (p.modified.Before(start) || p.modified.After(end)),
			!day.IsZero() && !p.modifiedOn(day):
			continue
		}
		matched = append(matched, p)
	}
	from := 0
	if page != "1" {
		from = -1
		for i, p := range matched {
			if p.id == page {
				from = i
				break
			}
		}
		if from < 0 {
			s.mu.Unlock()
			writeResponseStatus(w, http.StatusBadRequest, "LNPResponseWrapper", "1019", fmt.Sprintf("page '%s' is not an order id of this result.", page))
			return
		}
	}
	to := min(from+size, len(matched))
	out := lnpResponseWrapper{TotalCount: len(matched), Links: &linksXML{First: link(s.pageURL(rc, "/portins", "1", size), "first")}}
	if to < len(matched) {
		out.Links.Next = link(s.pageURL(rc, "/portins", matched[to].id, size), "next")
	}
	for _, p := range matched[from:to] {
		out.Orders = append(out.Orders, s.portInListEntryLocked(p))
	}
	s.mu.Unlock()
	writeXML(w, http.StatusOK, out)
}

func (p *portIn) modifiedOn(day time.Time) bool {
	d := dateOf(day)
	for _, h := range p.history {
		if dateOf(h.at.UTC()) == d {
			return true
		}
	}
	return false
}

// portinsByTNLocked finds the orders a number was ever on without scanning every order.
func (s *Sandbox) portinsByTNLocked(tn string) []*portIn { return s.portinsByTN[tn] }

func (s *Sandbox) portInListEntryLocked(p *portIn) lnpPortInfoXML {
	company := p.subscriber.BusinessName
	if company == "" {
		company = strings.TrimSpace(p.subscriber.FirstName + " " + p.subscriber.LastName)
	}
	entry := lnpPortInfoXML{
		AccountID: s.opts.AccountID, CountOfTNs: len(p.tns), CustomerOrderID: p.customerOrderID,
		UserID: p.createdBy, LastModifiedDate: bandwidthTime(p.modified), OrderDate: bandwidthTime(p.created),
		OrderID: p.id, OrderType: "port_in", ActualFOCDate: bandwidthTime(p.actualFoc),
		BillingTelephoneNumber: p.btn, CompanyName: company, LNPLosingCarrierID: p.carrier.SPID,
		LNPLosingCarrierName: p.carrier.Name, ProcessingStatus: p.status, VendorID: vendorIDs[p.carrier.VendorName],
		VendorName: p.carrier.VendorName, PON: p.pon,
	}
	if p.hasFoc {
		entry.RequestedFOCDate = bandwidthTime(p.foc.at)
	}
	return entry
}

// ---- SUPP -------------------------------------------------------------------------------

// suppPortIn is PUT /portins/{id} with <LnpOrderSupp>: edit a draft (and submit it with
// ProcessingStatus SUBMITTED), or supplement a submitted order, which the losing carrier then
// validates again.
func (s *Sandbox) suppPortIn(w http.ResponseWriter, rc *reqCtx) {
	id := rc.path("orderId")
	var req lnpOrderRequest
	present, err := decodeXML(rc.body, &req)
	if err != nil || req.XMLName.Local != "LnpOrderSupp" {
		writeLnpErrors(w, http.StatusBadRequest, id, "", []apiError{{Code: "1019", Description: "The body must be an <LnpOrderSupp> document."}}, nil)
		return
	}
	s.mu.Lock()
	p := s.portInLocked(id)
	if p == nil {
		s.mu.Unlock()
		writeLnpErrors(w, http.StatusNotFound, id, "", []apiError{{Code: "7000", Description: statusTextNotFound}}, nil)
		return
	}
	for _, el := range readOnlyPortinElements {
		if present.has(el) {
			s.violationLocked(rc, RuleReadOnlyField, fmt.Sprintf(
				"The SUPP echoes the server-side field %s; send only the fields being changed or kept.", el))
		}
	}
	ps := strings.TrimSpace(req.ProcessingStatus)
	submitDraft := p.isDraft() && ps == statusSubmitted
	if present.has("ProcessingStatus") && !submitDraft {
		s.violationLocked(rc, RuleProcessingStatus, fmt.Sprintf(
			"ProcessingStatus %q was sent on a %s order; it may only be SUBMITTED, and only from DRAFT.", ps, p.status))
		status := p.status
		s.mu.Unlock()
		writeLnpErrors(w, http.StatusBadRequest, id, status, []apiError{{Code: "7367", Description: fmt.Sprintf("Unable to modify processing status for %s port type", nonEmptyOr(p.portType, portTypeAutomated))}}, nil)
		return
	}
	if code, text := suppRefusal(p); code != "" {
		status := p.status
		s.mu.Unlock()
		httpStatus := http.StatusBadRequest
		if code == "7717" {
			httpStatus = http.StatusConflict
		}
		writeLnpErrors(w, httpStatus, id, status, []apiError{{Code: code, Description: text}}, nil)
		return
	}
	if b := s.bulks[p.bulkID]; b != nil && b.isDraft() {
		status := p.status
		s.mu.Unlock()
		writeLnpErrors(w, http.StatusConflict, id, status, []apiError{{Code: "7717", Description: "The order is attached to a draft bulk port-in and cannot be modified on its own."}}, nil)
		return
	}

	// Validate the supplemented order on a copy; the order changes only if it passes.
	next := *p
	next.subscriber, next.tns = p.subscriber, append([]string(nil), p.tns...)
	next.applyOrder(&req, present)
	var errs []apiError
	if present.has("Subscriber/WirelessInfo") {
		errs = append(errs, apiError{Code: "7481", Description: "WirelessInfo must not be inside Subscriber."})
	}
	if present.has("WirelessInfo") && (req.WirelessInfo.AccountNumber == "" || req.WirelessInfo.PinNumber == "") {
		errs = append(errs, apiError{Code: "7213", Description: "A WirelessInfo SUPP must carry both AccountNumber and PinNumber."})
	}
	numbersChanged := present.has("ListOfPhoneNumbers") && !sameSet(p.tns, next.tns)
	if !p.isDraft() && numbersChanged && p.portType != portTypeAutomated {
		errs = append(errs, apiError{Code: "7498", Description: "The numbers of this port type cannot be changed by a SUPP."})
	}
	switch {
	case p.isDraft() && !submitDraft:
		errs = append(errs, validateTNList(next.tns)...)
	case submitDraft && tollFreeDraftRefusal(p) != nil:
		errs = append(errs, *tollFreeDraftRefusal(p))
	default:
		errs = append(errs, s.validateSubmitLocked(&next, rc, s.now())...)
		if !p.isDraft() && next.carrier.Carrier != p.carrier.Carrier && len(errs) == 0 {
			errs = append(errs, apiError{Code: "7495", Description: "Unable to change the TNs on this port. Please ensure that the new TNs are from the same losing carrier as the current TNs."})
		}
	}
	if len(errs) > 0 {
		status := p.status
		s.mu.Unlock()
		writeLnpErrors(w, http.StatusBadRequest, id, status, errs, nil)
		return
	}
	difference := describeDifference(p, &next)
	*p = next
	p.modified, p.modifiedBy, p.touched = s.now(), rc.user, s.draftClock()
	switch {
	case submitDraft:
		s.submitLocked(p, "Order has been submitted")
	case p.isDraft() && numbersChanged && p.tollFree():
		// New numbers on a toll-free draft are validated again.
		s.setDraftStatusLocked(p, statusValidateDraftTFNs, "Toll-free numbers changed; validating", rc.user)
		s.scheduleTollFreeDraftValidationLocked(p)
	case p.isDraft():
		s.syncHeldNumbersLocked(p)
	default:
		s.setStatusLocked(p, statusRequestedSupp, "Supp request received", rc.user)
		p.history[len(p.history)-1].difference = difference
		s.scheduleCarrierAnswerLocked(p)
	}
	out := lnpOrderResponse{
		OrderID: p.id, Status: &lnpStatusXML{Code: http.StatusOK, Description: statusTextSupp},
		ProcessingStatus: p.status, RequestedFocDate: p.requestedFocDate,
	}
	s.unlockAndDispatch()
	writeXML(w, http.StatusOK, out)
}

// suppRefusal returns the error for a status that cannot be supplemented.
func suppRefusal(p *portIn) (code, text string) {
	switch p.status {
	case statusComplete:
		return "7304", "The order is already complete and cannot be modified or cancelled"
	case statusCancelled:
		return "7303", "The order is already cancelled and cannot be modified or cancelled"
	case statusRequestedCancel:
		return "7353", "The order is in requested cancel status and cannot be modified"
	case statusRequestedSupp:
		return "7300", "The order cannot be modified because the order is awaiting a response from the losing carrier"
	}
	return "", ""
}

// describeDifference writes the history Difference line of a SUPP ("RequestedFocDate : a --> b").
func describeDifference(before, after *portIn) string {
	var parts []string
	diff := func(name, a, b string) {
		if a != b {
			parts = append(parts, fmt.Sprintf("%s : %q --> %q", name, a, b))
		}
	}
	diff("RequestedFocDate", before.requestedFocDate, after.requestedFocDate)
	diff("HouseNumber", before.subscriber.ServiceAddress.HouseNumber, after.subscriber.ServiceAddress.HouseNumber)
	diff("StreetName", before.subscriber.ServiceAddress.StreetName, after.subscriber.ServiceAddress.StreetName)
	diff("City", before.subscriber.ServiceAddress.City, after.subscriber.ServiceAddress.City)
	diff("Zip", before.subscriber.ServiceAddress.Zip, after.subscriber.ServiceAddress.Zip)
	diff("ListOfPhoneNumbers", strings.Join(before.tns, ","), strings.Join(after.tns, ","))
	if before.wireless != after.wireless {
		parts = append(parts, "WirelessInfo changed")
	}
	return strings.Join(parts, "; ")
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	set := map[string]bool{}
	for _, x := range a {
		set[x] = true
	}
	for _, x := range b {
		if !set[x] {
			return false
		}
	}
	return true
}

func nonEmptyOr(v, fallback string) string {
	if v == "" {
		return fallback
	}
	return v
}

// ---- cancel -----------------------------------------------------------------------------

// cancelPortIn is DELETE /portins/{id}: a draft disappears; a submitted order goes to
// REQUESTED_CANCEL and one step later to CANCELLED.
func (s *Sandbox) cancelPortIn(w http.ResponseWriter, rc *reqCtx) {
	id := rc.path("orderId")
	s.mu.Lock()
	p := s.portInLocked(id)
	if p == nil {
		s.mu.Unlock()
		writeLnpErrors(w, http.StatusNotFound, id, "", []apiError{{Code: "7000", Description: statusTextNotFound}}, nil)
		return
	}
	switch {
	case p.status == statusComplete || p.status == statusCancelled || p.status == statusRequestedCancel:
		code, text := suppRefusal(p)
		status := p.status
		s.mu.Unlock()
		writeLnpErrors(w, http.StatusBadRequest, id, status, []apiError{{Code: code, Description: text}}, nil)
		return
	case p.isDraft():
		p.modifiedBy = rc.user
		s.deleteDraftPortInLocked(p)
	default:
		p.modifiedBy = rc.user
		s.setStatusLocked(p, statusRequestedCancel, "Cancellation requested", rc.user)
		gen := p.gen
		s.after(1, func() {
			if p.gen == gen && p.status == statusRequestedCancel {
				s.setStatusLocked(p, statusCancelled, "Order has been cancelled", systemAuthor)
			}
		})
	}
	out := lnpOrderResponse{OrderID: p.id, Status: &lnpStatusXML{Code: http.StatusOK, Description: statusTextCancel}, ProcessingStatus: p.status}
	s.unlockAndDispatch()
	writeXML(w, http.StatusOK, out)
}

// ---- shared list helpers ----------------------------------------------------------------

// pageParams reads page (1 or an order id) and size (default 300, at most 1000).
func pageParams(w http.ResponseWriter, q url.Values, root string) (size int, page string, ok bool) {
	size, page = 300, q.Get("page")
	if page == "" {
		page = "1"
	}
	if v := q.Get("size"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeResponseStatus(w, http.StatusBadRequest, root, "1019", "size must be a positive number.")
			return 0, "", false
		}
		size = min(n, 1000)
	}
	return size, page, true
}

// pageURL is the link to another page of the same listing, keeping the request's filters.
func (s *Sandbox) pageURL(rc *reqCtx, path, page string, size int) string {
	q := rc.r.URL.Query()
	q.Set("page", page)
	q.Set("size", strconv.Itoa(size))
	return s.accountURL(rc, path) + "?" + q.Encode()
}

// parseQueryTime reads a date (2006-01-02) or an ISO 8601 date-time; empty gives fallback.
func parseQueryTime(v string, fallback time.Time) (time.Time, error) {
	if v == "" {
		return fallback, nil
	}
	for _, layout := range []string{"2006-01-02", time.RFC3339Nano} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date or date-time", v)
}
