package sandbox

import (
	"net/http"
	"time"
)

// activationRefusal returns the status and error when on-demand activation is not possible
// for the order now, or nil.
func activationRefusal(p *portIn) (int, *apiError) {
	switch {
	case p.final():
		return http.StatusNotFound, &apiError{Code: "7349", Description: "The order is already completed or cancelled."}
	case p.status != statusFOC:
		return http.StatusBadRequest, &apiError{Code: "7342", Description: "On demand port-in activation not yet allowed."}
	case p.portType == portTypeManualOffNet || p.portType == portTypeManualTollFree:
		return http.StatusBadRequest, &apiError{Code: "7361", Description: "On demand activation is not available for manual port-ins."}
	case p.portType == portTypeInternal:
		return http.StatusBadRequest, &apiError{Code: "7344", Description: "On demand activation is not available when Bandwidth is the losing carrier."}
	case !p.triggerable():
		return http.StatusBadRequest, &apiError{Code: "7345", Description: "The port-in order was not submitted as a triggered order."}
	}
	return 0, nil
}

func (s *Sandbox) activationStatusLocked(p *portIn) activationStatusResponse {
	return activationStatusResponse{ActivationStatus: &activationStatusXML{
		AutoActivationDate:                  p.activationAt.In(eastern).Format(time.RFC3339),
		NotYetActivatedTelephoneNumbersList: telephoneListXML{TelephoneNumber: p.tns},
	}}
}

func writeActivationError(w http.ResponseWriter, status int, e *apiError) {
	writeXML(w, status, activationStatusResponse{ResponseStatus: &responseStatusXML{ErrorCode: e.Code, Description: e.Description}})
}

// getActivationStatus is GET /portins/{id}/activationStatus.
func (s *Sandbox) getActivationStatus(w http.ResponseWriter, rc *reqCtx) {
	s.mu.Lock()
	p := s.portInLocked(rc.path("orderId"))
	if p == nil {
		s.mu.Unlock()
		writeActivationError(w, http.StatusNotFound, &apiError{Code: "7000", Description: statusTextNotFound})
		return
	}
	if status, e := activationRefusal(p); e != nil {
		s.mu.Unlock()
		writeActivationError(w, status, e)
		return
	}
	out := s.activationStatusLocked(p)
	s.mu.Unlock()
	writeXML(w, http.StatusOK, out)
}

// putActivationStatus is PUT /portins/{id}/activationStatus: a time in the past activates all
// numbers now (COMPLETE one step later); a future time reschedules the activation, which the
// compressed clock reaches after ActivationWaitSteps.
func (s *Sandbox) putActivationStatus(w http.ResponseWriter, rc *reqCtx) {
	var req activationStatusRequest
	if _, err := decodeXML(rc.body, &req); err != nil {
		writeActivationError(w, http.StatusBadRequest, &apiError{Code: "1019", Description: "The body must be an <ActivationStatus> document."})
		return
	}
	when, err := parseFocDate(req.AutoActivationDate)
	if err != nil {
		writeActivationError(w, http.StatusBadRequest, &apiError{Code: "1019", Description: "AutoActivationDate: " + err.Error()})
		return
	}
	s.mu.Lock()
	p := s.portInLocked(rc.path("orderId"))
	if p == nil {
		s.mu.Unlock()
		writeActivationError(w, http.StatusNotFound, &apiError{Code: "7000", Description: statusTextNotFound})
		return
	}
	if status, e := activationRefusal(p); e != nil {
		s.mu.Unlock()
		writeActivationError(w, status, e)
		return
	}
	p.modified, p.modifiedBy = s.now(), rc.user
	if !when.at.After(s.now()) {
		p.activationAt = s.now()
		p.history = append(p.history, historyEntry{at: p.modified, note: "On demand activation requested", author: rc.user, status: p.status})
		s.scheduleActivationLocked(p, 1)
	} else {
		p.activationAt = when.at
		p.history = append(p.history, historyEntry{at: p.modified, note: "Activation rescheduled", author: rc.user, status: p.status})
		s.scheduleActivationLocked(p, s.opts.ActivationWaitSteps)
	}
	out := s.activationStatusLocked(p)
	s.mu.Unlock()
	writeXML(w, http.StatusOK, out)
}

// postActivationStatus answers the wrong method the way a strict server would, and records it:
// activation is set with PUT.
func (s *Sandbox) postActivationStatus(w http.ResponseWriter, rc *reqCtx) {
	s.violate(rc, RuleActivationMethod, "activationStatus is set with PUT, not POST.")
	w.Header().Set("Allow", "GET, PUT")
	writeActivationError(w, http.StatusMethodNotAllowed, &apiError{Code: "1019", Description: "Method POST is not allowed; use PUT."})
}
