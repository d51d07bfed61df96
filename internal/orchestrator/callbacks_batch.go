package orchestrator

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"

	"github.com/portflow/portflow/internal/store"
)

// InboxBatchHook is the store.InboxReceiver.OnAcceptedBatch hook: it enqueues the processing jobs
// of all the callbacks one group commit stores, with one River InsertManyTx inside the
// transaction that stores them. The jobs are the ones InboxHook enqueues (callbackArgsOf, default
// options); only the number of statements differs: one per group instead of one per callback,
// which is what lets intake keep up with a burst (a bulk port-in completing hundreds of orders).
// An error rolls back the whole group, rows and jobs, so none of its callbacks is acknowledged.
func (o *Orchestrator) InboxBatchHook() func(ctx context.Context, tx pgx.Tx, entries []store.InboxEntry) error {
	return func(ctx context.Context, tx pgx.Tx, entries []store.InboxEntry) error {
		if len(entries) == 0 {
			return nil
		}
		params := make([]river.InsertManyParams, len(entries))
		for i, entry := range entries {
			params[i] = river.InsertManyParams{Args: callbackArgsOf(entry)}
		}
		_, err := o.river.InsertManyTx(ctx, tx, params)
		return err
	}
}
