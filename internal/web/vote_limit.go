package web

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"quorum/internal/election"
)

// Ballots are rate-limited in each node's memory, never in the database:
// a counter row keyed by a voter would record when they voted, which the
// secrecy model forbids (the roll keeps no time, see docs/elections.md).
// A node's counts are lost on restart and each node counts on its own;
// that is enough to stop one voter or one address hammering the casting
// path, which is what the limits are for.
const (
	// ballotAttempts is how many ballot requests (check, change, cast) one
	// voter may make in ballotWindow: far more than voting, and changing a
	// vote a few times, takes.
	ballotAttempts = 30
	ballotWindow   = time.Minute
	// badLinkAttempts is how many unknown or used ballot links one address
	// may try in badLinkWindow. Only failures count, and a valid link
	// always opens, so voters behind one address are never held up.
	badLinkAttempts = 20
	badLinkWindow   = 10 * time.Minute
)

// attemptLimiter counts attempts per key in fixed windows, in memory.
type attemptLimiter struct {
	limit  int
	window time.Duration

	mu      sync.Mutex
	buckets map[string]*attempts
	pruned  time.Time
}

type attempts struct {
	start time.Time
	n     int
}

func newAttemptLimiter(limit int, window time.Duration) *attemptLimiter {
	return &attemptLimiter{limit: limit, window: window, buckets: map[string]*attempts{}}
}

// allow counts one attempt under key and reports whether it is within
// the limit.
func (l *attemptLimiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.prune(now)
	b := l.buckets[key]
	if b == nil || now.Sub(b.start) >= l.window {
		l.buckets[key] = &attempts{start: now, n: 1}
		return true
	}
	b.n++
	return b.n <= l.limit
}

// prune forgets windows that have ended, at most once a window, so that
// memory follows the voters of the last minutes only.
func (l *attemptLimiter) prune(now time.Time) {
	if now.Sub(l.pruned) < l.window {
		return
	}
	for k, b := range l.buckets {
		if now.Sub(b.start) >= l.window {
			delete(l.buckets, k)
		}
	}
	l.pruned = now
}

// ballotAttemptAllowed counts a ballot request of the signed-in voter, or
// of a ballot link's holder, and answers 429 past the limit.
func (s *Server) ballotAttemptAllowed(w http.ResponseWriter, r *http.Request, key string) bool {
	if s.ballots.allow(key, s.Now()) {
		return true
	}
	s.renderError(w, r, http.StatusTooManyRequests)
	return false
}

func voterKey(personID int64) string { return "person:" + strconv.FormatInt(personID, 10) }

// linkKey stands for a ballot link without keeping its token in memory.
func linkKey(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "link:" + hex.EncodeToString(sum[:12])
}

// resolveLink finds the ballot of a one-time link. A valid link always
// opens, whatever else came from the same address (behind a proxy, every
// voter may share one); an address that keeps trying links that do not
// exist, or are used up, is answered "too many attempts" for a while
// instead of being told which.
func (s *Server) resolveLink(w http.ResponseWriter, r *http.Request) (election.LinkBallot, bool) {
	lb, err := s.Elections.ResolveBallotLink(r.Context(), r.PathValue("token"))
	if err == nil {
		return lb, true
	}
	if errors.Is(err, election.ErrLinkInvalid) && !s.badLinks.allow(clientAddr(r), s.Now()) {
		s.renderError(w, r, http.StatusTooManyRequests)
		return lb, false
	}
	s.failBack(w, r, err, "")
	return lb, false
}
