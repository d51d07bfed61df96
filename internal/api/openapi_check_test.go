package api_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	legacyrouter "github.com/getkin/kin-openapi/routers/legacy"

	"github.com/portflow/portflow/internal/api"
)

// Every response any test receives goes through validatingTransport: it is checked against the
// embedded openapi.yaml (the document /openapi.yaml serves) with kin-openapi's
// openapi3filter.ValidateResponse, undocumented statuses included. Requests the API accepted (2xx)
// are checked against the document's request schemas too, so the document never refuses what
// the API takes. Each (operation, status) seen is recorded; TestMain fails a full run that left a
// documented response unexercised.

// spec is the loaded document, shared by every test.
var spec = struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error

	mu   sync.Mutex
	seen map[string]map[int]bool // operationId → statuses received
}{seen: map[string]map[int]bool{}}

func loadSpec() (*openapi3.T, routers.Router, error) {
	spec.once.Do(func() {
		// Documents are opaque bytes to the validator, as application/octet-stream already is.
		for _, t := range []string{"application/pdf", "image/jpeg", "image/png", "image/tiff", "application/msword",
			"application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
			"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "text/csv"} {
			openapi3filter.RegisterBodyDecoder(t, openapi3filter.FileBodyDecoder)
		}
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(api.OpenAPIDocument())
		if err != nil {
			spec.err = fmt.Errorf("load openapi.yaml: %w", err)
			return
		}
		if err := doc.Validate(context.Background()); err != nil {
			spec.err = fmt.Errorf("openapi.yaml is not a valid OpenAPI document: %w", err)
			return
		}
		spec.doc = doc
		// Route on paths alone: the test servers listen on random ports, not on servers[0].
		routing := *doc
		routing.Servers = nil
		spec.router, spec.err = legacyrouter.NewRouter(&routing)
	})
	return spec.doc, spec.router, spec.err
}

func recordSeen(operationID string, status int) {
	spec.mu.Lock()
	defer spec.mu.Unlock()
	if spec.seen[operationID] == nil {
		spec.seen[operationID] = map[int]bool{}
	}
	spec.seen[operationID][status] = true
}

type validatingTransport struct {
	t    *testing.T
	base http.RoundTripper
}

func (v *validatingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	_, router, err := loadSpec()
	if err != nil {
		v.t.Fatal(err)
	}
	var reqBody []byte
	if req.Body != nil {
		reqBody, err = io.ReadAll(req.Body)
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
	}
	resp, err := v.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	respBody, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))

	probe := req.Clone(context.Background())
	probe.Body = io.NopCloser(bytes.NewReader(reqBody))
	route, params, err := router.FindRoute(probe)
	if err != nil {
		// Only answers to paths or methods the API does not have may be undocumented.
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			v.t.Errorf("%s %s answered %d but is not in openapi.yaml: %v", req.Method, req.URL.Path, resp.StatusCode, err)
		}
		return resp, nil
	}
	options := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	input := &openapi3filter.RequestValidationInput{Request: probe, PathParams: params, Route: route, Options: options}
	err = openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
		RequestValidationInput: input,
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Body:                   io.NopCloser(bytes.NewReader(respBody)),
		Options:                options,
	})
	if err != nil {
		v.t.Errorf("%s %s → %d does not match openapi.yaml: %v\nbody: %.2000s", req.Method, req.URL.Path, resp.StatusCode, err, respBody)
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		probe.Body = io.NopCloser(bytes.NewReader(reqBody))
		if err := openapi3filter.ValidateRequest(context.Background(), input); err != nil {
			v.t.Errorf("the API accepted %s %s (%d) but openapi.yaml refuses the request: %v\nbody: %.1000s",
				req.Method, req.URL.Path, resp.StatusCode, err, reqBody)
		}
	}
	recordSeen(route.Operation.OperationID, resp.StatusCode)
	return resp, nil
}

// sharedStatuses are documented on every operation but say nothing about the operation itself
// (authentication, rate limiting, an unexpected failure, the database being down): exercising
// them on one operation covers them for all.
var sharedStatuses = []int{http.StatusUnauthorized, http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusServiceUnavailable}

// uncovered lists the documented (operation, status) pairs no test received.
func uncovered() []string {
	doc, _, err := loadSpec()
	if err != nil {
		return []string{err.Error()}
	}
	spec.mu.Lock()
	defer spec.mu.Unlock()
	sharedSeen := map[int]bool{}
	for _, statuses := range spec.seen {
		for s := range statuses {
			sharedSeen[s] = true
		}
	}
	var missing []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for code := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					missing = append(missing, fmt.Sprintf("%s %s: response %q is not a status code", method, path, code))
					continue
				}
				if slices.Contains(sharedStatuses, status) {
					if !sharedSeen[status] {
						missing = append(missing, fmt.Sprintf("%d (on any operation)", status))
					}
					continue
				}
				if !spec.seen[op.OperationID][status] {
					missing = append(missing, fmt.Sprintf("%s %s (%s) → %d", method, path, op.OperationID, status))
				}
			}
		}
	}
	sort.Strings(missing)
	return slices.Compact(missing)
}

func TestMain(m *testing.M) {
	code := m.Run()
	// Only a complete, passing run can judge coverage: -run selects a subset.
	if code == 0 && flag.Lookup("test.run").Value.String() == "" && flag.Lookup("test.skip").Value.String() == "" {
		if missing := uncovered(); len(missing) > 0 {
			fmt.Fprintf(os.Stderr, "FAIL: documented responses no test received:\n  %s\n", strings.Join(missing, "\n  "))
			code = 1
		} else {
			fmt.Println("openapi.yaml: every documented response of every operation was received and validated")
		}
	}
	os.Exit(code)
}
