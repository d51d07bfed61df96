package sandbox

import (
	"fmt"
	"sort"
	"time"
)

// Bandwidth deletes drafts (port-ins and bulk port-ins) left untouched for 48 hours, in a
// daily run at 09:00 UTC (PROTOCOL §5.3, §7.2).
const (
	draftIdleLimit = 48 * time.Hour
	draftPurgeHour = 9 // UTC
	// purgeSweepSteps is how often (in steps) the sandbox looks for drafts a run would delete.
	purgeSweepSteps = 4
)

// draftClock is the time by which a draft's idleness is measured: the calendar (Options.Now)
// plus the real time since the sandbox started, compressed at Options.IdlePerStep per step.
// So a test clock moved 48 h ahead purges, and so does an idle draft under time.Now after
// 2,880 steps (the default one minute per step).
func (s *Sandbox) draftClock() time.Time {
	t := s.now()
	if s.opts.IdlePerStep > 0 && s.opts.Step > 0 {
		steps := float64(time.Since(s.started)) / float64(s.opts.Step)
		t = t.Add(time.Duration(steps * float64(s.opts.IdlePerStep)))
	}
	return t
}

// draftPurgeRun is the first daily purge run that finds a draft touched at touched idle for
// 48 hours.
func draftPurgeRun(touched time.Time) time.Time {
	due := touched.Add(draftIdleLimit).UTC()
	run := time.Date(due.Year(), due.Month(), due.Day(), draftPurgeHour, 0, 0, 0, time.UTC)
	if run.Before(due) {
		run = run.AddDate(0, 0, 1)
	}
	return run
}

// schedulePurgeSweep looks for purgeable drafts every purgeSweepSteps steps until Close.
func (s *Sandbox) schedulePurgeSweep() {
	s.sched.after(s.steps(purgeSweepSteps), func() {
		s.purgeIdleDrafts()
		s.schedulePurgeSweep()
	})
}

// purgeIdleDrafts deletes every draft a 09:00 UTC run has found idle for 48 hours by now.
func (s *Sandbox) purgeIdleDrafts() {
	s.mu.Lock()
	s.purgeIdleDraftsLocked(s.draftClock())
	s.mu.Unlock()
}

// purgeIdleDraftsLocked deletes the drafts due by now, as Bandwidth's purge does, and records
// a RuleIdleDraft violation for each: a flow must submit or delete every draft it makes.
// Children attached to a draft bulk port-in go with their bulk, never on their own.
func (s *Sandbox) purgeIdleDraftsLocked(now time.Time) {
	bulks := make([]*bulkPortin, 0, len(s.bulks))
	for _, b := range s.bulks {
		if b.isDraft() && !now.Before(draftPurgeRun(b.touched)) {
			bulks = append(bulks, b)
		}
	}
	sort.Slice(bulks, func(i, j int) bool { return bulks[i].created.Before(bulks[j].created) })
	for _, b := range bulks {
		run := draftPurgeRun(b.touched)
		children := s.deleteBulkLocked(b)
		s.recordViolationLocked(purgeRequest(run), RuleIdleDraft, fmt.Sprintf(
			"Draft bulk port-in %s (CustomerOrderId %q, %s, %d draft children) was untouched since %s and was purged by the %s run; submit or delete drafts within 48 hours.",
			b.id, b.customerOrderID, b.status, children, b.touched.UTC().Format(time.RFC3339), run.Format(time.RFC3339)))
	}
	for _, p := range s.portinSeq {
		if p.deleted || !p.isDraft() || s.attachedToDraftBulkLocked(p) || now.Before(draftPurgeRun(p.touched)) {
			continue
		}
		run := draftPurgeRun(p.touched)
		s.deleteDraftPortInLocked(p)
		s.recordViolationLocked(purgeRequest(run), RuleIdleDraft, fmt.Sprintf(
			"Draft port-in %s (CustomerOrderId %q, %d numbers) was untouched since %s and was purged by the %s run; submit or delete drafts within 48 hours.",
			p.id, p.customerOrderID, len(p.tns), p.touched.UTC().Format(time.RFC3339), run.Format(time.RFC3339)))
	}
}

func purgeRequest(run time.Time) string {
	return "purge of idle drafts at " + run.Format(time.RFC3339)
}

func (s *Sandbox) attachedToDraftBulkLocked(p *portIn) bool {
	b := s.bulks[p.bulkID]
	return b != nil && b.isDraft() && contains(b.children, p.id)
}

// deleteDraftPortInLocked removes a draft port-in entirely (DELETE on a draft, or the purge):
// it is gone from the API and detached from its bulk port-in. A draft holds no numbers (7205),
// so they are free at once.
func (s *Sandbox) deleteDraftPortInLocked(p *portIn) {
	p.deleted = true
	p.modified = s.now()
	if b := s.bulks[p.bulkID]; b != nil {
		b.detachLocked(p.id)
	}
	s.syncHeldNumbersLocked(p)
	s.logf("sandbox: portin %s draft deleted", p.id)
}

// deleteBulkLocked removes a draft bulk port-in with its draft children and returns how many
// children went with it.
func (s *Sandbox) deleteBulkLocked(b *bulkPortin) int {
	n := 0
	for _, id := range b.children {
		if p := s.portInLocked(id); p != nil && p.isDraft() {
			p.deleted = true
			p.modified = s.now()
			n++
		}
	}
	b.gen++ // a pending TN validation must not resurrect it
	delete(s.bulks, b.id)
	s.logf("sandbox: bulkPortin %s draft deleted", b.id)
	return n
}
