package sandbox

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"
)

// CSR order statuses.
const (
	csrReceived        = "RECEIVED"
	csrProcessing      = "PROCESSING"
	csrActionRequired  = "ACTION_REQUIRED"
	csrComplete        = "COMPLETE"
	csrFailed          = "FAILED"
	csrRequestedCancel = "REQUESTED_CANCEL"
	csrCancelled       = "CANCELLED"
)

var csrStatuses = map[string]bool{
	"received": true, "processing": true, "action_required": true, "complete": true,
	"failed": true, "requested_cancel": true, "cancelled": true,
}

var errCSRNotAvailable = apiError{Code: "26500", Description: "CSR is not available for this TN"}

// lnpTeamUser is the author of notes and history entries Bandwidth's porting team writes.
const lnpTeamUser = "lnpteam"

// csrOrder is one CSR lookup.
type csrOrder struct {
	id         string
	req        csrRequest // the request fields, echoed in every GET
	tn         string
	status     string
	created    time.Time
	modified   time.Time
	createdBy  string
	modifiedBy string
	data       *csrDataXML
	errors     []apiError
	notes      []*note
	gen        int // bumped on every status change; a timer for an older gen does nothing
}

func (c *csrOrder) live() bool { return c.status != csrFailed && c.status != csrCancelled }

var customerOrderIDPattern = regexp.MustCompile(`^[A-Za-z0-9 -]{1,40}$`)

// validateCSR applies the <Csr> field rules; missing is 1003, malformed 1019.
func validateCSR(req *csrRequest, create bool) []apiError {
	var errs []apiError
	tn := strings.TrimSpace(req.WorkingOrBillingTelephoneNumber)
	switch {
	case create && tn == "":
		errs = append(errs, apiError{Code: "1003", Description: "WorkingOrBillingTelephoneNumber is required"})
	case tn != "" && !validNANP(tn):
		errs = append(errs, apiError{Code: "7201", Description: tn + " is not a valid NANP telephone number."})
	}
	if req.CustomerOrderID != "" && !customerOrderIDPattern.MatchString(req.CustomerOrderID) {
		errs = append(errs, apiError{Code: "7318", Description: "CustomerOrderId must be at most 40 letters, digits, dashes or spaces."})
	}
	limits := []struct {
		name, value string
		max         int
	}{
		{"AccountNumber", req.AccountNumber, 20}, {"AccountTelephoneNumber", req.AccountTelephoneNumber, 10},
		{"EndUserName", req.EndUserName, 100}, {"AuthorizingUserName", req.AuthorizingUserName, 100},
		{"CustomerCode", req.CustomerCode, 3}, {"EndUserPIN", req.EndUserPIN, 50},
		{"EndUserPassword", req.EndUserPassword, 100}, {"AddressLine1", req.AddressLine1, 200},
		{"City", req.City, 100}, {"ZIPCode", req.ZIPCode, 10}, {"TypeOfService", req.TypeOfService, 50},
	}
	for _, l := range limits {
		if len(l.value) > l.max {
			errs = append(errs, apiError{Code: "1019", Description: fmt.Sprintf("%s is longer than %d characters.", l.name, l.max)})
		}
	}
	if req.CustomerCode != "" && !allDigits(req.CustomerCode) {
		errs = append(errs, apiError{Code: "1019", Description: "CustomerCode must be numeric."})
	}
	if req.State != "" && !validStates[strings.ToUpper(req.State)] {
		errs = append(errs, apiError{Code: "1019", Description: fmt.Sprintf("State '%s' is not a valid two-letter state code.", req.State)})
	}
	if req.TypeOfService != "" && !allLetters(req.TypeOfService) {
		errs = append(errs, apiError{Code: "1019", Description: "TypeOfService must be alphabetic."})
	}
	return errs
}

func writeCSRErrors(w http.ResponseWriter, status int, errs []apiError) {
	out := csrOrderResponse{}
	for _, e := range errs {
		out.Errors.Error = append(out.Errors.Error, csrErrorXML{Code: e.Code, Description: e.Description})
	}
	writeXML(w, status, out)
}

func (s *Sandbox) createCSR(w http.ResponseWriter, rc *reqCtx) {
	var req csrRequest
	if _, err := decodeXML(rc.body, &req); err != nil {
		writeCSRErrors(w, http.StatusBadRequest, []apiError{{Code: "1019", Description: "The body must be a <Csr> document: " + err.Error()}})
		return
	}
	if errs := validateCSR(&req, true); len(errs) > 0 {
		writeCSRErrors(w, http.StatusBadRequest, errs)
		return
	}
	req.Status = ""
	now := s.now()
	c := &csrOrder{
		id: s.newID(), req: req, tn: strings.TrimSpace(req.WorkingOrBillingTelephoneNumber),
		status: csrProcessing, created: now, modified: now, createdBy: rc.user, modifiedBy: rc.user,
	}
	s.mu.Lock()
	if coid := req.CustomerOrderID; coid != "" {
		for _, other := range s.csrsByCOID[coid] {
			if other.live() {
				s.violationLocked(rc, RuleDuplicateCreate, fmt.Sprintf(
					"CSR order %s already exists for CustomerOrderId %q; look it up (GET /csrs) before creating another.", other.id, coid))
				break
			}
		}
		s.csrsByCOID[coid] = append(s.csrsByCOID[coid], c)
		s.creates[createKey{orderTypeCSRs, coid}]++
	}
	s.csrs[c.id] = c
	s.csrPos[c.id] = len(s.csrSeq)
	s.csrSeq = append(s.csrSeq, c)
	s.scheduleCSRLocked(c)
	s.mu.Unlock()
	s.logf("sandbox: csr %s created for %s (%s)", c.id, c.tn, csrOutcomeOf(c.tn))
	w.Header().Set("Location", s.accountURL(rc, "/csrs/"+c.id))
	writeXML(w, http.StatusCreated, csrResponse{OrderID: c.id, Status: csrReceived})
}

// scheduleCSRLocked lets the losing carrier answer one step from now.
func (s *Sandbox) scheduleCSRLocked(c *csrOrder) {
	gen := c.gen
	s.after(1, func() {
		if c.gen == gen && c.status == csrProcessing {
			s.resolveCSRLocked(c)
		}
	})
}

// resolveCSRLocked gives the CSR the outcome its number selects.
func (s *Sandbox) resolveCSRLocked(c *csrOrder) {
	rec := CarrierRecordFor(c.tn)
	onlyTN := &csrDataXML{WorkingTelephoneNumber: c.tn}
	switch rec.CSR {
	case CSRComplete:
		s.setCSRLocked(c, csrComplete, csrDataOf(rec, true), nil, "The CSR request is complete.")
	case CSRCompleteUnparsed:
		s.setCSRLocked(c, csrComplete, csrDataOf(rec, false), nil, "The CSR request is complete.")
	case CSRCompleteWithError:
		s.setCSRLocked(c, csrComplete, onlyTN, []apiError{errCSRNotAvailable}, errCSRNotAvailable.message())
	case CSRActionRequired:
		if suppliedCarrierInfo(c.req, rec) {
			s.setCSRLocked(c, csrComplete, csrDataOf(rec, true), nil, "The CSR request is complete.")
			return
		}
		want := "the account number"
		if rec.Carrier.Wireless {
			want = "the account number and PIN"
		}
		text := fmt.Sprintf("The losing carrier requires %s on the account to release the CSR. Supply them with PUT /csrs/%s.", want, c.id)
		c.notes = append(c.notes, &note{id: s.newNoteIDLocked(), userID: lnpTeamUser, description: text, modified: s.now()})
		s.setCSRLocked(c, csrActionRequired, nil, nil, "The CSR request requires action: "+text)
	default:
		s.setCSRLocked(c, csrFailed, onlyTN, []apiError{errCSRNotAvailable}, "The CSR request has failed.")
	}
}

// suppliedCarrierInfo reports whether a CSR request carries what an ACTION_REQUIRED carrier
// asks for: its account number and, for a wireless carrier, the PIN.
func suppliedCarrierInfo(req csrRequest, rec CarrierRecord) bool {
	if strings.TrimSpace(req.AccountNumber) != rec.AccountNumber {
		return false
	}
	return !rec.Carrier.Wireless || strings.TrimSpace(req.EndUserPIN) == rec.PIN
}

// setCSRLocked changes the CSR's status and notifies when Bandwidth would (COMPLETE, FAILED,
// ACTION_REQUIRED).
func (s *Sandbox) setCSRLocked(c *csrOrder, status string, data *csrDataXML, errs []apiError, message string) {
	c.status, c.data, c.errors = status, data, errs
	c.modified, c.modifiedBy = s.now(), "systemUser"
	c.gen++
	s.logf("sandbox: csr %s %s", c.id, status)
	switch status {
	case csrComplete, csrFailed, csrActionRequired:
		s.emitLocked(notification{
			orderType: orderTypeCSRs, orderID: c.id, customerOrderID: c.req.CustomerOrderID,
			status: status, message: message, lastModified: c.modified,
		})
	}
}

// csrDataOf renders the carrier record as CsrData. A parsed address carries only the
// elements Bandwidth documents, so a directional rides in StreetName ("N MAIN").
func csrDataOf(rec CarrierRecord, parsed bool) *csrDataXML {
	a := rec.ServiceAddress
	addr := &csrServiceAddressXML{UnparsedAddress: a.Unparsed()}
	if parsed {
		addr.HouseNumber = a.HouseNumber
		addr.StreetName = strings.Join(nonEmpty(a.PreDirectional, a.StreetName), " ")
		addr.StreetSuffix = a.StreetSuffix
		addr.City, addr.State, addr.Zip = a.City, a.State, a.Zip
	}
	return &csrDataXML{
		AccountNumber: rec.AccountNumber, CustomerName: rec.CustomerName, ServiceAddress: addr,
		WorkingTelephoneNumber:           rec.TN,
		WorkingTelephoneNumbersOnAccount: &telephoneListXML{TelephoneNumber: []string{rec.TN}},
	}
}

func (s *Sandbox) csrToXMLLocked(c *csrOrder) csrResponse {
	r := c.req
	out := csrResponse{
		CustomerOrderID: r.CustomerOrderID, LastModifiedBy: c.modifiedBy, OrderCreateDate: bandwidthTime(c.created),
		AccountID: s.opts.AccountID, OrderID: c.id, LastModifiedDate: bandwidthTime(c.modified), Status: c.status,
		AccountNumber: r.AccountNumber, AccountTelephoneNumber: r.AccountTelephoneNumber, EndUserName: r.EndUserName,
		AuthorizingUserName: r.AuthorizingUserName, CustomerCode: r.CustomerCode, EndUserPIN: r.EndUserPIN,
		EndUserPassword: r.EndUserPassword, AddressLine1: r.AddressLine1, City: r.City, State: r.State,
		ZIPCode: r.ZIPCode, TypeOfService: r.TypeOfService, CsrData: c.data,
	}
	if len(c.errors) > 0 {
		out.Errors = &csrErrorsXML{}
		for _, e := range c.errors {
			out.Errors.Error = append(out.Errors.Error, csrErrorXML{Code: e.Code, Description: e.Description})
		}
	}
	return out
}

func (s *Sandbox) getCSR(w http.ResponseWriter, rc *reqCtx) {
	s.mu.Lock()
	c, ok := s.csrs[rc.path("orderId")]
	var out csrResponse
	if ok {
		out = s.csrToXMLLocked(c)
	}
	s.mu.Unlock()
	if !ok {
		writeCSRErrors(w, http.StatusNotFound, []apiError{{Code: "12161", Description: "CSR order not found."}})
		return
	}
	writeXML(w, http.StatusOK, out)
}

// updateCSR is PUT /csrs/{id}: supply what the carrier asked for, or cancel with
// <Status>REQUESTED_CANCEL</Status>.
func (s *Sandbox) updateCSR(w http.ResponseWriter, rc *reqCtx) {
	var req csrRequest
	if _, err := decodeXML(rc.body, &req); err != nil {
		writeCSRErrors(w, http.StatusBadRequest, []apiError{{Code: "1019", Description: "The body must be a <Csr> document: " + err.Error()}})
		return
	}
	if errs := validateCSR(&req, false); len(errs) > 0 {
		writeCSRErrors(w, http.StatusBadRequest, errs)
		return
	}
	s.mu.Lock()
	c, ok := s.csrs[rc.path("orderId")]
	if !ok {
		s.mu.Unlock()
		writeCSRErrors(w, http.StatusNotFound, []apiError{{Code: "12161", Description: "CSR order not found."}})
		return
	}
	if req.Status != "" && req.Status != csrRequestedCancel {
		s.mu.Unlock()
		writeCSRErrors(w, http.StatusBadRequest, []apiError{{Code: "1019", Description: fmt.Sprintf("Status '%s' cannot be requested; only REQUESTED_CANCEL.", req.Status)}})
		return
	}
	if c.status != csrProcessing && c.status != csrActionRequired && c.status != csrReceived {
		s.mu.Unlock()
		writeCSRErrors(w, http.StatusBadRequest, []apiError{{Code: "1019", Description: fmt.Sprintf("The CSR order is %s and cannot be modified.", c.status)}})
		return
	}
	c.modified, c.modifiedBy = s.now(), rc.user
	if req.Status == csrRequestedCancel {
		c.status = csrRequestedCancel
		c.gen++
		gen := c.gen
		s.after(1, func() {
			if c.gen == gen {
				c.status, c.modified, c.modifiedBy = csrCancelled, s.now(), "systemUser"
				c.gen++
			}
		})
	} else {
		mergeCSRRequest(&c.req, req)
		if c.status == csrActionRequired {
			c.status = csrProcessing
			c.gen++
			s.scheduleCSRLocked(c)
		}
	}
	out := s.csrToXMLLocked(c)
	s.unlockAndDispatch()
	writeXML(w, http.StatusOK, out)
}

// mergeCSRRequest copies the fields a PUT carries onto the stored request.
func mergeCSRRequest(dst *csrRequest, src csrRequest) {
	set := func(d *string, v string) {
		if v != "" {
			*d = v
		}
	}
	set(&dst.AccountNumber, src.AccountNumber)
	set(&dst.AccountTelephoneNumber, src.AccountTelephoneNumber)
	set(&dst.EndUserName, src.EndUserName)
	set(&dst.AuthorizingUserName, src.AuthorizingUserName)
	set(&dst.CustomerCode, src.CustomerCode)
	set(&dst.EndUserPIN, src.EndUserPIN)
	set(&dst.EndUserPassword, src.EndUserPassword)
	set(&dst.AddressLine1, src.AddressLine1)
	set(&dst.City, src.City)
	set(&dst.State, src.State)
	set(&dst.ZIPCode, src.ZIPCode)
	set(&dst.TypeOfService, src.TypeOfService)
}

// listCSRs is GET /csrs: modifiedDateFrom, modifiedDateTo (default now), status, page (an
// order id to start from, or 1) and size (default 300).
func (s *Sandbox) listCSRs(w http.ResponseWriter, rc *reqCtx) {
	q := rc.r.URL.Query()
	from, errFrom := parseQueryTime(q.Get("modifiedDateFrom"), time.Time{})
	to, errTo := parseQueryTime(q.Get("modifiedDateTo"), s.now())
	if errFrom != nil || errTo != nil {
		writeCSRErrors(w, http.StatusBadRequest, []apiError{{Code: "1019", Description: "modifiedDateFrom and modifiedDateTo must be dates (2006-01-02) or ISO 8601 date-times."}})
		return
	}
	status := strings.ToLower(q.Get("status"))
	if status != "" && !csrStatuses[status] {
		writeCSRErrors(w, http.StatusBadRequest, []apiError{{Code: "15518", Description: "Invalid 'status'. Valid values: received, processing, action_required, complete, failed, requested_cancel, cancelled"}})
		return
	}
	size, page, ok := pageParams(w, q, "CsrOrderResponse")
	if !ok {
		return
	}
	if q.Get("modifiedDateTo") != "" && len(q.Get("modifiedDateTo")) == len("2006-01-02") {
		to = to.Add(24*time.Hour - time.Nanosecond) // a date means the whole day
	}
	s.mu.Lock()
	var matched []*csrOrder
	for _, c := range s.csrSeq {
		if c.modified.Before(from) || c.modified.After(to) {
			continue
		}
		if status != "" && !strings.EqualFold(c.status, status) {
			continue
		}
		matched = append(matched, c)
	}
	start := 0
	if page != "1" {
		start = -1
		for i, c := range matched {
			if c.id == page {
				start = i
				break
			}
		}
		if start < 0 {
			s.mu.Unlock()
			writeCSRErrors(w, http.StatusBadRequest, []apiError{{Code: "1019", Description: fmt.Sprintf("page '%s' is not an order id of this result.", page)}})
			return
		}
	}
	end := min(start+size, len(matched))
	out := csrResponses{TotalCount: len(matched)}
	for _, c := range matched[start:end] {
		out.CSRs = append(out.CSRs, s.csrToXMLLocked(c))
	}
	links := &linksXML{First: link(s.pageURL(rc, "/csrs", "1", size), "first")}
	if end < len(matched) {
		links.Next = link(s.pageURL(rc, "/csrs", matched[end].id, size), "next")
	}
	out.Links = links
	s.mu.Unlock()
	writeXML(w, http.StatusOK, out)
}
