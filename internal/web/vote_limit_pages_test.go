package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestBallotRequestsAreLimited: one voter hammering the ballot is stopped
// while other voters go on, and an address trying made-up ballot links is
// stopped; and the limits leave nothing in the database that would date a
// vote.
func TestBallotRequestsAreLimited(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		base, f := openElectionThroughPages(t, s, "Chair under pressure", nil)
		ballot := url.Values{f[0]: {"1"}}
		rateRows := func() int {
			var n int
			if err := db.QueryRow(t.Context(), `SELECT COUNT(*) FROM rate_limits`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := rateRows()
		limited := false
		for i := 0; i < 40 && !limited; i++ {
			switch rec := s.do("member", "POST", base+"/vote", ballot); rec.Code {
			case http.StatusOK:
			case http.StatusTooManyRequests:
				limited = true
				if i < 25 {
					t.Fatalf("stopped after %d checks of a ballot: too soon for a voter", i)
				}
			default:
				t.Fatalf("check %d: status %d", i+1, rec.Code)
			}
		}
		if !limited {
			t.Fatal("40 ballot checks a minute by one voter were all let through")
		}
		expect(t, s.do("member", "POST", base+"/vote/confirm", ballot), http.StatusTooManyRequests, "a cast past the limit")
		castThroughPages(t, s, "officer", base, ballot) // another voter is not held up

		for i := range 20 {
			expect(t, s.do("anonymous", "GET", "/ballot/made-up-"+strings.Repeat("x", i+1), nil), http.StatusConflict, "a made-up link")
		}
		expect(t, s.do("anonymous", "GET", "/ballot/made-up-again", nil), http.StatusTooManyRequests, "the 21st made-up link")

		if after := rateRows(); after != before {
			t.Fatalf("voting left %d rate-limit rows in the database", after-before)
		}
	})
}
