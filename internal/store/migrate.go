package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"

	"github.com/portflow/portflow/migrations"
)

// migrationLockID is the advisory lock key held while migrating, so that several replicas starting
// together apply each migration exactly once (the others wait, then find nothing to do).
const migrationLockID int64 = 0x706f7274666c6f77 // "portflow"

// Migrator applies portflow's embedded goose migrations.
type Migrator struct {
	db       *sql.DB
	provider *goose.Provider
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version int64
	Path    string
	Applied bool
}

// NewMigrator opens a dedicated connection pool (database/sql, as goose needs) for migrating.
func NewMigrator(databaseURL string) (*Migrator, error) {
	return newMigrator(databaseURL, migrations.FS)
}

func newMigrator(databaseURL string, fsys fs.FS) (*Migrator, error) {
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("parse database URL: %w", err)
	}
	db := stdlib.OpenDB(*cfg)
	p, err := goose.NewProvider(goose.DialectPostgres, db, fsys,
		goose.WithSessionLocker(advisoryLocker{id: migrationLockID}),
		goose.WithDisableGlobalRegistry(true),
	)
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("load migrations: %w", err)
	}
	return &Migrator{db: db, provider: p}, nil
}

// Close releases the migrator's connections.
func (m *Migrator) Close() error { return m.provider.Close() }

// Up applies every pending migration and returns how many it applied.
func (m *Migrator) Up(ctx context.Context) (int, error) {
	res, err := m.provider.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate up: %w", err)
	}
	return len(res), nil
}

// Down rolls back the most recent migration.
func (m *Migrator) Down(ctx context.Context) error {
	if _, err := m.provider.Down(ctx); err != nil {
		return fmt.Errorf("migrate down: %w", err)
	}
	return nil
}

// DownTo rolls back every migration above version (0 = all).
func (m *Migrator) DownTo(ctx context.Context, version int64) error {
	if _, err := m.provider.DownTo(ctx, version); err != nil {
		return fmt.Errorf("migrate down to %d: %w", version, err)
	}
	return nil
}

// Redo rolls back the most recent migration and applies it again.
func (m *Migrator) Redo(ctx context.Context) error {
	if err := m.Down(ctx); err != nil {
		return err
	}
	if _, err := m.provider.UpByOne(ctx); err != nil {
		return fmt.Errorf("migrate redo: %w", err)
	}
	return nil
}

// Status lists every migration with whether it is applied.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	st, err := m.provider.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migration status: %w", err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Path: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

// Version returns the newest applied migration version.
func (m *Migrator) Version(ctx context.Context) (int64, error) {
	return m.provider.GetDBVersion(ctx)
}

// advisoryLocker serializes migrations across processes with a blocking Postgres session advisory
// lock: waiters wake the moment the holder finishes (goose's built-in locker polls every 5 s).
type advisoryLocker struct{ id int64 }

func (l advisoryLocker) SessionLock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", l.id); err != nil {
		return fmt.Errorf("take migration lock: %w", err)
	}
	return nil
}

func (l advisoryLocker) SessionUnlock(ctx context.Context, conn *sql.Conn) error {
	if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", l.id); err != nil {
		return fmt.Errorf("release migration lock: %w", err)
	}
	return nil
}

// EnsureDatabase creates the database named in databaseURL when it does not exist yet, connecting
// to the server's "postgres" maintenance database to do so. It is a no-op when the database exists,
// and a clear error when it is missing and the role may not create it.
func EnsureDatabase(ctx context.Context, databaseURL string) error {
	name, err := databaseName(databaseURL)
	if err != nil {
		return err
	}
	cfg, err := pgx.ParseConfig(databaseURL)
	if err != nil {
		return fmt.Errorf("parse database URL: %w", err)
	}
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err == nil {
		return conn.Close(ctx) // it exists
	}
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) {
		return fmt.Errorf("%w: cannot connect to Postgres at %s: %w", ErrUnavailable, hostOf(databaseURL), err)
	}
	if pgErr.Code != "3D000" { // invalid_catalog_name
		return fmt.Errorf("cannot connect to Postgres at %s: %w", hostOf(databaseURL), describe(err))
	}
	admin := cfg.Copy()
	admin.Database = "postgres"
	aconn, err := pgx.ConnectConfig(ctx, admin)
	if err != nil {
		return fmt.Errorf("database %q does not exist and the maintenance database is unreachable: %w", name, describe(err))
	}
	defer aconn.Close(context.WithoutCancel(ctx))
	if _, err := aconn.Exec(ctx, "CREATE DATABASE "+quoteIdent(name)); err != nil && !isDuplicateDatabase(err) {
		return fmt.Errorf("database %q does not exist and could not be created (create it, or grant CREATEDB): %w", name, describe(err))
	}
	return nil
}
