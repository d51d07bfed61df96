// Package api owns portflow's REST API: bearer-token auth, JSON request decoding and validation,
// the CSV import of numbers, problem+json errors, pagination, the port-request endpoints (with
// the summary view and the paged numbers of a large request) and the OpenAPI document that
// describes them. It reaches the rest of portflow only through the small interfaces it declares
// (PortRequests, History), which the orchestrator and the store implement.
//
// What lives here and what does not: the API checks the shape and format of every field and
// mirrors Bandwidth's own field rules (so a request portflow accepts is not refused by Bandwidth
// for its form); rules about a request as a whole stay in internal/order, whose answers come back
// as *order.ValidationError or *order.RejectedError. problemFor is the one place where such
// errors become HTTP answers. Responses are written from explicit view types, never from the
// domain structs, and secrets leave only masked.
//
// openapi.yaml (OpenAPI 3.1) is embedded and served at /openapi.yaml; the package's tests validate
// every response they receive against that same document with kin-openapi, and fail when a
// documented response was never exercised. Mount the API with (*API).Mount behind RequireToken.
package api
