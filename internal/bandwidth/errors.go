package bandwidth

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrorClass says what a caller can do about a failed call. The values are stable strings so they
// can label metrics directly.
type ErrorClass string

const (
	// ClassNone marks a successful call (CallInfo.Class of a call that returned no error).
	ClassNone ErrorClass = ""
	// ClassRetryable: try again later — timeouts, connection failures, 5xx, and the codes Bandwidth
	// itself says to resubmit (1000, 7000, 7323).
	ClassRetryable ErrorClass = "retryable"
	// ClassRateLimited: HTTP 429; Error.RetryAt says when the endpoint group may be called again.
	ClassRateLimited ErrorClass = "rate_limited"
	// ClassPermanent: the request was refused as it is (validation, conflict, business rule);
	// repeating it unchanged fails the same way. Needs a different request or a person.
	ClassPermanent ErrorClass = "permanent"
	// ClassNotFound: the order, subscription or file does not exist (HTTP 404).
	ClassNotFound ErrorClass = "not_found"
	// ClassAuth: credentials were refused (HTTP 401/403, a failed token request, code 1001).
	ClassAuth ErrorClass = "auth"
	// ClassCanceled: the caller's context was canceled before the call completed.
	ClassCanceled ErrorClass = "canceled"
)

// Error codes portflow's callers test for by name. Bandwidth's full list is in PROTOCOL.md §8.
const (
	CodeInternalError        = "1000"  // "Internal Server Error. Please try again."
	CodeAccessDenied         = "1001"  // Access Denied
	CodeTimeout              = "7000"  // request timed out at Bandwidth
	CodeVendorUnavailable    = "7323"  // "Unable to contact vendor… submit your request again later"
	CodeTNOnAnotherOrder     = "7205"  // "Telephone number is already being processed on another order"
	CodeAlreadyCancelled     = "7303"  // order already cancelled
	CodeAlreadyComplete      = "7304"  // order already complete
	CodeActivationNotAllowed = "7342"  // on-demand activation not yet allowed
	CodeHistoryNotSupported  = "7710"  // history not supported for drafts
	CodeCsrNotAvailable      = "26500" // "CSR is not available for this TN"
)

// retryableCodes are the Bandwidth error codes whose own text says "try again".
var retryableCodes = map[string]bool{
	CodeInternalError:     true,
	CodeTimeout:           true,
	CodeVendorUnavailable: true,
}

// ErrorDetail is one code/description pair Bandwidth returned, with the telephone numbers it
// concerns and, for bulk port-in errors, the child order it belongs to.
type ErrorDetail struct {
	Code        string   `json:"code"`
	Description string   `json:"description"`
	TNs         []string `json:"tns,omitempty"`
	OrderID     string   `json:"order_id,omitempty"`
}

func (d ErrorDetail) String() string {
	var b strings.Builder
	if d.Code != "" {
		b.WriteString(d.Code)
		b.WriteString(": ")
	}
	b.WriteString(d.Description)
	if len(d.TNs) > 0 {
		b.WriteString(" [")
		b.WriteString(strings.Join(d.TNs, " "))
		b.WriteString("]")
	}
	if d.OrderID != "" {
		b.WriteString(" (order ")
		b.WriteString(d.OrderID)
		b.WriteString(")")
	}
	return b.String()
}

// ErrorList holds the errors carried inside a response body. It decodes every shape Bandwidth uses
// for them: repeated <Errors><Code/><Description/></Errors> siblings (port-ins, lnpchecker), an
// <Errors><Error>…</Error></Errors> wrapper (CSRs), <ErrorList><Error> (bulk tnList),
// <PortabilityErrors><Error> (lnpchecker), with ErrorCode or Code, and TNs under TelephoneNumbers/Tn
// or TnList/Tn. Repeated sibling elements append to the same list.
type ErrorList []ErrorDetail

// UnmarshalXML implements xml.Unmarshaler.
func (l *ErrorList) UnmarshalXML(d *xml.Decoder, start xml.StartElement) error {
	n, err := parseSubtree(d, start)
	if err != nil {
		return err
	}
	*l = append(*l, collectErrors(n, "")...)
	return nil
}

// Has reports whether the list carries code.
func (l ErrorList) Has(code string) bool {
	return slices.ContainsFunc(l, func(d ErrorDetail) bool { return d.Code == code })
}

// Codes returns the codes in order, without duplicates.
func (l ErrorList) Codes() []string {
	var codes []string
	for _, d := range l {
		if d.Code != "" && !slices.Contains(codes, d.Code) {
			codes = append(codes, d.Code)
		}
	}
	return codes
}

// Error is a failed call to Bandwidth: what was called, the HTTP status (0 when no response
// arrived), every error Bandwidth reported, and what the caller can do about it.
type Error struct {
	// Endpoint is the route template, e.g. "GET /portins/{id}".
	Endpoint string
	// Status is the HTTP status; 0 when the request never got a response (or was refused locally
	// because the endpoint group is still rate-limited). A 2xx here means the body carried errors.
	Status int
	// Codes lists every code/description pair found in the body, in document order.
	Codes ErrorList
	// Message is a top-level description without a code (LnpOrderResponse/Status/Description,
	// a bare ResponseStatus/Description, an OAuth error), or a summary of a transport failure.
	Message string
	// Class is the classification; see ErrorClass.
	Class ErrorClass
	// RetryAt is when a rate-limited endpoint group may be called again (X-RateLimit-Reset).
	RetryAt time.Time
	// Err is the underlying transport or decoding error, if any.
	Err error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("bandwidth: ")
	b.WriteString(e.Endpoint)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Class != ClassNone {
		fmt.Fprintf(&b, " (%s)", e.Class)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	for i, d := range e.Codes {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(d.String())
	}
	if !e.RetryAt.IsZero() {
		fmt.Fprintf(&b, " (retry at %s)", e.RetryAt.UTC().Format(time.RFC3339))
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// HasCode reports whether Bandwidth returned code.
func (e *Error) HasCode(code string) bool { return e.Codes.Has(code) }

// asError finds the *Error in err's chain.
func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// ClassOf classifies any error a Client method returned: the Class of a *Error; ClassPermanent for
// a request this package refused to send (ErrInvalidRequest); ClassCanceled for a canceled
// context; ClassRetryable for timeouts and other transport failures; ClassNone for nil.
func ClassOf(err error) ErrorClass {
	if err == nil {
		return ClassNone
	}
	if e, ok := asError(err); ok {
		return e.Class
	}
	return classifyTransport(err)
}

// IsRetryable reports whether the call may succeed if made again later (not counting rate limits,
// which IsRateLimited reports).
func IsRetryable(err error) bool { return ClassOf(err) == ClassRetryable }

// IsRateLimited reports whether Bandwidth (or the client, on its behalf) refused the call because
// the endpoint group is rate-limited; RetryAt(err) says until when.
func IsRateLimited(err error) bool { return ClassOf(err) == ClassRateLimited }

// IsPermanent reports whether the request was refused as it is.
func IsPermanent(err error) bool { return ClassOf(err) == ClassPermanent }

// IsNotFound reports whether the resource does not exist.
func IsNotFound(err error) bool { return ClassOf(err) == ClassNotFound }

// IsAuth reports whether credentials were refused.
func IsAuth(err error) bool { return ClassOf(err) == ClassAuth }

// HasCode reports whether err carries Bandwidth error code.
func HasCode(err error, code string) bool {
	e, ok := asError(err)
	return ok && e.HasCode(code)
}

// Codes returns every Bandwidth error detail err carries.
func Codes(err error) ErrorList {
	if e, ok := asError(err); ok {
		return e.Codes
	}
	return nil
}

// RetryAt returns when a rate-limited call may be made again; zero when err is not rate-limited.
func RetryAt(err error) time.Time {
	if e, ok := asError(err); ok {
		return e.RetryAt
	}
	return time.Time{}
}

// ErrInvalidRequest is wrapped by the errors a Client returns for requests it refuses to send
// because Bandwidth would certainly reject them (a missing required field, a LoaAuthorizingPerson
// over 15 characters, a malformed number). Such calls never reach Bandwidth.
var ErrInvalidRequest = errors.New("bandwidth: invalid request")

func classifyTransport(err error) ErrorClass {
	switch {
	case errors.Is(err, ErrInvalidRequest):
		return ClassPermanent
	case errors.Is(err, context.Canceled):
		return ClassCanceled
	case errors.Is(err, context.DeadlineExceeded):
		return ClassRetryable
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return ClassRetryable
	}
	// Connection refused/reset, unexpected EOF mid-response, TLS handshake failures: the request
	// may not have been processed and nothing about it was refused on its merits.
	return ClassRetryable
}

// classifyResponse decides the class of a response that is being returned as an error.
func classifyResponse(status int, codes ErrorList, notFoundIsValidation bool) ErrorClass {
	allRetryable := len(codes) > 0
	for _, d := range codes {
		if !retryableCodes[d.Code] {
			allRetryable = false
		}
		if d.Code == CodeAccessDenied {
			return ClassAuth
		}
	}
	switch {
	case status == http.StatusTooManyRequests:
		return ClassRateLimited
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return ClassAuth
	case status >= 500 || status == http.StatusRequestTimeout:
		return ClassRetryable
	case allRetryable:
		return ClassRetryable
	case status == http.StatusNotFound && !notFoundIsValidation:
		return ClassNotFound
	}
	return ClassPermanent
}

// DecodeErrors extracts every error Bandwidth put in a response body, whatever its shape
// (PROTOCOL.md §1.4): <ResponseStatus><ErrorCode>, repeated <Errors><Code>, <Errors><Error>,
// <ErrorList><Error>, <PortabilityErrors><Error>, <IrisStatus><Code>, bulk
// <PortinListErrors><PortinErrors>, and <resultCode>/<resultMessage> of the LOA endpoints. A code
// of "0" means success and is not reported. message is a top-level description that came without
// a code. An empty or non-XML body yields no details and an error only when it is malformed XML.
func DecodeErrors(body []byte) (details ErrorList, message string, err error) {
	if len(strings.TrimSpace(string(body))) == 0 {
		return nil, "", nil
	}
	root, err := parseTree(body)
	if err != nil {
		return nil, "", fmt.Errorf("decode error body: %w", err)
	}
	details = collectErrors(root, "")
	message = topLevelMessage(root)
	return details, message, nil
}

// collectErrors walks n and returns every error detail below it. orderID is the enclosing bulk
// child order id, if any.
func collectErrors(n *node, orderID string) ErrorList {
	var out ErrorList
	var walk func(n *node, orderID string, depth int)
	walk = func(n *node, orderID string, depth int) {
		if depth > maxTreeDepth {
			return
		}
		if d, ok := errorDetailOf(n, orderID); ok {
			if d.Code != "0" {
				out = append(out, d)
			}
			return
		}
		if n.is("PortinErrors") {
			if id := n.childText("PortinOrderId"); id != "" {
				orderID = id
			}
		}
		if n.is("fileUploadResponse", "fileListResponse") || n.child("resultCode") != nil {
			code := n.childText("resultCode")
			if code != "" && code != "0" {
				out = append(out, ErrorDetail{Code: code, Description: n.childText("resultMessage")})
			}
		}
		for _, c := range n.Children {
			walk(c, orderID, depth+1)
		}
	}
	walk(n, orderID, 0)
	return out
}

// errorDetailOf recognizes an element that is itself one error: an Error/Errors/ResponseStatus/
// IrisStatus element with a Code or ErrorCode child.
func errorDetailOf(n *node, orderID string) (ErrorDetail, bool) {
	if !n.is("Error", "Errors", "ResponseStatus", "IrisStatus") {
		return ErrorDetail{}, false
	}
	code := n.child("ErrorCode", "Code")
	if code == nil {
		return ErrorDetail{}, false
	}
	d := ErrorDetail{Code: code.Text, Description: n.childText("Description"), OrderID: orderID}
	if id := n.childText("PortinOrderId"); id != "" {
		d.OrderID = id
	}
	for _, c := range n.Children {
		switch {
		case c.is("Tn", "TN", "TelephoneNumber"):
			d.TNs = append(d.TNs, NormalizeTN(c.Text))
		case c.is("TelephoneNumbers", "TnList", "TNList"):
			for _, tn := range c.Children {
				if tn.Text != "" {
					d.TNs = append(d.TNs, NormalizeTN(tn.Text))
				}
			}
		}
	}
	return d, true
}

// topLevelMessage finds a description Bandwidth gave without a code: the LnpOrderResponse
// <Status><Description> (its Code is the HTTP status, not an error code) or a bare
// <ResponseStatus><Description>.
func topLevelMessage(root *node) string {
	for _, c := range root.Children {
		if c.is("Status", "ResponseStatus") && c.child("ErrorCode") == nil {
			if desc := c.childText("Description"); desc != "" {
				return desc
			}
		}
	}
	return ""
}

// rateLimitReset reads X-RateLimit-Reset (epoch seconds, or milliseconds when the number is too
// large to be seconds) and falls back to Retry-After (seconds or an HTTP date).
func rateLimitReset(h http.Header, now time.Time) time.Time {
	if v := strings.TrimSpace(h.Get("X-RateLimit-Reset")); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil && n > 0 {
			if n > 1e12 {
				return time.UnixMilli(n)
			}
			return time.Unix(n, 0)
		}
		if t, err := http.ParseTime(v); err == nil {
			return t
		}
	}
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if n, err := strconv.Atoi(v); err == nil && n >= 0 {
			return now.Add(time.Duration(n) * time.Second)
		}
		if t, err := http.ParseTime(v); err == nil {
			return t
		}
	}
	return time.Time{}
}
