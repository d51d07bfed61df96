package orchestrator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/order"
)

// origin says what caused an event; it becomes the timeline's actor and tells the reconciler's
// discoveries apart for the missed-callback count.
type origin string

const (
	originFlow      origin = "portflow"
	originCallback  origin = "bandwidth-callback"
	originReconcile origin = "reconciler"
	originOperator  origin = "operator"
)

// applyOpts are the optional parts of apply.
type applyOpts struct {
	// evidence is kept on the timeline entries (the Bandwidth answer behind the event).
	evidence any
	// notifiedAt is when the callback behind the event arrived (reaction-latency metric).
	notifiedAt time.Time
	// inTx runs inside the deciding transaction after the decision is saved.
	inTx func(ctx context.Context, tx pgx.Tx, dec order.Decision) error
}

// apply is the one way a request changes: in one transaction, lock the row, decide, save the new
// state and its timeline, and enqueue the effects as jobs. It never calls Bandwidth.
func (o *Orchestrator) apply(ctx context.Context, requestID string, ev order.Event, org origin, evidence any) (order.Decision, error) {
	return o.applyWith(ctx, requestID, ev, org, applyOpts{evidence: evidence})
}

func (o *Orchestrator) applyWith(ctx context.Context, requestID string, ev order.Event, org origin, opts applyOpts) (order.Decision, error) {
	var (
		dec    order.Decision
		before order.PortRequest
		missed []order.Entry
	)
	err := o.db.InTx(ctx, func(tx pgx.Tx) error {
		var err error
		before, err = o.requests.Lock(ctx, tx, requestID)
		if err != nil {
			return err
		}
		dec, err = order.Decide(before, ev)
		if err != nil {
			return err
		}
		o.scaleSchedule(before, &dec, ev.Time())
		if !dec.Changed {
			if !dec.Request.NextCheckAt.Equal(before.NextCheckAt) {
				if err := o.requests.SaveSchedule(ctx, tx, requestID, dec.Request.NextCheckAt); err != nil {
					return err
				}
			}
			if err := o.enqueue(ctx, tx, requestID, dec.Effects, effectOrigin(ev, org), opts.notifiedAt); err != nil {
				return err
			}
			return runInTx(ctx, tx, opts, dec)
		}
		if err := o.requests.Save(ctx, tx, before, dec.Request); err != nil {
			return err
		}
		entries := dec.Timeline
		if org == originReconcile {
			missed, err = o.missedCallbacks(ctx, tx, before, dec.Request, ev)
			if err != nil {
				return err
			}
			entries = append(entries, missed...)
		}
		if err := o.requests.AppendTimeline(ctx, tx, requestID, entries, string(org), opts.evidence); err != nil {
			return err
		}
		if err := o.enqueue(ctx, tx, requestID, dec.Effects, effectOrigin(ev, org), opts.notifiedAt); err != nil {
			return err
		}
		return runInTx(ctx, tx, opts, dec)
	})
	var rejected *order.RejectedError
	switch {
	case errors.As(err, &rejected):
		o.metrics.decisions.WithLabelValues(string(ev.Kind()), "rejected").Inc()
		return order.Decision{}, err
	case err != nil:
		return order.Decision{}, fmt.Errorf("apply %s to %s: %w", ev.Kind(), requestID, err)
	}
	o.metrics.observeDecision(before, dec, ev, o.now())
	o.metrics.missedCallbacks.Add(float64(len(missed)))
	if dec.Changed && dec.Request.Status != before.Status {
		o.log.Info("request status changed", zap.String("request_id", requestID),
			zap.String("from", string(before.Status)), zap.String("to", string(dec.Request.Status)),
			zap.String("cause", string(ev.Kind())), zap.String("reason", dec.Request.StatusReason))
	}
	return dec, nil
}

// scaleSchedule compresses the delays Decide chose (see Options.TimeScale): the next reconcile
// check, and the retry or reissue time of every port order that this decision set (carried-over
// times were scaled when they were set). Ignored decisions keep the stored schedule untouched.
func (o *Orchestrator) scaleSchedule(before order.PortRequest, dec *order.Decision, at time.Time) {
	if o.opts.TimeScale == 1 || dec.Ignored != "" {
		return
	}
	if !dec.Request.NextCheckAt.IsZero() {
		dec.Request.NextCheckAt = o.scaled(at, dec.Request.NextCheckAt)
	}
	previous := make(map[string]time.Time, len(before.Orders))
	for _, po := range before.Orders {
		previous[po.ID] = po.RetryAt
	}
	for i := range dec.Request.Orders {
		po := &dec.Request.Orders[i]
		if po.RetryAt.After(at) && !po.RetryAt.Equal(previous[po.ID]) {
			po.RetryAt = o.scaled(at, po.RetryAt)
		}
	}
	if b := dec.Request.Bulk; b != nil && b.RetryAt.After(at) && (before.Bulk == nil || !b.RetryAt.Equal(before.Bulk.RetryAt)) {
		b.RetryAt = o.scaled(at, b.RetryAt)
	}
}

// scaled compresses the wait from at until t.
func (o *Orchestrator) scaled(at, t time.Time) time.Time {
	return at.Add(time.Duration(float64(t.Sub(at)) * o.opts.TimeScale))
}

func runInTx(ctx context.Context, tx pgx.Tx, opts applyOpts, dec order.Decision) error {
	if opts.inTx == nil {
		return nil
	}
	return opts.inTx(ctx, tx, dec)
}

// effectOrigin: effects decided while handling a reconcile tick (or the observation it fetched)
// stay attributed to the reconciler, so what they discover counts as a missed callback.
func effectOrigin(ev order.Event, org origin) origin {
	if _, ok := ev.(order.CheckDue); ok {
		return originReconcile
	}
	return org
}

// missedCallbacks returns a timeline note for every Bandwidth order the reconciler found in a new
// status that no stored callback announced: callbacks Bandwidth never delivered (or that we lost).
func (o *Orchestrator) missedCallbacks(ctx context.Context, tx pgx.Tx, before, after order.PortRequest, ev order.Event) ([]order.Entry, error) {
	type change struct{ portOrder, orderType, orderID, status string }
	var changes []change
	// A callback for a change that has just happened may still be on its way: only a change older
	// than the grace is one Bandwidth's callback should already have announced.
	grace := max(500*time.Millisecond, time.Duration(float64(10*time.Second)*o.opts.TimeScale))
	settled := func(lastModified time.Time) bool {
		return !lastModified.IsZero() && ev.Time().Sub(lastModified) > grace
	}
	old := map[string]order.PortOrder{}
	for _, po := range before.Orders {
		old[po.ID] = po
	}
	switch ev.(type) {
	case order.PortInObserved:
		for _, po := range after.Orders {
			if po.BandwidthOrderID != "" && po.ProcessingStatus != old[po.ID].ProcessingStatus && old[po.ID].ProcessingStatus != "" && settled(po.LastModified) {
				changes = append(changes, change{po.ID, "portins", po.BandwidthOrderID, po.ProcessingStatus})
			}
		}
	case order.CsrObserved:
		for _, po := range after.Orders {
			if po.Csr.OrderID != "" && po.Csr.Status != old[po.ID].Csr.Status && isNotifiedCsrStatus(po.Csr.Status) && settled(po.Csr.LastModified) {
				changes = append(changes, change{po.ID, "csrs", po.Csr.OrderID, po.Csr.Status})
			}
		}
	default:
		return nil, nil
	}
	var entries []order.Entry
	for _, c := range changes {
		var announced bool
		err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM callback_inbox WHERE order_id = $1 AND status = $2)`,
			c.orderID, c.status).Scan(&announced)
		if err != nil {
			return nil, fmt.Errorf("look up callbacks for %s: %w", c.orderID, err)
		}
		if !announced {
			entries = append(entries, order.Entry{
				At: ev.Time(), PortOrder: c.portOrder, From: c.status, To: c.status, Cause: order.KindCheckDue,
				Detail: fmt.Sprintf("reconciler found %s order %s in %s without a callback (missed callback repaired)", c.orderType, c.orderID, c.status),
			})
		}
	}
	return entries, nil
}

// isNotifiedCsrStatus: Bandwidth sends CSR callbacks only for these statuses (PROTOCOL §2.4).
func isNotifiedCsrStatus(s string) bool {
	return s == order.CsrComplete || s == order.CsrFailed || s == order.CsrActionRequired
}

// enqueue turns effects into jobs inside the deciding transaction (transactional enqueue: the
// jobs exist exactly when the decision is committed).
func (o *Orchestrator) enqueue(ctx context.Context, tx pgx.Tx, requestID string, effects []order.Effect, org origin, notifiedAt time.Time) error {
	if len(effects) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, 0, len(effects))
	for _, e := range effects {
		if sa, ok := e.(order.ScheduleActivation); ok {
			params = append(params, river.InsertManyParams{
				Args:       activationDueArgs{RequestID: requestID, PortOrder: sa.PortOrder, ScheduledFor: sa.At},
				InsertOpts: &river.InsertOpts{ScheduledAt: sa.At},
			})
			continue
		}
		args, err := o.effectJob(requestID, e, org, notifiedAt)
		if err != nil {
			return err
		}
		var opts *river.InsertOpts
		if isCreate(e) {
			// Find-or-create is idempotent one run at a time, not when two runs race: both find
			// nothing, both create, and Bandwidth refuses the second (7205) or holds two orders.
			// So a create (a reissue, typically) is not queued while the same create still waits
			// in the queue, and is unique while it runs (singleFlight).
			waiting, err := effectWaiting(ctx, tx, args)
			if err != nil {
				return err
			}
			if waiting {
				continue
			}
			opts = &river.InsertOpts{UniqueOpts: singleFlight}
		}
		params = append(params, river.InsertManyParams{Args: args, InsertOpts: opts})
	}
	if len(params) == 0 {
		return nil
	}
	if _, err := o.river.InsertManyTx(ctx, tx, params); err != nil {
		return fmt.Errorf("enqueue %d job(s) for %s: %w", len(params), requestID, err)
	}
	return nil
}

// effectJob seals the effect: plans carry PINs and account numbers, and job arguments are stored
// in Postgres like everything else.
func (o *Orchestrator) effectJob(requestID string, e order.Effect, org origin, notifiedAt time.Time) (effectArgs, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return effectArgs{}, fmt.Errorf("encode effect %s: %w", e.Kind(), err)
	}
	sealed, err := o.opts.Box.Seal(string(b))
	if err != nil {
		return effectArgs{}, err
	}
	return effectArgs{RequestID: requestID, Effect: e.Kind(), PortOrder: portOrderOf(e), Sealed: sealed, Origin: org, NotifiedAt: notifiedAt}, nil
}

func (o *Orchestrator) openEffect(a effectArgs) (order.Effect, error) {
	plain, err := o.opts.Box.Open(a.Sealed)
	if err != nil {
		return nil, err
	}
	decode, ok := effectDecoders[a.Effect]
	if !ok {
		return nil, fmt.Errorf("unknown effect kind %q", a.Effect)
	}
	e, err := decode([]byte(plain))
	if err != nil {
		return nil, fmt.Errorf("decode effect %s: %w", a.Effect, err)
	}
	return e, nil
}

func decodeAs[T order.Effect](b []byte) (order.Effect, error) {
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	return v, nil
}

var effectDecoders = map[order.EffectKind]func([]byte) (order.Effect, error){
	order.EffectCheckPortability: decodeAs[order.CheckPortability],
	order.EffectCreateCsr:        decodeAs[order.CreateCsr],
	order.EffectFetchCsr:         decodeAs[order.FetchCsr],
	order.EffectUpdateCsr:        decodeAs[order.UpdateCsr],
	order.EffectCancelCsr:        decodeAs[order.CancelCsr],
	order.EffectCreatePortIn:     decodeAs[order.CreatePortIn],
	order.EffectUploadDocuments:  decodeAs[order.UploadDocuments],
	order.EffectFetchPortIn:      decodeAs[order.FetchPortIn],
	order.EffectSuppPortIn:       decodeAs[order.SuppPortIn],
	order.EffectActivatePortIn:   decodeAs[order.ActivatePortIn],
	order.EffectCancelPortIn:     decodeAs[order.CancelPortIn],

	order.EffectCreateBulkPortIn:    decodeAs[order.CreateBulkPortIn],
	order.EffectPutBulkTnList:       decodeAs[order.PutBulkTnList],
	order.EffectCollectBulkChildren: decodeAs[order.CollectBulkChildren],
	order.EffectPrepareDraft:        decodeAs[order.PrepareDraft],
	order.EffectDiscardDraft:        decodeAs[order.DiscardDraft],
	order.EffectSubmitBulk:          decodeAs[order.SubmitBulk],
	order.EffectFetchBulkPortIn:     decodeAs[order.FetchBulkPortIn],
	order.EffectDeleteBulkPortIn:    decodeAs[order.DeleteBulkPortIn],
}

func portOrderOf(e order.Effect) string {
	switch v := e.(type) {
	case order.CreateCsr:
		return v.PortOrder
	case order.FetchCsr:
		return v.PortOrder
	case order.UpdateCsr:
		return v.PortOrder
	case order.CancelCsr:
		return v.PortOrder
	case order.CreatePortIn:
		return v.PortOrder
	case order.UploadDocuments:
		return v.PortOrder
	case order.FetchPortIn:
		return v.PortOrder
	case order.SuppPortIn:
		return v.PortOrder
	case order.ActivatePortIn:
		return v.PortOrder
	case order.CancelPortIn:
		return v.PortOrder
	case order.ScheduleActivation:
		return v.PortOrder
	case order.PrepareDraft:
		return v.PortOrder
	case order.DiscardDraft:
		return v.PortOrder
	}
	return ""
}
