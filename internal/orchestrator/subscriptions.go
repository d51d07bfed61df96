package orchestrator

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"go.uber.org/zap"

	"github.com/portflow/portflow/internal/bandwidth"
)

const (
	subscriptionFingerprintKey = "bandwidth_subscription_fingerprint"
	// subscriptionLockID serializes EnsureSubscriptions across replicas (a session-level
	// advisory lock).
	subscriptionLockID int64 = 0x706f7274737562 // "portsub"
)

// CallbackSubscription is where and how Bandwidth must call portflow.
type CallbackSubscription struct {
	URL, Username, Password string
}

// EnsureSubscriptions makes sure Bandwidth's callback subscriptions for portins, csrs and
// bulkPortins point at portflow with the current credentials. Replicas serialize on an advisory
// lock, so the subscriptions are written once per deployment (the first replica creates or
// updates them; the others find them in place and only read). The fingerprint of the settings
// last written is stored, because Bandwidth never returns the password: it is how a changed
// password is noticed.
func (o *Orchestrator) EnsureSubscriptions(ctx context.Context, cs CallbackSubscription) error {
	// A session-level advisory lock on one pooled connection, not a transaction: no transaction
	// is ever held open across a call to Bandwidth.
	conn, err := o.db.Pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("lock subscriptions: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, subscriptionLockID); err != nil {
		return fmt.Errorf("lock subscriptions: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, subscriptionLockID) //nolint:errcheck // released with the session at worst
	known, err := o.requests.Setting(ctx, conn, subscriptionFingerprintKey)
	if err != nil {
		return err
	}
	spec := bandwidth.SubscriptionSpec{URL: cs.URL, Username: cs.Username, Password: cs.Password, KnownFingerprint: known}
	res, err := o.bw.EnsureSubscriptions(ctx, spec)
	if err != nil {
		return fmt.Errorf("ensure Bandwidth callback subscriptions for %s: %w", cs.URL, err)
	}
	for _, s := range res.Subscriptions {
		o.log.Info("callback subscription ensured", zap.String("order_type", s.OrderType), zap.String("subscription_id", s.SubscriptionID))
	}
	return o.db.InTx(ctx, func(tx pgx.Tx) error {
		return o.requests.PutSetting(ctx, tx, subscriptionFingerprintKey, res.Fingerprint)
	})
}
