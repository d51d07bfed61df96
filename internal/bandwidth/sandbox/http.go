package sandbox

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// apiPrefixes are the path prefixes Bandwidth's official material uses for the same API.
var apiPrefixes = []string{"/api", "/api/v1", "/v1.0"}

// Rate-limit groups (PROTOCOL §9): a 429 for one endpoint of a group applies to the group.
const (
	groupPortIn       = "PORT_IN"
	groupBulkPortIn   = "BULK_PORT_IN"
	groupSubscription = "SUBSCRIPTION"
	groupSearch       = "SEARCH"
	groupHistory      = "HISTORY"
)

type bodyKind int

const (
	bodyNone bodyKind = iota
	bodyXML
	bodyFile // raw document bytes with the file's MIME type (LOA upload)
)

const (
	maxXMLBody  = 1 << 20
	maxFileBody = 3 << 20 // Bandwidth's LOA size limit
)

// route is one Bandwidth API endpoint and what the middleware needs to know about it.
type route struct {
	method  string
	pattern string // below the API prefix, e.g. "/accounts/{accountId}/portins"
	group   string // rate-limit group, "" when the endpoint is not rate limited
	creates string // order type the endpoint creates; a 500-after-create fault applies
	body    bodyKind
	errRoot string // root element of the resource's generic error envelope
	handle  func(w http.ResponseWriter, rc *reqCtx)
}

// reqCtx is what a handler gets besides the ResponseWriter.
type reqCtx struct {
	r         *http.Request
	apiPrefix string
	user      string // the authenticated API user (Basic username or OAuth client id)
	body      []byte
	line      string // request line for violations: "POST /api/accounts/1/portins"
}

func (rc *reqCtx) path(name string) string { return rc.r.PathValue(name) }

func (s *Sandbox) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.apiRoutes() {
		for _, prefix := range apiPrefixes {
			mux.Handle(rt.method+" "+prefix+rt.pattern, s.apiHandler(rt, prefix))
		}
	}
	mux.HandleFunc("POST /api/v1/oauth2/token", s.handleToken)
	s.inspectionRoutes(mux)
	return mux
}

func (s *Sandbox) apiRoutes() []route {
	const acct = "/accounts/{accountId}"
	return []route{
		{method: "POST", pattern: acct + "/subscriptions", group: groupSubscription, creates: "subscriptions", body: bodyXML, errRoot: "SubscriptionResponse", handle: s.createSubscription},
		{method: "GET", pattern: acct + "/subscriptions", group: groupSubscription, errRoot: "SubscriptionsResponse", handle: s.listSubscriptions},
		{method: "GET", pattern: acct + "/subscriptions/{subscriptionId}", group: groupSubscription, errRoot: "SubscriptionsResponse", handle: s.getSubscription},
		{method: "PUT", pattern: acct + "/subscriptions/{subscriptionId}", group: groupSubscription, body: bodyXML, errRoot: "SubscriptionResponse", handle: s.updateSubscription},
		{method: "DELETE", pattern: acct + "/subscriptions/{subscriptionId}", group: groupSubscription, errRoot: "SubscriptionResponse", handle: s.deleteSubscription},

		{method: "POST", pattern: acct + "/lnpchecker", group: groupPortIn, body: bodyXML, errRoot: "NumberPortabilityResponse", handle: s.lnpChecker},

		{method: "POST", pattern: acct + "/csrs", creates: orderTypeCSRs, body: bodyXML, errRoot: "CsrOrderResponse", handle: s.createCSR},
		{method: "GET", pattern: acct + "/csrs", group: groupSearch, errRoot: "CsrResponses", handle: s.listCSRs},
		{method: "GET", pattern: acct + "/csrs/{orderId}", errRoot: "CsrResponse", handle: s.getCSR},
		{method: "PUT", pattern: acct + "/csrs/{orderId}", body: bodyXML, errRoot: "CsrOrderResponse", handle: s.updateCSR},
		{method: "GET", pattern: acct + "/csrs/{orderId}/notes", errRoot: "NoteResponse", handle: s.listNotes(orderTypeCSRs)},
		{method: "POST", pattern: acct + "/csrs/{orderId}/notes", body: bodyXML, errRoot: "NoteResponse", handle: s.addNote(orderTypeCSRs)},
		{method: "PUT", pattern: acct + "/csrs/{orderId}/notes/{noteId}", body: bodyXML, errRoot: "NoteResponse", handle: s.updateNote(orderTypeCSRs)},

		{method: "POST", pattern: acct + "/portins", group: groupPortIn, creates: orderTypePortins, body: bodyXML, errRoot: "LnpOrderResponse", handle: s.createPortIn},
		{method: "GET", pattern: acct + "/portins", group: groupHistory, errRoot: "LNPResponseWrapper", handle: s.listPortIns},
		{method: "GET", pattern: acct + "/portins/{orderId}", group: groupHistory, errRoot: "LnpOrderResponse", handle: s.getPortIn},
		{method: "PUT", pattern: acct + "/portins/{orderId}", group: groupPortIn, body: bodyXML, errRoot: "LnpOrderResponse", handle: s.suppPortIn},
		{method: "DELETE", pattern: acct + "/portins/{orderId}", group: groupPortIn, errRoot: "LnpOrderResponse", handle: s.cancelPortIn},
		{method: "GET", pattern: acct + "/portins/{orderId}/history", group: groupHistory, errRoot: "OrderHistoryWrapper", handle: s.portInHistory},
		{method: "GET", pattern: acct + "/portins/{orderId}/notes", errRoot: "NoteResponse", handle: s.listNotes(orderTypePortins)},
		{method: "POST", pattern: acct + "/portins/{orderId}/notes", body: bodyXML, errRoot: "NoteResponse", handle: s.addNote(orderTypePortins)},
		{method: "PUT", pattern: acct + "/portins/{orderId}/notes/{noteId}", body: bodyXML, errRoot: "NoteResponse", handle: s.updateNote(orderTypePortins)},
		{method: "POST", pattern: acct + "/portins/{orderId}/loas", body: bodyFile, errRoot: "fileUploadResponse", handle: s.uploadLOA},
		{method: "GET", pattern: acct + "/portins/{orderId}/loas", errRoot: "fileListResponse", handle: s.listLOAs},
		{method: "GET", pattern: acct + "/portins/{orderId}/loas/{fileId}", errRoot: "fileUploadResponse", handle: s.downloadLOA},
		{method: "PUT", pattern: acct + "/portins/{orderId}/loas/{fileId}", body: bodyFile, errRoot: "fileUploadResponse", handle: s.replaceLOA},
		{method: "DELETE", pattern: acct + "/portins/{orderId}/loas/{fileId}", errRoot: "fileUploadResponse", handle: s.deleteLOA},
		{method: "GET", pattern: acct + "/portins/{orderId}/loas/{fileId}/metadata", errRoot: "fileUploadResponse", handle: s.getLOAMetadata},
		{method: "PUT", pattern: acct + "/portins/{orderId}/loas/{fileId}/metadata", body: bodyXML, errRoot: "fileUploadResponse", handle: s.putLOAMetadata},
		{method: "DELETE", pattern: acct + "/portins/{orderId}/loas/{fileId}/metadata", errRoot: "fileUploadResponse", handle: s.deleteLOAMetadata},
		{method: "GET", pattern: acct + "/portins/{orderId}/activationStatus", errRoot: "ActivationStatusResponse", handle: s.getActivationStatus},
		{method: "PUT", pattern: acct + "/portins/{orderId}/activationStatus", body: bodyXML, errRoot: "ActivationStatusResponse", handle: s.putActivationStatus},
		{method: "POST", pattern: acct + "/portins/{orderId}/activationStatus", errRoot: "ActivationStatusResponse", handle: s.postActivationStatus},

		{method: "POST", pattern: acct + "/bulkPortins", group: groupBulkPortIn, creates: orderTypeBulkPortins, body: bodyXML, errRoot: "BulkPortinResponse", handle: s.createBulk},
		{method: "GET", pattern: acct + "/bulkPortins/{orderId}", group: groupBulkPortIn, errRoot: "BulkPortinResponse", handle: s.getBulk},
		{method: "PUT", pattern: acct + "/bulkPortins/{orderId}", group: groupBulkPortIn, body: bodyXML, errRoot: "BulkPortinResponse", handle: s.replaceBulk},
		{method: "PATCH", pattern: acct + "/bulkPortins/{orderId}", group: groupBulkPortIn, body: bodyXML, errRoot: "BulkPortinResponse", handle: s.patchBulk},
		{method: "DELETE", pattern: acct + "/bulkPortins/{orderId}", group: groupBulkPortIn, errRoot: "BulkPortinResponse", handle: s.deleteBulk},
		{method: "GET", pattern: acct + "/bulkPortins/{orderId}/tnList", group: groupBulkPortIn, errRoot: "TnListResponse", handle: s.getBulkTnList},
		{method: "PUT", pattern: acct + "/bulkPortins/{orderId}/tnList", group: groupBulkPortIn, body: bodyXML, errRoot: "TnListResponse", handle: s.putBulkTnList},
		{method: "GET", pattern: acct + "/bulkPortins/{orderId}/portinList", group: groupBulkPortIn, errRoot: "PortinListResponse", handle: s.getBulkPortinList},
		{method: "PUT", pattern: acct + "/bulkPortins/{orderId}/portinList", group: groupBulkPortIn, body: bodyXML, errRoot: "PortinListResponse", handle: s.putBulkPortinList},
	}
}

// apiHandler wraps an endpoint with what every Bandwidth API call goes through: injected
// latency, authentication, the account check, header rules, body limits, rate limiting and
// injected server errors.
func (s *Sandbox) apiHandler(rt route, prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := &reqCtx{r: r, apiPrefix: prefix, line: r.Method + " " + r.URL.RequestURI()}
		if d := s.currentFaults().Latency; d > 0 {
			s.countFault(func(st *FaultStats) { st.Latency++ })
			t := time.NewTimer(d)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		user, ok := s.authenticate(rc)
		if !ok {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		rc.user = user
		if rc.path("accountId") != s.opts.AccountID {
			writeResponseStatus(w, http.StatusForbidden, rt.errRoot, "1001",
				fmt.Sprintf("Access Denied: account %s is not accessible to this user.", rc.path("accountId")))
			return
		}
		if !s.checkHeaders(w, rc, rt) {
			return
		}
		if rt.body != bodyNone {
			limit := int64(maxXMLBody)
			if rt.body == bodyFile {
				limit = maxFileBody
			}
			body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
			if err != nil {
				var tooLarge *http.MaxBytesError
				if errors.As(err, &tooLarge) {
					writeResponseStatus(w, http.StatusRequestEntityTooLarge, rt.errRoot, "1019",
						fmt.Sprintf("Request body exceeds %d bytes.", limit))
					return
				}
				writeResponseStatus(w, http.StatusBadRequest, rt.errRoot, "1019", "Request body could not be read.")
				return
			}
			rc.body = body
		}
		if rt.group != "" && s.rateLimited(w, rc, rt.group) {
			return
		}
		if status := s.injectedServerError(); status != 0 {
			writeSystemError(w, rt.errRoot, status)
			return
		}
		if rt.creates != "" && s.injectErrorAfterCreate() {
			// The order is created, but the caller sees a 500 and must look it up before
			// trying again (CustomerOrderId).
			buf := &bufferedResponse{header: http.Header{}}
			rt.handle(buf, rc)
			if buf.status >= 200 && buf.status < 300 {
				writeSystemError(w, rt.errRoot, http.StatusInternalServerError)
				return
			}
			buf.copyTo(w)
			return
		}
		rt.handle(w, rc)
	})
}

// checkHeaders records Accept and Content-Type violations. It refuses (406) a call that asks
// for anything but XML, and (415) a body that is not XML where XML is required.
func (s *Sandbox) checkHeaders(w http.ResponseWriter, rc *reqCtx, rt route) bool {
	accept := rc.r.Header.Get("Accept")
	switch {
	case accept == "":
		s.violate(rc, RuleAccept, "The request has no Accept header; Bandwidth's API expects Accept: application/xml.")
	case !acceptsXML(accept):
		s.violate(rc, RuleAccept, fmt.Sprintf("Accept %q does not ask for application/xml; Bandwidth's API only answers XML.", accept))
		if !strings.Contains(accept, "*/*") {
			writeResponseStatus(w, http.StatusNotAcceptable, rt.errRoot, "1019", "Only application/xml responses are available.")
			return false
		}
	}
	if rt.body != bodyXML {
		return true
	}
	ct := rc.r.Header.Get("Content-Type")
	mediaType, _, err := mime.ParseMediaType(ct)
	switch {
	case ct == "":
		s.violate(rc, RuleContentType, "The request body has no Content-Type; Bandwidth expects Content-Type: application/xml.")
	case err != nil || (mediaType != "application/xml" && mediaType != "text/xml"):
		s.violate(rc, RuleContentType, fmt.Sprintf("Content-Type %q is not application/xml.", ct))
		writeResponseStatus(w, http.StatusUnsupportedMediaType, rt.errRoot, "1019", "The request body must be application/xml.")
		return false
	}
	return true
}

func acceptsXML(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mediaType, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err == nil && (mediaType == "application/xml" || mediaType == "text/xml") {
			return true
		}
	}
	return false
}

// rateLimited answers 429 when the group is inside a rate-limit window (recording a violation:
// the caller did not wait for X-RateLimit-Reset) or when the rate-limit fault fires.
func (s *Sandbox) rateLimited(w http.ResponseWriter, rc *reqCtx, group string) bool {
	now := time.Now()
	s.mu.Lock()
	until, limited := s.rateLimitUntil[group]
	if limited && !now.Before(until) {
		delete(s.rateLimitUntil, group)
		limited = false
	}
	s.mu.Unlock()
	if limited {
		s.violate(rc, RuleRateLimit, fmt.Sprintf(
			"Called the %s endpoint group before its X-RateLimit-Reset (%d); wait until then after a 429.", group, until.Unix()))
		write429(w, until)
		return true
	}
	window, fire := s.injectRateLimit()
	if !fire {
		return false
	}
	// X-RateLimit-Reset has one-second resolution: round the reset up to a whole second.
	until = now.Add(window).Truncate(time.Second).Add(time.Second)
	s.mu.Lock()
	s.rateLimitUntil[group] = until
	s.mu.Unlock()
	write429(w, until)
	return true
}

func write429(w http.ResponseWriter, until time.Time) {
	w.Header().Set("X-RateLimit-Reset", fmt.Sprintf("%d", until.Unix()))
	w.WriteHeader(http.StatusTooManyRequests)
}

// ---- writing responses ------------------------------------------------------------------

func writeXML(w http.ResponseWriter, status int, v any) {
	body, err := marshalXML(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeResponseStatus writes the <Root><ResponseStatus><ErrorCode/><Description/> shape.
func writeResponseStatus(w http.ResponseWriter, status int, root, code, description string) {
	if root == "" {
		root = "ErrorResponse"
	}
	env := responseStatusEnvelope{ResponseStatus: responseStatusXML{ErrorCode: code, Description: description}}
	env.XMLName.Local = root
	writeXML(w, status, env)
}

// writeSystemError writes a 5xx in the resource's own error shape.
func writeSystemError(w http.ResponseWriter, root string, status int) {
	description := "System is unavailable. Please try your request at a later time."
	if status == http.StatusGatewayTimeout {
		description = "API request timed out. Please resubmit your request."
	}
	switch root {
	case "LnpOrderResponse":
		writeXML(w, status, lnpOrderResponse{Status: &lnpStatusXML{Code: status, Description: description}})
	case "CsrOrderResponse", "CsrResponse", "CsrResponses":
		writeXML(w, status, csrOrderResponse{Errors: csrErrorsXML{Error: []csrErrorXML{{Code: "1000", Description: "Internal Server Error. Please try again."}}}})
	default:
		writeResponseStatus(w, status, root, "1000", "Internal Server Error. Please try again.")
	}
}

// bufferedResponse holds a handler's response so the 500-after-create fault can replace it.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) copyTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body.Bytes())
}

// ---- URLs -------------------------------------------------------------------------------

// baseURL is the externally visible URL of the handler root for this request.
func (s *Sandbox) baseURL(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return strings.TrimRight(s.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p != "" {
		scheme = p
	}
	host := r.Host
	if h := r.Header.Get("X-Forwarded-Host"); h != "" {
		host = h
	}
	prefix := r.Header.Get("X-Forwarded-Prefix")
	if prefix == "" {
		prefix = strippedPrefix(r)
	}
	return scheme + "://" + host + strings.TrimRight(prefix, "/")
}

// strippedPrefix recovers the mount prefix http.StripPrefix removed from the path: the
// original request URI still carries it.
func strippedPrefix(r *http.Request) string {
	original := r.RequestURI
	if i := strings.IndexByte(original, '?'); i >= 0 {
		original = original[:i]
	}
	if p := r.URL.EscapedPath(); strings.HasSuffix(original, p) {
		return original[:len(original)-len(p)]
	}
	return ""
}

// accountURL is the absolute URL of a path below /accounts/{accountId}.
func (s *Sandbox) accountURL(rc *reqCtx, rest string) string {
	return s.baseURL(rc.r) + rc.apiPrefix + "/accounts/" + s.opts.AccountID + rest
}

// link renders one pagination link the way Bandwidth does.
func link(url, rel string) string {
	return fmt.Sprintf("Link=<%s>;rel=%q;", url, rel)
}
