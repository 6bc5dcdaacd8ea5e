package store

import "testing"

// The tsqueries are as PostgreSQL prints websearch_to_tsquery('english', …).
func TestTsqueryPairs(t *testing.T) {
	cases := map[string]string{
		`'social' <-> 'care'`:                          `'social care'`,
		`'social' <-> 'care' & 'council'`:              `'social care'`,
		`'budget' <-> 'council' <-> 'tax' & !'reserv'`: `'budget council' & 'council tax'`,
		`!( 'social' <-> 'care' ) & 'budget'`:          ``,
		`!'social' <-> 'care'`:                         ``,
		`'a' <-> !'b' <-> 'c'`:                         ``,
		`'by-elect' <2> 'elect' <3> 'north'`:           ``,
		`'care' <3> 'elder'`:                           ``,
		`'social' & 'care' | 'budget'`:                 ``,
		`'social' <-> 'care' | 'budget'`:               ``,
		`'o' <-> 'neil' & 'b'`:                         `'o neil'`,
		`'a-b-c' <2> 'b' <-> 'c' & 'd' <-> 'e'`:        `'b c' & 'd e'`,
		`( 'x' <-> 'y' ) & !( 'p' <-> ( 'q' & 'r' ) )`: `'x y'`,
		`'it''s' <-> 'a\\b'`:                           `'it''s a\\b'`,
		`'a':* <-> 'b'`:                                ``,
		`'social' <-> 'care' <-> 'social' <-> 'care'`:  `'social care' & 'care social'`,
		``: ``,
	}
	for in, want := range cases {
		if got := tsqueryPairs(in); got != want {
			t.Errorf("tsqueryPairs(%s) = %s, want %s", in, got, want)
		}
	}
}
