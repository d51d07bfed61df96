package sandbox

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"text/template"
	"time"
)

const testAccount = "9900000"

// testStep keeps lifecycles fast; waits below allow many steps of slack for a loaded machine.
const testStep = 15 * time.Millisecond

// mondayMorning is a porting business day far from holidays: Mon 2026-03-02 10:00 ET.
var mondayMorning = time.Date(2026, 3, 2, 15, 0, 0, 0, time.UTC)

// validFoc is a requested FOC date every carrier accepts from mondayMorning (Thursday, 10 days out).
const validFoc = "2026-03-12T15:30:00Z"

type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t     *testing.T
	sb    *Sandbox
	srv   *httptest.Server
	clock *testClock
}

// newHarness starts a sandbox behind a real HTTP server; opts may adjust the options.
func newHarness(t *testing.T, opts ...func(*Options)) *harness {
	t.Helper()
	clock := &testClock{t: mondayMorning}
	o := Options{Step: testStep, Now: clock.Now, Seed: 7}
	for _, f := range opts {
		f(&o)
	}
	sb, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(sb.Handler())
	t.Cleanup(func() {
		sb.Close()
		srv.Close()
	})
	return &harness{t: t, sb: sb, srv: srv, clock: clock}
}

type response struct {
	status int
	header http.Header
	body   []byte
}

// call sends an API request below /api/accounts/{account} with the legacy API user, Accept
// and (for a body) Content-Type application/xml. Extra headers come as name, value pairs;
// an empty value removes a default header.
func (h *harness) call(method, path, body string, headers ...string) response {
	h.t.Helper()
	url := path
	if !strings.HasPrefix(path, "http") {
		url = h.srv.URL + "/api/accounts/" + testAccount + path
	}
	var rdr io.Reader
	if body != "" {
		rdr = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rdr)
	if err != nil {
		h.t.Fatalf("build request: %v", err)
	}
	req.SetBasicAuth("sandbox", "sandbox")
	req.Header.Set("Accept", "application/xml")
	if body != "" {
		req.Header.Set("Content-Type", "application/xml; charset=utf-8")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
		} else {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("read body: %v", err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

// expect fails the test unless the response has the status.
func (r response) expect(t *testing.T, status int) response {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body:\n%s", r.status, status, r.body)
	}
	return r
}

func decodeAs[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := xml.Unmarshal(body, &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, body)
	}
	return v
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// waitStatus waits until the order reaches status and returns its snapshot.
func (h *harness) waitStatus(orderID, status string) OrderSnapshot {
	h.t.Helper()
	var snap OrderSnapshot
	waitFor(h.t, orderID+" to reach "+status, func() bool {
		snap, _ = h.sb.Order(orderID)
		return snap.Status == status
	})
	return snap
}

// hasViolation reports whether a violation of rule was recorded.
func (h *harness) hasViolation(rule Rule) bool {
	for _, v := range h.sb.Violations() {
		if v.Rule == rule {
			return true
		}
	}
	return false
}

// ---- callback receiver ------------------------------------------------------------------

type receiverMode int

const (
	receiverChallenge   receiverMode = iota // 401 + WWW-Authenticate without credentials, 200 with
	receiverNoChallenge                     // 401 without WWW-Authenticate
	receiverOpen                            // 200 to everything
	receiverFails                           // 500 to everything
)

type receivedCallback struct {
	authorized bool
	user, pass string
	body       string
}

// receiver is a callback endpoint that records every request.
type receiver struct {
	srv  *httptest.Server
	mu   sync.Mutex
	got  []receivedCallback
	mode receiverMode
}

func newReceiver(t *testing.T, mode receiverMode) *receiver {
	r := &receiver{mode: mode}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		user, pass, authorized := req.BasicAuth()
		r.mu.Lock()
		r.got = append(r.got, receivedCallback{authorized: authorized, user: user, pass: pass, body: string(body)})
		r.mu.Unlock()
		switch {
		case r.mode == receiverFails:
			http.Error(w, "receiver is down", http.StatusInternalServerError)
		case r.mode == receiverOpen:
			w.WriteHeader(http.StatusOK)
		case !authorized && r.mode == receiverChallenge:
			w.Header().Set("WWW-Authenticate", `Basic realm="portflow"`)
			w.WriteHeader(http.StatusUnauthorized)
		case !authorized:
			w.WriteHeader(http.StatusUnauthorized)
		case user == "cb-user" && pass == "cb-pass":
			w.WriteHeader(http.StatusOK)
		default:
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) requests() []receivedCallback {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]receivedCallback(nil), r.got...)
}

// notifications returns the notification bodies that arrived with a body.
func (r *receiver) notifications(t *testing.T) []portinNotification {
	var out []portinNotification
	for _, c := range r.requests() {
		if c.body != "" {
			out = append(out, decodeAs[portinNotification](t, []byte(c.body)))
		}
	}
	return out
}

// subscribe registers a callback subscription; with credentials when withAuth.
func (h *harness) subscribe(orderType, url string, withAuth bool) string {
	h.t.Helper()
	creds := ""
	if withAuth {
		creds = `<CallbackCredentials><BasicAuthentication><Username>cb-user</Username><Password>cb-pass</Password></BasicAuthentication></CallbackCredentials>`
	}
	body := fmt.Sprintf(`<Subscription><OrderType>%s</OrderType><CallbackSubscription><URL>%s</URL><Expiry>3122064000</Expiry>%s</CallbackSubscription></Subscription>`, orderType, url, creds)
	r := h.call("POST", "/subscriptions", body).expect(h.t, http.StatusCreated)
	loc := r.header.Get("Location")
	return loc[strings.LastIndex(loc, "/")+1:]
}

// ---- port-in requests -------------------------------------------------------------------

// portinSpec is a port-in request; its XML is written by hand from a template.
type portinSpec struct {
	Root                         string
	CustomerOrderID              string
	RequestedFocDate             string
	BTN                          string
	TNs                          []string
	SubscriberType, BusinessName string
	FirstName, LastName          string
	HouseNumber, PreDirectional  string
	StreetName, StreetSuffix     string
	AddressLine2                 string
	City, State, Zip             string
	LoaAuthorizer                string
	AccountNumber, PIN           string
	Triggered                    bool
	ProcessingStatus             string
	SiteID                       string
}

// specFor is a port-in of tn that matches the carrier's record exactly (in the customer's
// spelling: title case, long suffix words).
func specFor(tn string) portinSpec {
	rec := CarrierRecordFor(tn)
	a := rec.ServiceAddress
	spec := portinSpec{
		Root: "LnpOrder", BTN: tn, TNs: []string{tn}, SubscriberType: "RESIDENTIAL",
		FirstName: "Pat", LastName: "Doe", HouseNumber: a.HouseNumber, PreDirectional: a.PreDirectional,
		StreetName: titleCase(a.StreetName), StreetSuffix: longSuffix[a.StreetSuffix],
		City: a.City, State: a.State, Zip: a.Zip, LoaAuthorizer: "Pat Doe", SiteID: "2297",
	}
	if rec.Carrier.Wireless {
		spec.AccountNumber, spec.PIN = rec.AccountNumber, rec.PIN
	}
	return spec
}

// longSuffix spells the carrier's suffix abbreviations the way a customer types them.
var longSuffix = map[string]string{
	"ST": "Street", "AVE": "Avenue", "DR": "Drive", "RD": "Road", "BLVD": "Boulevard",
	"LN": "Lane", "CT": "Court", "PKWY": "Parkway",
}

func titleCase(s string) string {
	words := strings.Fields(strings.ToLower(s))
	for i, w := range words {
		words[i] = strings.ToUpper(w[:1]) + w[1:]
	}
	return strings.Join(words, " ")
}

var portinTemplate = template.Must(template.New("portin").Parse(`<{{.Root}}>
{{- if .CustomerOrderID}}<CustomerOrderId>{{.CustomerOrderID}}</CustomerOrderId>{{end}}
{{- if .RequestedFocDate}}<RequestedFocDate>{{.RequestedFocDate}}</RequestedFocDate>{{end}}
{{- if .BTN}}<BillingTelephoneNumber>{{.BTN}}</BillingTelephoneNumber>{{end}}
{{- if .SiteID}}<SiteId>{{.SiteID}}</SiteId>{{end}}
<Subscriber><SubscriberType>{{.SubscriberType}}</SubscriberType>
{{- if .BusinessName}}<BusinessName>{{.BusinessName}}</BusinessName>{{end}}
{{- if .FirstName}}<FirstName>{{.FirstName}}</FirstName>{{end}}
{{- if .LastName}}<LastName>{{.LastName}}</LastName>{{end}}
<ServiceAddress><HouseNumber>{{.HouseNumber}}</HouseNumber>
{{- if .PreDirectional}}<PreDirectional>{{.PreDirectional}}</PreDirectional>{{end}}
<StreetName>{{.StreetName}}</StreetName>
{{- if .StreetSuffix}}<StreetSuffix>{{.StreetSuffix}}</StreetSuffix>{{end}}
{{- if .AddressLine2}}<AddressLine2>{{.AddressLine2}}</AddressLine2>{{end}}
<City>{{.City}}</City><StateCode>{{.State}}</StateCode><Zip>{{.Zip}}</Zip></ServiceAddress></Subscriber>
{{- if .LoaAuthorizer}}<LoaAuthorizingPerson>{{.LoaAuthorizer}}</LoaAuthorizingPerson>{{end}}
{{- if .AccountNumber}}<WirelessInfo><AccountNumber>{{.AccountNumber}}</AccountNumber><PinNumber>{{.PIN}}</PinNumber></WirelessInfo>{{end}}
<ListOfPhoneNumbers>{{range .TNs}}<PhoneNumber>{{.}}</PhoneNumber>{{end}}</ListOfPhoneNumbers>
{{- if .Triggered}}<Triggered>true</Triggered>{{end}}
{{- if .ProcessingStatus}}<ProcessingStatus>{{.ProcessingStatus}}</ProcessingStatus>{{end}}
</{{.Root}}>`))

func (p portinSpec) xml() string {
	var b bytes.Buffer
	if err := portinTemplate.Execute(&b, p); err != nil {
		panic(err)
	}
	return b.String()
}

// createPortIn posts the spec and returns the new order id.
func (h *harness) createPortIn(spec portinSpec) string {
	h.t.Helper()
	r := h.call("POST", "/portins", spec.xml()).expect(h.t, http.StatusCreated)
	return decodeAs[lnpOrderResponse](h.t, r.body).OrderID
}

// createCSR posts a CSR for tn and returns the order id.
func (h *harness) createCSR(tn, extra string) string {
	h.t.Helper()
	r := h.call("POST", "/csrs", `<Csr><WorkingOrBillingTelephoneNumber>`+tn+`</WorkingOrBillingTelephoneNumber>`+extra+`</Csr>`).expect(h.t, http.StatusCreated)
	return decodeAs[csrResponse](h.t, r.body).OrderID
}

func errorCodes(errs []lnpErrorXML) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Code)
	}
	return out
}
