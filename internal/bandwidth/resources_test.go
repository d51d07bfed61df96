package bandwidth

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// lastRequest returns the most recent API request.
func (f *fakeBandwidth) lastRequest() seenRequest {
	f.t.Helper()
	reqs := f.requests()
	if len(reqs) == 0 {
		f.t.Fatal("no request was made")
	}
	return reqs[len(reqs)-1]
}

func bodyRoot(t *testing.T, body []byte) string {
	t.Helper()
	paths := elementPaths(t, body)
	if len(paths) == 0 {
		t.Fatalf("no XML in body %q", body)
	}
	return paths[0]
}

func TestPortInEndpoints(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("POST /portins", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "https://dashboard.bandwidth.com/v1.0/accounts/"+testAccount+"/portins/d28b36f7")
		fixtureReply(t, 201, "portin-create-201-pending-documents.xml")(w, r)
	})
	f.handle("GET /portins/{id}", fixtureReply(t, 200, "portin-get-cancelled-with-errors.xml"))
	f.handle("PUT /portins/{id}", fixtureReply(t, 200, "portin-put-200-requested-supp.xml"))
	f.handle("DELETE /portins/{id}", xmlReply(200, `<LnpOrderResponse><OrderId>o-1</OrderId><Status><Code>200</Code><Description>Cancellation request received.</Description></Status><ProcessingStatus>REQUESTED_CANCEL</ProcessingStatus></LnpOrderResponse>`))
	f.handle("GET /portins/{id}/history", fixtureReply(t, 200, "portin-history.xml"))
	f.handle("GET /portins/totals", xmlReply(200, `<Quantity><Count>12</Count></Quantity>`))
	f.handle("GET /portins/{id}/totals", xmlReply(200, `<Quantity><Count>3</Count></Quantity>`))
	f.handle("GET /portins/{id}/notes", xmlReply(200, `<Notes><Note><Id>87037</Id><UserId>jbm</UserId><Description>This is a test note</Description><LastDateModifier>2014-11-16T04:01:10.000Z</LastDateModifier></Note></Notes>`))
	f.handle("POST /portins/{id}/notes", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", "/v1.0/accounts/"+testAccount+"/portins/o-1/notes/91")
		w.WriteHeader(http.StatusCreated)
	})
	f.handle("GET /portins/{id}/activationStatus", fixtureReply(t, 200, "activation-status-get-200.xml"))
	f.handle("PUT /portins/{id}/activationStatus", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		xmlReply(200, string(body))(w, r) // Bandwidth echoes the body
	})
	c := f.client()
	ctx := context.Background()

	created, err := c.CreatePortIn(ctx, validOrder())
	if err != nil {
		t.Fatal(err)
	}
	check(t, "created id", created.OrderID, "d28b36f7-fa96-49eb-9556-a40fca49f7c6")
	check(t, "created status", created.ProcessingStatus, StatusPendingDocuments)
	req := f.lastRequest()
	check(t, "create body root", bodyRoot(t, req.Body), "LnpOrder")

	got, err := c.GetPortIn(ctx, "o-1")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "GET errors kept", got.Errors.Codes()[1], "7205")
	check(t, "GET path", f.lastRequest().Path, "/api/accounts/"+testAccount+"/portins/o-1")

	supp, err := c.SuppPortIn(ctx, "o-1", LnpOrderSupp{RequestedFocDate: DateOnly(2026, 4, 2)})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "SUPP status", supp.ProcessingStatus, StatusRequestedSupp)
	req = f.lastRequest()
	check(t, "SUPP method", req.Method, http.MethodPut)
	check(t, "SUPP root", bodyRoot(t, req.Body), "LnpOrderSupp")

	cancelled, err := c.CancelPortIn(ctx, "o-1")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "cancel status", cancelled.ProcessingStatus, StatusRequestedCancel)
	check(t, "cancel method", f.lastRequest().Method, http.MethodDelete)

	history, err := c.PortInHistory(ctx, "o-1")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "history entries", len(history), 2)
	check(t, "history note", history[0].Note, "LOA required")

	total, err := c.PortInTotals(ctx, StatusFOC, "49")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "totals", total, 12)
	q, _ := url.ParseQuery(f.lastRequest().RawQuery)
	check(t, "totals status lower-case", q.Get("status"), "foc")
	check(t, "totals vendorId", q.Get("vendorId"), "49")
	count, err := c.PortInNumberCount(ctx, "o-1")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "order totals", count, 3)

	notes, err := c.PortInNotes(ctx, "o-1")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "notes", len(notes), 1)
	check(t, "note user (UserId)", notes[0].UserID, "jbm")
	check(t, "note date", notes[0].LastDateModifier.Time, time.Date(2014, 11, 16, 4, 1, 10, 0, time.UTC))
	noteID, err := c.AddPortInNote(ctx, "o-1", Note{UserID: "portflow", Description: "please expedite"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "note id from Location", noteID, "91")
	check(t, "note body", string(f.lastRequest().Body), `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+`<Note><UserId>portflow</UserId><Description>please expedite</Description></Note>`)

	act, err := c.GetActivationStatus(ctx, "o-1")
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "activated", act.ActivatedTelephoneNumbers, []string{"6052609021"})
	act, err = c.ActivateNow(ctx, "o-1")
	if err != nil {
		t.Fatal(err)
	}
	req = f.lastRequest()
	check(t, "activation method is PUT", req.Method, http.MethodPut)
	check(t, "activate-now body", strings.Contains(string(req.Body), "<ActivationStatus><AutoActivationDate>2000-02-23T00:00:00Z</AutoActivationDate></ActivationStatus>"), true)
	check(t, "echo decoded", act.AutoActivationDate.Time, activateNowDate)
}

func TestPortInNoteAndListShapes(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /portins/{id}/notes", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	f.handle("GET /portins", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	c := f.client()
	notes, err := c.PortInNotes(context.Background(), "o-1")
	if err != nil || len(notes) != 0 {
		t.Fatalf("204 notes = %v, %v; want none", notes, err)
	}
	list, err := c.ListPortIns(context.Background(), PortInQuery{Status: StatusFOC})
	if err != nil || len(list.Orders) != 0 {
		t.Fatalf("204 list = %v, %v; want empty", list, err)
	}
	q, _ := url.ParseQuery(f.lastRequest().RawQuery)
	check(t, "page default", q.Get("page"), "1")
	check(t, "size default", q.Get("size"), "300")
	check(t, "status", q.Get("status"), "foc")
}

// pagedPortIns answers GET /portins with pages of summaries, linking each page to the next the way
// Bandwidth does (escaped Link= strings on Bandwidth's own host).
func pagedPortIns(t *testing.T, pages [][]PortInSummary) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		idx := 0
		if page != "1" {
			for i, p := range pages {
				if len(p) > 0 && p[0].OrderID == page {
					idx = i
				}
			}
		}
		var b strings.Builder
		fmt.Fprintf(&b, `<LNPResponseWrapper><TotalCount>%d</TotalCount><Links>`, len(pages))
		fmt.Fprintf(&b, `<first>Link=&lt;https://dashboard.bandwidth.com:443/v1.0/accounts/%s/portins?page=1&amp;size=2&gt;;rel="first";</first>`, testAccount)
		if idx+1 < len(pages) {
			fmt.Fprintf(&b, `<next>Link=&lt;https://dashboard.bandwidth.com:443/v1.0/accounts/%s/portins?page=%s&amp;size=2&gt;;rel="next";</next>`, testAccount, pages[idx+1][0].OrderID)
		}
		b.WriteString(`</Links>`)
		for _, o := range pages[idx] {
			fmt.Fprintf(&b, `<lnpPortInfoForGivenStatus><OrderId>%s</OrderId><CustomerOrderId>%s</CustomerOrderId><OrderDate>%s</OrderDate><ProcessingStatus>%s</ProcessingStatus></lnpPortInfoForGivenStatus>`,
				o.OrderID, o.CustomerOrderID, o.OrderDate.Raw, o.ProcessingStatus)
		}
		b.WriteString(`</LNPResponseWrapper>`)
		xmlReply(200, b.String())(w, r)
	}
}

func summary(id, customerID, date, status string) PortInSummary {
	return PortInSummary{OrderID: id, CustomerOrderID: customerID, OrderDate: Time{Raw: date}, ProcessingStatus: status}
}

func TestFindPortInByCustomerOrderIDFollowsPages(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /portins", pagedPortIns(t, [][]PortInSummary{
		{summary("a", "pf-7", "2026-01-01T10:00:00Z", "cancelled"), summary("b", "other", "2026-01-03T10:00:00Z", "foc")},
		{summary("c", "pf-7", "2026-01-02T10:00:00Z", "submitted")},
	}))
	c := f.client()
	found, ok, err := c.FindPortInByCustomerOrderID(context.Background(), "pf-7")
	if err != nil || !ok {
		t.Fatalf("FindPortInByCustomerOrderID = %v, %v", ok, err)
	}
	check(t, "most recent match", found.OrderID, "c")
	check(t, "status upper-cased", found.ProcessingStatus, StatusSubmitted)
	reqs := f.requests()
	check(t, "pages fetched", len(reqs), 2)
	q0, _ := url.ParseQuery(reqs[0].RawQuery)
	q1, _ := url.ParseQuery(reqs[1].RawQuery)
	check(t, "filter", q0.Get("customerOrderId"), "pf-7")
	check(t, "second page token", q1.Get("page"), "c")
	check(t, "second page stays on our host", reqs[1].Path, "/api/accounts/"+testAccount+"/portins")

	_, ok, err = c.FindPortInByCustomerOrderID(context.Background(), "nobody")
	if err != nil || ok {
		t.Fatalf("unknown id: found=%v err=%v", ok, err)
	}
}

func TestPortInsIteratorStopsOnARepeatedPage(t *testing.T) {
	f := newFakeBandwidth(t)
	// A broken server whose "next" always points at the same page.
	f.handle("GET /portins", xmlReply(200, `<LNPResponseWrapper><Links><next>Link=&lt;https://x/portins?page=z&amp;size=2&gt;;rel="next";</next></Links><lnpPortInfoForGivenStatus><OrderId>z</OrderId></lnpPortInfoForGivenStatus></LNPResponseWrapper>`))
	c := f.client()
	n := 0
	for _, err := range c.PortIns(context.Background(), PortInQuery{Status: "foc"}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	check(t, "orders seen before the loop is detected", n, 2)
	check(t, "requests", len(f.requests()), 2)
}

func TestCsrEndpoints(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("POST /csrs", func(w http.ResponseWriter, r *http.Request) {
		// Bandwidth's guide shows 200 + Location for the create; accept it.
		w.Header().Set("Location", "/v1.0/accounts/"+testAccount+"/csrs/218a295f-4f8a-4d1a-ba55-3e0aac6207cb")
		xmlReply(200, `<CsrResponse><Status>RECEIVED</Status></CsrResponse>`)(w, r)
	})
	f.handle("GET /csrs/{id}", fixtureReply(t, 200, "csr-get-complete-parsed-address.xml"))
	f.handle("PUT /csrs/{id}", sequence(fixtureReply(t, 200, "csr-get-complete-full-echo.xml"), fixtureReply(t, 400, "csr-create-400.xml")))
	f.handle("GET /csrs/{id}/notes", xmlReply(200, `<Notes><Note><Id>1</Id><UserId>u</UserId><Description>CSR needs the account PIN</Description></Note></Notes>`))
	f.handle("POST /csrs/{id}/notes", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", "https://dashboard.bandwidth.com/v1.0/accounts/"+testAccount+"/csrs/c/notes/12")
		w.WriteHeader(http.StatusCreated)
	})
	c := f.client()
	ctx := context.Background()

	created, err := c.CreateCsr(ctx, CsrRequest{CustomerOrderID: "pf-csr-1", WorkingOrBillingTelephoneNumber: "9198675309", Status: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "id from Location", created.OrderID, "218a295f-4f8a-4d1a-ba55-3e0aac6207cb")
	check(t, "status", created.Status, CsrStatusReceived)
	check(t, "create never sends Status", strings.Contains(string(f.lastRequest().Body), "<Status>"), false)

	got, err := c.GetCsr(ctx, "20ba7d26")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "usable", got.Usable(), true)
	addr, err := got.CsrData.ServiceAddress.PortInAddress()
	if err != nil {
		t.Fatal(err)
	}
	check(t, "address", addr, ServiceAddress{HouseNumber: "1234", StreetName: "MAIN", StreetSuffix: "ST", City: "DURHAM", StateCode: "NC", Zip: "27707"})

	updated, err := c.UpdateCsr(ctx, "5c3b8240", CsrRequest{EndUserPIN: "1234"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "update answer", updated.Status, CsrStatusComplete)
	req := f.lastRequest()
	check(t, "update method", req.Method, http.MethodPut)
	check(t, "update root", bodyRoot(t, req.Body), "Csr")

	_, err = c.CancelCsr(ctx, "5c3b8240")
	if !IsPermanent(err) || !HasCode(err, "54321") {
		t.Fatalf("cancel err = %v, want the 400's code", err)
	}
	check(t, "cancel body", strings.Contains(string(f.lastRequest().Body), "<Csr><Status>REQUESTED_CANCEL</Status></Csr>"), true)
	check(t, "a 400 is not retried", f.countRequests(http.MethodPut, "/csrs/5c3b8240"), 2)

	notes, err := c.CsrNotes(ctx, "c")
	if err != nil || len(notes) != 1 {
		t.Fatalf("notes = %v, %v", notes, err)
	}
	id, err := c.AddCsrNote(ctx, "c", Note{UserID: "u", Description: "PIN is 1234"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "note id", id, "12")
}

func TestFindCsrByCustomerOrderID(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /csrs", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") == "1" {
			xmlReply(200, `<CsrResponses><TotalCount>3</TotalCount><Links><next>Link=&lt;https://dashboard.bandwidth.com/v1.0/accounts/`+testAccount+`/csrs?page=c-3&amp;size=300&gt;;rel="next";</next></Links>
				<CsrResponse><OrderId>c-1</OrderId><CustomerOrderId>x</CustomerOrderId><Status>COMPLETE</Status></CsrResponse>
				<CsrResponse><OrderId>c-2</OrderId><CustomerOrderId>pf-9</CustomerOrderId><OrderCreateDate>2026-01-01T00:00:00Z</OrderCreateDate><Status>failed</Status></CsrResponse></CsrResponses>`)(w, r)
			return
		}
		xmlReply(200, `<CsrResponses><TotalCount>3</TotalCount><Links/><CsrResponse><OrderId>c-3</OrderId><CustomerOrderId>pf-9</CustomerOrderId><OrderCreateDate>2026-01-02T00:00:00Z</OrderCreateDate><Status>PROCESSING</Status></CsrResponse></CsrResponses>`)(w, r)
	})
	c := f.client()
	since := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	found, ok, err := c.FindCsrByCustomerOrderID(context.Background(), "pf-9", since)
	if err != nil || !ok {
		t.Fatalf("Find = %v, %v", ok, err)
	}
	check(t, "latest created", found.OrderID, "c-3")
	q, _ := url.ParseQuery(f.requests()[0].RawQuery)
	check(t, "window start", q.Get("modifiedDateFrom"), "2026-01-01T00:00:00Z")
	check(t, "pages", len(f.requests()), 2)
	_, _, err = c.FindCsrByCustomerOrderID(context.Background(), "pf-9", time.Time{})
	check(t, "window required", IsPermanent(err), true)
}

func TestCheckPortability(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("POST /lnpchecker", sequence(fixtureReply(t, 200, "lnpchecker-fullcheck-offnetportability.xml"), fixtureReply(t, 400, "lnpchecker-400-invalid-tn.xml")))
	c := f.client()
	ctx := context.Background()
	resp, err := c.CheckPortability(ctx, FullCheckOffNet, "+19199172854", "2174477093")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "port type", resp.PortType, PortTypeMixed)
	req := f.lastRequest()
	check(t, "fullCheck", req.RawQuery, "fullCheck=offnetportability")
	checkSlice(t, "request paths", elementPaths(t, req.Body), []string{"NumberPortabilityRequest", "NumberPortabilityRequest/TnList",
		"NumberPortabilityRequest/TnList/Tn", "NumberPortabilityRequest/TnList/Tn"})
	check(t, "numbers sent as 10 digits", strings.Contains(string(req.Body), "<Tn>9199172854</Tn>"), true)

	_, err = c.CheckPortability(ctx, "", "61746052083")
	if !IsPermanent(err) || !HasCode(err, "7201") {
		t.Fatalf("err = %v, want 7201", err)
	}
	check(t, "default mode", f.lastRequest().RawQuery, "fullCheck=true")
	check(t, "both errors", len(Codes(err)), 2)
}

func TestDocumentEndpoints(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("GET /portins/{id}/loas", fixtureReply(t, 200, "portin-loas-file-list.xml"))
	f.handle("PUT /portins/{id}/loas/{file}", xmlReply(200, `<fileUploadResponse><resultCode>0</resultCode><resultMessage>LOA file updated</resultMessage></fileUploadResponse>`))
	f.handle("GET /portins/{id}/loas/{file}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", "attachment; filename=loa.pdf")
		_, _ = io.WriteString(w, "%PDF-1.4")
	})
	f.handle("DELETE /portins/{id}/loas/{file}", xmlReply(200, ""))
	f.handle("GET /portins/{id}/loas/{file}/metadata", xmlReply(200, `<FileMetaData><DocumentName>loa.pdf</DocumentName><DocumentType>LOA</DocumentType></FileMetaData>`))
	f.handle("PUT /portins/{id}/loas/{file}/metadata", xmlReply(200, ""))
	c := f.client()
	ctx := context.Background()

	list, err := c.ListDocuments(ctx, "o-1")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "files", len(list.Names()), 6)
	check(t, "metadata query", f.lastRequest().RawQuery, "metadata=true")

	if err := c.ReplaceDocument(ctx, "o-1", "o-1-1.pdf", Document{Body: []byte("%PDF"), ContentType: "application/pdf; name=loa.pdf", Type: DocumentOther}); err != nil {
		t.Fatal(err)
	}
	req := f.lastRequest()
	check(t, "replace path", req.Path, "/api/accounts/"+testAccount+"/portins/o-1/loas/o-1-1.pdf")
	check(t, "replace type", req.Header.Get("Content-Type"), "application/pdf")
	check(t, "replace documentType", req.RawQuery, "documentType=OTHER")

	body, ct, err := c.DownloadDocument(ctx, "o-1", "o-1-1.pdf")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "download", string(body), "%PDF-1.4")
	check(t, "download type", ct, "application/pdf")

	md, err := c.DocumentMetadata(ctx, "o-1", "o-1-1.pdf")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "metadata", md.DocumentName+"/"+md.DocumentType, "loa.pdf/LOA")
	if err := c.SetDocumentMetadata(ctx, "o-1", "o-1-1.pdf", FileMetaData{DocumentType: "invoice"}); err != nil {
		t.Fatal(err)
	}
	check(t, "metadata body", strings.Contains(string(f.lastRequest().Body), "<FileMetaData><DocumentType>INVOICE</DocumentType></FileMetaData>"), true)
	if err := c.DeleteDocument(ctx, "o-1", "o-1-1.pdf"); err != nil {
		t.Fatal(err)
	}
	check(t, "delete method", f.lastRequest().Method, http.MethodDelete)
}

func TestBulkEndpoints(t *testing.T) {
	f := newFakeBandwidth(t)
	f.handle("POST /bulkPortins", xmlReply(201, `<BulkPortinResponse><BulkPortin><CustomerOrderId>pf-bulk-1</CustomerOrderId><ProcessingStatus>DRAFT</ProcessingStatus><OrderId>33b58246</OrderId></BulkPortin></BulkPortinResponse>`))
	f.handle("GET /bulkPortins/{id}", xmlReply(200, `<BulkPortinResponse><BulkPortin><OrderId>33b58246</OrderId><ProcessingStatus>VALID_DRAFT_TNS</ProcessingStatus><Triggered>true</Triggered></BulkPortin></BulkPortinResponse>`))
	f.handle("PATCH /bulkPortins/{id}", sequence(
		xmlReply(200, `<BulkPortinResponse><BulkPortin><OrderId>33b58246</OrderId><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin></BulkPortinResponse>`),
		fixtureReply(t, 400, "bulk-patch-400-portin-list-errors.xml")))
	f.handle("DELETE /bulkPortins/{id}", xmlReply(200, ""))
	f.handle("PUT /bulkPortins/{id}/tnList", xmlReply(202, `<TnListResponse><OrderId>33b58246</OrderId><ProcessingStatus>VALIDATE_DRAFT_TNS</ProcessingStatus></TnListResponse>`))
	f.handle("GET /bulkPortins/{id}/tnList", sequence(
		xmlReply(200, `<TnListResponse><OrderId>33b58246</OrderId><ProcessingStatus>VALIDATE_DRAFT_TNS</ProcessingStatus><NotValidatedTnList><TN>8772397726</TN></NotValidatedTnList></TnListResponse>`),
		fixtureReply(t, 200, "bulk-tnlist-valid-draft-tns.xml")))
	f.handle("GET /bulkPortins/{id}/portinList", xmlReply(200, `<PortinListResponse><PortinList><PortinOrderId>10f48fec</PortinOrderId><PortinOrderId>059cf2d9</PortinOrderId></PortinList><Errors><Error><ErrorCode>7205</ErrorCode><portinOrderId>059cf2d9</portinOrderId><Description>on another order</Description></Error></Errors></PortinListResponse>`))
	f.handle("PUT /bulkPortins/{id}/portinList", xmlReply(200, ""))
	c := f.client()
	ctx := context.Background()

	b, err := c.CreateBulkPortin(ctx, BulkPortin{CustomerOrderID: "pf-bulk-1", SiteID: "2857", OrderID: "ignored"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "created", b.OrderID+"/"+b.ProcessingStatus, "33b58246/DRAFT")
	check(t, "create body has no OrderId", strings.Contains(string(f.lastRequest().Body), "OrderId>ignored"), false)

	tl, err := c.PutBulkTnList(ctx, "33b58246", []string{"+18772397726", "4047221089"})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "202 answer", tl.ProcessingStatus, BulkStatusValidateDraftTNs)
	check(t, "tnList body", strings.Contains(string(f.lastRequest().Body), "<TnList><TN>8772397726</TN><TN>4047221089</TN></TnList>"), true)

	tl, err = c.GetBulkTnList(ctx, "33b58246")
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "not validated (<TN>)", tl.NotValidatedTnList, []string{"8772397726"})
	tl, err = c.GetBulkTnList(ctx, "33b58246")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "children", len(tl.ChildPortinOrders), 3)

	got, err := c.GetBulkPortin(ctx, "33b58246")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "triggered", *got.Triggered, true)

	submitted, err := c.SubmitBulkPortin(ctx, "33b58246")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "submitted", submitted.ProcessingStatus, BulkStatusInProgress)
	check(t, "PATCH body", strings.Contains(string(f.lastRequest().Body), "<BulkPortin><ProcessingStatus>IN_PROGRESS</ProcessingStatus></BulkPortin>"), true)

	_, err = c.RetryBulkValidation(ctx, "33b58246")
	if !IsPermanent(err) {
		t.Fatalf("err = %v, want the 400", err)
	}
	codes := Codes(err)
	check(t, "per-child errors", len(codes), 2)
	check(t, "child order id", codes[0].OrderID, "c358cb90-f1e6-4d72-92be-435411d50609")
	check(t, "retry body", strings.Contains(string(f.lastRequest().Body), "<RetryValidation>true</RetryValidation>"), true)

	pl, err := c.GetBulkPortinList(ctx, "33b58246")
	if err != nil {
		t.Fatal(err)
	}
	checkSlice(t, "children ids", pl.PortinOrderIDs, []string{"10f48fec", "059cf2d9"})
	check(t, "child error", pl.Errors[0].OrderID, "059cf2d9")

	if err := c.PutBulkPortinList(ctx, "33b58246", []string{"10f48fec"}); err != nil {
		t.Fatal(err)
	}
	check(t, "portinList body", strings.Contains(string(f.lastRequest().Body), "<PortinList><PortinOrderId>10f48fec</PortinOrderId></PortinList>"), true)
	if err := c.DeleteBulkPortin(ctx, "33b58246"); err != nil {
		t.Fatal(err)
	}
	check(t, "delete", f.lastRequest().Method, http.MethodDelete)
}
