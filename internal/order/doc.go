// Package order is portflow's port-request domain: the PortRequest aggregate and its child
// PortOrders (one Bandwidth port-in per losing carrier and port type), the events that can happen
// to them, the effects they call for, and the transition table that says which request status
// may follow which.
//
// Decide is the whole state machine: a pure function from (request, event) to (new request,
// effects, timeline entries). It performs no I/O, reads no clock (time arrives inside events) and
// imports nothing of portflow's, so every rule of the porting flow — CSR handling, the port-in
// plan, error remediation, cancellation, activation, aggregation — is unit-testable here. The
// orchestrator loads a request, calls Decide, saves the result and turns the effects into jobs
// in one transaction.
//
// The pure helpers the flow is built from are exported for reuse and testing: RequestedFocDate
// (business days and US federal holidays), LoaName (Bandwidth's 15-character limit), Classify
// (Bandwidth error codes to operator-facing classes) and NextCheck (the reconcile cadence).
//
// docs/state-machine.md is generated from the transition table; regenerate it with
//
//	go test ./internal/order -run TestStateMachineDoc -update
package order

//go:generate go test -run TestStateMachineDoc -update
