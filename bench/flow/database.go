package main

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portflow/portflow/internal/store"
)

// benchDatabase is one scenario's fresh, migrated database, and an administrative connection to
// the server's maintenance database that reads its statistics and drops it at the end. The
// administrative connection is in another database, so its own queries never count.
type benchDatabase struct {
	name      string
	url       string
	serverURL string
	admin     *pgx.Conn
}

// createDatabase creates and migrates a database for one scenario. On error the returned value
// (when not nil) still needs drop.
func createDatabase(ctx context.Context, serverURL string) (*benchDatabase, error) {
	admin, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %w", redact(serverURL), err)
	}
	d := &benchDatabase{name: "pfbench_flow_" + randomSuffix(), serverURL: serverURL, admin: admin}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{d.name}.Sanitize()); err != nil {
		_ = admin.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("create database %s (the role needs CREATEDB): %w", d.name, err)
	}
	if d.url, err = withDatabase(serverURL, d.name); err != nil {
		return d, err
	}
	m, err := store.NewMigrator(d.url)
	if err != nil {
		return d, err
	}
	_, err = m.Up(ctx)
	if cerr := m.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return d, fmt.Errorf("migrate %s: %w", d.name, err)
	}
	return d, nil
}

// transactions returns the database's committed plus rolled-back transactions once every
// session on it has ended. Postgres 15 keeps a session's counts in the session until it flushes
// them (at most once a second while busy, ten seconds after going idle, and always when the
// session ends), so the count is exact only with no session open: the caller closes its pools
// first, and this waits for the sessions to be gone.
func (d *benchDatabase) transactions(ctx context.Context) (int64, error) {
	deadline := time.Now().Add(30 * time.Second)
	for {
		var sessions int
		err := d.admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = $1`, d.name).Scan(&sessions)
		if err != nil {
			return 0, fmt.Errorf("count sessions on %s: %w", d.name, err)
		}
		if sessions == 0 {
			break
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%d session(s) still open on %s after 30s", sessions, d.name)
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	if _, err := d.admin.Exec(ctx, `SELECT pg_stat_clear_snapshot()`); err != nil {
		return 0, fmt.Errorf("clear the statistics snapshot: %w", err)
	}
	var n int64
	err := d.admin.QueryRow(ctx, `SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = $1`, d.name).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("read transactions of %s: %w", d.name, err)
	}
	return n, nil
}

// drop removes the database, even after a failure or an interrupt.
func (d *benchDatabase) drop() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if d.admin.IsClosed() {
		// An interrupted query closes a pgx connection; dropping still needs one.
		admin, err := pgx.Connect(ctx, d.serverURL)
		if err != nil {
			return fmt.Errorf("drop %s: %w", d.name, err)
		}
		d.admin = admin
	}
	defer d.admin.Close(ctx)
	if _, err := d.admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{d.name}.Sanitize()+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("drop %s: %w", d.name, err)
	}
	return nil
}

// close ends the administrative connection and leaves the database in place.
func (d *benchDatabase) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = d.admin.Close(ctx)
}
