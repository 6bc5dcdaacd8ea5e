package election

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"quorum/internal/ballot"
	"quorum/internal/count"
	"quorum/internal/store"
)

// envelopeBatch is how many envelopes a worker takes at a time at the close.
const envelopeBatch = 256

// tally opens every envelope of a closed election with the rebuilt private
// key, shuffles the ballots, stores them with no voter, time or sequence,
// deletes the envelopes and every share, counts and stores the result, all
// in one transaction; then it scrubs the deleted rows from the database
// files. private is cleared before it returns, so the key lives only for
// the length of this call. lastTrustee, if not 0, is the trustee whose
// share completed the threshold and was used in memory only.
func (s *Service) tally(ctx context.Context, e store.Election, private []byte, actor, lastTrustee int64) error {
	defer s.forgetPaper(e.ID)
	started := time.Now()
	opener, err := ballot.NewOpener(private)
	clear(private)
	if err != nil {
		return err
	}
	candidates, err := s.db.CandidatesOf(ctx, e.ID)
	if err != nil {
		return err
	}
	opened, rejected, read, err := s.openAll(ctx, e.ID, opener, candidates)
	if err != nil {
		return err
	}
	openedIn := time.Since(started)
	// The shuffle decides the physical order of the stored rows; listings
	// and the Merkle tree use the order of the trackers, which is random
	// too and the same for everyone who recounts.
	if err := ballot.Shuffle(opened); err != nil {
		return err
	}
	seed, drawn, err := countSeed(e)
	if err != nil {
		return err
	}
	// The count, its sheets and the Merkle tree need only the ballots in
	// memory: they are worked out on one core while the transaction
	// stores the ballots (in the database server, or SQLite on the other
	// core). Both only read opened.
	counted := make(chan countOutcome, 1)
	go func() { counted <- countAll(e, candidates, opened, seed) }()
	var outcome countOutcome
	var deletion store.EnvelopeDeletion
	var insertedIn, deletedIn time.Duration
	storing := time.Now()
	err = s.db.InTx(ctx, func(tx *store.Tx) error {
		cur, err := tx.LockElection(ctx, e.ID)
		if err != nil {
			return err
		}
		if cur.Status != store.ElectionClosed {
			return stageErr("the election has already been counted")
		}
		if _, err := tx.MoveElectionStatus(ctx, e.ID, store.ElectionClosed, store.ElectionCounted, s.now()); err != nil {
			return err
		}
		if lastTrustee != 0 {
			if err := tx.SubmitShare(ctx, e.ID, lastTrustee, nil); err != nil {
				return err
			}
			if err := audit(ctx, tx, lastTrustee, "election.share_submit", e.ID, "", "completed the threshold"); err != nil {
				return err
			}
		}
		inserting := time.Now()
		if err := tx.InsertBallots(ctx, e.ID, opened); err != nil {
			return err
		}
		insertedIn = time.Since(inserting)
		if err := tx.DestroyShares(ctx, e.ID); err != nil {
			return err
		}
		if err := tx.DeleteBallotLinks(ctx, e.ID); err != nil {
			return err
		}
		// Last, because on PostgreSQL it holds the envelope table (and so
		// casts in other elections) until the commit.
		deleting := time.Now()
		deletion, err = tx.DeleteEnvelopes(ctx, e.ID)
		if err != nil {
			return err
		}
		deletedIn = time.Since(deleting)
		if int(deletion.Deleted) != read {
			return fmt.Errorf("the envelopes changed during the count (%d read, %d found): count again", read, deletion.Deleted)
		}
		outcome = <-counted
		if outcome.err != nil {
			return outcome.err
		}
		result := store.ElectionResult{ElectionID: e.ID, Seed: strconv.FormatUint(seed, 10), CountJSON: outcome.sheet.json, CountText: outcome.sheet.text, ChartSVG: outcome.sheet.svg,
			MerkleRoot: hex.EncodeToString(outcome.root[:]), Ballots: len(opened), Rejected: rejected, CountedAt: s.now()}
		if drawn {
			if err := tx.SetElectionCountSeed(ctx, e.ID, result.Seed); err != nil {
				return err
			}
		}
		if err := tx.SaveResult(ctx, result); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "election.count", e.ID, "",
			fmt.Sprintf("envelopes=%d ballots=%d rejected=%d seed=%s seed_drawn=%t merkle_root=%s", read, len(opened), rejected, result.Seed, drawn, result.MerkleRoot))
	})
	if err != nil {
		return err
	}
	storedIn := time.Since(storing)
	if deletion.NotRewritten != nil {
		s.log.Warn("the envelope table could not be rewritten in the count's transaction; its envelopes were deleted row by row and the table is rewritten now", "election", e.ID, "error", deletion.NotRewritten)
	}
	scrubbing := time.Now()
	scrubCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := s.db.ScrubAfter(scrubCtx, deletion); err != nil {
		s.log.Error("after the count, deleted envelopes could not be scrubbed from the database files; run it again", "election", e.ID, "error", err)
	}
	s.leaves.put(e.ID, outcome.leaves)
	s.log.Info("election counted", "election", e.ID, "ballots", len(opened), "rejected", rejected,
		"opening", openedIn.Round(time.Millisecond), "counting", outcome.took.Round(time.Millisecond),
		"storing", storedIn.Round(time.Millisecond), "inserting_ballots", insertedIn.Round(time.Millisecond),
		"deleting_envelopes", deletedIn.Round(time.Millisecond), "envelope_table_rewritten", deletion.Rewritten, "scrubbing", time.Since(scrubbing).Round(time.Millisecond),
		"took", time.Since(started).Round(time.Millisecond))
	return nil
}

// countOutcome is the count of the opened ballots with what is published
// of it.
type countOutcome struct {
	sheet  renderedResult
	leaves [][32]byte
	root   [32]byte
	took   time.Duration
	err    error
}

// countAll counts the ballots in canonical order, renders the result and
// builds the Merkle tree's leaves and root.
func countAll(e store.Election, candidates []store.Candidate, opened []store.AnonBallot, seed uint64) countOutcome {
	started := time.Now()
	canonical := canonicalOrder(opened)
	res, err := countBallots(e, candidates, canonical, seed)
	if err != nil {
		return countOutcome{err: fmt.Errorf("count: %w", err)}
	}
	var out countOutcome
	if out.sheet, err = renderResult(res); err != nil {
		return countOutcome{err: err}
	}
	out.leaves = merkleLeaves(canonical)
	out.root = ballot.MerkleRoot(out.leaves)
	out.took = time.Since(started)
	return out
}

// openAll reads the envelopes in batches and opens them on every core. An
// envelope that does not open, or holds a ranking no honest cast could
// have stored, is rejected and counted, never silently dropped.
func (s *Service) openAll(ctx context.Context, electionID int64, opener *ballot.Opener, candidates []store.Candidate) (opened []store.AnonBallot, rejected, read int, err error) {
	names := make(map[int64]string, len(candidates))
	for _, c := range candidates {
		names[c.ID] = c.Name
	}
	batches := make(chan [][]byte, 2*s.cfg.CloseWorkers)
	type part struct {
		ballots  []store.AnonBallot
		rejected int
	}
	parts := make([]part, s.cfg.CloseWorkers)
	var wg sync.WaitGroup
	for w := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			seen := make(map[int64]bool, len(candidates))
			for batch := range batches {
				for _, env := range batch {
					b, err := opener.Open(electionID, env)
					if err != nil {
						parts[w].rejected++
						continue
					}
					ranking, ok := rankingNames(b.Ranking, names, seen)
					if !ok {
						parts[w].rejected++
						continue
					}
					tr := b.Tracker
					parts[w].ballots = append(parts[w].ballots, store.AnonBallot{Tracker: tr[:], Ranking: ranking})
				}
			}
		}()
	}
	batch := make([][]byte, 0, envelopeBatch)
	err = s.db.EachEnvelope(ctx, electionID, func(c []byte) error {
		read++
		batch = append(batch, c)
		if len(batch) == envelopeBatch {
			batches <- batch
			batch = make([][]byte, 0, envelopeBatch)
		}
		return nil
	})
	if len(batch) > 0 {
		batches <- batch
	}
	close(batches)
	wg.Wait()
	if err != nil {
		return nil, 0, 0, err
	}
	for _, p := range parts {
		opened = append(opened, p.ballots...)
		rejected += p.rejected
	}
	return opened, rejected, read, nil
}

// rankingNames turns a sealed ranking into candidates' names, refusing
// unknown candidates and repeats. seen is the caller's to reuse, so that
// half a million ballots do not make half a million maps.
func rankingNames(ids []int64, names map[int64]string, seen map[int64]bool) ([]string, bool) {
	clear(seen)
	out := make([]string, len(ids))
	for i, id := range ids {
		name, ok := names[id]
		if !ok || seen[id] {
			return nil, false
		}
		seen[id] = true
		out[i] = name
	}
	return out, true
}

// canonicalOrder returns the ballots sorted by tracker: the order of the
// bulletin board, its Merkle tree and every recount.
func canonicalOrder(ballots []store.AnonBallot) []store.AnonBallot {
	out := slices.Clone(ballots)
	slices.SortFunc(out, func(a, b store.AnonBallot) int { return bytes.Compare(a.Tracker, b.Tracker) })
	return out
}

func toTracker(b []byte) ballot.Tracker {
	var t ballot.Tracker
	copy(t[:], b)
	return t
}

func merkleLeaves(canonical []store.AnonBallot) [][32]byte {
	leaves := make([][32]byte, len(canonical))
	for i, b := range canonical {
		leaves[i] = ballot.LeafHash(toTracker(b.Tracker), b.Ranking)
	}
	return leaves
}

// countSeed returns the seed fixed in advance, or draws one.
func countSeed(e store.Election) (seed uint64, drawn bool, err error) {
	if e.CountSeed != "" {
		seed, err = strconv.ParseUint(e.CountSeed, 10, 64)
		return seed, false, err
	}
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return 0, false, err
	}
	return binary.BigEndian.Uint64(b[:]), true, nil
}

// countElection builds the counting library's election: every candidate on
// the paper, in paper order, withdrawn ones marked.
func countElection(e store.Election, candidates []store.Candidate) (*count.Election, error) {
	cs := make([]count.Candidate, len(candidates))
	for i, c := range candidates {
		cs[i] = count.Candidate{Name: c.Name, Withdrawn: c.Withdrawn, Attributes: c.Attributes}
	}
	return count.NewElection(e.Title, e.Seats, cs)
}

func countOptions(e store.Election, seed uint64) count.Options {
	rules := make([]count.QuotaRule, len(e.Quotas))
	for i, q := range e.Quotas {
		rules[i] = count.QuotaRule{Attribute: q.Attribute, Value: q.Value, Min: q.Min}
	}
	return count.Options{Method: count.Method(e.Method), Seats: e.Seats, Seed: seed, Rules: rules}
}

// fillBallots adds the ballots to the count's ballot box.
func fillBallots(ce *count.Election, ballots []store.AnonBallot) error {
	index := make(map[string]int, len(ce.Candidates))
	for i, c := range ce.Candidates {
		index[c.Name] = i
	}
	ranking := make([]int, 0, len(ce.Candidates))
	for _, b := range ballots {
		ranking = ranking[:0]
		for _, name := range b.Ranking {
			i, ok := index[name]
			if !ok {
				return fmt.Errorf("a stored ballot names someone who is not a candidate: %w", count.ErrUnknownCandidate)
			}
			ranking = append(ranking, i)
		}
		if err := ce.Ballots.Add(ranking, 1); err != nil {
			return err
		}
	}
	return nil
}

// countBallots counts ballots given in canonical order.
func countBallots(e store.Election, candidates []store.Candidate, canonical []store.AnonBallot, seed uint64) (*count.Result, error) {
	ce, err := countElection(e, candidates)
	if err != nil {
		return nil, err
	}
	if err := fillBallots(ce, canonical); err != nil {
		return nil, err
	}
	return count.Count(ce, countOptions(e, seed))
}

type renderedResult struct{ json, text, svg string }

func renderResult(res *count.Result) (renderedResult, error) {
	var j, t, g strings.Builder
	if err := count.WriteJSON(&j, res); err != nil {
		return renderedResult{}, err
	}
	if err := count.WriteText(&t, res); err != nil {
		return renderedResult{}, err
	}
	if err := count.WriteSVG(&g, res); err != nil {
		return renderedResult{}, err
	}
	return renderedResult{j.String(), t.String(), g.String()}, nil
}

// checkCountable refuses to open voting when the paper cannot be counted
// under the election's rules (no candidate standing, quota rules no set of
// winners can meet), by counting an empty ballot box.
func (s *Service) checkCountable(ctx context.Context, tx *store.Tx, e store.Election) error {
	candidates, err := tx.CandidatesOf(ctx, e.ID)
	if err != nil {
		return err
	}
	standing := 0
	for _, c := range candidates {
		if !c.Withdrawn {
			standing++
		}
	}
	if standing == 0 {
		return stageErr("no candidate is standing")
	}
	_, err = countBallots(e, candidates, nil, 0)
	if errors.Is(err, count.ErrQuotaImpossible) {
		return stageErr("the quota rules cannot be met by the candidates standing")
	}
	if err != nil {
		return stageErr("the ballot paper cannot be counted: %v", err)
	}
	return nil
}
