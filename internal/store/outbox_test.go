package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

func insertOutbox(t *testing.T, db *store.DB, m store.OutboxMessage) int64 {
	t.Helper()
	var id int64
	err := db.InTx(context.Background(), func(tx *store.Tx) error {
		var err error
		id, err = tx.InsertOutbox(context.Background(), m)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestOutboxRoundTrip(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		want := store.OutboxMessage{
			From: "Quorum <quorum@example.org>", To: "ada@example.org", Subject: "Reset your password",
			Text: "Follow the link.", HTML: "<p>Follow the link.</p>",
			Headers:   map[string]string{"List-Unsubscribe": "<https://example.org/u/1>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
			MessageID: "abc@example.org", CreatedAt: t0,
		}
		id := insertOutbox(t, db, want)
		got, err := db.OutboxByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		want.ID, want.Status = id, store.OutboxPending
		if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
			t.Fatalf("got  %+v\nwant %+v", got, want)
		}
		if _, err := db.OutboxByID(ctx, id+1); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("missing message: %v", err)
		}
	})
}

func TestOutboxDeliveryOutcomes(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		base := store.OutboxMessage{From: "q@example.org", To: "a@example.org", Subject: "s", Text: "t", CreatedAt: t0}
		steps := []struct {
			name       string
			do         func(id int64) error
			wantStatus string
			wantError  string
			wantTries  int
		}{
			{"temporary failure stays pending", func(id int64) error {
				return db.MarkOutboxAttemptFailed(ctx, id, "451 try later", false)
			}, store.OutboxPending, "451 try later", 1},
			{"sent clears the error", func(id int64) error {
				return db.MarkOutboxSent(ctx, id, t0.Add(time.Minute))
			}, store.OutboxSent, "", 2},
		}
		id := insertOutbox(t, db, base)
		for _, s := range steps {
			t.Run(s.name, func(t *testing.T) {
				if err := s.do(id); err != nil {
					t.Fatal(err)
				}
				m, _ := db.OutboxByID(ctx, id)
				if m.Status != s.wantStatus || m.Error != s.wantError || m.Attempts != s.wantTries {
					t.Fatalf("got %s %q %d", m.Status, m.Error, m.Attempts)
				}
			})
		}
		if m, _ := db.OutboxByID(ctx, id); !m.SentAt.Valid || !m.SentAt.Time.Equal(t0.Add(time.Minute)) {
			t.Fatalf("sent_at %v", m.SentAt)
		}
		// A late failure report must not turn a sent message into a failed one.
		if err := db.MarkOutboxAttemptFailed(ctx, id, "x", true); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("failure after sent: %v", err)
		}

		failed := insertOutbox(t, db, base)
		if err := db.MarkOutboxAttemptFailed(ctx, failed, "550 no such user", true); err != nil {
			t.Fatal(err)
		}
		if m, _ := db.OutboxByID(ctx, failed); m.Status != store.OutboxFailed || m.Error != "550 no such user" {
			t.Fatalf("final failure: %+v", m)
		}
	})
}

func TestOutboxListing(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		var ids []int64
		for i := range 5 {
			status := store.OutboxPending
			if i%2 == 1 {
				status = store.OutboxKept
			}
			ids = append(ids, insertOutbox(t, db, store.OutboxMessage{From: "q@x", To: fmt.Sprintf("m%d@x", i), Subject: "s", Text: "t", Status: status, CreatedAt: t0}))
		}
		cases := []struct {
			name      string
			filter    store.OutboxFilter
			wantIDs   []int64
			wantTotal int
		}{
			{"newest first", store.OutboxFilter{Page: store.Page{Number: 1, Size: 2}}, []int64{ids[4], ids[3]}, 5},
			{"second page", store.OutboxFilter{Page: store.Page{Number: 2, Size: 2}}, []int64{ids[2], ids[1]}, 5},
			{"kept only", store.OutboxFilter{Status: store.OutboxKept}, []int64{ids[3], ids[1]}, 2},
			{"no sent yet", store.OutboxFilter{Status: store.OutboxSent}, nil, 0},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				ms, total, err := db.Outbox(ctx, c.filter)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, m := range ms {
					got = append(got, m.ID)
				}
				if total != c.wantTotal || fmt.Sprint(got) != fmt.Sprint(c.wantIDs) {
					t.Fatalf("got %v (total %d), want %v (total %d)", got, total, c.wantIDs, c.wantTotal)
				}
			})
		}
	})
}
