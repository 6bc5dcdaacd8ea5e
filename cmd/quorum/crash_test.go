package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"quorum/internal/election"
	"quorum/internal/jobs"
	"quorum/internal/loadtest"
	"quorum/internal/mail"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// crashChildEnv carries a child's command line (fields separated by 0x1f).
const crashChildEnv = "QUORUM_CRASH_CHILD"

// TestCastingSurvivesSIGKILL runs the server in a child process, has 200
// voters cast at once, kills the server with SIGKILL mid-way, and then
// checks the database: every ballot whose receipt was acknowledged is
// stored, and nobody is marked as having voted without a stored ballot.
// It runs on SQLite and, when configured, on PostgreSQL.
func TestCastingSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test starts a server; skipped with -short")
	}
	for _, engine := range []store.Engine{store.SQLite, store.Postgres} {
		t.Run(string(engine), func(t *testing.T) { crashWhileCasting(t, testkit.URL(t, engine)) })
	}
}

func crashWhileCasting(t *testing.T, url string) {
	ctx := context.Background()
	db, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	q := jobs.NewQueue(db, nil)
	m, err := mail.NewService(db, q, mail.Config{From: "Quorum <q@example.org>"})
	if err != nil {
		t.Fatal(err)
	}
	f, err := loadtest.PrepareVote(ctx, db, election.New(db, m, q, election.Config{}), 3000, 6)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	child := exec.Command(os.Args[0], "-test.run=^$")
	child.Env = append(os.Environ(), crashChildEnv+"="+strings.Join([]string{"serve", "--database-url", url, "--listen", addr, "--log-level", "error", "--workers", "0"}, "\x1f"))
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer child.Process.Kill()
	base := "http://" + addr
	for i := 0; ; i++ {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if i > 200 {
			t.Fatal("the server did not start")
		}
		time.Sleep(50 * time.Millisecond)
	}

	runCtx, stop := context.WithCancel(ctx)
	done := make(chan loadtest.Result)
	// Voters arrive 1,000 a second, so that whatever the machine's speed
	// the kill comes about half-way through, with casts in flight.
	go func() { done <- loadtest.RunVoteAt(runCtx, base, f, 200, 1000) }()
	time.Sleep(1500 * time.Millisecond)
	if err := child.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = child.Wait()
	stop()
	res := <-done
	if res.Acknowledged == 0 {
		t.Fatalf("no ballot was acknowledged before the kill (first failure: %s)", res.FirstError)
	}
	if res.Acknowledged == len(f.Voters) {
		t.Fatal("every ballot was acknowledged before the kill: the test did not crash the server mid-way")
	}

	db, err = store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	stored, err := db.CountEnvelopes(ctx, f.ElectionID)
	if err != nil {
		t.Fatal(err)
	}
	var marked, orphans int
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM election_roll WHERE election_id = ? AND voted`, f.ElectionID).Scan(&marked); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM election_roll r WHERE r.election_id = ? AND r.voted AND NOT EXISTS
		(SELECT 1 FROM election_envelopes e WHERE e.election_id = r.election_id AND e.person_id = r.person_id)`, f.ElectionID).Scan(&orphans); err != nil {
		t.Fatal(err)
	}
	if orphans != 0 || marked != stored {
		t.Fatalf("%d voters marked as voted, %d envelopes, %d marked without a ballot", marked, stored, orphans)
	}
	for _, id := range res.AckedVoters {
		var n int
		if err := db.QueryRow(ctx, `SELECT COUNT(*) FROM election_envelopes WHERE election_id = ? AND person_id = ?`, f.ElectionID, id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Fatalf("voter %d had a receipt but %d stored ballots", id, n)
		}
	}
	t.Logf("killed after %d acknowledged ballots (%d stored, %d voters never answered)", res.Acknowledged, stored, res.Failed)
}
