package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"time"
)

// OrderSnapshot is what the inspection shows of one order.
type OrderSnapshot struct {
	Type              string       `json:"type"` // portins, csrs or bulkPortins
	OrderID           string       `json:"orderId"`
	CustomerOrderID   string       `json:"customerOrderId,omitempty"`
	Status            string       `json:"status"`
	TNs               []string     `json:"tns,omitempty"`
	Errors            []string     `json:"errors,omitempty"` // "7402: …"
	ActualFocDate     string       `json:"actualFocDate,omitempty"`
	BulkPortinOrderID string       `json:"bulkPortinOrderId,omitempty"`
	Deleted           bool         `json:"deleted,omitempty"` // a deleted draft
	Created           time.Time    `json:"created"`
	Modified          time.Time    `json:"modified"`
	History           []OrderEvent `json:"history,omitempty"`
}

// OrderEvent is one entry of a port-in's history.
type OrderEvent struct {
	Time   time.Time `json:"time"`
	Status string    `json:"status"`
	Note   string    `json:"note"`
	Author string    `json:"author"`
}

// Orders returns every order: port-ins, then CSRs, then bulk port-ins, each oldest first.
func (s *Sandbox) Orders() []OrderSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]OrderSnapshot, 0, len(s.portinSeq)+len(s.csrSeq)+len(s.bulks))
	for _, p := range s.portinSeq {
		out = append(out, portInSnapshot(p))
	}
	for _, c := range s.csrSeq {
		out = append(out, csrSnapshot(c))
	}
	bulks := make([]OrderSnapshot, 0, len(s.bulks))
	for _, b := range s.bulks {
		bulks = append(bulks, bulkSnapshot(b))
	}
	sort.Slice(bulks, func(i, j int) bool {
		if !bulks[i].Created.Equal(bulks[j].Created) {
			return bulks[i].Created.Before(bulks[j].Created)
		}
		return bulks[i].OrderID < bulks[j].OrderID
	})
	return append(out, bulks...)
}

// Order returns one order by id.
func (s *Sandbox) Order(orderID string) (OrderSnapshot, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.portins[orderID]; p != nil {
		return portInSnapshot(p), true
	}
	if c := s.csrs[orderID]; c != nil {
		return csrSnapshot(c), true
	}
	if b := s.bulks[orderID]; b != nil {
		return bulkSnapshot(b), true
	}
	return OrderSnapshot{}, false
}

// CreateCount returns how many orders of orderType ("portins", "csrs" or "bulkPortins") were
// created with the CustomerOrderId, including creates answered with an injected 500. A flow
// that looks orders up before creating them keeps this at 1 per CustomerOrderId.
func (s *Sandbox) CreateCount(orderType, customerOrderID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates[createKey{orderType, customerOrderID}]
}

func errorStrings(errs []apiError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.message())
	}
	return out
}

func portInSnapshot(p *portIn) OrderSnapshot {
	snap := OrderSnapshot{
		Type: orderTypePortins, OrderID: p.id, CustomerOrderID: p.customerOrderID, Status: p.status,
		TNs: append([]string(nil), p.tns...), Errors: errorStrings(p.errors), ActualFocDate: bandwidthTime(p.actualFoc),
		BulkPortinOrderID: p.bulkID, Deleted: p.deleted, Created: p.created, Modified: p.modified,
	}
	for _, h := range p.history {
		snap.History = append(snap.History, OrderEvent{Time: h.at, Status: h.status, Note: h.note, Author: h.author})
	}
	return snap
}

func csrSnapshot(c *csrOrder) OrderSnapshot {
	return OrderSnapshot{
		Type: orderTypeCSRs, OrderID: c.id, CustomerOrderID: c.req.CustomerOrderID, Status: c.status,
		TNs: []string{c.tn}, Errors: errorStrings(c.errors), Created: c.created, Modified: c.modified,
	}
}

func bulkSnapshot(b *bulkPortin) OrderSnapshot {
	return OrderSnapshot{
		Type: orderTypeBulkPortins, OrderID: b.id, CustomerOrderID: b.customerOrderID, Status: b.status,
		TNs: append([]string(nil), b.tns...), Errors: errorStrings(b.tnErrors), Created: b.created, Modified: b.modified,
	}
}

// MarshalText writes the carrier's name, for JSON.
func (c Carrier) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// MarshalText writes the outcome's name, for JSON.
func (o CSROutcome) MarshalText() ([]byte, error) { return []byte(o.String()), nil }

// MarshalText writes the coverage's name, for JSON.
func (c Coverage) MarshalText() ([]byte, error) {
	switch c {
	case CoverageOnNet:
		return []byte("on-net"), nil
	case CoverageOffNet:
		return []byte("off-net"), nil
	case CoverageUnsupported:
		return []byte("unsupported"), nil
	case CoverageTollFree:
		return []byte("toll-free"), nil
	}
	return nil, fmt.Errorf("unknown coverage %d", int(c))
}

const inspectionIndex = `Bandwidth sandbox — inspection endpoints (JSON, no authentication)

GET /_sandbox/orders            every port-in, CSR and bulk port-in with status and history
GET /_sandbox/callbacks         every callback: body, attempts, outcome (delivered/failed/lost/dropped)
GET /_sandbox/violations        calls that broke a protocol rule
GET /_sandbox/faults            fault injection in force and faults injected so far
PUT /_sandbox/faults            replace fault injection, e.g. {"dropCallbacks":0.2,"latency":"50ms"}
GET /_sandbox/numbers/{tn}      the losing carrier's hidden record of a number

Bandwidth API: /api/accounts/{accountId}/... (also /api/v1 and /v1.0), token: POST /api/v1/oauth2/token
`

func (s *Sandbox) inspectionRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /_sandbox/{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, inspectionIndex)
	})
	mux.HandleFunc("GET /_sandbox/orders", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, s.Orders()) })
	mux.HandleFunc("GET /_sandbox/callbacks", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, s.Callbacks()) })
	mux.HandleFunc("GET /_sandbox/violations", func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, s.Violations()) })
	mux.HandleFunc("GET /_sandbox/faults", s.getFaults)
	mux.HandleFunc("PUT /_sandbox/faults", func(w http.ResponseWriter, r *http.Request) {
		var f Faults
		if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&f); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		if err := s.SetFaults(f); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		s.getFaults(w, r)
	})
	mux.HandleFunc("GET /_sandbox/numbers/{tn}", func(w http.ResponseWriter, r *http.Request) {
		tn := r.PathValue("tn")
		if !validNANP(tn) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": tn + " is not a 10-digit NANP number"})
			return
		}
		writeJSON(w, http.StatusOK, CarrierRecordFor(tn))
	})
}

func (s *Sandbox) getFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, struct {
		Faults   Faults     `json:"faults"`
		Injected FaultStats `json:"injected"`
	}{s.CurrentFaults(), s.FaultStats()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
