package count

import (
	"encoding/csv"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"quorum/internal/csvcell"
)

// boardFile is a bulletin board download as Quorum writes it, for the
// election of gender_stv.blt (3 seats, at least 2 women), one ballot per
// voter, with a withdrawn candidate nobody ranks.
func boardFile(t *testing.T) string {
	t.Helper()
	e := openElection(t, "testdata/gender_stv.blt")
	var sb strings.Builder
	sb.WriteString(`{"election":"Gender quota under STV","id":7,"method":"scottish-stv","seats":3,"seed":"18446744073709551615",` +
		`"quota_rules":[{"attribute":"gender","value":"woman","min":2}],"candidates":[` +
		`{"name":"M1","withdrawn":false,"attributes":{"gender":"man"}},{"name":"M2","withdrawn":false,"attributes":{"gender":"man"}},` +
		`{"name":"M3","withdrawn":false,"attributes":{"gender":"man"}},{"name":"W1","withdrawn":false,"attributes":{"gender":"woman"}},` +
		`{"name":"W2","withdrawn":false,"attributes":{"gender":"woman"}},{"name":"X9","withdrawn":true}],` +
		`"merkle_root":"00","leaf_format":"…","ballot_count":125,"ballots":[`)
	n := 0
	for g := range e.Ballots.Len() {
		for range e.Ballots.Weight(g) {
			if n > 0 {
				sb.WriteByte(',')
			}
			n++
			sb.WriteString("\n{\"tracker\":\"T" + strings.Repeat("x", n%3) + "\",\"ranking\":[")
			for i, c := range e.Ballots.Ranking(g) {
				if i > 0 {
					sb.WriteByte(',')
				}
				sb.WriteString(`"` + e.Candidates[c].Name + `"`)
			}
			sb.WriteString("]}")
		}
	}
	sb.WriteString("\n]}\n")
	return sb.String()
}

func TestReadBoardCountsAsTheBLT(t *testing.T) {
	var trackers int
	b, err := ReadBoard(strings.NewReader(boardFile(t)), func(tracker string, ranking []string) error {
		if !strings.HasPrefix(tracker, "T") {
			t.Fatalf("tracker %q", tracker)
		}
		trackers++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b.Method != ScottishSTV || b.Election.Seats != 3 || !b.HasSeed || b.Seed != 1<<64-1 || !b.HasRules || b.MerkleRoot != "00" ||
		b.Ballots != 125 || trackers != 125 || b.Election.Title != "Gender quota under STV" || !b.Election.Candidates[5].Withdrawn {
		t.Fatalf("read %+v (%d trackers)", b, trackers)
	}
	got, err := Count(b.Election, Options{Method: b.Method, Seed: b.Seed, Rules: b.Rules})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"M1", "W1", "W2"} // without the rule: M1, M2, M3
	if !reflect.DeepEqual(got.ElectedNames(), want) {
		t.Fatalf("elected %v, want %v", got.ElectedNames(), want)
	}
	// The same as the .blt with its attribute file.
	e := openElection(t, "testdata/gender_stv.blt")
	f, _ := os.Open("testdata/gender_stv.attr.csv")
	defer f.Close()
	if err := ReadAttributes(f, e); err != nil {
		t.Fatal(err)
	}
	blt, err := Count(e, Options{Method: ScottishSTV, Seed: b.Seed, Rules: b.Rules})
	if err != nil {
		t.Fatal(err)
	}
	// The board has one more candidate, withdrawn, at 0 throughout.
	if len(blt.Stages) != len(got.Stages) || !reflect.DeepEqual(blt.ElectedNames(), got.ElectedNames()) {
		t.Fatalf("the board and the .blt count differently: %d and %d stages", len(got.Stages), len(blt.Stages))
	}
	for i, s := range got.Stages {
		if !reflect.DeepEqual(s.Tallies[:5], blt.Stages[i].Tallies) || s.Tallies[5] != 0 {
			t.Fatalf("stage %d: board %v, .blt %v", i+1, s.Tallies, blt.Stages[i].Tallies)
		}
	}
}

func TestReadBoardRefuses(t *testing.T) {
	good := `{"seats":1,"candidates":[{"name":"A"},{"name":"B"}],"ballots":[{"tracker":"t","ranking":["A"]}]}`
	if b, err := ReadBoard(strings.NewReader(good), nil); err != nil || b.HasSeed || b.HasRules || b.Method != "" || b.Ballots != 1 {
		t.Fatalf("minimal board: %+v %v", b, err)
	}
	for _, tc := range []struct {
		name, file string
		want       error
		says       string
	}{
		{"not an object", `[1]`, ErrSyntax, "JSON object"},
		{"empty", ``, ErrSyntax, "ends too soon"},
		{"cut short", `{"seats":1,"candidates":[{"name":"A"}],"ballots":[{"tracker":"t","ranking":["A"]}`, ErrSyntax, "ends too soon"},
		{"no candidates", `{"seats":1,"ballots":[]}`, ErrSyntax, "before the ballots"},
		{"no candidates at all", `{"seats":1}`, ErrSyntax, "no candidates"},
		{"unknown name", `{"candidates":[{"name":"A"}],"ballots":[{"ranking":["A"]},{"ranking":["Z"]}]}`, ErrUnknownCandidate, `ballot 2: "Z"`},
		{"ranked twice", `{"candidates":[{"name":"A"}],"ballots":[{"ranking":["A","A"]}]}`, ErrInvalidBallot, "ballot 1"},
		{"wrong count", `{"candidates":[{"name":"A"}],"ballot_count":2,"ballots":[{"ranking":["A"]}]}`, ErrSyntax, "holds 2 ballots but lists 1"},
		{"bad seed", `{"seed":"-1","candidates":[{"name":"A"}]}`, ErrSyntax, "seed"},
		{"bad method", `{"method":"borda","candidates":[{"name":"A"}]}`, ErrUnknownMethod, "method"},
		{"bad seats", `{"seats":0,"candidates":[{"name":"A"}]}`, ErrSyntax, "seats"},
		{"seats as text", `{"seats":"3","candidates":[{"name":"A"}]}`, ErrSyntax, "seats"},
		{"bad rule", `{"quota_rules":[{"attribute":"","value":"w","min":1}],"candidates":[{"name":"A"}]}`, ErrSyntax, "quota rule 1"},
		{"two names alike", `{"candidates":[{"name":"A"},{"name":"A"}],"ballots":[]}`, ErrInvalidOptions, "two candidates"},
		{"nameless", `{"candidates":[{"name":" "}]}`, ErrSyntax, "candidate 1 has no name"},
		{"twice", `{"seats":1,"seats":2,"candidates":[{"name":"A"}]}`, ErrSyntax, "given twice"},
		{"trailing", `{"candidates":[{"name":"A"}]} {}`, ErrSyntax, "follows the end"},
		{"ballots not a list", `{"candidates":[{"name":"A"}],"ballots":{}}`, ErrSyntax, "array"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadBoard(strings.NewReader(tc.file), nil)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("error %v, want %v saying %q", err, tc.want, tc.says)
			}
		})
	}
	stop := errors.New("stop")
	if _, err := ReadBoard(strings.NewReader(good), func(string, []string) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("the callback's error is lost: %v", err)
	}
}

// A candidates' attribute file written with csvcell.Escape, as a bulletin
// board offers it, reads back to the names and values as they were.
func TestAttributesReadBackFromEscapedCells(t *testing.T) {
	names := []string{"=HYPERLINK(\"x\")", "-Dash", "'Quoted", "Plain"}
	e, err := NewElection("x", 1, []Candidate{{Name: names[0]}, {Name: names[1]}, {Name: names[2]}, {Name: names[3]}})
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	cw := csv.NewWriter(&sb)
	cw.Write([]string{"name", csvcell.Escape("@group")})
	for i, n := range names {
		cw.Write([]string{csvcell.Escape(n), csvcell.Escape([]string{"+1", "-", "'=", "w"}[i])})
	}
	cw.Flush()
	if !strings.Contains(sb.String(), `"'=HYPERLINK`) || !strings.Contains(sb.String(), "'@group") {
		t.Fatalf("cells not escaped:\n%s", sb.String())
	}
	if err := ReadAttributes(strings.NewReader(sb.String()), e); err != nil {
		t.Fatalf("%v\n%s", err, sb.String())
	}
	for i, want := range []string{"+1", "-", "'=", "w"} {
		if got := e.Candidates[i].Attributes["@group"]; got != want {
			t.Errorf("%s: %q, want %q", names[i], got, want)
		}
	}
}
