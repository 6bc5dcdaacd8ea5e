package count

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func addSeeds(f *testing.F, glob string) {
	files, _ := filepath.Glob(glob)
	for _, file := range files {
		if data, err := os.ReadFile(file); err == nil && len(data) < 4096 {
			f.Add(data)
		}
	}
}

// FuzzReadBLT: the reader never panics or hangs; what it accepts can be
// written, read back and counted to the same result, conserving votes.
func FuzzReadBLT(f *testing.F) {
	addSeeds(f, "testdata/*.blt")
	addSeeds(f, filepath.Join(sharedBLT, "*.blt"))
	f.Add([]byte("3 2\n2 1=3 2 0\n(id) 1 0\n[withdrawn 2]\n0\n\"a\"\nb\n\"c\" \"t\"\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ReadBLT(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteBLT(&buf, e); err != nil {
			return // names with quotes cannot be written; that is reported, not a crash
		}
		back, err := ReadBLT(&buf)
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, buf.String())
		}
		for _, m := range []Method{ScottishSTV, MeekSTV, Block} {
			a, errA := Count(e, Options{Method: m})
			b, errB := Count(back, Options{Method: m})
			if (errA == nil) != (errB == nil) {
				t.Fatalf("%s: %v vs %v", m, errA, errB)
			}
			if errA != nil {
				continue
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("%s: result changed after write and read", m)
			}
			checkConservation(t, a)
		}
	})
}

// FuzzReadCSV: the CSV reader never panics and what it reads counts.
func FuzzReadCSV(f *testing.F) {
	f.Add([]byte("weight,a,b\n2,Ann,Bob\n1,Bob,\n"))
	f.Add([]byte("1,2,3\nAnn,Bob,Cat\nCat,,Ann\n\"B, o\",Ann\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, err := ReadCSV(bytes.NewReader(data), 2)
		if err != nil {
			return
		}
		res, err := Count(e, Options{Seats: 1})
		if err != nil {
			t.Fatal(err)
		}
		checkConservation(t, res)
	})
}

// FuzzReadAttributes: attribute files never panic the reader.
func FuzzReadAttributes(f *testing.F) {
	f.Add([]byte("name,gender\nA,woman\nB,man\n"))
	f.Add([]byte("name,gender,region\nA,woman,north\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, _ := NewElection("x", 1, []Candidate{{Name: "A"}, {Name: "B"}})
		_ = ReadAttributes(bytes.NewReader(data), e)
	})
}

// FuzzCountInvariants derives an election from the bytes and checks that
// every method conserves votes, fills the seats and renders cleanly.
func FuzzCountInvariants(f *testing.F) {
	f.Add([]byte{3, 2, 7, 0, 1, 2, 0, 5, 2, 1, 0, 9, 1, 0}, uint64(1))
	f.Fuzz(func(t *testing.T, data []byte, seed uint64) {
		if len(data) < 2 {
			return
		}
		n := 2 + int(data[0])%7
		seats := 1 + int(data[1])%(n-1)
		cands := make([]Candidate, n)
		for i := range cands {
			cands[i] = Candidate{Name: string(rune('A' + i)), Attributes: map[string]string{"g": []string{"w", "m"}[i%2]}}
		}
		e, _ := NewElection("fuzz", seats, cands)
		var ranking []int
		used := map[int]bool{}
		w := int64(1)
		for _, b := range data[2:] {
			switch {
			case b == 0:
				_ = e.Ballots.Add(ranking, w)
				ranking, used, w = ranking[:0], map[int]bool{}, 1
			case b >= 200:
				w = int64(b - 199)
			default:
				if c := int(b) % n; !used[c] {
					used[c] = true
					ranking = append(ranking, c)
				}
			}
		}
		rules := []QuotaRule{{Attribute: "g", Value: "w", Min: int(seed % uint64(seats+1))}}
		for _, m := range Methods() {
			s := seats
			if m == FPTP || m == IRV {
				s = 1
			}
			for _, opt := range []Options{{Method: m, Seats: s, Seed: seed}, {Method: m, Seats: s, Seed: seed, Rules: rules}} {
				res, err := Count(e, opt)
				if err != nil {
					t.Fatalf("%s: %v", m, err)
				}
				checkConservation(t, res)
				if len(res.Elected) != s {
					t.Fatalf("%s: %d elected, want %d", m, len(res.Elected), s)
				}
				if err := WriteJSON(io.Discard, res); err != nil {
					t.Fatal(err)
				}
			}
		}
	})
}

func TestRenderers(t *testing.T) {
	for _, name := range []string{"testdata/gender_stv.blt", "testdata/stv_truncation.blt", "testdata/irv_earlier_stage_tie.blt", "testdata/gender_block.blt"} {
		e := openElection(t, name)
		for _, m := range []Method{ScottishSTV, MeekSTV, IRV, Block} {
			seats := e.Seats
			if m == IRV {
				seats = 1
			}
			res, err := Count(e, Options{Method: m, Seats: seats})
			if err != nil {
				t.Fatal(err)
			}
			var text, js, svg bytes.Buffer
			if err := WriteText(&text, res); err != nil {
				t.Fatal(err)
			}
			for i, line := range bytes.Split(text.Bytes(), []byte("\n")) {
				if n := len([]rune(string(line))); n > textWidth && !bytes.HasPrefix(line, []byte("Stage ")) && !bytes.HasPrefix(line, []byte("  stage ")) {
					t.Errorf("%s %s: text line %d is %d columns wide", name, m, i+1, n)
				}
			}
			if err := WriteJSON(&js, res); err != nil || !json.Valid(js.Bytes()) {
				t.Errorf("%s %s: invalid JSON: %v", name, m, err)
			}
			if err := WriteSVG(&svg, res); err != nil {
				t.Fatal(err)
			}
			dec := xml.NewDecoder(bytes.NewReader(svg.Bytes()))
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s %s: SVG is not well-formed: %v", name, m, err)
				}
			}
			if !bytes.Contains(svg.Bytes(), []byte("<title id=\"count-title\">")) || bytes.Contains(svg.Bytes(), []byte("href")) {
				t.Errorf("%s %s: SVG must have a title and no external references", name, m)
			}
		}
	}
}

// FuzzReadBoard: the bulletin board reader never panics; what it accepts
// hands every ballot to the caller and counts under the file's own rules,
// conserving votes, or is refused by the count with an error.
func FuzzReadBoard(f *testing.F) {
	f.Add([]byte(`{"election":"T","method":"scottish-stv","seats":2,"seed":"7","quota_rules":[{"attribute":"g","value":"w","min":1}],` +
		`"candidates":[{"name":"A","attributes":{"g":"w"}},{"name":"B","withdrawn":true},{"name":"C"}],"merkle_root":"ab","ballot_count":3,` +
		`"ballots":[{"tracker":"X","ranking":["A","C"]},{"tracker":"Y","ranking":["C"]},{"tracker":"Z","ranking":null}]}`))
	f.Add([]byte(`{"seats":1,"seed":3,"candidates":[{"name":"A"},{"name":"B"}],"ballots":[{"ranking":["B","A"]}],"extra":{"x":[1,2]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		seen := 0
		b, err := ReadBoard(bytes.NewReader(data), func(string, []string) error { seen++; return nil })
		if err != nil {
			return
		}
		if seen != b.Ballots || int64(seen) != b.Election.Ballots.Total() {
			t.Fatalf("%d ballots handed over, %d read, %d in the box", seen, b.Ballots, b.Election.Ballots.Total())
		}
		res, err := Count(b.Election, Options{Method: b.Method, Seed: b.Seed, Rules: b.Rules})
		if err != nil {
			return // e.g. more seats than candidates, or rules no winners can meet
		}
		checkConservation(t, res)
	})
}
