package sandbox

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestDraftPurgeRun(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ touched, run string }{
		{"2026-03-02T15:00:00Z", "2026-03-05T09:00:00Z"}, // idle 48 h on Wed 15:00: Thursday's run
		{"2026-03-02T08:00:00Z", "2026-03-04T09:00:00Z"}, // idle 48 h on Wed 08:00: Wednesday's run
		{"2026-03-02T09:00:00Z", "2026-03-04T09:00:00Z"}, // exactly 48 h at Wednesday's run
		{"2026-03-02T10:00:00-05:00", "2026-03-05T09:00:00Z"},
	} {
		if got := draftPurgeRun(at(tc.touched)); !got.Equal(at(tc.run)) {
			t.Errorf("draft touched %s purged at %s, want %s", tc.touched, got.Format(time.RFC3339), tc.run)
		}
	}
}

func (h *harness) idleDraftViolations() []Violation {
	var out []Violation
	for _, v := range h.sb.Violations() {
		if v.Rule == RuleIdleDraft {
			out = append(out, v)
		}
	}
	return out
}

// TestIdleDraftsArePurgedAtNineUTC follows the calendar alone (IdlePerStep < 0) and runs the
// purge by hand after each clock move.
func TestIdleDraftsArePurgedAtNineUTC(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.IdlePerStep = -1 })
	// Mon 2026-03-02 15:00 UTC.
	idle := specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 80))
	idle.ProcessingStatus = "DRAFT"
	idleID := h.createPortIn(idle)
	kept := specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 81))
	kept.ProcessingStatus = "DRAFT"
	keptID := h.createPortIn(kept)
	live := h.createPortIn(specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 82)))
	a1 := NumberFor(Scenario{Carrier: CarrierWireline}, 83)
	bulk := decodeAs[bulkPortinResponse](t, h.call("POST", "/bulkPortins", bulkBody(a1, "Pat Doe")).expect(t, http.StatusCreated).body).BulkPortin.OrderID
	h.call("PUT", "/bulkPortins/"+bulk+"/tnList", tnListBody(a1)).expect(t, http.StatusAccepted)
	waitFor(t, "VALID_DRAFT_TNS", func() bool { return h.bulkStatus(bulk) == bulkValidDraft })
	child := decodeAs[portinListResponse](t, h.call("GET", "/bulkPortins/"+bulk+"/portinList", "").expect(t, http.StatusOK).body).PortinList.OrderIDs[0]

	h.clock.Advance(47 * time.Hour) // Wed 14:00: touch one draft
	h.sb.purgeIdleDrafts()
	h.call("PUT", "/portins/"+keptID, `<LnpOrderSupp><PeerId>5</PeerId></LnpOrderSupp>`).expect(t, http.StatusOK)
	h.clock.Advance(18*time.Hour + 59*time.Minute) // Thu 08:59: idle 48 h, but the run is at 09:00
	h.sb.purgeIdleDrafts()
	if v := h.idleDraftViolations(); len(v) != 0 {
		t.Fatalf("purged before 09:00 UTC: %+v", v)
	}
	h.call("GET", "/portins/"+idleID, "").expect(t, http.StatusOK)

	h.clock.Advance(time.Minute) // Thu 09:00
	h.sb.purgeIdleDrafts()
	h.call("GET", "/portins/"+idleID, "").expect(t, http.StatusNotFound)
	h.call("GET", "/bulkPortins/"+bulk, "").expect(t, http.StatusNotFound)
	h.call("GET", "/portins/"+child, "").expect(t, http.StatusNotFound)
	h.call("GET", "/portins/"+keptID, "").expect(t, http.StatusOK)
	h.call("GET", "/portins/"+live, "").expect(t, http.StatusOK)
	v := h.idleDraftViolations()
	if len(v) != 2 || !strings.Contains(v[0].Message, bulk) || !strings.Contains(v[1].Message, idleID) ||
		v[0].Request != "purge of idle drafts at 2026-03-05T09:00:00Z" {
		t.Fatalf("violations %+v", v)
	}
	h.createPortIn(specFor(idle.BTN)) // the purged draft's number is free

	h.clock.Advance(25 * time.Hour) // Fri 10:00: the draft touched Wed 14:00 is idle only from Fri 14:00
	h.sb.purgeIdleDrafts()
	h.call("GET", "/portins/"+keptID, "").expect(t, http.StatusOK)
	h.clock.Advance(23 * time.Hour) // Sat 09:00
	h.sb.purgeIdleDrafts()
	h.call("GET", "/portins/"+keptID, "").expect(t, http.StatusNotFound)
	if n := len(h.idleDraftViolations()); n != 3 {
		t.Fatalf("%d idle-draft violations, want 3", n)
	}
}

// TestIdleDraftPurgeIsTimeCompressed: with the calendar standing still, steps alone age a
// draft (here one hour each), and the background sweep purges it.
func TestIdleDraftPurgeIsTimeCompressed(t *testing.T) {
	h := newHarness(t, func(o *Options) { o.Step, o.IdlePerStep = 5*time.Millisecond, time.Hour })
	draft := specFor(NumberFor(Scenario{Carrier: CarrierWireline}, 90))
	draft.ProcessingStatus = "DRAFT"
	id := h.createPortIn(draft)
	waitFor(t, "the idle draft to be purged", func() bool { return len(h.idleDraftViolations()) == 1 })
	h.call("GET", "/portins/"+id, "").expect(t, http.StatusNotFound)
	if snap, _ := h.sb.Order(id); !snap.Deleted {
		t.Fatal("purged draft not shown as deleted")
	}
}
