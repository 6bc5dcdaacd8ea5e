package ballot

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var trackerShape = regexp.MustCompile(`^([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}$`)

func TestTrackerStringRoundTrip(t *testing.T) {
	seen := map[Tracker]bool{}
	for range 2000 {
		tr := mustTracker(t)
		if seen[tr] {
			t.Fatal("NewTracker repeated itself")
		}
		seen[tr] = true
		s := tr.String()
		if !trackerShape.MatchString(s) {
			t.Fatalf("tracker string %q is not seven groups of four", s)
		}
		got, err := ParseTracker(s)
		if err != nil {
			t.Fatalf("ParseTracker(%q): %v", s, err)
		}
		if got != tr {
			t.Fatalf("ParseTracker(%q) gives another tracker", s)
		}
	}
}

// Pinned values: trackers are printed on receipts and published on boards,
// so the written form must never change silently. The values were computed
// independently of this code (big-integer base32 of tracker and check).
func TestTrackerKnownAnswers(t *testing.T) {
	var seq Tracker
	for i := range seq {
		seq[i] = byte(i)
	}
	var ones Tracker
	for i := range ones {
		ones[i] = 0xff
	}
	for _, tc := range []struct {
		tr   Tracker
		want string
	}{
		{Tracker{}, "0000-0000-0000-0000-0000-0000-023C"},
		{seq, "000G-40R4-0M30-E209-185G-R38E-1XRQ"},
		{ones, "ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZZZZ-ZX0P"},
	} {
		if got := tc.tr.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
	}
}

func TestParseTrackerTolerance(t *testing.T) {
	tr := mustTracker(t)
	s := tr.String()
	plain := strings.ReplaceAll(s, "-", "")
	lookalikes := strings.NewReplacer("0", "O", "1", "l").Replace(strings.ToLower(plain))
	for name, in := range map[string]string{
		"as printed":         s,
		"lower case":         strings.ToLower(s),
		"no hyphens":         plain,
		"spaces":             strings.ReplaceAll(s, "-", " "),
		"surrounding spaces": "  " + s + "\n",
		"en dashes":          strings.ReplaceAll(s, "-", "–"),
		"pairs":              plain[:2] + " " + plain[2:14] + "--" + plain[14:],
		"tabs":               strings.ReplaceAll(s, "-", "\t"),
		"look-alikes":        lookalikes,
		"capital I for 1":    strings.ReplaceAll(plain, "1", "I"),
	} {
		got, err := ParseTracker(in)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got != tr {
			t.Errorf("%s: parsed to another tracker", name)
		}
	}
}

func TestParseTrackerRefuses(t *testing.T) {
	tr := mustTracker(t)
	s := tr.String()
	for name, in := range map[string]string{
		"empty":          "",
		"one short":      s[:len(s)-1],
		"one extra":      s + "0",
		"letter U":       "U" + s[1:],
		"punctuation":    s[:4] + "." + s[5:],
		"non-ASCII":      "É" + s[1:],
		"very long":      strings.Repeat(" ", 300) + s,
		"base64-ish":     "q83vEjRWeJq83vEjRWeJq83vEjRW",
		"two trackers":   s + s,
		"only separator": "----",
	} {
		if _, err := ParseTracker(in); !errors.Is(err, ErrBadTracker) {
			t.Errorf("%s: got %v, want ErrBadTracker", name, err)
		}
	}
}

// The check catches a mistyped character: every single substitution and
// every swap of neighbours, bar the one in 4096 the 12-bit check cannot see.
func TestParseTrackerCatchesTypos(t *testing.T) {
	missed, tried := 0, 0
	for range 20 {
		plain := strings.ReplaceAll(mustTracker(t).String(), "-", "")
		for i := range plain {
			for _, c := range trackerAlphabet {
				if byte(c) == plain[i] {
					continue
				}
				tried++
				if _, err := ParseTracker(plain[:i] + string(c) + plain[i+1:]); err == nil {
					missed++
				}
			}
			if i+1 < len(plain) && plain[i] != plain[i+1] {
				tried++
				if _, err := ParseTracker(plain[:i] + plain[i+1:i+2] + plain[i:i+1] + plain[i+2:]); err == nil {
					missed++
				}
			}
		}
	}
	// Expected about tried/4096 ≈ 4.4; 20 would be a broken check.
	if missed > 20 {
		t.Fatalf("%d of %d typos passed the check", missed, tried)
	}
	t.Logf("%d of %d typos passed the check", missed, tried)
}
