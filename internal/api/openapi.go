package api

import (
	_ "embed"
	"net/http"

	"github.com/portflow/portflow/internal/problem"
)

// openapiDocument is the OpenAPI 3.1 description of the API. The tests validate every response
// they receive against this same embedded document.
//
//go:embed openapi.yaml
var openapiDocument []byte

// OpenAPIDocument returns the OpenAPI document (YAML) that GET /openapi.yaml serves.
func OpenAPIDocument() []byte { return append([]byte(nil), openapiDocument...) }

func serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		problem.Respond(w, r, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed on "+r.URL.Path)
		return
	}
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "no-cache")
	if r.Method == http.MethodHead {
		return
	}
	_, _ = w.Write(openapiDocument)
}
