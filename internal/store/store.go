// Package store owns portflow's Postgres access: the pgx connection pool, the transaction helper
// every state change goes through, the schema migrations, and the mapping of Postgres errors to
// the domain errors the rest of portflow understands. Queries for each aggregate live beside it in
// this package; no other package writes SQL against portflow's tables.
package store

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Domain errors that Postgres failures are mapped to.
var (
	// ErrNotFound means the row asked for does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a unique constraint refused the write (the thing already exists).
	ErrConflict = errors.New("conflict: already exists")
	// ErrSerialization means a concurrent transaction won; the caller may retry the whole transaction.
	ErrSerialization = errors.New("concurrent update, retry")
	// ErrUnavailable means Postgres could not be reached or did not answer in time.
	ErrUnavailable = errors.New("database unavailable")
)

// Options tune the pool.
type Options struct {
	// MaxConns caps the pool; 0 means pgx's default (max(4, NumCPU)).
	MaxConns int32
	// StatementTimeout bounds every statement server-side, so a stuck query cannot hold a
	// connection (and a row lock) forever. 0 means 15 s.
	StatementTimeout time.Duration
	// ConnectTimeout bounds how long Open keeps trying to reach Postgres. 0 means 10 s.
	ConnectTimeout time.Duration
	// ApplicationName shows in pg_stat_activity.
	ApplicationName string
}

// DB is portflow's handle on Postgres.
type DB struct {
	Pool *pgxpool.Pool
}

// Open connects to Postgres and waits (up to ConnectTimeout) until it answers.
func Open(ctx context.Context, databaseURL string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.StatementTimeout == 0 {
		opts.StatementTimeout = 15 * time.Second
	}
	if opts.ConnectTimeout == 0 {
		opts.ConnectTimeout = 10 * time.Second
	}
	if opts.ApplicationName == "" {
		opts.ApplicationName = "portflow"
	}
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(opts.StatementTimeout.Milliseconds())
	cfg.ConnConfig.RuntimeParams["application_name"] = opts.ApplicationName
	// Idle transactions are a bug (rule: no transaction across a Bandwidth call); have Postgres
	// end them rather than let them hold locks.
	cfg.ConnConfig.RuntimeParams["idle_in_transaction_session_timeout"] = "60000"
	if cfg.ConnConfig.ConnectTimeout == 0 || cfg.ConnConfig.ConnectTimeout > 5*time.Second {
		cfg.ConnConfig.ConnectTimeout = 5 * time.Second
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("create pool: %w", err)
	}
	deadline := time.Now().Add(opts.ConnectTimeout)
	for {
		pingCtx, cancel := context.WithTimeout(ctx, min(2*time.Second, opts.ConnectTimeout))
		err = pool.Ping(pingCtx)
		cancel()
		if err == nil {
			return &DB{Pool: pool}, nil
		}
		if ctx.Err() != nil || time.Now().After(deadline) || !retryableConnectError(err) {
			pool.Close()
			return nil, fmt.Errorf("cannot connect to Postgres at %s: %w", hostOf(databaseURL), describe(err))
		}
		select {
		case <-ctx.Done():
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// Close closes every connection of the pool.
func (db *DB) Close() { db.Pool.Close() }

// Ping checks that Postgres answers within the context's deadline.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.Pool.Ping(ctx); err != nil {
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return nil
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled back otherwise. Every
// state change in portflow goes through here (lock the row, decide, write state, timeline and
// follow-up jobs, commit). fn must not call Bandwidth: no transaction is held across a network
// call to a third party. A serialization failure is retried a few times with the whole fn.
func (db *DB) InTx(ctx context.Context, fn func(pgx.Tx) error) error {
	const attempts = 3
	var err error
	for attempt := 1; attempt <= attempts; attempt++ {
		err = db.inTxOnce(ctx, fn)
		if !errors.Is(err, ErrSerialization) || ctx.Err() != nil {
			return err
		}
	}
	return err
}

func (db *DB) inTxOnce(ctx context.Context, fn func(pgx.Tx) error) (err error) {
	tx, err := db.Pool.Begin(ctx)
	if err != nil {
		return MapError(fmt.Errorf("begin transaction: %w", err))
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if err = fn(tx); err != nil {
		return MapError(err)
	}
	if err = tx.Commit(ctx); err != nil {
		return MapError(fmt.Errorf("commit: %w", err))
	}
	return nil
}

// MapError wraps a Postgres error with the domain error it means, keeping the original for logs.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrConflict) || errors.Is(err, ErrSerialization) || errors.Is(err, ErrUnavailable) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505": // unique_violation
			return fmt.Errorf("%w: %w", ErrConflict, err)
		case "40001", "40P01": // serialization_failure, deadlock_detected
			return fmt.Errorf("%w: %w", ErrSerialization, err)
		case "57P01", "57P02", "57P03", "53300": // admin shutdown, crash shutdown, cannot connect now, too many connections
			return fmt.Errorf("%w: %w", ErrUnavailable, err)
		}
		return err
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) || isConnectError(err) {
		return fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return err
}

func isConnectError(err error) bool {
	var connErr *pgconn.ConnectError
	return errors.As(err, &connErr)
}

func retryableConnectError(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		// The server answered: only "starting up"/"too many connections" are worth waiting for;
		// a missing database or a bad password will not fix itself.
		return pgErr.Code == "57P03" || pgErr.Code == "53300"
	}
	return true
}

// describe shortens pgx's connect errors to the part a person needs.
func describe(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return fmt.Errorf("%s (SQLSTATE %s)", pgErr.Message, pgErr.Code)
	}
	return err
}

func hostOf(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil || u.Host == "" {
		return "(unparseable URL)"
	}
	return u.Host + u.Path
}

// databaseName returns the database a URL points at.
func databaseName(databaseURL string) (string, error) {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return "", fmt.Errorf("parse database URL: %w", err)
	}
	return cfg.Database, nil
}

// quoteIdent quotes a Postgres identifier.
func quoteIdent(name string) string {
	return pgx.Identifier{name}.Sanitize()
}

// isDuplicateDatabase reports a CREATE DATABASE that lost a race with another replica.
func isDuplicateDatabase(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "42P04" || (pgErr.Code == "23505" && strings.Contains(pgErr.Message, "pg_database")))
}

// IsUnavailable reports whether err means Postgres could not be reached.
func IsUnavailable(err error) bool { return errors.Is(err, ErrUnavailable) }
