// Package testdb gives each test its own migrated Postgres database. It is imported by tests only.
//
// Where the server comes from, in order: TEST_DATABASE_URL if set; otherwise a Postgres container
// started with testcontainers-go when a Docker engine answers; otherwise the test fails with a
// message saying how to provide one (tests never silently skip for want of a database).
//
// Speed: the schema is migrated once into a template database (named after a hash of the
// migrations, so a changed migration makes a new template), and every test gets a fresh
// CREATE DATABASE … TEMPLATE clone, dropped when the test ends. Clones take milliseconds, so tests
// run in parallel with full isolation.
package testdb

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/testcontainers/testcontainers-go"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"

	"github.com/portflow/portflow/internal/store"
	"github.com/portflow/portflow/migrations"
)

// HowToProvide is the advice printed when no database can be found.
const HowToProvide = `no Postgres for tests: set TEST_DATABASE_URL to a server the tests may create databases on, ` +
	`e.g. TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable ` +
	`(start one with: pg_ctlcluster --skip-systemctl-redirect 15 main start), or run a Docker engine so ` +
	`testcontainers can start one`

var (
	serverOnce sync.Once
	serverURL  string
	serverErr  error

	templateOnce sync.Once
	templateName string
	templateErr  error
)

// URL returns the connection URL of a new, migrated, empty database that is dropped when t ends.
func URL(t testing.TB) string {
	t.Helper()
	base := server(t)
	tmpl := template(t, base)
	name := "pftest_" + randomSuffix()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	admin := connect(t, ctx, base)
	defer admin.Close(context.Background())
	// Cloning can collide with another process's clone of the same template for a moment
	// ("source database is being accessed by other users"): retry briefly.
	var err error
	for range 50 {
		_, err = admin.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s", ident(name), ident(tmpl)))
		if err == nil || !isTemplateBusy(err) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("testdb: create test database from template %s: %v", tmpl, err)
	}
	t.Cleanup(func() { Drop(t, base, name) })
	return withDatabaseURL(base, name)
}

// EmptyURL returns the URL of a new database with no tables at all (for migration tests),
// dropped when t ends.
func EmptyURL(t testing.TB) string {
	t.Helper()
	base := server(t)
	name := "pftest_empty_" + randomSuffix()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin := connect(t, ctx, base)
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident(name)); err != nil {
		t.Fatalf("testdb: create empty database: %v", err)
	}
	t.Cleanup(func() { Drop(t, base, name) })
	return withDatabaseURL(base, name)
}

// MissingURL returns the URL of a database that does not exist yet; it is dropped when t ends if
// the test created it.
func MissingURL(t testing.TB) string {
	t.Helper()
	base := server(t)
	name := "pftest_missing_" + randomSuffix()
	t.Cleanup(func() { Drop(t, base, name) })
	return withDatabaseURL(base, name)
}

// Pool returns a pgx pool on a fresh migrated database, closed when t ends.
func Pool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool, err := pgxpool.New(ctx, URL(t))
	if err != nil {
		t.Fatalf("testdb: open pool: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// Drop removes a test database, forcibly disconnecting whoever still uses it.
func Drop(t testing.TB, base, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Logf("testdb: drop %s: %v", name, err)
		return
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
		t.Logf("testdb: drop %s: %v", name, err)
	}
}

// server finds the Postgres server the tests use, once per process.
func server(t testing.TB) string {
	t.Helper()
	serverOnce.Do(func() {
		if u := strings.TrimSpace(os.Getenv("TEST_DATABASE_URL")); u != "" {
			serverURL = u
			return
		}
		serverURL, serverErr = startContainer()
	})
	if serverErr != nil {
		t.Fatalf("testdb: %v", serverErr)
	}
	return serverURL
}

func startContainer() (u string, err error) {
	defer func() {
		// testcontainers panics in some setups without a Docker engine; turn that into advice.
		if r := recover(); r != nil {
			err = fmt.Errorf("%s (docker: %v)", HowToProvide, r)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	provider, perr := testcontainers.ProviderDocker.GetProvider()
	if perr != nil {
		return "", fmt.Errorf("%s (docker: %v)", HowToProvide, perr)
	}
	healthCtx, hcancel := context.WithTimeout(ctx, 5*time.Second)
	herr := provider.Health(healthCtx)
	hcancel()
	if herr != nil {
		return "", fmt.Errorf("%s (docker: %v)", HowToProvide, herr)
	}
	c, cerr := tcpostgres.Run(ctx, "postgres:15-alpine",
		tcpostgres.WithDatabase("postgres"),
		tcpostgres.WithUsername("postgres"),
		tcpostgres.WithPassword("postgres"),
		tcpostgres.BasicWaitStrategies(),
		testcontainers.WithReuseByName("portflow-test-postgres"),
	)
	if cerr != nil {
		return "", fmt.Errorf("%s (starting a Postgres container failed: %v)", HowToProvide, cerr)
	}
	return c.ConnectionString(ctx, "sslmode=disable")
}

// template returns the name of the migrated template database, creating it once per server and
// migration set. Several test processes (one per package) race here; an advisory lock makes one of
// them build it while the others wait.
func template(t testing.TB, base string) string {
	t.Helper()
	templateOnce.Do(func() { templateName, templateErr = buildTemplate(base) })
	if templateErr != nil {
		t.Fatalf("testdb: %v", templateErr)
	}
	return templateName
}

func buildTemplate(base string) (string, error) {
	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "pftemplate_" + sum[:16]
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w (%s)", redacted(base), err, HowToProvide)
	}
	defer admin.Close(context.Background())
	if _, err := admin.Exec(ctx, "SELECT pg_advisory_lock(7070707070)"); err != nil {
		return "", fmt.Errorf("lock template creation: %w", err)
	}
	defer admin.Exec(context.Background(), "SELECT pg_advisory_unlock(7070707070)") //nolint:errcheck // the session ends right after

	// The template is marked IS_TEMPLATE only once fully migrated.
	var isTemplate bool
	err = admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)", name).Scan(&isTemplate)
	if err != nil {
		return "", fmt.Errorf("look up template: %w", err)
	}
	if isTemplate {
		return name, nil
	}
	// A half-built template from a crashed run: start over.
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
		return "", fmt.Errorf("drop stale template: %w", err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident(name)); err != nil {
		return "", fmt.Errorf("create template database: %w", err)
	}
	m, err := store.NewMigrator(withDatabaseURL(base, name))
	if err != nil {
		return "", err
	}
	if _, err := m.Up(ctx); err != nil {
		m.Close()
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if err := m.Close(); err != nil {
		return "", fmt.Errorf("close migrator: %w", err)
	}
	if _, err := admin.Exec(ctx, "ALTER DATABASE "+ident(name)+" WITH IS_TEMPLATE true"); err != nil {
		return "", fmt.Errorf("mark template: %w", err)
	}
	return name, nil
}

func migrationsHash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		if err != nil {
			return err
		}
		h.Write([]byte(path))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash migrations: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func connect(t testing.TB, ctx context.Context, base string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("testdb: connect to %s: %v (%s)", redacted(base), err, HowToProvide)
	}
	return conn
}

func withDatabaseURL(base, name string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + name
	return u.String()
}

func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	return u.Redacted()
}

func isTemplateBusy(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "55006"
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
