package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/internal/testdb"
)

func TestMigrationsUpDownUpOnEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	dbURL := testdb.EmptyURL(t)
	m, err := store.NewMigrator(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()

	tables := func() map[string]bool {
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		rows, err := conn.Query(ctx, `SELECT tablename FROM pg_tables WHERE schemaname = 'public'`)
		if err != nil {
			t.Fatal(err)
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			t.Fatal(err)
		}
		set := map[string]bool{}
		for _, n := range names {
			set[n] = true
		}
		return set
	}
	want := []string{"port_requests", "port_request_numbers", "port_orders", "csr_lookups", "callback_inbox", "timeline", "river_job", "river_migration", "river_leader", "river_queue"}

	for round := 1; round <= 2; round++ {
		if _, err := m.Up(ctx); err != nil {
			t.Fatalf("round %d up: %v", round, err)
		}
		got := tables()
		for _, w := range want {
			if !got[w] {
				t.Errorf("round %d: table %s missing after up", round, w)
			}
		}
		if err := m.DownTo(ctx, 0); err != nil {
			t.Fatalf("round %d down: %v", round, err)
		}
		got = tables()
		delete(got, "goose_db_version")
		if len(got) != 0 {
			t.Errorf("round %d: tables left after down: %v", round, got)
		}
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("final up: %v", err)
	}
}

func TestRiverVersionsRecorded(t *testing.T) {
	ctx := context.Background()
	pool := testdb.Pool(t)
	var versions []int
	rows, err := pool.Query(ctx, `SELECT version FROM river_migration WHERE line = 'main' ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	versions, err = pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatal(err)
	}
	if len(versions) == 0 || versions[0] != 1 || versions[len(versions)-1] != len(versions) {
		t.Errorf("river_migration versions = %v, want 1..N without gaps", versions)
	}
}

func TestConcurrentMigratorsApplyOnce(t *testing.T) {
	ctx := context.Background()
	dbURL := testdb.EmptyURL(t)
	var wg sync.WaitGroup
	applied := make([]int, 3)
	errs := make([]error, 3)
	for i := range applied {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m, err := store.NewMigrator(dbURL)
			if err != nil {
				errs[i] = err
				return
			}
			defer m.Close()
			applied[i], errs[i] = m.Up(ctx)
		}()
	}
	wg.Wait()
	total := 0
	for i := range applied {
		if errs[i] != nil {
			t.Fatalf("migrator %d: %v", i, errs[i])
		}
		total += applied[i]
	}
	m, _ := store.NewMigrator(dbURL)
	defer m.Close()
	st, err := m.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(st) {
		t.Errorf("three concurrent migrators applied %d migrations in total, want exactly %d (each once)", total, len(st))
	}
}

func TestInTxCommitsRollsBackAndMapsErrors(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, testdb.URL(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	insert := func(tx pgx.Tx, key string) error {
		_, err := tx.Exec(ctx, `INSERT INTO callback_inbox (dedupe_key, body) VALUES ($1, 'x')`, key)
		return err
	}
	count := func() int {
		var n int
		if err := db.Pool.QueryRow(ctx, `SELECT count(*) FROM callback_inbox`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if err := db.InTx(ctx, func(tx pgx.Tx) error { return insert(tx, "a") }); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		if err := insert(tx, "b"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("InTx error = %v, want boom", err)
	}
	if n := count(); n != 1 {
		t.Errorf("rows = %d after a rolled-back transaction, want 1", n)
	}
	err = db.InTx(ctx, func(tx pgx.Tx) error { return insert(tx, "a") })
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("duplicate insert error = %v, want ErrConflict", err)
	}
	err = db.InTx(ctx, func(tx pgx.Tx) error {
		var x int
		return tx.QueryRow(ctx, `SELECT 1 WHERE false`).Scan(&x)
	})
	if !errors.Is(err, store.ErrNotFound) {
		t.Errorf("no rows error = %v, want ErrNotFound", err)
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("panic inside InTx was swallowed")
			}
		}()
		_ = db.InTx(ctx, func(tx pgx.Tx) error {
			_ = insert(tx, "p")
			panic("inside tx")
		})
	}()
	if n := count(); n != 1 {
		t.Errorf("rows = %d after a panicking transaction, want 1", n)
	}
}

func TestStatementTimeoutBoundsQueries(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(ctx, testdb.URL(t), store.Options{StatementTimeout: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	_, err = db.Pool.Exec(ctx, `SELECT pg_sleep(5)`)
	if err == nil {
		t.Fatal("pg_sleep(5) succeeded despite a 200ms statement timeout")
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("statement ran %s", time.Since(start))
	}
}

func TestOpenUnreachableFailsFast(t *testing.T) {
	start := time.Now()
	_, err := store.Open(context.Background(), "postgres://postgres@127.0.0.1:1/x?sslmode=disable", store.Options{ConnectTimeout: 300 * time.Millisecond})
	if err == nil {
		t.Fatal("want an error")
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("gave up after %s, want about the connect timeout", time.Since(start))
	}
}

func TestEnsureDatabaseCreatesMissingDatabase(t *testing.T) {
	ctx := context.Background()
	dbURL := testdb.MissingURL(t)
	if err := store.EnsureDatabase(ctx, dbURL); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatalf("database not created: %v", err)
	}
	conn.Close(ctx)
	if err := store.EnsureDatabase(ctx, dbURL); err != nil {
		t.Errorf("second EnsureDatabase: %v", err)
	}
}
