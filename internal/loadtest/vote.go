// Package loadtest measures Quorum under load the way users load it: over
// HTTP, with real sessions, against a real database. `quorum loadtest vote`
// and the crash test use it.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/store"
)

// VoteFixture is an open election with a roll of voters who each hold a
// signed-in session.
type VoteFixture struct {
	Slug       string
	ElectionID int64
	Candidates []int64
	Voters     []Voter
}

// Voter is one voter of the fixture.
type Voter struct {
	PersonID int64
	Session  string // the session cookie's value
}

// firstVoterID leaves room below for the officials' own rows.
const firstVoterID = 1000

// PrepareVote fills a fresh, migrated database with n voters, each with a
// session, and an open election of the given number of candidates.
func PrepareVote(ctx context.Context, db *store.DB, svc *election.Service, voters, candidates int) (*VoteFixture, error) {
	if voters < 1 || candidates < 2 {
		return nil, errors.New("want at least one voter and two candidates")
	}
	now := time.Now().UTC()
	var unitID, roID, scID int64
	err := db.InTx(ctx, func(tx *store.Tx) error {
		var err error
		if unitID, err = tx.CreateUnit(ctx, store.Unit{Type: "branch", Name: "Load Test Branch", Slug: "load-test-branch"}); err != nil {
			return err
		}
		for _, who := range []struct {
			id   *int64
			name string
			role auth.Role
		}{{&roID, "Load Test Returning Officer", auth.RoleReturningOfficer}, {&scID, "Load Test Scrutineer", auth.RoleScrutineer}} {
			if *who.id, err = tx.CreatePerson(ctx, store.Person{Name: who.name, Slug: strings.ToLower(strings.ReplaceAll(who.name, " ", "-"))}); err != nil {
				return err
			}
			if _, err := tx.AddGrant(ctx, store.Grant{PersonID: *who.id, Role: string(who.role)}); err != nil {
				return err
			}
		}
		people := make([][]any, voters)
		members := make([][]any, voters)
		accounts := make([][]any, voters)
		for i := range people {
			id := int64(firstVoterID + i)
			// Each voter has an address, so every cast queues its receipt
			// e-mail as a real one does.
			people[i] = []any{id, fmt.Sprintf("Voter %d", i), fmt.Sprintf("voter-%d", i), fmt.Sprintf("voter-%d@load-test.invalid", i), now}
			members[i] = []any{id, unitID, fmt.Sprintf("LT%07d", i), "full", store.DateArg(now.AddDate(-1, 0, 0)), "active"}
			accounts[i] = []any{id, "-", now}
		}
		if err := tx.BulkInsert(ctx, "people", []string{"id", "name", "slug", "email", "created_at"}, people); err != nil {
			return err
		}
		if err := tx.SyncIDSequence(ctx, "people"); err != nil {
			return err
		}
		if err := tx.BulkInsert(ctx, "memberships", []string{"person_id", "unit_id", "number", "type", "start_date", "status"}, members); err != nil {
			return err
		}
		return tx.BulkInsert(ctx, "accounts", []string{"person_id", "password_hash", "created_at"}, accounts)
	})
	if err != nil {
		return nil, fmt.Errorf("voters: %w", err)
	}
	f := &VoteFixture{}
	sessions := make([][]any, voters)
	for i := range sessions {
		token, hash := auth.NewToken()
		f.Voters = append(f.Voters, Voter{PersonID: int64(firstVoterID + i), Session: token})
		sessions[i] = []any{hash, int64(firstVoterID + i), now, now.Add(24 * time.Hour), false}
	}
	if err := db.InTx(ctx, func(tx *store.Tx) error {
		return tx.BulkInsert(ctx, "sessions", []string{"token_hash", "person_id", "created_at", "expires_at", "second_factor"}, sessions)
	}); err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}

	ro := &auth.Principal{PersonID: roID, SecondFactor: true, Grants: []store.Grant{{Role: string(auth.RoleReturningOfficer)}}}
	sc := &auth.Principal{PersonID: scID, SecondFactor: true, Grants: []store.Grant{{Role: string(auth.RoleScrutineer)}}}
	e, err := svc.Create(ctx, ro, election.Settings{Title: "Load test", Seats: 3, Method: "scottish-stv",
		Timetable: election.Timetable{BallotClose: now.Add(24 * time.Hour)}})
	if err != nil {
		return nil, fmt.Errorf("election: %w", err)
	}
	f.Slug, f.ElectionID = e.Slug, e.ID
	if err := svc.SetRules(ctx, ro, e.ID, []election.Rule{{Kind: election.RuleMembers}}); err != nil {
		return nil, err
	}
	for i := 0; i < candidates; i++ {
		c, err := svc.AddCandidate(ctx, ro, e.ID, election.CandidateInput{Name: fmt.Sprintf("Candidate %d", i+1), Position: i + 1})
		if err != nil {
			return nil, err
		}
		f.Candidates = append(f.Candidates, c.ID)
	}
	trustees := []election.TrusteeInput{{PersonID: roID, Role: election.TrusteeReturningOfficer}, {PersonID: scID, Role: election.TrusteeScrutineer}}
	if err := svc.SetUpKey(ctx, ro, e.ID, election.KeyInput{Threshold: 2, Trustees: trustees}); err != nil {
		return nil, err
	}
	for _, p := range []*auth.Principal{ro, sc} {
		if _, _, err := svc.CollectShareFile(ctx, p, e.ID); err != nil {
			return nil, err
		}
	}
	if err := svc.Open(ctx, ro, e.ID); err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	return f, nil
}

// Result is what a load run measured.
type Result struct {
	Acknowledged int           // casts answered with a receipt
	Failed       int           // casts refused or broken
	Elapsed      time.Duration // wall time of the run
	P50, P95     time.Duration
	P99, Max     time.Duration
	FirstError   string
	// AckedVoters are the person ids whose casts were acknowledged.
	AckedVoters []int64
}

// PerSecond is the rate of acknowledged ballots.
func (r Result) PerSecond() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Acknowledged) / r.Elapsed.Seconds()
}

// RunVote makes each voter cast one ballot through the site at baseURL,
// with the given number of voters at once, each starting as soon as the
// one before finished (a closed loop: it finds the most the site can take).
// It stops early when ctx ends (the crash test kills the server mid-way).
func RunVote(ctx context.Context, baseURL string, f *VoteFixture, concurrency int) Result {
	return RunVoteAt(ctx, baseURL, f, concurrency, 0)
}

// RunVoteAt is RunVote with voters arriving at a steady rate per second
// (an open loop, as voters arrive in a real election) when rate > 0, with
// at most concurrency casts in flight. Each latency is measured from the
// moment the voter was due to arrive, not from when a free connection let
// the cast start, so a site that falls behind shows it in the percentiles
// instead of slowing the load down to what it can take.
func RunVoteAt(ctx context.Context, baseURL string, f *VoteFixture, concurrency int, rate float64) Result {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: concurrency, MaxConnsPerHost: concurrency}}
	type arrival struct {
		voter Voter
		due   time.Time
	}
	work := make(chan arrival, concurrency)
	var (
		mu        sync.Mutex
		latencies []time.Duration
		acked     []int64
		failed    atomic.Int64
		firstErr  atomic.Value
	)
	target := baseURL + "/elections/" + f.Slug + "/vote/confirm"
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for a := range work {
				v := a.voter
				form := url.Values{}
				// Rank a rotating handful, so ballots differ.
				for i := 0; i < 1+int(v.PersonID)%len(f.Candidates); i++ {
					c := f.Candidates[(int(v.PersonID)+i)%len(f.Candidates)]
					form.Set("rank-"+strconv.FormatInt(c, 10), strconv.Itoa(i+1))
				}
				t0 := a.due
				if t0.IsZero() {
					t0 = time.Now()
				}
				err := castOnce(ctx, client, target, v.Session, form)
				d := time.Since(t0)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				mu.Lock()
				latencies = append(latencies, d)
				acked = append(acked, v.PersonID)
				mu.Unlock()
			}
		}(w)
	}
feed:
	for i, v := range f.Voters {
		a := arrival{voter: v}
		if rate > 0 {
			a.due = start.Add(time.Duration(float64(i) / rate * float64(time.Second)))
			if wait := time.Until(a.due); wait > 0 {
				select {
				case <-time.After(wait):
				case <-ctx.Done():
					break feed
				}
			}
		}
		select {
		case work <- a:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	res := Result{Acknowledged: len(acked), Failed: int(failed.Load()), Elapsed: time.Since(start), AckedVoters: acked}
	if e, ok := firstErr.Load().(string); ok {
		res.FirstError = e
	}
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	pct := func(p float64) time.Duration {
		if len(latencies) == 0 {
			return 0
		}
		return latencies[min(len(latencies)-1, int(p*float64(len(latencies))))]
	}
	res.P50, res.P95, res.P99 = pct(0.50), pct(0.95), pct(0.99)
	if len(latencies) > 0 {
		res.Max = latencies[len(latencies)-1]
	}
	return res
}

// castOnce posts one ballot; only a receipt page counts as acknowledged.
func castOnce(ctx context.Context, client *http.Client, target, session string, form url.Values) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, strings.NewReader(form.Encode()))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "quorum_session", Value: session})
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `id="tracker"`) {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}
