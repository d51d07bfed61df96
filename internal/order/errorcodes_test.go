package order

import (
	"slices"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	cases := map[string]ErrorClass{
		"7402": ClassAddressName, "7404": ClassAddressName, "7408": ClassAddressName, "7429": ClassAddressName,
		"6463": ClassAddressName, "6507": ClassAddressName, "6543": ClassAddressName, "6545": ClassAddressName,
		"7401": ClassAccountNumber, "7212": ClassAccountNumber,
		"7435": ClassPIN, "7213": ClassPIN,
		"6515": ClassAccountAndPIN, "6207": ClassAccountAndPIN,
		"7445": ClassBillingNumber,
		"7473": ClassAuthorizer,
		"7424": ClassDocuments,
		"7434": ClassPartialPort,
		"7412": ClassFocDate, "7209": ClassFocDate, "7210": ClassFocDate, "7315": ClassFocDate,
		"7205": ClassNumberConflict,
		"7416": ClassEndUser,
		"7503": ClassNotPortable,
		"7323": ClassRetryLater, "7484": ClassRetryLater, "7300": ClassRetryLater,
		"7388": ClassInformational, "7380": ClassInformational,
		"0000": ClassUnknown, "7309": ClassUnknown, "": ClassUnknown,
		" 7402 ": ClassAddressName,
	}
	for code, want := range cases {
		if got := Classify(code); got != want {
			t.Errorf("Classify(%q) = %s, want %s", code, got, want)
		}
	}
}

func TestEveryClassExplainsItself(t *testing.T) {
	for _, c := range ErrorClasses {
		if c.Sentence() == "" {
			t.Errorf("%s has no sentence", c)
		}
		if c.needsOperator() && c.ActionCode() == "" {
			t.Errorf("%s needs an operator but has no action code", c)
		}
		info := classes[c]
		if c.needsOperator() && len(info.fields) == 0 && !info.confirmable {
			t.Errorf("%s asks for nothing and cannot be confirmed: an operator could never resolve it", c)
		}
	}
}

// Codes from Bandwidth's own payloads classify sensibly.
func TestFixtureErrorCodes(t *testing.T) {
	cases := []struct {
		fixture string
		want    map[string]ErrorClass
	}{
		{"portin-create-400-validation.xml", map[string]ErrorClass{"7309": ClassUnknown, "7312": ClassUnknown, "7398": ClassUnknown}},
		{"portin-get-cancelled-with-errors.xml", map[string]ErrorClass{"0000": ClassUnknown, "7205": ClassNumberConflict}},
		{"portin-put-400-errors-with-tns.xml", map[string]ErrorClass{"7331": ClassNotPortable, "7495": ClassUnknown}},
		{"csr-get-200-failed-26500.xml", map[string]ErrorClass{"26500": ClassUnknown}},
	}
	for _, tc := range cases {
		errs := loadFixture(t, tc.fixture).bandwidthErrors()
		if len(errs) != len(tc.want) {
			t.Fatalf("%s: %d errors parsed, want %d: %+v", tc.fixture, len(errs), len(tc.want), errs)
		}
		for _, e := range errs {
			if got := Classify(e.Code); got != tc.want[e.Code] {
				t.Errorf("%s: %s is %s, want %s", tc.fixture, e.Code, got, tc.want[e.Code])
			}
		}
	}
	put := loadFixture(t, "portin-put-400-errors-with-tns.xml").bandwidthErrors()
	if !slices.Equal(put[1].Numbers, []string{"2024551000", "2018391156", "2018391157"}) {
		t.Fatalf("numbers of 7495: %v", put[1].Numbers)
	}
}

func TestActionForSeveralErrors(t *testing.T) {
	a := actionForErrors([]BandwidthError{
		{Code: "7401", Description: "account number"},
		{Code: "7388", Description: "LOA name truncated"},
		{Code: "7435", Description: "PIN"},
	}, ResumeSupp)
	if a.Code != "account_number_rejected" || !slices.Equal(a.Fields, []string{FieldAccountNumber, FieldPIN}) || a.Confirmable {
		t.Fatalf("action %+v", a)
	}
	for _, want := range []string{ClassAccountNumber.Sentence(), ClassPIN.Sentence(), "7401: account number", "7388: LOA name truncated"} {
		if !strings.Contains(a.Message, want) {
			t.Errorf("message %q lacks %q", a.Message, want)
		}
	}
	if strings.Contains(a.Message, ClassInformational.Sentence()) {
		t.Errorf("a warning's sentence is shown as if it needed action: %q", a.Message)
	}
}

func TestOnlyRetryLater(t *testing.T) {
	cases := []struct {
		codes []string
		want  bool
	}{
		{[]string{"7484"}, true},
		{[]string{"7484", "7388"}, true},
		{[]string{"7484", "7402"}, false},
		{[]string{"7388"}, false},
		{nil, false},
	}
	for _, tc := range cases {
		var errs []BandwidthError
		for _, c := range tc.codes {
			errs = append(errs, BandwidthError{Code: c})
		}
		if got := onlyRetryLater(errs); got != tc.want {
			t.Errorf("onlyRetryLater(%v) = %v, want %v", tc.codes, got, tc.want)
		}
	}
}

func TestRefusalSentences(t *testing.T) {
	activation := activationRefusalSentence(loadFixture(t, "activation-status-put-400-7342.xml").bandwidthErrors())
	if !strings.Contains(activation, "not allowed yet") || !strings.Contains(activation, "7342: On demand port-in activation not yet allowed.") {
		t.Errorf("activation sentence %q", activation)
	}
	cancel := cancelRefusalSentence(loadFixture(t, "portin-delete-400-7304.xml").bandwidthErrors())
	if !strings.Contains(cancel, "already complete") || !strings.Contains(cancel, "7304") {
		t.Errorf("cancel sentence %q", cancel)
	}
	if s := cancelRefusalSentence([]BandwidthError{{Code: "7301"}}); !strings.Contains(s, "24 hours") {
		t.Errorf("too-late sentence %q", s)
	}
}
