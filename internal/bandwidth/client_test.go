package bandwidth

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const csrComplete = `<CsrResponse><OrderId>c-1</OrderId><Status>COMPLETE</Status></CsrResponse>`

func TestNewValidatesConfig(t *testing.T) {
	ok := Config{AccountID: "1", ClientID: "id", ClientSecret: "secret"}
	cases := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
	}{
		{"oauth defaults", func(*Config) {}, ""},
		{"legacy basic only", func(c *Config) { c.ClientID, c.ClientSecret, c.Username, c.Password = "", "", "u", "p" }, ""},
		{"no account", func(c *Config) { c.AccountID = "" }, "AccountID is required"},
		{"account with a slash", func(c *Config) { c.AccountID = "1/../2" }, "AccountID"},
		{"no credentials", func(c *Config) { c.ClientID, c.ClientSecret = "", "" }, "credentials are required"},
		{"half oauth", func(c *Config) { c.ClientSecret = "" }, "ClientID and ClientSecret must be set together"},
		{"half basic", func(c *Config) { c.ClientID, c.ClientSecret, c.Username = "", "", "u" }, "Username and Password must be set together"},
		{"relative base URL", func(c *Config) { c.BaseURL = "/api" }, "BaseURL"},
		{"ftp token URL", func(c *Config) { c.TokenURL = "ftp://x/token" }, "TokenURL"},
		{"negative retries", func(c *Config) { c.MaxRetries = -2 }, "MaxRetries"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.mutate(&cfg)
			c, err := New(cfg)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("New: %v", err)
				}
				check(t, "AccountID", c.AccountID(), cfg.AccountID)
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.wantErr)
			}
		})
	}
	c, err := New(ok)
	if err != nil {
		t.Fatal(err)
	}
	check(t, "default base URL", c.base.String(), DefaultBaseURL)
	check(t, "default retries", c.cfg.MaxRetries, DefaultMaxRetries)
	check(t, "default user agent names portflow", strings.HasPrefix(c.cfg.UserAgent, "portflow/"), true)
	c, err = New(Config{AccountID: "1", ClientID: "id", ClientSecret: "s", MaxRetries: NoRetries})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "NoRetries", c.cfg.MaxRetries, 0)
}

func TestHeadersAndURL(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /csrs/{id}", xmlReply(200, csrComplete))
	f.handle("POST /csrs", xmlReply(201, `<CsrResponse><OrderId>c-1</OrderId><Status>RECEIVED</Status></CsrResponse>`))
	f.handle("POST /portins/{id}/loas", xmlReply(201, `<fileUploadResponse><filename>o-1-1.pdf</filename><resultCode>0</resultCode><resultMessage>ok</resultMessage></fileUploadResponse>`))
	c := f.client()
	ctx := context.Background()

	if _, err := c.GetCsr(ctx, "c 1/x"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateCsr(ctx, CsrRequest{WorkingOrBillingTelephoneNumber: "9198675309"}); err != nil {
		t.Fatal(err)
	}
	pdf := []byte("%PDF-1.4 fake")
	id, err := c.UploadDocument(ctx, "o-1", Document{Body: pdf, ContentType: "application/pdf"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "file id", id, "o-1-1.pdf")

	reqs := f.requests()
	check(t, "requests", len(reqs), 3)
	get, post, upload := reqs[0], reqs[1], reqs[2]
	check(t, "escaped id in path", get.Path, "/api/accounts/"+testAccount+"/csrs/c 1/x")
	for _, r := range reqs {
		check(t, r.Method+" Accept", r.Header.Get("Accept"), "application/xml")
		check(t, r.Method+" User-Agent", r.Header.Get("User-Agent"), "portflow/test")
		check(t, r.Method+" Authorization", strings.HasPrefix(r.Header.Get("Authorization"), "Bearer tok-"), true)
	}
	check(t, "GET has no Content-Type", get.Header.Get("Content-Type"), "")
	check(t, "POST Content-Type", post.Header.Get("Content-Type"), "application/xml")
	check(t, "POST body root", strings.Contains(string(post.Body), "<Csr><WorkingOrBillingTelephoneNumber>9198675309"), true)
	check(t, "upload Content-Type", upload.Header.Get("Content-Type"), "application/pdf")
	check(t, "upload body is the raw file", string(upload.Body), string(pdf))
	check(t, "upload documentType", upload.RawQuery, "documentType=LOA")
}

func TestTokenFetchedOnceUnderConcurrency(t *testing.T) {
	f := newFakeBandwidth(t)
	f.tokenDelay.Store(int64(50 * time.Millisecond)) // keep all 50 callers waiting on one fetch
	f.handle("GET /csrs/{id}", xmlReply(200, csrComplete))
	c := f.client()

	const callers = 50
	var wg sync.WaitGroup
	errs := make(chan error, callers)
	for i := range callers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetCsr(context.Background(), "c-"+strconv.Itoa(i))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("call failed: %v", err)
		}
	}
	check(t, "token requests", f.tokenCalls.Load(), int32(1))
	check(t, "API requests", len(f.requests()), callers)
	for _, r := range f.requests() {
		check(t, "token used", r.Header.Get("Authorization"), "Bearer tok-1")
	}
}

func TestTokenRefreshedShortlyBeforeExpiry(t *testing.T) {
	f := newFakeBandwidth(t)
	f.tokenTTL.Store(600)
	f.handle("GET /csrs/{id}", xmlReply(200, csrComplete))
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	c := f.client(func(cfg *Config) { cfg.Now = clock })
	ctx := context.Background()

	if _, err := c.GetCsr(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	advance(8 * time.Minute) // 2 minutes left: still good
	if _, err := c.GetCsr(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	check(t, "token requests while valid", f.tokenCalls.Load(), int32(1))
	advance(90 * time.Second) // 30 seconds left: inside the refresh margin
	if _, err := c.GetCsr(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	check(t, "token requests after the margin", f.tokenCalls.Load(), int32(2))
	reqs := f.requests()
	check(t, "last call used the new token", reqs[len(reqs)-1].Header.Get("Authorization"), "Bearer tok-2")
}

func TestUnauthorizedRefreshesOnceThenRetries(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /csrs/{id}", xmlReply(200, csrComplete))
	obs := &observed{}
	c := f.client(func(cfg *Config) { cfg.Observe = obs.observe })
	ctx := context.Background()
	if _, err := c.GetCsr(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	f.revokeAll() // Bandwidth revoked the token early
	if _, err := c.GetCsr(ctx, "b"); err != nil {
		t.Fatalf("call after revocation: %v", err)
	}
	check(t, "token requests", f.tokenCalls.Load(), int32(2))
	check(t, "API requests", len(f.requests()), 3)
	calls := obs.list()
	last := calls[len(calls)-1]
	check(t, "retry attempt number", last.Attempt, 2)
	check(t, "retry class", last.Class, ClassNone)
	var saw401 bool
	for _, ci := range calls {
		if ci.Status == http.StatusUnauthorized && ci.Class == ClassAuth && ci.Attempt == 1 {
			saw401 = true
		}
	}
	check(t, "401 observed", saw401, true)
}

func TestUnauthorizedTwiceFails(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("POST /portins", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusUnauthorized) })
	c := f.client()
	_, err := c.CreatePortIn(context.Background(), validOrder())
	if !IsAuth(err) {
		t.Fatalf("err = %v, want an auth error", err)
	}
	check(t, "status", err.(*Error).Status, http.StatusUnauthorized)
	check(t, "API attempts (one refresh)", len(f.requests()), 2)
	check(t, "token requests", f.tokenCalls.Load(), int32(2))
}

func TestBadClientCredentials(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /csrs/{id}", xmlReply(200, csrComplete))
	c := f.client(func(cfg *Config) { cfg.ClientSecret = "wrong" })
	_, err := c.GetCsr(context.Background(), "a")
	if !IsAuth(err) {
		t.Fatalf("err = %v, want an auth error", err)
	}
	if !strings.Contains(err.Error(), "invalid_client") {
		t.Errorf("error should carry the OAuth error: %v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error leaks the secret: %v", err)
	}
	check(t, "no API request without a token", len(f.requests()), 0)
}

func TestLegacyBasicAuth(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /csrs/{id}", xmlReply(200, csrComplete))
	c := f.client(func(cfg *Config) {
		cfg.ClientID, cfg.ClientSecret, cfg.Username, cfg.Password = "", "", "legacy-user", "legacy-pass"
	})
	if _, err := c.GetCsr(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	check(t, "token requests", f.tokenCalls.Load(), int32(0))
	user, pass, ok := (&http.Request{Header: f.requests()[0].Header}).BasicAuth()
	check(t, "basic auth", ok && user == "legacy-user" && pass == "legacy-pass", true)

	bad := f.client(func(cfg *Config) {
		cfg.ClientID, cfg.ClientSecret, cfg.Username, cfg.Password = "", "", "legacy-user", "nope"
	})
	_, err := bad.GetCsr(context.Background(), "a")
	check(t, "bad basic is an auth error", IsAuth(err), true)
	check(t, "no retry with basic", len(f.requests()), 2)
}

func TestRateLimitHonouredUntilReset(t *testing.T) {
	f := newFakeBandwidth(t)
	reset := time.Now().Add(1100 * time.Millisecond).Truncate(time.Second).Add(time.Second)
	limited := func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		w.WriteHeader(http.StatusTooManyRequests)
	}
	f.handle("GET /portins/{id}", sequence(limited, fixtureReply(t, 200, "portin-get-submitted-full.xml")))
	f.handle("DELETE /portins/{id}", fixtureReply(t, 200, "portin-put-200-requested-supp.xml"))
	f.handle("GET /csrs/{id}", xmlReply(200, csrComplete))
	f.handle("POST /lnpchecker", fixtureReply(t, 200, "lnpchecker-fullcheck-true.xml"))
	c := f.client(func(cfg *Config) { cfg.MaxRateLimitWait = 5 * time.Second })
	ctx := context.Background()

	order, err := c.GetPortIn(ctx, "o-1")
	if err != nil {
		t.Fatalf("GetPortIn should wait for the reset and succeed: %v", err)
	}
	check(t, "order", order.PON, "BWC1433343996123")
	gets := f.countRequests(http.MethodGet, "/portins/o-1")
	check(t, "GET attempts", gets, 2)
	second := f.requests()[1]
	if second.At.Before(reset) {
		t.Errorf("retried at %v, before the reset %v", second.At, reset)
	}

	// A second 429, this time on the PORT_IN group, with a reset too far away to wait for.
	far := time.Now().Add(time.Hour)
	f.handle("POST /portins", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(far.Unix(), 10))
		w.WriteHeader(http.StatusTooManyRequests)
	})
	_, err = c.CreatePortIn(ctx, validOrder())
	if !IsRateLimited(err) {
		t.Fatalf("err = %v, want rate-limited", err)
	}
	check(t, "RetryAt", RetryAt(err).Unix(), far.Unix())
	check(t, "POST attempts", f.countRequests(http.MethodPost, "/portins"), 1)

	// Same group (PORT_IN): refused locally, nothing reaches Bandwidth.
	_, err = c.CancelPortIn(ctx, "o-1")
	if !IsRateLimited(err) || err.(*Error).Status != 0 {
		t.Fatalf("cancel err = %v, want a local rate-limited error", err)
	}
	check(t, "DELETE never sent", f.countRequests(http.MethodDelete, "/portins/o-1"), 0)
	_, err = c.CheckPortability(ctx, FullCheckOnNet, "9199172854")
	check(t, "lnpchecker shares the PORT_IN group", IsRateLimited(err), true)
	check(t, "lnpchecker never sent", f.countRequests(http.MethodPost, "/lnpchecker"), 0)

	// Another group is not affected.
	if _, err := c.GetCsr(ctx, "c-1"); err != nil {
		t.Fatalf("other groups must proceed: %v", err)
	}
}

func TestRateLimitNotAwaitedPastTheContextDeadline(t *testing.T) {
	f := newFakeBandwidth(t)
	reset := time.Now().Add(3 * time.Second)
	f.handle("GET /portins/{id}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix()+1, 10))
		w.WriteHeader(http.StatusTooManyRequests)
	})
	c := f.client(func(cfg *Config) { cfg.MaxRateLimitWait = time.Minute })
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	started := time.Now()
	_, err := c.GetPortIn(ctx, "o-1")
	if !IsRateLimited(err) {
		t.Fatalf("err = %v, want rate-limited", err)
	}
	if elapsed := time.Since(started); elapsed > 400*time.Millisecond {
		t.Errorf("returned after %v; it should not wait for a reset beyond the deadline", elapsed)
	}
	check(t, "attempts", len(f.requests()), 1)
}

func TestServerErrorsRetriedForIdempotentCallsOnly(t *testing.T) {
	f := newFakeBandwidth(t)
	unavailable := xmlReply(503, `<LnpOrderResponse><Status><Code>500</Code><Description>System is unavailable. Please try your request at a later time.</Description></Status></LnpOrderResponse>`)
	f.handle("GET /portins/{id}", sequence(unavailable, unavailable, fixtureReply(t, 200, "portin-get-submitted-full.xml")))
	f.handle("POST /portins", unavailable)
	f.handle("PUT /portins/{id}", unavailable)
	f.handle("GET /csrs/{id}", xmlReply(500, ""))
	obs := &observed{}
	c := f.client(func(cfg *Config) { cfg.Observe = obs.observe })
	ctx := context.Background()

	if _, err := c.GetPortIn(ctx, "o-1"); err != nil {
		t.Fatalf("GET should succeed on the third attempt: %v", err)
	}
	check(t, "GET attempts", f.countRequests(http.MethodGet, "/portins/o-1"), 3)

	_, err := c.CreatePortIn(ctx, validOrder())
	if !IsRetryable(err) {
		t.Fatalf("err = %v, want retryable", err)
	}
	check(t, "message", err.(*Error).Message, "System is unavailable. Please try your request at a later time.")
	check(t, "POST attempts (never retried)", f.countRequests(http.MethodPost, "/portins"), 1)

	_, err = c.SuppPortIn(ctx, "o-1", LnpOrderSupp{RequestedFocDate: DateOnly(2026, 5, 4)})
	check(t, "SUPP error retryable", IsRetryable(err), true)
	check(t, "SUPP attempts (never retried)", f.countRequests(http.MethodPut, "/portins/o-1"), 1)

	_, err = c.GetCsr(ctx, "c-1")
	check(t, "exhausted GET is retryable", IsRetryable(err), true)
	check(t, "GET attempts when exhausted", f.countRequests(http.MethodGet, "/csrs/c-1"), DefaultMaxRetries+1)

	var attempts []int
	for _, ci := range obs.list() {
		if ci.Endpoint == "GET /csrs/{id}" {
			attempts = append(attempts, ci.Attempt)
		}
	}
	checkSlice(t, "observed attempts", attempts, []int{1, 2, 3, 4})
}

func TestTransportErrorsAreRetryable(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /csrs/{id}", func(w http.ResponseWriter, _ *http.Request) {
		// Drop the connection without an answer.
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	})
	// Without keep-alive, net/http's own replay of requests on a reused connection stays out of
	// the count.
	hc := NewHTTPClient()
	hc.Transport.(*http.Transport).DisableKeepAlives = true
	c := f.client(func(cfg *Config) { cfg.HTTPClient = hc })
	_, err := c.GetCsr(context.Background(), "c-1")
	if !IsRetryable(err) {
		t.Fatalf("err = %v, want retryable", err)
	}
	check(t, "status", err.(*Error).Status, 0)
	check(t, "retried", f.countRequests(http.MethodGet, "/csrs/c-1"), DefaultMaxRetries+1)
}

func TestErrorsInsideSuccessfulResponses(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /csrs/{id}", fixtureReply(t, 200, "csr-get-with-errors-26500.xml"))
	f.handle("POST /portins", xmlReply(201, `<LnpOrderResponse><OrderId>o-9</OrderId><Status><Code>201</Code><Description>Order request received.</Description></Status>
		<Errors><Code>7402</Code><Description>Address mismatch</Description></Errors><ProcessingStatus>EXCEPTION</ProcessingStatus></LnpOrderResponse>`))
	f.handle("GET /portins/{id}/history", fixtureReply(t, 200, "portin-history-draft-7710.xml"))
	f.handle("POST /lnpchecker", fixtureReply(t, 200, "lnpchecker-with-portability-errors.xml"))
	f.handle("PUT /portins/{id}/activationStatus", xmlReply(200, `<ActivationStatusResponse><ResponseStatus><ErrorCode>7342</ErrorCode><Description>On demand port-in activation not yet allowed.</Description></ResponseStatus></ActivationStatusResponse>`))
	f.handle("POST /portins/{id}/loas", xmlReply(201, `<fileUploadResponse><resultCode>7639</resultCode><resultMessage>Invalid document type</resultMessage></fileUploadResponse>`))
	f.handle("GET /bulkPortins/{id}/tnList", fixtureReply(t, 200, "bulk-tnlist-invalid-draft-tns.xml"))
	c := f.client()
	ctx := context.Background()

	csr, err := c.GetCsr(ctx, "a2f55ebe")
	if err != nil {
		t.Fatalf("GET CSR with 26500 in a 200 must not fail: %v", err)
	}
	check(t, "CSR status", csr.Status, CsrStatusComplete)
	check(t, "CSR Unavailable", csr.Unavailable(), true)
	check(t, "CSR Usable", csr.Usable(), false)

	order, err := c.CreatePortIn(ctx, validOrder())
	if err != nil {
		t.Fatalf("a 201 with errors is a created order: %v", err)
	}
	check(t, "order id", order.OrderID, "o-9")
	check(t, "order status", order.ProcessingStatus, StatusException)
	check(t, "order error", order.HasError("7402"), true)

	_, err = c.PortInHistory(ctx, "o-9")
	if !HasCode(err, CodeHistoryNotSupported) || err.(*Error).Status != 200 || !IsPermanent(err) {
		t.Fatalf("history err = %v, want a permanent 200 error with 7710", err)
	}

	lnp, err := c.CheckPortability(ctx, FullCheckOnNet, "9195551212", "9195551213")
	if err != nil {
		t.Fatalf("PortabilityErrors are an answer: %v", err)
	}
	check(t, "portability errors", len(lnp.PortabilityErrors), 2)

	_, err = c.SetActivationTime(ctx, "o-9", time.Now())
	if !HasCode(err, CodeActivationNotAllowed) || !IsPermanent(err) {
		t.Fatalf("activation err = %v, want 7342", err)
	}

	_, err = c.UploadDocument(ctx, "o-9", Document{Body: []byte("x"), ContentType: "text/plain"})
	check(t, "LOA resultCode error", HasCode(err, "7639"), true)

	tns, err := c.GetBulkTnList(ctx, "b-1")
	if err != nil {
		t.Fatalf("tnList ErrorList is an answer: %v", err)
	}
	check(t, "tnList errors", len(tns.ErrorList), 2)
}

func TestContextCancellation(t *testing.T) {
	f := newFakeBandwidth(t)
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	var started atomic.Int32
	f.handle("GET /portins/{id}", func(w http.ResponseWriter, r *http.Request) {
		started.Add(1)
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	c := f.client()

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.GetPortIn(ctx, "o-1")
		done <- err
	}()
	waitFor(t, "the request to reach the server", func() bool { return started.Load() == 1 })
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) || ClassOf(err) != ClassCanceled {
			t.Fatalf("err = %v (class %s), want context.Canceled", err, ClassOf(err))
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the call did not return after cancellation")
	}
	check(t, "no retry after cancellation", started.Load(), int32(1))

	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.GetPortIn(ctx, "o-2")
	if !errors.Is(err, context.DeadlineExceeded) || !IsRetryable(err) {
		t.Fatalf("err = %v, want a retryable deadline error", err)
	}
	check(t, "deadline attempts", f.countRequests(http.MethodGet, "/portins/o-2"), 1)
}

func TestCancelledWaiterDoesNotAbortTheTokenFetch(t *testing.T) {
	f := newFakeBandwidth(t)
	f.tokenDelay.Store(int64(100 * time.Millisecond))
	f.handle("GET /csrs/{id}", xmlReply(200, csrComplete))
	c := f.client()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	_, err := c.GetCsr(ctx, "a")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the caller's deadline", err)
	}
	// The fetch the first caller started completes and is reused.
	if _, err := c.GetCsr(context.Background(), "b"); err != nil {
		t.Fatal(err)
	}
	check(t, "token requests", f.tokenCalls.Load(), int32(1))
}

func TestInvalidRequestsNeverSent(t *testing.T) {
	f := newFakeBandwidth(t)
	c := f.client()
	ctx := context.Background()
	long := validOrder()
	long.LoaAuthorizingPerson = "Bartholomew Longname"
	cases := map[string]error{}
	_, cases["LoaAuthorizingPerson too long"] = c.CreatePortIn(ctx, long)
	_, cases["empty id"] = c.GetPortIn(ctx, " ")
	_, cases["empty SUPP"] = c.SuppPortIn(ctx, "o-1", LnpOrderSupp{})
	_, cases["SUPP sets CANCELLED"] = c.SuppPortIn(ctx, "o-1", LnpOrderSupp{ProcessingStatus: StatusCancelled})
	_, cases["SUPP half wireless"] = c.SuppPortIn(ctx, "o-1", LnpOrderSupp{WirelessInfo: &WirelessInfo{AccountNumber: "1"}})
	_, cases["CSR without number"] = c.CreateCsr(ctx, CsrRequest{})
	_, cases["no numbers to check"] = c.CheckPortability(ctx, FullCheckOnNet)
	_, cases["bad document type"] = c.UploadDocument(ctx, "o-1", Document{Body: []byte("x"), ContentType: "application/zip"})
	_, cases["document too big"] = c.UploadDocument(ctx, "o-1", Document{Body: make([]byte, MaxDocumentBytes+1), ContentType: "application/pdf"})
	_, cases["list filters mixed"] = c.ListPortIns(ctx, PortInQuery{CustomerOrderID: "x", Date: time.Now()})
	_, cases["note too long"] = c.AddPortInNote(ctx, "o-1", Note{UserID: "u", Description: strings.Repeat("x", 501)})
	for name, err := range cases {
		if !errors.Is(err, ErrInvalidRequest) || !IsPermanent(err) {
			t.Errorf("%s: err = %v, want ErrInvalidRequest", name, err)
		}
	}
	check(t, "requests sent", len(f.requests()), 0)
	check(t, "token requests", f.tokenCalls.Load(), int32(0))
}

func TestObserveReportsEveryAttempt(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /portins/{id}", sequence(xmlReply(502, ""), fixtureReply(t, 200, "portin-get-submitted-full.xml")))
	obs := &observed{}
	c := f.client(func(cfg *Config) { cfg.Observe = obs.observe })
	if _, err := c.GetPortIn(context.Background(), "o-1"); err != nil {
		t.Fatal(err)
	}
	calls := obs.list()
	check(t, "calls (token + 2 attempts)", len(calls), 3)
	check(t, "token endpoint", calls[0].Endpoint, "POST /oauth2/token")
	check(t, "token class", calls[0].Class, ClassNone)
	check(t, "first attempt", calls[1], CallInfo{Endpoint: "GET /portins/{id}", Method: "GET", Status: 502,
		Class: ClassRetryable, Duration: calls[1].Duration, Attempt: 1})
	check(t, "second attempt", calls[2], CallInfo{Endpoint: "GET /portins/{id}", Method: "GET", Status: 200,
		Class: ClassNone, Duration: calls[2].Duration, Attempt: 2})
}

func TestBackoffIsCappedWithJitter(t *testing.T) {
	c := &Client{cfg: Config{RetryBaseDelay: 100 * time.Millisecond, RetryMaxDelay: time.Second}, now: time.Now}
	for n := 1; n <= 10; n++ {
		full := min(100*time.Millisecond<<(n-1), time.Second)
		for range 20 {
			d := c.backoff(n, nil)
			if d < full/2 || d > full {
				t.Fatalf("backoff(%d) = %v, want within [%v, %v]", n, d, full/2, full)
			}
		}
	}
	check(t, "Retry-After within the cap wins", c.backoff(1, http.Header{"Retry-After": {"1"}}) > 900*time.Millisecond, true)
	d := c.backoff(1, http.Header{"Retry-After": {"3600"}})
	check(t, "Retry-After beyond the cap is ignored", d <= 100*time.Millisecond, true)
}

// validOrder is a port-in that passes local validation.
func validOrder() LnpOrder {
	return LnpOrder{
		CustomerOrderID:        "pf-1",
		SiteID:                 "2857",
		BillingTelephoneNumber: "9195551234",
		LoaAuthorizingPerson:   "Jane Doe",
		ListOfPhoneNumbers:     []string{"9195551234"},
		Subscriber: &Subscriber{SubscriberType: SubscriberResidential, FirstName: "Jane", LastName: "Doe",
			ServiceAddress: ServiceAddress{HouseNumber: "1", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", StateCode: "NC", Zip: "27707"}},
	}
}
