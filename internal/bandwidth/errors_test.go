package bandwidth

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDecodeErrorsShapes(t *testing.T) {
	cases := []struct {
		name    string
		body    string
		want    ErrorList
		message string
		wantErr bool
	}{
		{
			name: "ResponseStatus ErrorCode",
			body: `<NoteResponse><ResponseStatus><ErrorCode>12501</ErrorCode><Description>Username is required</Description></ResponseStatus></NoteResponse>`,
			want: ErrorList{{Code: "12501", Description: "Username is required"}},
		},
		{
			name:    "ResponseStatus without code is a message",
			body:    `<BulkPortinResponse><ResponseStatus><Description>Please check your input parameters.</Description></ResponseStatus></BulkPortinResponse>`,
			message: "Please check your input parameters.",
		},
		{
			name: "repeated Errors siblings with TNs",
			body: `<LnpOrderResponse><Status><Code>400</Code><Description>Validation Failed.</Description></Status>
				<Errors><Code>7331</Code><Description>Rate Center Not Present</Description><TelephoneNumbers><Tn>7138391156</Tn></TelephoneNumbers></Errors>
				<Errors><Code>7205</Code><Description>already on another order</Description></Errors></LnpOrderResponse>`,
			want: ErrorList{
				{Code: "7331", Description: "Rate Center Not Present", TNs: []string{"7138391156"}},
				{Code: "7205", Description: "already on another order"},
			},
			message: "Validation Failed.",
		},
		{
			name: "Errors/Error wrapper (CSR)",
			body: `<CsrOrderResponse><Errors><Error><Code>54321</Code><Description>Some error</Description></Error><Error><Code>1</Code><Description>two</Description></Error></Errors></CsrOrderResponse>`,
			want: ErrorList{{Code: "54321", Description: "Some error"}, {Code: "1", Description: "two"}},
		},
		{
			name: "PortabilityErrors with TelephoneNumbers",
			body: `<NumberPortabilityResponse><PortabilityErrors><Error><Code>7378</Code><Description>not in service</Description><TelephoneNumbers><Tn>+19199199999</Tn></TelephoneNumbers></Error></PortabilityErrors></NumberPortabilityResponse>`,
			want: ErrorList{{Code: "7378", Description: "not in service", TNs: []string{"9199199999"}}},
		},
		{
			name: "ErrorList with TnList and with TelephoneNumbers",
			body: `<TnListResponse><ErrorList><Error><Code>7642</Code><Description>spare</Description><TnList><Tn>8005587721</Tn></TnList></Error>
				<Error><Code>7626</Code><Description>No results from toll free porting vendor after trying for 300 seconds.</Description><TelephoneNumbers><Tn>8005550000</Tn></TelephoneNumbers></Error></ErrorList></TnListResponse>`,
			want: ErrorList{
				{Code: "7642", Description: "spare", TNs: []string{"8005587721"}},
				{Code: "7626", Description: "No results from toll free porting vendor after trying for 300 seconds.", TNs: []string{"8005550000"}},
			},
		},
		{
			name: "IrisStatus in a 200",
			body: `<OrderHistoryWrapper><IrisStatus><Code>7710</Code><Description>History is not supported</Description></IrisStatus></OrderHistoryWrapper>`,
			want: ErrorList{{Code: "7710", Description: "History is not supported"}},
		},
		{
			name: "bulk PortinListErrors",
			body: `<BulkPortinResponse><PortinListErrors><PortinErrors><PortinOrderId>c358</PortinOrderId><Errors><Error><Description>awaiting losing carrier</Description><ErrorCode>7300</ErrorCode></Error></Errors></PortinErrors></PortinListErrors></BulkPortinResponse>`,
			want: ErrorList{{Code: "7300", Description: "awaiting losing carrier", OrderID: "c358"}},
		},
		{
			name: "PortinListResponse Errors/Error with portinOrderId",
			body: `<PortinListResponse><PortinList><PortinOrderId>a</PortinOrderId></PortinList><Errors><Error><ErrorCode>7205</ErrorCode><portinOrderId>a</portinOrderId><Description>dup</Description></Error></Errors></PortinListResponse>`,
			want: ErrorList{{Code: "7205", Description: "dup", OrderID: "a"}},
		},
		{
			name: "fileUploadResponse with non-zero resultCode",
			body: `<fileUploadResponse><resultCode>7639</resultCode><resultMessage>Invalid document type</resultMessage></fileUploadResponse>`,
			want: ErrorList{{Code: "7639", Description: "Invalid document type"}},
		},
		{
			name: "resultCode 0 is success",
			body: `<fileListResponse><fileCount>0</fileCount><resultCode>0</resultCode><resultMessage>No LOA files found for order</resultMessage></fileListResponse>`,
		},
		{
			name: "ErrorCode 0 is success",
			body: `<X><ResponseStatus><ErrorCode>0</ErrorCode><Description>OK</Description></ResponseStatus></X>`,
		},
		{
			name: "casing drift: errorcode, description, tn",
			body: `<x><errors><error><errorCode>7201</errorCode><description>bad</description><tnList><TN>9195551234</TN></tnList></error></errors></x>`,
			want: ErrorList{{Code: "7201", Description: "bad", TNs: []string{"9195551234"}}},
		},
		{name: "empty body", body: "  \n"},
		{name: "a success body", body: `<CsrResponse><OrderId>1</OrderId><Status>RECEIVED</Status></CsrResponse>`},
		{name: "HTML error page", body: `<html><body><h1>502 Bad Gateway</h1></body>`, wantErr: true},
		{name: "not XML", body: `upstream connect error`, wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, message, err := DecodeErrors([]byte(tc.body))
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("details = %#v\nwant %#v", got, tc.want)
			}
			check(t, "message", message, tc.message)
		})
	}
}

func TestDecodeErrorsOnEveryFixture(t *testing.T) {
	// Which fixtures carry errors, and which codes; every other fixture must yield none.
	want := map[string][]string{
		"activation-status-put-400-7342.xml":     {"7342"},
		"bulk-patch-400-portin-list-errors.xml":  {"7300", "7367"},
		"bulk-tnlist-invalid-draft-tns.xml":      {"7642", "7643"},
		"csr-create-400.xml":                     {"54321"},
		"csr-get-200-failed-26500.xml":           {"26500"},
		"csr-get-with-errors-26500.xml":          {"26500"},
		"error-responsestatus-generic.xml":       {"12016"},
		"lnpchecker-400-invalid-tn.xml":          {"7201"},
		"lnpchecker-with-portability-errors.xml": {"7378", "7478"},
		"portin-create-400-validation.xml":       {"7309", "7312", "7398"},
		"portin-delete-400-7304.xml":             {"7304"},
		"portin-get-cancelled-with-errors.xml":   {"0000", "7205"},
		"portin-history-draft-7710.xml":          {"7710"},
		"portin-put-400-errors-with-tns.xml":     {"7331", "7495"},
	}
	entries, err := os.ReadDir(filepath.Join("testdata", "fixtures"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		details, _, err := DecodeErrors(readFixture(t, e.Name()))
		if err != nil {
			t.Errorf("%s: %v", e.Name(), err)
			continue
		}
		if !reflect.DeepEqual(details.Codes(), want[e.Name()]) {
			t.Errorf("%s: codes %v, want %v", e.Name(), details.Codes(), want[e.Name()])
		}
	}
}

func TestClassifyResponse(t *testing.T) {
	codes := func(cs ...string) ErrorList {
		var l ErrorList
		for _, c := range cs {
			l = append(l, ErrorDetail{Code: c})
		}
		return l
	}
	cases := []struct {
		status     int
		codes      ErrorList
		validation bool
		want       ErrorClass
	}{
		{400, codes("7309"), false, ClassPermanent},
		{409, codes("7205"), false, ClassPermanent},
		{400, codes("7000"), false, ClassRetryable},
		{400, codes("7323"), false, ClassRetryable},
		{200, codes("1000"), false, ClassRetryable},
		{400, codes("7000", "7309"), false, ClassPermanent},
		{500, nil, false, ClassRetryable},
		{503, codes("7309"), false, ClassRetryable},
		{504, nil, false, ClassRetryable},
		{408, nil, false, ClassRetryable},
		{429, nil, false, ClassRateLimited},
		{401, nil, false, ClassAuth},
		{403, nil, false, ClassAuth},
		{400, codes("1001"), false, ClassAuth},
		{404, nil, false, ClassNotFound},
		{404, codes("14506"), true, ClassPermanent},
		{200, codes("7710"), false, ClassPermanent},
		{200, codes("26500"), false, ClassPermanent},
		{405, nil, false, ClassPermanent},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%d_%v_%v", tc.status, tc.codes.Codes(), tc.validation), func(t *testing.T) {
			check(t, "class", classifyResponse(tc.status, tc.codes, tc.validation), tc.want)
		})
	}
}

func TestClassOfAndHelpers(t *testing.T) {
	opErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	apiErr := &Error{Endpoint: "GET /portins/{id}", Status: 404, Class: ClassNotFound, Codes: ErrorList{{Code: "7205"}}}
	limited := &Error{Endpoint: "POST /portins", Status: 429, Class: ClassRateLimited, RetryAt: time.Unix(1700000000, 0)}
	cases := []struct {
		name string
		err  error
		want ErrorClass
	}{
		{"nil", nil, ClassNone},
		{"canceled", context.Canceled, ClassCanceled},
		{"deadline", fmt.Errorf("call: %w", context.DeadlineExceeded), ClassRetryable},
		{"connection refused", opErr, ClassRetryable},
		{"invalid request", fmt.Errorf("%w: SiteId is required", ErrInvalidRequest), ClassPermanent},
		{"wrapped API error", fmt.Errorf("job: %w", apiErr), ClassNotFound},
		{"rate limited", limited, ClassRateLimited},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			check(t, "ClassOf", ClassOf(tc.err), tc.want)
		})
	}
	wrapped := fmt.Errorf("job: %w", apiErr)
	check(t, "IsNotFound", IsNotFound(wrapped), true)
	check(t, "IsRetryable", IsRetryable(wrapped), false)
	check(t, "HasCode 7205", HasCode(wrapped, "7205"), true)
	check(t, "HasCode 7206", HasCode(wrapped, "7206"), false)
	check(t, "HasCode on plain error", HasCode(errors.New("x"), "7205"), false)
	check(t, "Codes", len(Codes(wrapped)), 1)
	check(t, "IsRateLimited", IsRateLimited(limited), true)
	check(t, "RetryAt", RetryAt(limited).Equal(time.Unix(1700000000, 0)), true)
	check(t, "RetryAt of other", RetryAt(wrapped).IsZero(), true)
	check(t, "IsPermanent", IsPermanent(fmt.Errorf("%w: x", ErrInvalidRequest)), true)
	check(t, "IsAuth", IsAuth(&Error{Class: ClassAuth}), true)
	check(t, "errors.Is canceled through *Error", errors.Is(&Error{Err: context.Canceled, Class: ClassCanceled}, context.Canceled), true)
}

func TestErrorString(t *testing.T) {
	e := &Error{Endpoint: "PUT /portins/{id}", Status: 400, Class: ClassPermanent, Message: "Validation Failed.",
		Codes: ErrorList{{Code: "7331", Description: "Rate Center Not Present", TNs: []string{"7138391156"}},
			{Code: "7300", Description: "awaiting", OrderID: "c358"}}}
	got := e.Error()
	for _, part := range []string{"PUT /portins/{id}", "HTTP 400", "(permanent)", "Validation Failed.",
		"7331: Rate Center Not Present [7138391156]", "7300: awaiting (order c358)"} {
		if !strings.Contains(got, part) {
			t.Errorf("Error() = %q, missing %q", got, part)
		}
	}
	limited := (&Error{Endpoint: "POST /lnpchecker", Status: 429, Class: ClassRateLimited, RetryAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}).Error()
	if !strings.Contains(limited, "retry at 2026-01-02T03:04:05Z") {
		t.Errorf("rate-limited Error() = %q lacks the reset time", limited)
	}
}

func TestRateLimitReset(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name   string
		header http.Header
		want   time.Time
	}{
		{"epoch seconds", http.Header{"X-Ratelimit-Reset": {"1777636830"}}, time.Unix(1777636830, 0)},
		{"epoch milliseconds", http.Header{"X-Ratelimit-Reset": {"1777636830500"}}, time.UnixMilli(1777636830500)},
		{"HTTP date", http.Header{"X-Ratelimit-Reset": {"Fri, 01 May 2026 12:00:30 GMT"}}, now.Add(30 * time.Second)},
		{"Retry-After seconds", http.Header{"Retry-After": {"7"}}, now.Add(7 * time.Second)},
		{"garbage", http.Header{"X-Ratelimit-Reset": {"soon"}}, time.Time{}},
		{"none", http.Header{}, time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := rateLimitReset(tc.header, now)
			if !got.Equal(tc.want) {
				t.Errorf("reset = %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzDecodeErrors feeds arbitrary bodies to the error decoder: it must never panic, must report
// the same details for the same input, never report the success code "0", and agree with the
// ErrorList decoder used inside typed responses.
func FuzzDecodeErrors(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "fixtures"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		f.Add(readFixture(f, e.Name()))
	}
	f.Add([]byte(`<A><Errors><Error><Code>1</Code></Error></Errors><ResponseStatus><ErrorCode>0</ErrorCode></ResponseStatus></A>`))
	f.Add([]byte(`<A><Errors><Errors><Code>2</Code></Errors></Errors></A>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		details, message, err := DecodeErrors(body)
		again, message2, err2 := DecodeErrors(body)
		if (err == nil) != (err2 == nil) || message != message2 || !reflect.DeepEqual(details, again) {
			t.Fatalf("DecodeErrors is not deterministic")
		}
		if err != nil {
			if len(details) != 0 || message != "" {
				t.Fatalf("details returned with an error")
			}
			return
		}
		for _, d := range details {
			if d.Code == "0" {
				t.Fatalf("success code 0 reported as an error: %+v", d)
			}
		}
		_ = (&Error{Codes: details, Message: message}).Error()
	})
}
