package secrets

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestSealOpenRoundTripAndTamper(t *testing.T) {
	box, err := New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range []string{"1234", "a longer passcode with spaces", "ünïcödé"} {
		sealed, err := box.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(sealed, plain) || !strings.HasPrefix(sealed, "v1:") {
			t.Errorf("sealed %q = %q: plaintext visible or no version prefix", plain, sealed)
		}
		again, _ := box.Seal(plain)
		if again == sealed {
			t.Error("two seals of the same value are identical: nonce reuse")
		}
		got, err := box.Open(sealed)
		if err != nil || got != plain {
			t.Errorf("Open = %q, %v; want %q", got, err, plain)
		}
		tampered := sealed[:len(sealed)-2] + "AA"
		if _, err := box.Open(tampered); !errors.Is(err, ErrCorrupt) {
			t.Errorf("tampered value opened: %v", err)
		}
	}
	other, _ := New(bytes.Repeat([]byte{8}, 32))
	sealed, _ := box.Seal("1234")
	if _, err := other.Open(sealed); !errors.Is(err, ErrCorrupt) {
		t.Errorf("opened with the wrong key: %v", err)
	}
	if s, _ := box.Seal(""); s != "" {
		t.Errorf("Seal(\"\") = %q, want empty", s)
	}
	if _, err := New([]byte("short")); err == nil {
		t.Error("New accepted a 5-byte key")
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"": "", "12": "****", "1234": "****", "123456": "****56", "ACCT-9981": "****81"} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}
