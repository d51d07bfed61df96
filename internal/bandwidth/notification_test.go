package bandwidth

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDecodeNotification(t *testing.T) {
	cases := []struct {
		name string
		body string
		// check inspects the decoded notification; nil when decoding must fail.
		check   func(t *testing.T, n Notification)
		wantErr error
	}{
		{
			name: "port-in FOC, elements out of order, E.164 numbers",
			body: `<?xml version="1.0" encoding="UTF-8"?>
				<Notification>
				  <ActualFocDate>2026-03-12T00:00:00Z</ActualFocDate>
				  <Status>FOC</Status>
				  <OrderId>0fe651a2-6ffc-4758-b7b7-e3eed66409ec</OrderId>
				  <CompletedTelephoneNumbers><TelephoneNumber>+19195551234</TelephoneNumber><TelephoneNumber>+1 (919) 555-1235</TelephoneNumber></CompletedTelephoneNumbers>
				  <OrderType>portins</OrderType>
				  <SubscriptionId>s-1</SubscriptionId>
				  <CustomerOrderId>pf-42</CustomerOrderId>
				  <LastModifiedDate>2026-03-10T15:11:31.705Z</LastModifiedDate>
				</Notification>`,
			check: func(t *testing.T, n Notification) {
				check(t, "Status", n.Status, StatusFOC)
				check(t, "OrderType", n.OrderType, OrderTypePortIns)
				check(t, "CustomerOrderID", n.CustomerOrderID, "pf-42")
				checkSlice(t, "CompletedTelephoneNumbers", n.CompletedTelephoneNumbers, []string{"9195551234", "9195551235"})
				check(t, "ActualFocDate", n.ActualFocDate.Time, time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC))
				check(t, "LastModifiedDate.Raw", n.LastModifiedDate.Raw, "2026-03-10T15:11:31.705Z")
			},
		},
		{
			name: "only SubscriptionId",
			body: `<Notification><SubscriptionId>s-1</SubscriptionId></Notification>`,
			check: func(t *testing.T, n Notification) {
				check(t, "SubscriptionID", n.SubscriptionID, "s-1")
				check(t, "Status", n.Status, "")
				check(t, "CompletedTelephoneNumbers", n.CompletedTelephoneNumbers == nil, true)
				check(t, "ActualFocDate set", n.ActualFocDate.IsSet(), false)
			},
		},
		{
			name: "casing drift and unknown elements",
			body: `<notification><subscriptionId>s</subscriptionId><ORDERID>o-1</ORDERID><status>exception</status>
				<ActualFOCDate>2026-03-12</ActualFOCDate><lastModifiedDate>2026-03-10T15:11:31Z</lastModifiedDate>
				<SomethingNew><Nested>x</Nested></SomethingNew><completedtelephonenumbers><telephonenumber>9195551234</telephonenumber></completedtelephonenumbers></notification>`,
			check: func(t *testing.T, n Notification) {
				check(t, "OrderID", n.OrderID, "o-1")
				check(t, "Status upper-cased", n.Status, StatusException)
				check(t, "ActualFocDate", n.ActualFocDate.Time, time.Date(2026, 3, 12, 0, 0, 0, 0, time.UTC))
				check(t, "LastModifiedDate", n.LastModifiedDate.Time, time.Date(2026, 3, 10, 15, 11, 31, 0, time.UTC))
				checkSlice(t, "CompletedTelephoneNumbers", n.CompletedTelephoneNumbers, []string{"9195551234"})
			},
		},
		{
			name: "coded message in CDATA, with a note",
			body: `<Notification><SubscriptionId>s</SubscriptionId><OrderType>portins</OrderType><Status>EXCEPTION</Status>
				<Message><![CDATA[7402: Order is being rejected at this time for address mismatch]]></Message>
				<Note>Carrier says: suite missing</Note></Notification>`,
			check: func(t *testing.T, n Notification) {
				check(t, "MessageCode", n.MessageCode, "7402")
				check(t, "MessageText", n.MessageText, "Order is being rejected at this time for address mismatch")
				check(t, "Message kept verbatim", n.Message, "7402: Order is being rejected at this time for address mismatch")
				check(t, "Note", n.Note, "Carrier says: suite missing")
			},
		},
		{
			name: "message without a code",
			body: `<Notification><Message>The CSR request has failed.</Message></Notification>`,
			check: func(t *testing.T, n Notification) {
				check(t, "MessageCode", n.MessageCode, "")
				check(t, "MessageText", n.MessageText, "The CSR request has failed.")
			},
		},
		{
			name: "namespaced, latin-1 declared",
			body: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><n:Notification xmlns:n=\"urn:x\"><n:Status>COMPLETE</n:Status><n:Note>Caf\xe9</n:Note></n:Notification>",
			check: func(t *testing.T, n Notification) {
				check(t, "Status", n.Status, StatusComplete)
				check(t, "Note", n.Note, "Café")
			},
		},
		{
			name: "event subscription",
			body: `<Notification><SubscriptionId>s</SubscriptionId><EventType>MESSAGING_LOST</EventType><ImpactedTelephoneNumbers><TelephoneNumber>+19195551234</TelephoneNumber></ImpactedTelephoneNumbers></Notification>`,
			check: func(t *testing.T, n Notification) {
				check(t, "EventType", n.EventType, "MESSAGING_LOST")
				checkSlice(t, "ImpactedTelephoneNumbers", n.ImpactedTelephoneNumbers, []string{"9195551234"})
			},
		},
		{name: "another root", body: `<LnpOrderResponse><OrderId>x</OrderId></LnpOrderResponse>`, wantErr: ErrNotNotification},
		{name: "malformed", body: `<Notification><Status>COMPLETE</Notification>`},
		{name: "empty", body: ``},
		{name: "not XML", body: `{"status":"COMPLETE"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			n, err := DecodeNotification([]byte(tc.body))
			if tc.check == nil {
				if err == nil {
					t.Fatalf("decoded %+v, want an error", n)
				}
				if tc.wantErr != nil && !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("DecodeNotification: %v", err)
			}
			tc.check(t, n)
		})
	}
}

func TestNormalizeTN(t *testing.T) {
	cases := map[string]string{
		"9195551234":        "9195551234",
		"+19195551234":      "9195551234",
		"19195551234":       "9195551234",
		"+1 (919) 555-1234": "9195551234",
		"919.555.1234":      "9195551234",
		" 9195551234 ":      "9195551234",
		"+442071234567":     "+442071234567",
		"...":               "...",
		"":                  "",
		"919555123":         "919555123",
		"91955512345":       "91955512345",
		"ext 9195551234":    "ext 9195551234",
	}
	for in, want := range cases {
		check(t, "NormalizeTN("+in+")", NormalizeTN(in), want)
		check(t, "idempotent("+in+")", NormalizeTN(NormalizeTN(in)), want)
	}
}

func TestSplitCodedMessage(t *testing.T) {
	cases := []struct{ in, code, text string }{
		{"26500: CSR is not available for this TN", "26500", "CSR is not available for this TN"},
		{"7999: E37 TN not found in PPS (PPS)", "7999", "E37 TN not found in PPS (PPS)"},
		{"  7402 :  address mismatch  ", "7402", "address mismatch"},
		{"LOA required", "", "LOA required"},
		{"12: too short to be a code", "", "12: too short to be a code"},
		{"Order is complete: 3 numbers", "", "Order is complete: 3 numbers"},
		{"", "", ""},
	}
	for _, tc := range cases {
		code, text := SplitCodedMessage(tc.in)
		check(t, "code of "+tc.in, code, tc.code)
		check(t, "text of "+tc.in, text, tc.text)
	}
}

func TestParseTimeFormats(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
	}{
		{"2014-08-04T13:37:08.676Z", time.Date(2014, 8, 4, 13, 37, 8, 676e6, time.UTC)},
		{"2021-06-16Z", time.Date(2021, 6, 16, 0, 0, 0, 0, time.UTC)},
		{"2014-08-29T18:30:00+03:00", time.Date(2014, 8, 29, 15, 30, 0, 0, time.UTC)},
		{"2019-10-25T09:51:17Z", time.Date(2019, 10, 25, 9, 51, 17, 0, time.UTC)},
		{"2023-01-30T13:00:00-0400", time.Date(2023, 1, 30, 17, 0, 0, 0, time.UTC)},
		{"2023-01-30", time.Date(2023, 1, 30, 0, 0, 0, 0, time.UTC)},
		{"2020-01-16T16:30:00.000Z", time.Date(2020, 1, 16, 16, 30, 0, 0, time.UTC)},
		{"Wed Jun 03 15:06:35 UTC 2015", time.Date(2015, 6, 3, 15, 6, 35, 0, time.UTC)},
		{"2023-01-30T13:00:00", time.Date(2023, 1, 30, 13, 0, 0, 0, time.UTC)},
	}
	for _, tc := range cases {
		got, err := ParseTime(tc.in)
		if err != nil {
			t.Errorf("ParseTime(%q): %v", tc.in, err)
			continue
		}
		if !got.Equal(tc.want) {
			t.Errorf("ParseTime(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	if _, err := ParseTime("next Tuesday"); err == nil {
		t.Error("ParseTime accepted garbage")
	}
	var v struct {
		T Time `xml:"T"`
	}
	if err := decodeXML([]byte(`<X><T>next Tuesday</T></X>`), &v); err != nil {
		t.Fatalf("an unparseable date must not fail the decode: %v", err)
	}
	check(t, "Raw kept", v.T.Raw, "next Tuesday")
	check(t, "Time zero", v.T.Time.IsZero(), true)
	check(t, "IsSet", v.T.IsSet(), true)
}

func TestBoolLenient(t *testing.T) {
	var v struct {
		A, B, C, D, E, F Bool
	}
	body := `<X><A>true</A><B>TRUE</B><C>1</C><D>false</D><E/><F>maybe</F></X>`
	if err := decodeXML([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	got := []Bool{v.A, v.B, v.C, v.D, v.E, v.F}
	checkSlice(t, "bools", got, []Bool{true, true, true, false, false, false})
}

// FuzzDecodeNotification feeds arbitrary bodies to the notification decoder: no panics; when it
// accepts a body, numbers are normalized (so normalizing again changes nothing), no empty number
// survives, and a MessageCode is digits taken from the Message.
func FuzzDecodeNotification(f *testing.F) {
	entries, err := os.ReadDir(filepath.Join("testdata", "fixtures"))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "notification-") {
			f.Add(readFixture(f, e.Name()))
		}
	}
	f.Add([]byte(`<Notification><Status>FOC</Status><CompletedTelephoneNumbers><TelephoneNumber>+19195551234</TelephoneNumber></CompletedTelephoneNumbers><ActualFOCDate>2026-03-12</ActualFOCDate></Notification>`))
	f.Add([]byte(`<notification><message>26500: CSR is not available for this TN</message></notification>`))
	digits := regexp.MustCompile(`^[0-9]+$`)
	f.Fuzz(func(t *testing.T, body []byte) {
		n, err := DecodeNotification(body)
		if err != nil {
			return
		}
		for _, tns := range [][]string{n.CompletedTelephoneNumbers, n.ImpactedTelephoneNumbers} {
			for _, tn := range tns {
				if strings.TrimSpace(tn) == "" {
					t.Fatalf("empty number kept: %q", tns)
				}
				if NormalizeTN(tn) != tn {
					t.Fatalf("number %q not normalized", tn)
				}
			}
		}
		if n.MessageCode != "" && (!digits.MatchString(n.MessageCode) || !strings.Contains(n.Message, n.MessageCode)) {
			t.Fatalf("MessageCode %q not taken from Message %q", n.MessageCode, n.Message)
		}
		if n.MessageCode == "" && n.MessageText != strings.TrimSpace(n.Message) {
			t.Fatalf("MessageText %q is not the Message %q", n.MessageText, n.Message)
		}
		if !slices.Equal(n.CompletedTelephoneNumbers, normalizeTNs(slices.Clone(n.CompletedTelephoneNumbers))) {
			t.Fatalf("normalization not idempotent")
		}
	})
}
