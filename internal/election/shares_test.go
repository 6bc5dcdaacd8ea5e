package election_test

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"quorum/internal/auth"
	"quorum/internal/ballot"
	"quorum/internal/election"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestKeySetUpRules checks who may hold shares and when.
func TestKeySetUpRules(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, _, _ := f.election(electionOptions{})
		member := f.voters(1)[0]
		ro := election.TrusteeInput{PersonID: f.ro.PersonID, Role: election.TrusteeReturningOfficer}
		sc := election.TrusteeInput{PersonID: f.scrut.PersonID, Role: election.TrusteeScrutineer}
		for _, tc := range []struct {
			name  string
			in    election.KeyInput
			field string
		}{
			{"one trustee", election.KeyInput{Threshold: 2, Trustees: []election.TrusteeInput{ro}}, "trustees"},
			{"no scrutineer", election.KeyInput{Threshold: 2, Trustees: []election.TrusteeInput{ro, {PersonID: member.PersonID, Role: election.TrusteeOther}}}, "trustees"},
			{"a member named scrutineer", election.KeyInput{Threshold: 2, Trustees: []election.TrusteeInput{ro, {PersonID: member.PersonID, Role: election.TrusteeScrutineer}}}, "trustees"},
			{"threshold of one", election.KeyInput{Threshold: 1, Trustees: []election.TrusteeInput{ro, sc}}, "threshold"},
			{"threshold above n", election.KeyInput{Threshold: 3, Trustees: []election.TrusteeInput{ro, sc}}, "threshold"},
			{"twice the same", election.KeyInput{Threshold: 2, Trustees: []election.TrusteeInput{ro, ro, sc}}, "trustees"},
			{"demo shares here", election.KeyInput{Threshold: 2, Trustees: []election.TrusteeInput{ro, sc}, KeepSharesForDemo: true}, "keep_shares_for_demo"},
		} {
			err := f.svc.SetUpKey(f.ctx, f.ro, e.ID, tc.in)
			if fe, ok := election.AsFieldErrors(err); !ok || fe[tc.field] == "" {
				t.Errorf("%s: %v", tc.name, err)
			}
		}
		if err := f.svc.SetUpKey(f.ctx, f.scrut, e.ID, election.KeyInput{Threshold: 2, Trustees: []election.TrusteeInput{ro, sc}}); !errors.Is(err, auth.ErrForbidden) {
			t.Fatalf("key set-up by the scrutineer: %v", err)
		}
		// A trustee takes their share once, and only their own.
		if _, _, err := f.svc.CollectShareFile(f.ctx, f.ro, e.ID); !errors.Is(err, election.ErrShareCollected) {
			t.Fatalf("second collection: %v", err)
		}
		if _, _, err := f.svc.CollectShareFile(f.ctx, member, e.ID); !errors.Is(err, election.ErrNotTrustee) {
			t.Fatalf("collection by a member: %v", err)
		}
		// The key is public only; no share is left on the server.
		if n := f.count(`SELECT COUNT(*) FROM election_trustees WHERE election_id = ? AND pending_share IS NOT NULL`, e.ID); n != 0 {
			t.Fatalf("%d pending shares after collection", n)
		}
		if n := f.count(`SELECT COUNT(*) FROM election_trustees WHERE election_id = ? AND sealed_share IS NOT NULL`, e.ID); n != 1 {
			t.Fatalf("%d sealed shares, want the scrutineer's", n)
		}
	})
}

// TestOpenWaitsForEveryTrustee: voting does not open while a share waits
// to be taken; the open job retries, and the returning officer can open by
// hand once it is taken.
func TestOpenWaitsForEveryTrustee(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, _, _ := f.election(electionOptions{})
		f.voters(2)
		ro := election.TrusteeInput{PersonID: f.ro.PersonID, Role: election.TrusteeReturningOfficer}
		sc := election.TrusteeInput{PersonID: f.scrut.PersonID, Role: election.TrusteeScrutineer}
		if err := f.svc.SetUpKey(f.ctx, f.ro, e.ID, election.KeyInput{Threshold: 2, Trustees: []election.TrusteeInput{ro, sc}}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.CollectShareFile(f.ctx, f.ro, e.ID); err != nil {
			t.Fatal(err)
		}
		f.runJobsAt(e.BallotOpen)
		got, _ := db.ElectionByID(f.ctx, e.ID)
		if got.Status != store.ElectionFrozen {
			t.Fatalf("status %s: opened without every share taken", got.Status)
		}
		if err := f.svc.Open(f.ctx, f.ro, e.ID); !errors.Is(err, election.ErrKeyNotReady) || !strings.Contains(err.Error(), "Sam Scrutineer") {
			t.Fatalf("open by hand: %v", err)
		}
		if err := f.svc.SealShare(f.ctx, f.scrut, e.ID, "short"); err == nil {
			t.Fatal("a short passphrase was accepted")
		} else if fe, ok := election.AsFieldErrors(err); !ok || fe["passphrase"] == "" {
			t.Fatalf("short passphrase: %v", err)
		}
		if err := f.svc.SealShare(f.ctx, f.scrut, e.ID, scrutineerPassphrase); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Open(f.ctx, f.ro, e.ID); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.SetUpKey(f.ctx, f.ro, e.ID, election.KeyInput{Threshold: 2, Trustees: []election.TrusteeInput{ro, sc}}); !errors.Is(err, election.ErrWrongStage) {
			t.Fatalf("new key while open: %v", err)
		}
	})
}

// TestWrongSharesAreNamed checks every way a trustee can give the wrong
// share, and that fewer than the threshold never count and never sit in
// the database in a number that rebuilds the key.
func TestWrongSharesAreNamed(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, roFile := f.election(electionOptions{threshold: 3, third: true})
		other, _, otherFile := f.election(electionOptions{})
		_ = other
		vs := f.voters(3)
		f.open(e)
		for _, v := range vs {
			if _, err := f.svc.Cast(f.ctx, v, e.ID, []int64{cs[1].ID, cs[0].ID}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.svc.SubmitShareFile(f.ctx, f.ro, e.ID, roFile); !errors.Is(err, election.ErrWrongStage) {
			t.Fatalf("share before the close: %v", err)
		}
		f.runJobsAt(e.BallotClose)

		var errs []error // every error shown to a trustee, scanned for secrets below
		tampered := bytes.Replace(roFile, []byte("Share: "), []byte("Share: 9"), 1)
		for _, tc := range []struct {
			name string
			file []byte
		}{
			{"another election's share", otherFile},
			{"a damaged file", tampered},
			{"not a share file", []byte("hello")},
		} {
			_, err := f.svc.SubmitShareFile(f.ctx, f.ro, e.ID, tc.file)
			if !errors.Is(err, election.ErrWrongShare) {
				t.Errorf("%s: %v", tc.name, err)
			}
			errs = append(errs, err)
		}
		// The returning officer's file given by the scrutineer is not theirs.
		if _, err := f.svc.SubmitShareFile(f.ctx, f.scrut, e.ID, roFile); !errors.Is(err, election.ErrWrongShare) {
			t.Fatalf("someone else's file: %v", err)
		}
		_, err := f.svc.SubmitSharePassphrase(f.ctx, f.scrut, e.ID, "not the passphrase at all")
		if !errors.Is(err, election.ErrWrongPassphrase) {
			t.Fatalf("wrong passphrase: %v", err)
		}
		errs = append(errs, err)
		if _, err := f.svc.SubmitSharePassphrase(f.ctx, f.ro, e.ID, scrutineerPassphrase); !errors.Is(err, election.ErrWrongShare) {
			t.Fatalf("passphrase from a trustee with a file: %v", err)
		}
		if _, err := f.svc.SubmitShareFile(f.ctx, vs[0], e.ID, roFile); !errors.Is(err, election.ErrNotTrustee) {
			t.Fatalf("share from a voter: %v", err)
		}

		// Two of three: stored, no count.
		if _, err := f.svc.SubmitShareFile(f.ctx, f.ro, e.ID, roFile); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SubmitShareFile(f.ctx, f.ro, e.ID, roFile); !errors.Is(err, election.ErrShareSubmitted) {
			t.Fatalf("second submission: %v", err)
		}
		pr, err := f.svc.SubmitSharePassphrase(f.ctx, f.scrut, e.ID, scrutineerPassphrase)
		if err != nil || pr.Submitted != 2 || pr.Counted {
			t.Fatalf("second share: %+v %v", pr, err)
		}
		got, _ := db.ElectionByID(f.ctx, e.ID)
		if got.Status != store.ElectionClosed || f.count(`SELECT COUNT(*) FROM election_ballots`) != 0 || f.count(`SELECT COUNT(*) FROM election_envelopes`) != 3 {
			t.Fatal("counted with fewer shares than the threshold")
		}
		// What the database holds (two shares) does not rebuild the key.
		var stored []ballot.Share
		rows, err := db.Query(f.ctx, `SELECT share_index, submitted_share FROM election_trustees WHERE election_id = ? AND submitted_share IS NOT NULL`, e.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var idx int
			var data []byte
			if err := rows.Scan(&idx, &data); err != nil {
				t.Fatal(err)
			}
			stored = append(stored, ballot.Share{Index: byte(idx), Data: data})
		}
		rows.Close()
		if len(stored) != 2 {
			t.Fatalf("%d shares stored, want 2", len(stored))
		}
		if _, err := ballot.RecoverKey(stored, got.PublicKey); err == nil {
			t.Fatal("the stored shares rebuild the key")
		}
		var env []byte
		if err := db.QueryRow(f.ctx, `SELECT ciphertext FROM election_envelopes LIMIT 1`).Scan(&env); err != nil {
			t.Fatal(err)
		}
		if k, err := ballot.Combine(stored); err == nil {
			if _, err := ballot.Open(k, e.ID, env); err == nil {
				t.Fatal("an envelope opened with fewer shares than the threshold")
			}
		}

		// The third share completes the threshold: counted, and it was
		// never stored.
		pr, err = f.svc.SubmitSharePassphrase(f.ctx, f.third, e.ID, thirdPassphrase)
		if err != nil || !pr.Counted {
			t.Fatalf("third share: %+v %v", pr, err)
		}
		if n := f.count(`SELECT COUNT(*) FROM election_ballots WHERE election_id = ?`, e.ID); n != 3 {
			t.Fatalf("%d ballots", n)
		}
		share, _, _, err := ballot.DecodeShareFile(roFile)
		if err != nil {
			t.Fatal(err)
		}
		secrets := []string{scrutineerPassphrase, thirdPassphrase, "not the passphrase at all", base64.StdEncoding.EncodeToString(share.Data), hex.EncodeToString(share.Data)}
		assertNoSecrets(t, f, secrets)
		for _, err := range errs {
			for _, s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("an error shows a secret: %v", err)
				}
			}
		}
	})
}

// TestTamperedEnvelopeIsRejectedAndReported alters one envelope: the count
// goes on with the others, and the result and audit say one was rejected.
func TestTamperedEnvelopeIsRejectedAndReported(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		e, cs, roFile := f.election(electionOptions{})
		vs := f.voters(4)
		f.open(e)
		for _, v := range vs {
			if _, err := f.svc.Cast(f.ctx, v, e.ID, []int64{cs[0].ID}); err != nil {
				t.Fatal(err)
			}
		}
		var env []byte
		if err := db.QueryRow(f.ctx, `SELECT ciphertext FROM election_envelopes WHERE person_id = ?`, vs[2].PersonID).Scan(&env); err != nil {
			t.Fatal(err)
		}
		env[len(env)-20] ^= 1
		if _, err := db.Exec(f.ctx, `UPDATE election_envelopes SET ciphertext = ? WHERE person_id = ?`, env, vs[2].PersonID); err != nil {
			t.Fatal(err)
		}
		countNow(t, f, e, roFile)
		res, err := db.ResultOf(f.ctx, e.ID)
		if err != nil || res.Ballots != 3 || res.Rejected != 1 {
			t.Fatalf("result: %d ballots, %d rejected, %v", res.Ballots, res.Rejected, err)
		}
		entries, _, _ := db.AuditLog(f.ctx, store.AuditFilter{Action: "election.count"})
		if len(entries) != 1 || !strings.Contains(entries[0].New, "rejected=1") {
			t.Fatalf("audit of the count: %+v", entries)
		}
		if f.count(`SELECT COUNT(*) FROM election_envelopes`) != 0 {
			t.Fatal("envelopes left")
		}
	})
}

// TestDemoElectionCountsItself: with shares kept for a demonstration, the
// close job counts without any trustee.
func TestDemoElectionCountsItself(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db, fixtureOptions{demo: true})
		e, cs, _ := f.election(electionOptions{demo: true})
		vs := f.voters(5)
		f.open(e)
		for _, v := range vs {
			if _, err := f.svc.Cast(f.ctx, v, e.ID, []int64{cs[2].ID, cs[0].ID}); err != nil {
				t.Fatal(err)
			}
		}
		view, err := f.svc.Get(f.ctx, nil, e.ID)
		if err != nil || !view.DemoShares {
			t.Fatalf("the page must say the shares are kept: %+v %v", view.DemoShares, err)
		}
		f.runJobsAt(e.BallotClose)
		got, _ := db.ElectionByID(f.ctx, e.ID)
		if got.Status != store.ElectionCounted {
			t.Fatalf("status %s after the close of a demonstration election; %s", got.Status, f.logs.String())
		}
		f.runJobsAt(e.Declare)
		r, err := f.svc.Result(f.ctx, nil, e.ID)
		if err != nil || len(r.Elected) != 2 || r.Elected[0] != cs[2].Name {
			t.Fatalf("declared result %+v %v", r, err)
		}
		if f.count(`SELECT COUNT(*) FROM election_trustees WHERE demo_share IS NOT NULL`) != 0 {
			t.Fatal("demonstration shares kept after the count")
		}
	})
}
