// Package api owns portflow's REST API: bearer-token auth, JSON request decoding and validation,
// problem+json errors, pagination, the port-request endpoints and the OpenAPI document that
// describes them. It reaches the rest of portflow only through the small interfaces it declares.
package api
