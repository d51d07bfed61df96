package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/portflow/portflow/internal/config"
	"github.com/portflow/portflow/internal/store"
)

// migrate runs `portflow migrate up|down|status|redo`. It needs only the database URL, so a
// migration Job can run with nothing but that secret.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 1 {
		return fmt.Errorf("migrate needs one of: up, down, status, redo")
	}
	dbURL, err := config.LoadDatabaseURL(getenv)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if args[0] == "up" {
		if err := ensureDatabase(ctx, dbURL, 10*time.Second); err != nil {
			return err
		}
	}
	m, err := store.NewMigrator(dbURL)
	if err != nil {
		return err
	}
	defer m.Close()
	switch args[0] {
	case "up":
		n, err := m.Up(ctx)
		if err != nil {
			return err
		}
		v, _ := m.Version(ctx)
		_, err = fmt.Fprintf(stdout, "applied %d migration(s); schema version %d\n", n, v)
		return err
	case "down":
		if err := m.Down(ctx); err != nil {
			return err
		}
		v, _ := m.Version(ctx)
		_, err = fmt.Fprintf(stdout, "rolled back one migration; schema version %d\n", v)
		return err
	case "redo":
		if err := m.Redo(ctx); err != nil {
			return err
		}
		_, err = fmt.Fprintln(stdout, "rolled back and re-applied the newest migration")
		return err
	case "status":
		st, err := m.Status(ctx)
		if err != nil {
			return err
		}
		for _, s := range st {
			state := "pending"
			if s.Applied {
				state = "applied"
			}
			if _, err := fmt.Fprintf(stdout, "%-8s %s\n", state, s.Path); err != nil {
				return err
			}
		}
		return nil
	default:
		return fmt.Errorf("unknown migrate action %q: want up, down, status or redo", args[0])
	}
}

// ensureDatabase creates the database if it is missing, waiting up to timeout for Postgres to
// accept connections (a container's database may start a moment after portflow).
func ensureDatabase(ctx context.Context, dbURL string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		err := store.EnsureDatabase(ctx, dbURL)
		if err == nil || !store.IsUnavailable(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(250 * time.Millisecond):
		}
	}
}
