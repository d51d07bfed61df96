package order

import (
	"fmt"
	"slices"
	"strings"
)

// StateMachineDoc renders docs/state-machine.md from the transition table: a Mermaid
// stateDiagram-v2 of every status change an event can cause, and the table itself.
func StateMachineDoc() string {
	var b strings.Builder
	b.WriteString("# Port request state machine\n\n")
	b.WriteString("<!-- Generated from internal/order/table.go by\n")
	b.WriteString("     `go test ./internal/order -run TestStateMachineDoc -update`; do not edit by hand. -->\n\n")
	b.WriteString("A port request's status is decided by `order.Decide(request, event)`, a pure function. Once the\n")
	b.WriteString("portability check has split the request into port orders (one Bandwidth port-in per losing\n")
	b.WriteString("carrier and port type), the status is computed from them: `action_required` when any waits for\n")
	b.WriteString("an operator, `cancel_requested` while any is being cancelled, otherwise the stage of the least\n")
	b.WriteString("advanced one; when all are finished, `completed`, `partially_completed`, `cancelled` or\n")
	b.WriteString("`failed` by what happened to the numbers. Stale and repeated events change nothing. `Decide`\n")
	b.WriteString("refuses to produce a status change this table does not list.\n\n")
	b.WriteString("Edges are labelled with the events that can cause them; events that leave the status unchanged\n")
	b.WriteString("(polls, notes, notifications, data updates) appear only in the table below.\n\n")

	b.WriteString("```mermaid\nstateDiagram-v2\n")
	fmt.Fprintf(&b, "    [*] --> %s\n", StatusReceived)
	edges := map[[2]Status][]EventKind{}
	for _, t := range Transitions() {
		for _, to := range t.To {
			if to == t.From {
				continue
			}
			key := [2]Status{t.From, to}
			if !slices.Contains(edges[key], t.On) {
				edges[key] = append(edges[key], t.On)
			}
		}
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			kinds := edges[[2]Status{from, to}]
			if len(kinds) == 0 {
				continue
			}
			labels := make([]string, len(kinds))
			for i, k := range kinds {
				labels[i] = string(k)
			}
			fmt.Fprintf(&b, "    %s --> %s: %s\n", from, to, strings.Join(labels, ", "))
		}
	}
	for _, s := range Statuses {
		if s.Terminal() {
			fmt.Fprintf(&b, "    %s --> [*]\n", s)
		}
	}
	b.WriteString("```\n\n")

	b.WriteString("## Transition table\n\n")
	b.WriteString("Every (status, event) pair is covered by exactly one row.\n\n")
	b.WriteString("| From | Event | To | Note |\n|---|---|---|---|\n")
	for _, r := range rules {
		from := make([]string, len(r.From))
		for i, s := range r.From {
			from[i] = "`" + string(s) + "`"
		}
		fromCell := strings.Join(from, ", ")
		if len(r.From) == len(Statuses) {
			fromCell = "any"
		}
		fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", fromCell, r.On, ruleTargets(r), r.Note)
	}
	b.WriteString("\n## Port order statuses\n\n")
	b.WriteString("A port order moves through portflow's own steps before Bandwidth has a port-in (`awaiting_csr`,\n")
	b.WriteString("`csr_requested`, `creating`), then mirrors Bandwidth's ProcessingStatus (`submitted`,\n")
	b.WriteString("`pending_documents`, `exception`, `requested_supp`, `foc`, `requested_cancel`, `complete`,\n")
	b.WriteString("`cancelled`), plus `action_required` (waiting for an operator) and `failed` (Bandwidth cancelled\n")
	b.WriteString("it without being asked).\n")
	return b.String()
}

func ruleTargets(r Rule) string {
	switch {
	case r.Refused:
		return "refused (409)"
	case r.Stay && r.MayRefuse:
		return "unchanged, or refused (409)"
	case r.Stay:
		return "unchanged"
	}
	to := make([]string, len(r.To))
	for i, s := range r.To {
		to[i] = "`" + string(s) + "`"
	}
	out := strings.Join(to, ", ")
	if r.OrStay {
		out += ", or unchanged"
	}
	if r.MayRefuse {
		out += "; may be refused (409)"
	}
	return out
}
