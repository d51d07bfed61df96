package store_test

import (
	"testing"
)

func TestGetHeaderLeavesNumbersAndOrdersOut(t *testing.T) {
	f := newNumbersFixture(t, 3)
	full, err := f.requests.Get(f.ctx, f.req.ID)
	if err != nil {
		t.Fatal(err)
	}
	header, err := f.requests.GetHeader(f.ctx, f.req.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Numbers) != 3 || header.Numbers != nil || header.Orders != nil {
		t.Fatalf("full has %d numbers; header has %d numbers, %d orders", len(full.Numbers), len(header.Numbers), len(header.Orders))
	}
	if header.ID != full.ID || !header.CreatedAt.Equal(full.CreatedAt) || header.Status != full.Status || header.Version != full.Version {
		t.Fatalf("header %+v differs from the request %+v", header, full)
	}
	if _, err := f.requests.GetHeader(f.ctx, "0198c0de-0000-7000-8000-000000000000"); err == nil {
		t.Fatal("a missing request read without error")
	}
}
