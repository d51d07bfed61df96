package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Bulk port-in statuses (PROTOCOL §7.2).
const (
	bulkDraft           = "DRAFT"
	bulkValidateDraft   = "VALIDATE_DRAFT_TNS"
	bulkValidDraft      = "VALID_DRAFT_TNS"
	bulkInvalidDraft    = "INVALID_DRAFT_TNS"
	bulkInProgress      = "IN_PROGRESS"
	bulkNeedsAttention  = "NEEDS_ATTENTION"
	bulkPartial         = "PARTIAL"
	bulkCompleted       = "COMPLETED"
	bulkCancelled       = "CANCELLED"
	maxBulkTNs          = 20000
	bulkInputProblemMsg = "Please check your input parameters."
)

// notifiedBulkStatuses are the states a bulkPortins subscription hears about.
var notifiedBulkStatuses = map[string]bool{
	bulkDraft: true, bulkInProgress: true, bulkNeedsAttention: true, bulkPartial: true,
	bulkCompleted: true, bulkCancelled: true,
}

// bulkPortin is a bulk port-in: shared defaults, a TN list split into child port-ins by
// losing carrier, and a status derived from the children once submitted.
type bulkPortin struct {
	id               string
	customerOrderID  string
	requestedFocDate string
	loaAuthorizer    string
	siteID           string
	peerID           string
	subscriber       subscriberXML
	status           string
	tns              []string
	portable         []string
	tnErrors         []apiError
	children         []string
	created          time.Time
	modified         time.Time
	touched          time.Time // last change on the draft clock, for the idle-draft purge
	gen              int
}

func (b *bulkPortin) isDraft() bool {
	switch b.status {
	case bulkDraft, bulkValidateDraft, bulkValidDraft, bulkInvalidDraft:
		return true
	}
	return false
}

func (b *bulkPortin) detachLocked(id string) {
	for i, c := range b.children {
		if c == id {
			b.children = append(b.children[:i:i], b.children[i+1:]...)
			return
		}
	}
}

func (b *bulkPortin) toXML() *bulkPortinXML {
	out := &bulkPortinXML{
		CustomerOrderID: b.customerOrderID, RequestedFocDate: b.requestedFocDate,
		LoaAuthorizingPerson: b.loaAuthorizer, SiteID: b.siteID, PeerID: b.peerID,
		ProcessingStatus: b.status, OrderCreateDate: bandwidthTime(b.created),
		LastModifiedDate: bandwidthTime(b.modified), OrderID: b.id,
	}
	if b.subscriber != (subscriberXML{}) {
		sub := b.subscriber
		out.Subscriber = &sub
	}
	return out
}

// applyBulk copies the request's defaults; with present == nil all of them (create, PUT).
func (b *bulkPortin) applyBulk(req *bulkPortinRequest, present elementSet) {
	take := func(path string) bool { return present == nil || present.has(path) }
	if take("CustomerOrderId") {
		b.customerOrderID = strings.TrimSpace(req.CustomerOrderID)
	}
	if take("RequestedFocDate") {
		b.requestedFocDate = strings.TrimSpace(req.RequestedFocDate)
	}
	if take("LoaAuthorizingPerson") {
		b.loaAuthorizer = strings.TrimSpace(req.LoaAuthorizingPerson)
	}
	if take("SiteId") {
		b.siteID = strings.TrimSpace(req.SiteID)
	}
	if take("PeerId") {
		b.peerID = strings.TrimSpace(req.PeerID)
	}
	if take("Subscriber") {
		sub := req.Subscriber
		sub.SubscriberType = strings.ToUpper(strings.TrimSpace(sub.SubscriberType))
		sub.ServiceAddress.StateCode = strings.ToUpper(strings.TrimSpace(sub.ServiceAddress.StateCode))
		b.subscriber = sub
	}
}

// validateBulkLocked checks the defaults a bulk port-in can carry.
func (s *Sandbox) validateBulkLocked(b *bulkPortin, rc *reqCtx) []apiError {
	var errs []apiError
	if b.customerOrderID != "" && !customerOrderIDPattern.MatchString(b.customerOrderID) {
		errs = append(errs, apiError{Code: "7318", Description: "CustomerOrderId must be at most 40 letters, digits, dashes or spaces."})
	}
	if n := len([]rune(b.loaAuthorizer)); n > maxLoaAuthorizerLength {
		s.violationLocked(rc, RuleLoaAuthorizerLength, fmt.Sprintf("LoaAuthorizingPerson has %d characters; Bandwidth allows %d.", n, maxLoaAuthorizerLength))
		errs = append(errs, apiError{Code: "7357", Description: fmt.Sprintf("LoaAuthorizingPerson must be at most %d characters.", maxLoaAuthorizerLength)})
	}
	if b.requestedFocDate != "" {
		if _, err := parseFocDate(b.requestedFocDate); err != nil {
			errs = append(errs, apiError{Code: "7207", Description: err.Error()})
		}
	}
	return errs
}

func writeBulkError(w http.ResponseWriter, status int, e apiError) {
	writeXML(w, status, bulkPortinResponse{ResponseStatus: &responseStatusXML{ErrorCode: e.Code, Description: e.Description}})
}

func (s *Sandbox) bulkLocked(w http.ResponseWriter, rc *reqCtx) *bulkPortin {
	b := s.bulks[rc.path("orderId")]
	if b == nil {
		s.mu.Unlock()
		writeBulkError(w, http.StatusNotFound, apiError{Code: "7000", Description: statusTextNotFound})
	}
	return b
}

// setBulkStatusLocked changes the bulk status and notifies the states Bandwidth notifies.
func (s *Sandbox) setBulkStatusLocked(b *bulkPortin, status string) {
	b.status, b.modified, b.touched = status, s.now(), s.draftClock()
	b.gen++
	s.logf("sandbox: bulkPortin %s %s", b.id, status)
	if notifiedBulkStatuses[status] {
		s.emitLocked(notification{
			orderType: orderTypeBulkPortins, orderID: b.id, customerOrderID: b.customerOrderID,
			status: status, lastModified: b.modified,
		})
	}
}

func (s *Sandbox) createBulk(w http.ResponseWriter, rc *reqCtx) {
	var req bulkPortinRequest
	if _, err := decodeXML(rc.body, &req); err != nil {
		writeBulkError(w, http.StatusBadRequest, apiError{Code: "1019", Description: "The body must be a <BulkPortin> document."})
		return
	}
	if ps := strings.TrimSpace(req.ProcessingStatus); ps != "" && ps != bulkDraft {
		writeBulkError(w, http.StatusBadRequest, apiError{Code: "1019", Description: "A bulk port-in is created as DRAFT."})
		return
	}
	now := s.now()
	b := &bulkPortin{created: now, modified: now, touched: s.draftClock()}
	b.applyBulk(&req, nil)
	s.mu.Lock()
	if errs := s.validateBulkLocked(b, rc); len(errs) > 0 {
		s.mu.Unlock()
		writeBulkError(w, http.StatusBadRequest, errs[0])
		return
	}
	b.id = s.newID()
	s.bulks[b.id] = b
	if b.customerOrderID != "" {
		s.creates[createKey{orderTypeBulkPortins, b.customerOrderID}]++
	}
	s.setBulkStatusLocked(b, bulkDraft)
	out := bulkPortinResponse{BulkPortin: b.toXML()}
	s.unlockAndDispatch()
	w.Header().Set("Location", s.accountURL(rc, "/bulkPortins/"+b.id))
	writeXML(w, http.StatusCreated, out)
}

func (s *Sandbox) getBulk(w http.ResponseWriter, rc *reqCtx) {
	s.mu.Lock()
	b := s.bulkLocked(w, rc)
	if b == nil {
		return
	}
	out := bulkPortinResponse{BulkPortin: b.toXML()}
	s.mu.Unlock()
	writeXML(w, http.StatusOK, out)
}

// replaceBulk is PUT /bulkPortins/{id}: a full replace, only before children exist (7703).
func (s *Sandbox) replaceBulk(w http.ResponseWriter, rc *reqCtx) {
	var req bulkPortinRequest
	if _, err := decodeXML(rc.body, &req); err != nil {
		writeBulkError(w, http.StatusBadRequest, apiError{Code: "1019", Description: "The body must be a <BulkPortin> document."})
		return
	}
	s.mu.Lock()
	b := s.bulkLocked(w, rc)
	if b == nil {
		return
	}
	if len(b.children) > 0 || !b.isDraft() {
		s.mu.Unlock()
		writeBulkError(w, http.StatusConflict, apiError{Code: "7703", Description: "A bulk port-in with child orders cannot be replaced; use PATCH."})
		return
	}
	next := *b
	next.applyBulk(&req, nil)
	if errs := s.validateBulkLocked(&next, rc); len(errs) > 0 {
		s.mu.Unlock()
		writeBulkError(w, http.StatusBadRequest, errs[0])
		return
	}
	*b = next
	b.modified, b.touched = s.now(), s.draftClock()
	out := bulkPortinResponse{BulkPortin: b.toXML()}
	s.mu.Unlock()
	writeXML(w, http.StatusOK, out)
}

// patchBulk is PATCH /bulkPortins/{id}: changed defaults are re-applied to every draft child;
// <ProcessingStatus>IN_PROGRESS</ProcessingStatus> submits all children.
func (s *Sandbox) patchBulk(w http.ResponseWriter, rc *reqCtx) {
	var req bulkPortinRequest
	present, err := decodeXML(rc.body, &req)
	if err != nil {
		writeBulkError(w, http.StatusBadRequest, apiError{Code: "1019", Description: "The body must be a <BulkPortin> document."})
		return
	}
	s.mu.Lock()
	b := s.bulkLocked(w, rc)
	if b == nil {
		return
	}
	submit := strings.TrimSpace(req.ProcessingStatus) == bulkInProgress
	if ps := strings.TrimSpace(req.ProcessingStatus); ps != "" && !submit {
		s.mu.Unlock()
		writeBulkError(w, http.StatusBadRequest, apiError{Code: "7704", Description: "ProcessingStatus can only be set to IN_PROGRESS."})
		return
	}
	if !b.isDraft() {
		s.mu.Unlock()
		writeBulkError(w, http.StatusConflict, apiError{Code: "7704", Description: fmt.Sprintf("The bulk port-in is %s; only a draft can be changed or submitted.", b.status)})
		return
	}
	next := *b
	next.applyBulk(&req, present)
	if errs := s.validateBulkLocked(&next, rc); len(errs) > 0 {
		s.mu.Unlock()
		writeBulkError(w, http.StatusBadRequest, errs[0])
		return
	}
	*b = next
	b.modified, b.touched = s.now(), s.draftClock()
	for _, id := range b.children {
		if p := s.portInLocked(id); p != nil && p.isDraft() {
			s.applyBulkDefaultsLocked(b, p, present)
		}
	}
	if submit {
		if failed := s.submitBulkLocked(b, rc); failed != nil {
			s.mu.Unlock()
			writeXML(w, http.StatusBadRequest, bulkPortinResponse{ResponseStatus: &responseStatusXML{Description: bulkInputProblemMsg}, PortinListErrors: failed})
			return
		}
	}
	out := bulkPortinResponse{BulkPortin: b.toXML()}
	s.unlockAndDispatch()
	writeXML(w, http.StatusOK, out)
}

// applyBulkDefaultsLocked copies the bulk's defaults onto a draft child (present == nil: all).
func (s *Sandbox) applyBulkDefaultsLocked(b *bulkPortin, p *portIn, present elementSet) {
	take := func(path string) bool { return present == nil || present.has(path) }
	if take("RequestedFocDate") {
		p.requestedFocDate = b.requestedFocDate
	}
	if take("LoaAuthorizingPerson") {
		p.loaAuthorizer = b.loaAuthorizer
	}
	if take("SiteId") {
		p.siteID = b.siteID
	}
	if take("PeerId") {
		p.peerID = b.peerID
	}
	if take("Subscriber") {
		p.subscriber = b.subscriber
	}
	p.modified, p.touched = s.now(), s.draftClock()
}

// submitBulkLocked validates every child and submits them all, or none: the result lists each
// child's errors in the bulk PATCH error shape.
func (s *Sandbox) submitBulkLocked(b *bulkPortin, rc *reqCtx) *portinListErrorsXML {
	switch b.status {
	case bulkValidateDraft:
		return bulkSubmitError(b.id, "7653", "The telephone numbers are still being validated.")
	case bulkInvalidDraft:
		return bulkSubmitError(b.id, "7648", "The bulk port-in has telephone numbers that cannot be ported; correct the TN list first.")
	}
	var children []*portIn
	for _, id := range b.children {
		if p := s.portInLocked(id); p != nil && p.isDraft() {
			children = append(children, p)
		}
	}
	if len(children) == 0 {
		return bulkSubmitError(b.id, "7704", "The bulk port-in has no draft child orders to submit.")
	}
	failed := &portinListErrorsXML{}
	now := s.now()
	claimed := map[string]string{} // number → the child submitted with it
	for _, p := range children {
		probe := *p
		errs := s.validateSubmitLocked(&probe, rc, now)
		if e := tollFreeDraftRefusal(p); e != nil {
			errs = append(errs, *e)
		}
		// Children submitted together cannot share a number either (7205), as if each
		// were submitted in turn.
		var shared []string
		for _, tn := range p.tns {
			if other, ok := claimed[tn]; ok && other != p.id {
				shared = append(shared, tn)
			}
			claimed[tn] = p.id
		}
		if len(shared) > 0 {
			errs = append(errs, apiError{Code: "7205", Description: "Telephone number is already being processed on another order", TNs: shared})
		}
		if len(errs) > 0 {
			pe := portinErrorsXML{PortinOrderID: p.id}
			for _, e := range errs {
				pe.Errors.Error = append(pe.Errors.Error, bulkErrorXML{Description: e.Description, ErrorCode: e.Code})
			}
			failed.PortinErrors = append(failed.PortinErrors, pe)
		}
	}
	if len(failed.PortinErrors) > 0 {
		return failed
	}
	s.setBulkStatusLocked(b, bulkInProgress)
	for _, p := range children {
		s.validateSubmitLocked(p, rc, now) // fixes carrier, port type and FOC date on the child
		s.submitLocked(p, "Order has been submitted with bulk port-in "+b.id)
	}
	return nil
}

func bulkSubmitError(id, code, description string) *portinListErrorsXML {
	return &portinListErrorsXML{PortinErrors: []portinErrorsXML{{
		PortinOrderID: id, Errors: bulkErrorsXML{Error: []bulkErrorXML{{Description: description, ErrorCode: code}}},
	}}}
}

// updateBulkStatusLocked derives a submitted bulk's status from its children.
func (s *Sandbox) updateBulkStatusLocked(b *bulkPortin) {
	if b.isDraft() || len(b.children) == 0 {
		return
	}
	var complete, cancelled, exception, total int
	for _, id := range b.children {
		p := s.portins[id]
		if p == nil || p.deleted {
			continue
		}
		total++
		switch p.status {
		case statusComplete:
			complete++
		case statusCancelled:
			cancelled++
		case statusException:
			exception++
		}
	}
	if total == 0 {
		return // every child was detached or deleted: nothing to derive a status from
	}
	status := bulkInProgress
	switch {
	case exception > 0:
		status = bulkNeedsAttention
	case complete == total:
		status = bulkCompleted
	case cancelled == total:
		status = bulkCancelled
	case complete+cancelled == total:
		status = bulkPartial
	}
	if status != b.status {
		s.setBulkStatusLocked(b, status)
	}
}

// deleteBulk is DELETE /bulkPortins/{id}: drafts only (7709); draft children go with it.
func (s *Sandbox) deleteBulk(w http.ResponseWriter, rc *reqCtx) {
	s.mu.Lock()
	b := s.bulkLocked(w, rc)
	if b == nil {
		return
	}
	if !b.isDraft() {
		s.mu.Unlock()
		writeBulkError(w, http.StatusBadRequest, apiError{Code: "7709", Description: "Only a draft bulk port-in can be deleted; cancel its child orders instead."})
		return
	}
	s.deleteBulkLocked(b)
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// putBulkTnList is PUT /bulkPortins/{id}/tnList: 202 VALIDATE_DRAFT_TNS, then one step later
// VALID_DRAFT_TNS or INVALID_DRAFT_TNS with draft children grouped by losing carrier.
func (s *Sandbox) putBulkTnList(w http.ResponseWriter, rc *reqCtx) {
	var req tnListRequest
	if _, err := decodeXML(rc.body, &req); err != nil {
		writeResponseStatus(w, http.StatusBadRequest, "TnListResponse", "1019", "The body must be a <TnList> of <TN> elements.")
		return
	}
	var tns, invalid []string
	for _, tn := range req.TNs {
		tn = strings.TrimSpace(tn)
		if !validNANP(tn) {
			invalid = append(invalid, tn)
		}
		tns = append(tns, tn)
	}
	switch {
	case len(tns) == 0:
		writeResponseStatus(w, http.StatusBadRequest, "TnListResponse", "7316", "At least one telephone number is required.")
		return
	case len(tns) > maxBulkTNs:
		writeResponseStatus(w, http.StatusBadRequest, "TnListResponse", "7314", fmt.Sprintf("A bulk port-in takes at most %d numbers.", maxBulkTNs))
		return
	case len(invalid) > 0:
		writeResponseStatus(w, http.StatusBadRequest, "TnListResponse", "7339", fmt.Sprintf("Telephone numbers '[%s]' are not valid", strings.Join(invalid, ", ")))
		return
	}
	s.mu.Lock()
	b := s.bulks[rc.path("orderId")]
	if b == nil {
		s.mu.Unlock()
		writeResponseStatus(w, http.StatusNotFound, "TnListResponse", "7000", statusTextNotFound)
		return
	}
	if !b.isDraft() || b.status == bulkValidateDraft {
		status := b.status
		s.mu.Unlock()
		writeResponseStatus(w, http.StatusConflict, "TnListResponse", "7704", fmt.Sprintf("The TN list cannot be changed while the bulk port-in is %s.", status))
		return
	}
	for _, id := range b.children {
		if p := s.portInLocked(id); p != nil && p.isDraft() {
			p.deleted = true // the new list replaces the children made from the old one
		}
	}
	b.children, b.tns, b.portable, b.tnErrors = nil, tns, nil, nil
	b.status, b.modified, b.touched = bulkValidateDraft, s.now(), s.draftClock()
	b.gen++
	gen := b.gen
	s.after(1, func() {
		if b.gen == gen && b.status == bulkValidateDraft {
			s.validateBulkTNsLocked(b)
		}
	})
	out := tnListResponse{OrderID: b.id, ProcessingStatus: bulkValidateDraft}
	s.mu.Unlock()
	writeXML(w, http.StatusAccepted, out)
}

// validateBulkTNsLocked checks every number and creates one draft child per losing carrier
// (toll-free numbers: one child for their RespOrg). It does not apply the per-type number
// limits: a child of 1,500 numbers of one automated carrier is made as Bandwidth makes it,
// and refused (7314) when the bulk is submitted unless the caller split it first.
func (s *Sandbox) validateBulkTNsLocked(b *bulkPortin) {
	var unsupported, held, dups []string
	byCarrier := map[Carrier][]string{}
	var carrierOrder []Carrier
	seen := map[string]bool{}
	for _, tn := range b.tns {
		switch {
		case seen[tn]:
			dups = append(dups, tn)
			continue
		case RateCenterFor(tn).Coverage == CoverageUnsupported:
			unsupported = append(unsupported, tn)
		case s.tnHolder[tn] != nil:
			held = append(held, tn)
		default:
			c := carrierOf(tn)
			if _, ok := byCarrier[c]; !ok {
				carrierOrder = append(carrierOrder, c)
			}
			byCarrier[c] = append(byCarrier[c], tn)
			b.portable = append(b.portable, tn)
		}
		seen[tn] = true
	}
	if len(unsupported) > 0 {
		b.tnErrors = append(b.tnErrors, apiError{Code: "7331", Description: "Rate Center Not Present in Bandwidth Dashboard", TNs: unsupported})
	}
	if len(held) > 0 {
		b.tnErrors = append(b.tnErrors, apiError{Code: "7205", Description: "Telephone number is already being processed on another order", TNs: held})
	}
	if len(dups) > 0 {
		b.tnErrors = append(b.tnErrors, apiError{Code: "7360", Description: "The telephone number list contains duplicates.", TNs: dups})
	}
	now := s.now()
	for _, c := range carrierOrder {
		tns := byCarrier[c]
		info := c.Info()
		p := &portIn{
			id: s.newID(), status: statusDraft, created: now, modified: now, touched: s.draftClock(), createdBy: systemAuthor, modifiedBy: systemAuthor,
			// Children bill to their first number until a SUPP says otherwise; a toll-free
			// child (Bandwidth's MANUAL_TOLLFREE split) has no billing number.
			btn: tns[0], tns: tns, carrier: info, portType: info.PortType, bulkID: b.id,
		}
		if c == CarrierTollFree {
			p.btn = ""
		}
		p.pon = strings.ToUpper(strings.ReplaceAll(p.id, "-", "")[:16])
		s.applyBulkDefaultsLocked(b, p, nil)
		p.history = append(p.history, historyEntry{at: now, note: "Draft order created by bulk port-in " + b.id, author: systemAuthor, status: statusDraft})
		s.addPortInLocked(p)
		b.children = append(b.children, p.id)
	}
	status := bulkValidDraft
	if len(b.tnErrors) > 0 {
		status = bulkInvalidDraft
	}
	b.status, b.modified, b.touched = status, now, s.draftClock()
	b.gen++
	s.logf("sandbox: bulkPortin %s %s (%d children)", b.id, status, len(b.children))
}

func (s *Sandbox) getBulkTnList(w http.ResponseWriter, rc *reqCtx) {
	s.mu.Lock()
	b := s.bulks[rc.path("orderId")]
	if b == nil {
		s.mu.Unlock()
		writeResponseStatus(w, http.StatusNotFound, "TnListResponse", "7000", statusTextNotFound)
		return
	}
	out := tnListResponse{OrderID: b.id, ProcessingStatus: b.status}
	children := make([]childPortinOrderXML, 0, len(b.children))
	for _, id := range b.children {
		if p := s.portInLocked(id); p != nil {
			children = append(children, childPortinOrderXML{OrderID: p.id, TnList: tnListXML{TNs: p.tns}})
		}
	}
	switch b.status {
	case bulkValidateDraft:
		out.NotValidatedTnList = &upperTnListXML{TN: b.tns}
	case bulkInvalidDraft:
		// Bandwidth lists the children of an invalid list as bare ChildPortinOrder elements.
		if len(b.portable) > 0 {
			out.PortableTnList = &upperTnListXML{TN: b.portable}
		}
		out.ChildPortinOrder = children
		out.ErrorList = &tnErrorListXML{}
		for _, e := range b.tnErrors {
			out.ErrorList.Error = append(out.ErrorList.Error, tnErrorXML{Code: e.Code, Description: e.Description, TnList: tnListXML{TNs: e.TNs}})
		}
	default:
		if len(children) > 0 {
			out.ChildPortinOrderList = &childPortinOrdersXML{Orders: children}
		}
	}
	s.mu.Unlock()
	writeXML(w, http.StatusOK, out)
}

func (s *Sandbox) portinListLocked(b *bulkPortin) portinListResponse {
	out := portinListResponse{PortinList: portinListXML{OrderIDs: append([]string{}, b.children...)}}
	for _, id := range b.children {
		if p := s.portInLocked(id); p != nil {
			for _, e := range p.errors {
				if out.Errors == nil {
					out.Errors = &portinListErrorXMLs{}
				}
				out.Errors.Error = append(out.Errors.Error, portinListErrorXML{ErrorCode: e.Code, PortinOrderID: p.id, Description: e.Description})
			}
		}
	}
	return out
}

func (s *Sandbox) getBulkPortinList(w http.ResponseWriter, rc *reqCtx) {
	s.mu.Lock()
	b := s.bulks[rc.path("orderId")]
	if b == nil {
		s.mu.Unlock()
		writeResponseStatus(w, http.StatusNotFound, "PortinListResponse", "7000", statusTextNotFound)
		return
	}
	out := s.portinListLocked(b)
	s.mu.Unlock()
	writeXML(w, http.StatusOK, out)
}

// putBulkPortinList replaces the child list: only draft port-ins can be attached, and only
// while the bulk is a draft; children can be detached at any time.
func (s *Sandbox) putBulkPortinList(w http.ResponseWriter, rc *reqCtx) {
	var req portinListRequest
	if _, err := decodeXML(rc.body, &req); err != nil {
		writeResponseStatus(w, http.StatusBadRequest, "PortinListResponse", "1019", "The body must be a <PortinList> of <PortinOrderId> elements.")
		return
	}
	s.mu.Lock()
	b := s.bulks[rc.path("orderId")]
	if b == nil {
		s.mu.Unlock()
		writeResponseStatus(w, http.StatusNotFound, "PortinListResponse", "7000", statusTextNotFound)
		return
	}
	current := map[string]bool{}
	for _, id := range b.children {
		current[id] = true
	}
	var errs portinListErrorXMLs
	for _, id := range req.OrderIDs {
		id = strings.TrimSpace(id)
		if current[id] {
			continue
		}
		p := s.portInLocked(id)
		switch {
		case p == nil:
			errs.Error = append(errs.Error, portinListErrorXML{ErrorCode: "7000", PortinOrderID: id, Description: statusTextNotFound})
		case !b.isDraft():
			errs.Error = append(errs.Error, portinListErrorXML{ErrorCode: "7704", PortinOrderID: id, Description: "Orders can only be attached to a draft bulk port-in."})
		case !p.isDraft():
			errs.Error = append(errs.Error, portinListErrorXML{ErrorCode: "7704", PortinOrderID: id, Description: "Only draft port-ins can be attached."})
		case p.bulkID != "" && p.bulkID != b.id:
			errs.Error = append(errs.Error, portinListErrorXML{ErrorCode: "7704", PortinOrderID: id, Description: "The port-in belongs to another bulk port-in."})
		}
	}
	if len(errs.Error) > 0 {
		out := s.portinListLocked(b)
		out.Errors = &errs
		s.mu.Unlock()
		writeXML(w, http.StatusBadRequest, out)
		return
	}
	wanted := map[string]bool{}
	for _, id := range req.OrderIDs {
		wanted[strings.TrimSpace(id)] = true
	}
	for _, id := range b.children {
		if !wanted[id] {
			if p := s.portins[id]; p != nil {
				p.bulkID = ""
				p.touched = s.draftClock()
			}
		}
	}
	b.children = b.children[:0:0]
	for _, id := range req.OrderIDs {
		id = strings.TrimSpace(id)
		if p := s.portins[id]; p.bulkID != b.id {
			p.bulkID, p.touched = b.id, s.draftClock()
		}
		b.children = append(b.children, id)
	}
	b.modified, b.touched = s.now(), s.draftClock()
	s.updateBulkStatusLocked(b)
	out := s.portinListLocked(b)
	s.unlockAndDispatch()
	writeXML(w, http.StatusOK, out)
}
