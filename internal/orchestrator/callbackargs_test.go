package orchestrator

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/portflow/portflow/internal/store"
)

// The callback job carries a status notification so its worker needs no inbox read; a note is
// left in the inbox, and a job queued before the notification was carried still decodes (its
// worker reads the inbox, as before).
func TestCallbackArgsCarryStatusNotificationsOnly(t *testing.T) {
	received := time.Date(2026, 3, 2, 15, 4, 5, 0, time.UTC)
	tests := []struct {
		name  string
		entry store.InboxEntry
		want  *notificationArgs
	}{
		{
			name: "status notification",
			entry: store.InboxEntry{ID: 7, OrderType: "portins", OrderID: "b1c2", CustomerOrderID: "pf-1", Status: "FOC",
				Message: "FOC date set", ReceivedAt: received},
			want: &notificationArgs{OrderType: "portins", OrderID: "b1c2", CustomerOrderID: "pf-1", Status: "FOC", Message: "FOC date set"},
		},
		{
			name:  "note",
			entry: store.InboxEntry{ID: 8, OrderType: "portins", OrderID: "b1c2", Note: "Customer called about the date", ReceivedAt: received},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(callbackArgsOf(tt.entry))
			if err != nil {
				t.Fatal(err)
			}
			var got callbackArgs
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if got.InboxID != tt.entry.ID || !got.ReceivedAt.Equal(received) {
				t.Errorf("job args %s lost the inbox id or arrival time", b)
			}
			switch {
			case tt.want == nil && got.Notification != nil:
				t.Errorf("a note was copied into the job: %s", b)
			case tt.want != nil && (got.Notification == nil || *got.Notification != *tt.want):
				t.Errorf("job args %s, want notification %+v", b, *tt.want)
			}
		})
	}

	var queuedBefore callbackArgs
	if err := json.Unmarshal([]byte(`{"inbox_id":3,"received_at":"2026-03-02T15:04:05Z"}`), &queuedBefore); err != nil {
		t.Fatal(err)
	}
	if queuedBefore.InboxID != 3 || queuedBefore.Notification != nil {
		t.Errorf("a job queued before notifications were carried decodes as %+v", queuedBefore)
	}
}
