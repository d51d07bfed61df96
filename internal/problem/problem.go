// Package problem writes portflow's HTTP error bodies: RFC 9457 `application/problem+json` with a
// stable machine-readable code, a message that says how to fix the request, and per-field errors.
// Every HTTP handler in portflow reports errors through it, so clients see one error shape.
package problem

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Problem is an RFC 9457 problem document with portflow's extensions.
type Problem struct {
	Type      string       `json:"type"`
	Title     string       `json:"title"`
	Status    int          `json:"status"`
	Detail    string       `json:"detail,omitempty"`
	Code      string       `json:"code"`
	Errors    []FieldError `json:"errors,omitempty"`
	RequestID string       `json:"request_id,omitempty"`
}

// FieldError points at one invalid field (a JSON Pointer, RFC 6901) and says what is wrong with it.
type FieldError struct {
	Pointer string `json:"pointer"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Error lets a Problem travel as an error value up to the handler that writes it.
func (p *Problem) Error() string {
	if p.Detail != "" {
		return p.Code + ": " + p.Detail
	}
	return p.Code
}

// New builds a problem for a status with a code and a detail.
func New(status int, code, detail string) *Problem {
	return &Problem{
		Type:   "https://portflow.dev/problems/" + strings.ReplaceAll(code, "_", "-"),
		Title:  http.StatusText(status),
		Status: status,
		Code:   code,
		Detail: detail,
	}
}

// RequestIDFunc extracts the request id to echo in problem bodies; set by the HTTP server.
var RequestIDFunc = func(*http.Request) string { return "" }

// Write sends p as the response.
func Write(w http.ResponseWriter, r *http.Request, p *Problem) {
	if p.RequestID == "" && r != nil {
		p.RequestID = RequestIDFunc(r)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// Respond writes a new problem in one call.
func Respond(w http.ResponseWriter, r *http.Request, status int, code, detail string) {
	Write(w, r, New(status, code, detail))
}
