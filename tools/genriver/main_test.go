package main

import (
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedMigrationsMatchRiver fails when River was upgraded without `make generate`, which
// would leave the job tables behind the library that uses them.
func TestCommittedMigrationsMatchRiver(t *testing.T) {
	dir := t.TempDir()
	if err := generate(dir); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil || len(files) == 0 {
		t.Fatalf("nothing generated: %v", err)
	}
	for _, f := range files {
		want, _ := os.ReadFile(f)
		got, err := os.ReadFile(filepath.Join("..", "..", "migrations", filepath.Base(f)))
		if err != nil {
			t.Errorf("%s is not committed in migrations/: run make generate", filepath.Base(f))
			continue
		}
		if string(got) != string(want) {
			t.Errorf("migrations/%s differs from River's current SQL: run make generate", filepath.Base(f))
		}
	}
}
