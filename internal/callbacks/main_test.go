package callbacks_test

import (
	"flag"
	"os"
	"testing"
)

// TestMain caps the fuzzer's minimization at 100 runs unless -fuzzminimizetime is given.
// FuzzCallbackHandler drives a real Postgres, so the coverage the fuzzer sees includes pgx's and
// net's I/O paths, which vary with timing: inputs keep looking "interesting", and minimizing each
// for the default 60 s would stall fuzzing entirely (0 execs/s). A short cap keeps both finds and
// crashers minimized enough while fuzzing goes on at full speed.
func TestMain(m *testing.M) {
	flag.Parse()
	explicit := false
	flag.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "test.fuzzminimizetime" })
	if !explicit {
		if err := flag.Set("test.fuzzminimizetime", "100x"); err != nil {
			panic(err)
		}
	}
	os.Exit(m.Run())
}
