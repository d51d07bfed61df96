package bandwidth

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// update regenerates the golden files: go test ./internal/bandwidth -run Golden -update
var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// fixtureDecoders says which typed value each payload fixture decodes into. Every file in
// testdata/fixtures must be listed (TestEveryFixtureHasADecoder).
var fixtureDecoders = map[string]func([]byte) (any, error){
	"activation-status-get-200.xml":                decodeAs[activationStatusResponse](func(r activationStatusResponse) any { return r.status() }),
	"activation-status-put-400-7342.xml":           apiErrorFor(http.MethodPut, routeActivation, 400, failOnBodyErrors),
	"bulk-patch-400-portin-list-errors.xml":        apiErrorFor(http.MethodPatch, "/bulkPortins/{id}", 400, failOnBodyErrors),
	"bulk-tnlist-invalid-draft-tns.xml":            decodeAs[TnListResponse](nil),
	"bulk-tnlist-valid-draft-tns.xml":              decodeAs[TnListResponse](nil),
	"csr-create-201-received.xml":                  decodeAs[CsrResponse](nil),
	"csr-create-400.xml":                           apiErrorFor(http.MethodPost, routeCsrs, 400, keepBodyErrors),
	"csr-get-200-failed-26500.xml":                 decodeAs[CsrResponse](nil),
	"csr-get-complete-full-echo.xml":               decodeAs[CsrResponse](nil),
	"csr-get-complete-parsed-address.xml":          decodeAs[CsrResponse](nil),
	"csr-get-with-errors-26500.xml":                decodeAs[CsrResponse](nil),
	"csr-put-request-cancel.xml":                   decodeAs[CsrRequest](nil),
	"error-responsestatus-generic.xml":             apiErrorFor(http.MethodDelete, "/sites/{id}", 404, failOnBodyErrors),
	"lnpchecker-400-invalid-tn.xml":                apiErrorFor(http.MethodPost, "/lnpchecker", 400, keepBodyErrors),
	"lnpchecker-fullcheck-offnetportability.xml":   decodeAs[NumberPortabilityResponse](nil),
	"lnpchecker-fullcheck-true.xml":                decodeAs[NumberPortabilityResponse](nil),
	"lnpchecker-with-portability-errors.xml":       decodeAs[NumberPortabilityResponse](nil),
	"notification-csrs-complete.xml":               decodeNotificationAny,
	"notification-csrs-failed.xml":                 decodeNotificationAny,
	"notification-order-webhook-generic.xml":       decodeNotificationAny,
	"notification-orders-failed-coded-message.xml": decodeNotificationAny,
	"portin-create-201-pending-documents.xml":      decodeAs[LnpOrderResponse](nil),
	"portin-create-400-validation.xml":             apiErrorFor(http.MethodPost, "/portins", 400, keepBodyErrors),
	"portin-create-request-onnet.xml":              decodeAs[LnpOrder](nil),
	"portin-delete-400-7304.xml":                   apiErrorFor(http.MethodDelete, "/portins/{id}", 400, failOnBodyErrors),
	"portin-get-cancelled-with-errors.xml":         decodeAs[LnpOrderResponse](nil),
	"portin-get-submitted-full.xml":                decodeAs[LnpOrderResponse](nil),
	"portin-history-draft-7710.xml":                apiErrorFor(http.MethodGet, "/portins/{id}/history", 200, failOnBodyErrors),
	"portin-history.xml":                           decodeAs[orderHistory](func(h orderHistory) any { return h.Entries }),
	"portin-loas-file-list.xml":                    decodeAs[FileList](nil),
	"portin-put-200-requested-supp.xml":            decodeAs[LnpOrderResponse](nil),
	"portin-put-400-errors-with-tns.xml":           apiErrorFor(http.MethodPut, "/portins/{id}", 400, keepBodyErrors),
	"portins-list-foc.xml":                         decodeAs[PortInList](nil),
	"subscriptions-list.xml":                       decodeAs[subscriptionsResponse](func(r subscriptionsResponse) any { return r.all() }),
}

// decodeAs decodes into a T with the lenient decoder the client uses and optionally projects it
// to what the client's method returns.
func decodeAs[T any](project func(T) any) func([]byte) (any, error) {
	return func(body []byte) (any, error) {
		var v T
		if err := decodeXML(body, &v); err != nil {
			return nil, err
		}
		if project != nil {
			return project(v), nil
		}
		return v, nil
	}
}

// apiErrorFor returns the error the client reports for a response with this status and body,
// as the plain fields a golden file can show.
func apiErrorFor(method, route string, status int, policy bodyErrorPolicy) func([]byte) (any, error) {
	return func(body []byte) (any, error) {
		c := &Client{now: time.Now}
		err := c.checkResponse(&request{method: method, route: route, bodyErrors: policy}, &response{status: status, body: body})
		e, ok := asError(err)
		if !ok {
			return nil, fmt.Errorf("status %d with this body is not an error", status)
		}
		return apiErrorView{Endpoint: e.Endpoint, Status: e.Status, Class: e.Class, Message: e.Message, Codes: e.Codes}, nil
	}
}

type apiErrorView struct {
	Endpoint string     `json:"endpoint"`
	Status   int        `json:"status"`
	Class    ErrorClass `json:"class"`
	Message  string     `json:"message,omitempty"`
	Codes    ErrorList  `json:"codes"`
}

func decodeNotificationAny(body []byte) (any, error) { return DecodeNotification(body) }

// golden is what a fixture's golden file records: the typed value and every error in the body.
type golden struct {
	Type    string    `json:"type"`
	Value   any       `json:"value"`
	Errors  ErrorList `json:"errors,omitempty"`
	Message string    `json:"message,omitempty"`
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "fixtures", name))
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return b
}

func TestEveryFixtureHasADecoder(t *testing.T) {
	entries, err := os.ReadDir(filepath.Join("testdata", "fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xml") {
			files = append(files, e.Name())
			if _, ok := fixtureDecoders[e.Name()]; !ok {
				t.Errorf("fixture %s has no decoder in fixtureDecoders", e.Name())
			}
		}
	}
	if len(files) != len(fixtureDecoders) {
		t.Errorf("%d fixtures on disk, %d decoders listed", len(files), len(fixtureDecoders))
	}
	for _, f := range files {
		body := readFixture(t, f)
		if !bytes.Contains(body, []byte("<!-- source: ")) {
			t.Errorf("%s lost its source comment", f)
		}
	}
}

func TestFixturesGolden(t *testing.T) {
	names := make([]string, 0, len(fixtureDecoders))
	for name := range fixtureDecoders {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			body := readFixture(t, name)
			value, err := fixtureDecoders[name](body)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			details, message, err := DecodeErrors(body)
			if err != nil {
				t.Fatalf("DecodeErrors: %v", err)
			}
			got, err := json.MarshalIndent(golden{Type: reflect.TypeOf(value).String(), Value: value,
				Errors: details, Message: message}, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".xml")+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("decoded value differs from %s (run with -update if the change is intended)\n got: %s", path, got)
			}
		})
	}
}

func TestResponseTypesHaveNoCaseConflicts(t *testing.T) {
	for _, v := range []any{
		Notification{}, LnpOrderResponse{}, LnpOrder{}, LnpOrderSupp{}, CsrResponse{}, CsrRequest{}, CsrList{},
		NumberPortabilityResponse{}, PortInList{}, orderHistory{}, subscriptionsResponse{}, Subscription{},
		TnListResponse{}, PortinListResponse{}, bulkPortinResponse{}, FileList{}, FileMetaData{},
		activationStatusResponse{}, notes{}, fileUploadResponse{}, quantity{},
	} {
		if c := nameConflicts(reflect.TypeOf(v)); len(c) > 0 {
			t.Errorf("%T has element names that differ only by case: %v", v, c)
		}
	}
}
