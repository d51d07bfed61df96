package orchestrator

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/order"
	"github.com/portflow/portflow/internal/store"
)

// InboxHook is the store.InboxReceiver.OnAccepted hook: it enqueues the processing of a stored
// callback inside the transaction that stores it, so a callback is acknowledged only when both
// the row and its job are committed.
func (o *Orchestrator) InboxHook() func(ctx context.Context, tx pgx.Tx, entry store.InboxEntry) error {
	return func(ctx context.Context, tx pgx.Tx, entry store.InboxEntry) error {
		_, err := o.river.InsertTx(ctx, tx, callbackArgsOf(entry), nil)
		return err
	}
}

type callbackWorker struct {
	river.WorkerDefaults[callbackArgs]
	o *Orchestrator
}

// unknownOrderRetries is how often a callback for an order portflow does not know yet is looked
// at again: the first notification of a new order can arrive an instant before the order id is
// recorded. After that it stays in the inbox as unknown_order for an operator.
const unknownOrderRetries = 3

// Work turns a stored callback into a hint for the state machine: a status notification becomes
// Notified (the decision then re-reads the order from Bandwidth — the notification is never
// trusted alone), a note becomes a timeline note.
func (w *callbackWorker) Work(ctx context.Context, job *river.Job[callbackArgs]) error {
	o := w.o
	entry, err := w.entry(ctx, job.Args)
	if err != nil {
		return err
	}
	if !entry.ProcessedAt.IsZero() {
		return nil
	}
	ref, err := o.requests.FindOrder(ctx, entry.OrderType, entry.OrderID, entry.CustomerOrderID)
	if errors.Is(err, store.ErrNotFound) {
		if job.Attempt < unknownOrderRetries {
			return river.JobSnooze(time.Duration(job.Attempt) * time.Second)
		}
		o.log.Info("callback for an order portflow does not know; kept in the inbox", zap.Int64("inbox_id", entry.ID),
			zap.String("order_type", entry.OrderType), zap.String("order_id", entry.OrderID), zap.String("status", entry.Status))
		return o.db.InTx(ctx, func(tx pgx.Tx) error {
			return store.MarkInboxProcessed(ctx, tx, entry.ID, store.InboxUnknownOrder, "")
		})
	}
	if err != nil {
		return err
	}
	var ev order.Event
	outcome := store.InboxApplied
	if entry.Note != "" {
		ev = order.NoteReceived{At: o.now(), PortOrder: ref.PortOrder, Text: entry.Note}
		outcome = store.InboxNote
	} else {
		ev = order.Notified{At: o.now(), PortOrder: ref.PortOrder, Subject: ref.Subject, Status: entry.Status}
	}
	_, err = o.applyWith(ctx, ref.RequestID, ev, originCallback, applyOpts{
		notifiedAt: entry.ReceivedAt,
		evidence:   map[string]any{"inbox_id": entry.ID, "order_type": entry.OrderType, "order_id": entry.OrderID, "status": entry.Status, "message": entry.Message},
		inTx: func(ctx context.Context, tx pgx.Tx, dec order.Decision) error {
			result := outcome
			if dec.Ignored != "" || (!dec.Changed && len(dec.Effects) == 0 && outcome != store.InboxNote) {
				result = store.InboxNoChange
			}
			return store.MarkInboxProcessed(ctx, tx, entry.ID, result, ref.RequestID)
		},
	})
	var rejected *order.RejectedError
	if errors.As(err, &rejected) {
		return o.db.InTx(ctx, func(tx pgx.Tx) error {
			return store.MarkInboxProcessed(ctx, tx, entry.ID, store.InboxNoChange, ref.RequestID)
		})
	}
	if err != nil {
		return fmt.Errorf("process callback %d: %w", entry.ID, err)
	}
	return nil
}

// notificationArgs is what the callback worker needs of a status notification.
type notificationArgs struct {
	OrderType       string `json:"order_type"`
	OrderID         string `json:"order_id"`
	CustomerOrderID string `json:"customer_order_id,omitempty"`
	Status          string `json:"status"`
	Message         string `json:"message,omitempty"`
}

// callbackArgsOf carries a status notification in its processing job, so that processing it
// needs no read of the inbox row: one transaction less per callback, on portflow's hottest path.
// A note is not copied (it is free text of any length); its worker reads the row.
func callbackArgsOf(entry store.InboxEntry) callbackArgs {
	a := callbackArgs{InboxID: entry.ID, ReceivedAt: entry.ReceivedAt}
	if entry.Note == "" {
		a.Notification = &notificationArgs{
			OrderType: entry.OrderType, OrderID: entry.OrderID, CustomerOrderID: entry.CustomerOrderID,
			Status: entry.Status, Message: entry.Message,
		}
	}
	return a
}

// entry returns the callback to process: from the job when it carries the notification, else
// from the inbox. Such a job run a second time after its callback was applied (a crash between
// the commit and River recording the job's end) applies the notification again, which is
// harmless: the decision re-reads the order from Bandwidth and finds nothing new.
func (w *callbackWorker) entry(ctx context.Context, a callbackArgs) (store.InboxEntry, error) {
	n := a.Notification
	if n == nil {
		return w.o.db.InboxEntry(ctx, a.InboxID)
	}
	return store.InboxEntry{
		ID: a.InboxID, OrderType: n.OrderType, OrderID: n.OrderID, CustomerOrderID: n.CustomerOrderID,
		Status: n.Status, Message: n.Message, ReceivedAt: a.ReceivedAt,
	}, nil
}
