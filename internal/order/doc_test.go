package order

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/state-machine.md from the transition table")

var stateMachineDoc = filepath.Join("..", "..", "docs", "state-machine.md")

// TestStateMachineDoc fails when docs/state-machine.md no longer matches the transition table.
func TestStateMachineDoc(t *testing.T) {
	want := StateMachineDoc()
	if *update {
		if err := os.WriteFile(stateMachineDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(stateMachineDoc)
	if err != nil {
		t.Fatalf("%v (generate it with: go test ./internal/order -run TestStateMachineDoc -update)", err)
	}
	if string(got) != want {
		t.Fatalf("%s is out of date with the transition table; regenerate it with:\n\tgo test ./internal/order -run TestStateMachineDoc -update", stateMachineDoc)
	}
}

func TestStateMachineDocShowsEveryStatusChange(t *testing.T) {
	doc := StateMachineDoc()
	if !strings.Contains(doc, "```mermaid\nstateDiagram-v2\n") {
		t.Fatal("no Mermaid state diagram")
	}
	for _, tr := range Transitions() {
		for _, to := range tr.To {
			if to == tr.From {
				continue
			}
			edge := "    " + string(tr.From) + " --> " + string(to) + ": "
			i := strings.Index(doc, edge)
			if i < 0 {
				t.Fatalf("diagram lacks %s → %s", tr.From, to)
			}
			line := doc[i : i+strings.Index(doc[i:], "\n")]
			if !strings.Contains(line, string(tr.On)) {
				t.Fatalf("edge %q does not name %s", line, tr.On)
			}
		}
	}
	for _, s := range Statuses {
		if s.Terminal() && !strings.Contains(doc, "    "+string(s)+" --> [*]\n") {
			t.Fatalf("terminal %s not marked", s)
		}
	}
}
