package order

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
)

func TestNewPortRequest(t *testing.T) {
	r, err := NewPortRequest(testIntake(), t0)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != StatusReceived || r.Version != 1 || !r.CreatedAt.Equal(t0) || r.NextCheckAt.IsZero() {
		t.Fatalf("new request %+v", r)
	}
	if r.Policy.OnCsrFailure != CsrProceed || r.Policy.CsrTimeout != DefaultCsrTimeout {
		t.Fatalf("policy defaults %+v", r.Policy)
	}
	for _, n := range r.Numbers {
		if n.Status != NumberPending {
			t.Fatalf("number %+v", n)
		}
	}

	in := testIntake()
	in.BillingNumber = ""
	if r, _ := NewPortRequest(in, t0); r.BillingNumber != "9195551001" {
		t.Fatalf("billing number defaults to the first number, got %q", r.BillingNumber)
	}
}

func TestNewPortRequestValidation(t *testing.T) {
	seven, tooLate := TimeOfDay{23, 0}, TimeOfDay{12, 0}
	past, far := d("2026-03-01"), d("2026-04-15")
	cases := []struct {
		name    string
		mutate  func(*Intake)
		pointer string
	}{
		{"id", func(in *Intake) { in.ID = "not-a-uuid" }, "/id"},
		{"no numbers", func(in *Intake) { in.Numbers = nil }, "/numbers"},
		{"short number", func(in *Intake) { in.Numbers = []string{"919555100"} }, "/numbers/0"},
		{"number starting with 1", func(in *Intake) { in.Numbers = []string{"1195551001"} }, "/numbers/0"},
		{"duplicate", func(in *Intake) { in.Numbers = []string{"9195551001", "9195551001"} }, "/numbers/1"},
		{"customer order id", func(in *Intake) { in.CustomerOrderID = "bad_id!" }, "/customer_order_id"},
		{"business without name", func(in *Intake) { in.Subscriber = Subscriber{Type: SubscriberBusiness} }, "/subscriber/business_name"},
		{"business name too long", func(in *Intake) { in.Subscriber.BusinessName = strings.Repeat("x", 26) }, "/subscriber/business_name"},
		{"residential with business name", func(in *Intake) {
			in.Subscriber = Subscriber{Type: SubscriberResidential, LastName: "Lee", BusinessName: "X"}
		}, "/subscriber/business_name"},
		{"residential without last name", func(in *Intake) { in.Subscriber = Subscriber{Type: SubscriberResidential, FirstName: "Ann"} }, "/subscriber/last_name"},
		{"subscriber type", func(in *Intake) { in.Subscriber.Type = "company" }, "/subscriber/type"},
		{"unparsed address", func(in *Intake) { in.ServiceAddressParts.HouseNumber = "" }, "/service_address"},
		{"state", func(in *Intake) { in.ServiceAddressParts.StateCode = "North Carolina" }, "/service_address/state"},
		{"zip", func(in *Intake) { in.ServiceAddressParts.Zip = "2760" }, "/service_address/zip"},
		{"LOA person", func(in *Intake) { in.LoaAuthorizingPerson = " " }, "/loa_authorizing_person"},
		{"FOC wish in the past", func(in *Intake) { in.FocWish = &past }, "/requested_foc_date"},
		{"FOC wish too far", func(in *Intake) { in.FocWish = &far }, "/requested_foc_date"},
		{"activation mode", func(in *Intake) { in.Activation.Mode = "later" }, "/activation/mode"},
		{"time with scheduled activation", func(in *Intake) { in.Activation = Activation{Mode: ActivationScheduled, At: &tooLate} }, "/activation/at"},
		{"activation outside the window", func(in *Intake) { in.Activation = Activation{Mode: ActivationOnDemand, At: &seven} }, "/activation/at"},
		{"policy", func(in *Intake) { in.Policy.OnCsrFailure = "wait" }, "/policy/on_csr_failure"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := testIntake()
			tc.mutate(&in)
			_, err := NewPortRequest(in, t0)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			var pointers []string
			for _, p := range verr.Problems {
				pointers = append(pointers, p.Pointer)
				if p.Message == "" || p.Code == "" {
					t.Fatalf("problem without code or message: %+v", p)
				}
			}
			if !slices.Contains(pointers, tc.pointer) {
				t.Fatalf("problems %v do not name %s", pointers, tc.pointer)
			}
		})
	}
}

func TestNewPortRequestReportsEveryProblemAtOnce(t *testing.T) {
	in := testIntake()
	in.ID, in.Numbers, in.LoaAuthorizingPerson = "x", []string{"1"}, ""
	_, err := NewPortRequest(in, t0)
	var verr *ValidationError
	if !errors.As(err, &verr) || len(verr.Problems) < 3 {
		t.Fatalf("want at least 3 problems, got %v", err)
	}
	for _, ptr := range []string{"/id", "/numbers/0", "/loa_authorizing_person"} {
		if !strings.Contains(err.Error(), ptr) {
			t.Errorf("error text %q does not name %s", err.Error(), ptr)
		}
	}
}

func TestSecretsStayOutOfLogsButNotOutOfStorage(t *testing.T) {
	s := Secret("4321")
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %q %x %#v", s, s, s, s, s), fmt.Sprintf("%+v", WirelessInfo{AccountNumber: "99", PIN: s})} {
		if strings.Contains(out, "4321") || strings.Contains(out, "99 ") {
			t.Fatalf("secret printed: %s", out)
		}
	}
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("plan", "pin", s)
	if strings.Contains(logged.String(), "4321") {
		t.Fatalf("secret logged: %s", logged.String())
	}
	b, _ := json.Marshal(WirelessInfo{AccountNumber: "99", PIN: s})
	if !strings.Contains(string(b), `"pin":"4321"`) {
		t.Fatalf("the stored form must keep the value for the store to encrypt: %s", b)
	}
	if s.Reveal() != "4321" || Secret("").String() != "" {
		t.Fatal("Reveal/empty secret")
	}
}
