package election_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/ballot"
	"quorum/internal/election"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestNoRankingInTheClearWhileVotingIsOpen is the promise of the double
// envelope taken literally: while voting is open, a dump of every table,
// the database's own files and the log hold no voter's ranking and no
// tracker, in any form the code writes one (candidate ids or names in
// order, the sealed plaintext's bytes, the numbered boxes of the paper),
// whether in the clear or inside hex, base64, JSON or a URL encoding.
func TestNoRankingInTheClearWhileVotingIsOpen(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := castManyBallots(t, f)
		finder := newLeakFinder(s.ballots)

		t.Run("every table", func(t *testing.T) {
			dump := testkit.DumpTables(t, db)
			checkDumpCoversTheVote(t, dump)
			for _, l := range finder.inDump(dump) {
				t.Errorf("a dump shows %s", l)
			}
		})
		// Below SQL, where deleted rows and replaced envelopes linger; run
		// before anything is planted, which would linger there too.
		t.Run("storage", func(t *testing.T) {
			for _, l := range finder.inStorage(storedBytes(t, db)) {
				t.Errorf("the database's storage holds %s", l)
			}
		})
		t.Run("log", func(t *testing.T) {
			for _, l := range finder.in("the log", []byte(f.logs.String()), notALetter) {
				t.Errorf("%s", l)
			}
		})
		t.Run("detects a planted ranking", func(t *testing.T) {
			detectsPlantedRankings(t, f, s, finder)
		})
		t.Run("recognises the ballots once counted", func(t *testing.T) {
			recognisesCountedBallots(t, f, s, finder)
		})
	})
}

// secretBallot is one ranking a voter sealed, with what identifies it.
type secretBallot struct {
	label   string
	ids     []int64
	names   []string
	tracker ballot.Tracker // zero for a refused cast, which has none
	// counted is true for the voter's last accepted ballot, the one the
	// count opens and publishes.
	counted bool
}

// votingScene is an election in mid-vote and what its voters chose.
type votingScene struct {
	ballots []secretBallot
	voter   int64 // a voter's person id, for planted rows
	// elections and the returning officer's share file of each, to count
	elections []store.Election
	shares    [][]byte
}

// castManyBallots opens two elections with distinctive candidate ids, one
// where votes may change and one where they may not, and has thirty
// voters with sessions cast distinct rankings: some sign in, some use
// their e-mailed ballot link, some change their vote (twice), some try to
// vote again where they may not; receipts and link e-mails wait in the
// outbox, their delivery jobs have run, the rate limiter has counted.
func castManyBallots(t *testing.T, f *fixture) votingScene {
	t.Helper()
	// Candidate ids far from every other number in the database, so that
	// ids in order are found wherever they are written.
	raiseCandidateIDs(t, f, 6_000_000_000+rand.Int64N(1_000_000_000))
	changing, changingCands, changingShare := f.election(electionOptions{allowChange: true, seats: 1, method: "irv"})
	once, onceCands, onceShare := f.election(electionOptions{})
	vs := f.voters(30)
	for _, v := range vs {
		if err := f.db.CreateSession(f.ctx, store.Session{TokenHash: hex.EncodeToString(randomBytes(32)), PersonID: v.PersonID,
			CreatedAt: f.clock.Now(), ExpiresAt: f.clock.Now().Add(48 * time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	f.open(changing)
	f.open(once)
	if err := f.svc.SendBallotLinks(f.ctx, f.ro, changing.ID); err != nil {
		t.Fatal(err)
	}
	f.runJobsAt(f.clock.Now().Add(time.Minute))
	tokens := ballotLinkTokens(t, f)
	if len(tokens) != len(vs) {
		t.Fatalf("%d ballot links e-mailed to %d voters", len(tokens), len(vs))
	}

	scene := votingScene{voter: vs[0].PersonID, elections: []store.Election{changing, once}, shares: [][]byte{changingShare, onceShare}}
	lastOf := map[string]int{} // each voter's last accepted ballot
	pools := map[int64]*rankingPool{
		changing.ID: newRankingPool(changingCands, 1),
		once.ID:     newRankingPool(onceCands, 2),
	}
	cast := func(e store.Election, v *auth.Principal, who, what string, do func([]int64) (election.Receipt, error)) error {
		ids, names := pools[e.ID].next()
		r, err := do(ids)
		b := secretBallot{label: fmt.Sprintf("election %d, %s's %s", e.ID, who, what), ids: ids, names: names}
		if err == nil {
			key := fmt.Sprint(e.ID, who)
			if last, ok := lastOf[key]; ok {
				scene.ballots[last].counted = false
			}
			b.tracker, b.counted, lastOf[key] = r.Tracker, true, len(scene.ballots)
		}
		scene.ballots = append(scene.ballots, b)
		if v != nil { // the web layer's limit on voting, counted in the database
			if _, err := f.db.Hit(f.ctx, "vote:"+strconv.FormatInt(v.PersonID, 10), 20, time.Hour, f.clock.Now()); err != nil {
				t.Fatal(err)
			}
		}
		return err
	}
	signedIn := func(e store.Election, v *auth.Principal) func([]int64) (election.Receipt, error) {
		return func(ids []int64) (election.Receipt, error) { return f.svc.Cast(f.ctx, v, e.ID, ids) }
	}

	for i, v := range vs[:20] {
		if err := cast(changing, v, fmt.Sprintf("voter %d", i), "vote", signedIn(changing, v)); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range vs[:8] {
		for change := 1; change <= 1+i%2; change++ {
			if err := cast(changing, v, fmt.Sprintf("voter %d", i), fmt.Sprintf("change %d", change), signedIn(changing, v)); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i, token := range tokens[20:26] { // voters who have not voted yet
		if err := cast(changing, nil, fmt.Sprintf("ballot link %d", i), "vote", func(ids []int64) (election.Receipt, error) {
			return f.svc.CastWithLink(f.ctx, token, ids)
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range vs[:25] {
		if err := cast(once, v, fmt.Sprintf("voter %d", i), "vote", signedIn(once, v)); err != nil {
			t.Fatal(err)
		}
	}
	for i, v := range vs[:5] {
		err := cast(once, v, fmt.Sprintf("voter %d", i), "refused second vote", signedIn(once, v))
		if !errors.Is(err, election.ErrAlreadyVoted) {
			t.Fatalf("a second vote where votes cannot change: %v", err)
		}
	}
	// Receipts go through the outbox's delivery jobs, which log.
	f.runJobsAt(f.clock.Now().Add(2 * time.Minute))
	return scene
}

// raiseCandidateIDs makes the next candidate's id start after base.
func raiseCandidateIDs(t *testing.T, f *fixture, base int64) {
	t.Helper()
	if f.db.Engine == store.Postgres {
		var got int64
		if err := f.db.QueryRow(f.ctx, `SELECT setval(pg_get_serial_sequence('election_candidates', 'id'), ?)`, base).Scan(&got); err != nil {
			t.Fatal(err)
		}
		return
	}
	// AUTOINCREMENT keeps its high-water mark in sqlite_sequence.
	if _, err := f.db.Exec(f.ctx, `DELETE FROM sqlite_sequence WHERE name = 'election_candidates'`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(f.ctx, `INSERT INTO sqlite_sequence (name, seq) VALUES ('election_candidates', ?)`, base); err != nil {
		t.Fatal(err)
	}
}

var ballotLinkToken = regexp.MustCompile(`/ballot/([A-Za-z0-9_-]{20,})`)

// ballotLinkTokens reads the tokens of the ballot links e-mailed so far.
func ballotLinkTokens(t *testing.T, f *fixture) []string {
	t.Helper()
	rows, err := f.db.Query(f.ctx, `SELECT body_text FROM outbox WHERE subject LIKE 'Your ballot:%' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var text string
		if err := rows.Scan(&text); err != nil {
			t.Fatal(err)
		}
		if m := ballotLinkToken.FindStringSubmatch(text); m != nil {
			out = append(out, m[1])
		}
	}
	return out
}

// rankingPool hands out distinct rankings of two to five candidates. It
// leaves out rankings that follow the order of the ballot paper, since
// the paper's own listing of candidates is no secret.
type rankingPool struct {
	cands []store.Candidate
	left  [][]int // positions on the paper, first preference first
}

func newRankingPool(cands []store.Candidate, seed uint64) *rankingPool {
	var all [][]int
	var extend func(prefix []int)
	extend = func(prefix []int) {
		if len(prefix) >= 2 && !slices.IsSorted(prefix) {
			all = append(all, slices.Clone(prefix))
		}
		for i := range cands {
			if !slices.Contains(prefix, i) {
				extend(append(prefix, i))
			}
		}
	}
	extend(nil)
	r := rand.New(rand.NewPCG(seed, 7))
	r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
	return &rankingPool{cands: cands, left: all}
}

func (p *rankingPool) next() ([]int64, []string) {
	positions := p.left[0]
	p.left = p.left[1:]
	ids := make([]int64, len(positions))
	names := make([]string, len(positions))
	for i, pos := range positions {
		ids[i], names[i] = p.cands[pos].ID, p.cands[pos].Name
	}
	return ids, names
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rand.Uint32())
	}
	return b
}

// checkDumpCoversTheVote makes sure the dump saw the vote in progress, so
// that finding nothing means something: envelopes, voted marks, links,
// receipts, jobs, audit entries, sessions and rate-limit buckets.
func checkDumpCoversTheVote(t *testing.T, dump []testkit.TableDump) {
	t.Helper()
	rows := map[string]int{}
	for _, d := range dump {
		rows[d.Name] = len(d.Rows)
	}
	for table, least := range map[string]int{
		"election_envelopes": 20 + 25, "election_roll": 60, "election_ballot_links": 1, "outbox": 30 + 20 + 12 + 6 + 25,
		"jobs": 1, "audit_log": 1, "sessions": 30, "rate_limits": 25,
	} {
		if rows[table] < least {
			t.Errorf("the dump has %d rows of %s, want at least %d", rows[table], table, least)
		}
	}
	if rows["election_ballots"] != 0 {
		t.Errorf("opened ballots exist while voting is open: %d", rows["election_ballots"])
	}
}

// storedBytes is what each engine keeps below SQL.
func storedBytes(t *testing.T, db *store.DB) []testkit.StoredBytes {
	t.Helper()
	if db.Engine == store.Postgres {
		return testkit.PostgresPages(t, db)
	}
	return testkit.SQLiteFiles(t, db)
}

// separator says which bytes may stand between the parts of a ranking
// written out: JSON punctuation, commas, spaces, a table's column bars,
// preference numbers, line ends.
type separator func(c byte) bool

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }

func notALetter(c byte) bool { return !isLetter(c) }

// printableNotALetter is the separator in raw storage, where the binary
// headers of SQLite's records stand between neighbouring index entries
// (candidates' names in the name index, say); a ranking written as text
// has printable separators.
func printableNotALetter(c byte) bool {
	return !isLetter(c) && (c >= 0x20 && c < 0x7f || c == '\t' || c == '\n' || c == '\r')
}

// maxGap bounds what separates two preferences.
const maxGap = 24

// leakFinder looks for every form of the ballots in bytes. It indexes
// each document once rather than searching it once per ballot, since the
// database's files run to megabytes.
type leakFinder struct {
	ballots []secretBallot
	// fixed are the tracker's forms, by length and by whether they are
	// compared in lower case.
	fixed map[fixedKey]map[string][]fixedNeedle
	// starts marks the first two bytes of the fixed needles, to pass
	// over most places without a look-up.
	starts map[fixedKey]*[1 << 16]bool
	// tokens are every candidate's id in decimal and name in lower case,
	// the parts a ranking written out is made of.
	tokens [][]byte
	// sealedIDs are every candidate's id as the sealed plaintext's 64-bit
	// big-endian integer.
	sealedIDs [][]byte
	parts     []rankedParts // by ballot
}

type fixedKey struct {
	length int
	folded bool
}

type fixedNeedle struct {
	ballot int
	form   string
}

func newLeakFinder(ballots []secretBallot) leakFinder {
	f := leakFinder{ballots: ballots, fixed: map[fixedKey]map[string][]fixedNeedle{}, starts: map[fixedKey]*[1 << 16]bool{}}
	add := func(b int, form string, text []byte, folded bool) {
		k := fixedKey{len(text), folded}
		if f.fixed[k] == nil {
			f.fixed[k] = map[string][]fixedNeedle{}
			f.starts[k] = new([1 << 16]bool)
		}
		f.starts[k][int(text[0])<<8|int(text[1])] = true
		f.fixed[k][string(text)] = append(f.fixed[k][string(text)], fixedNeedle{b, form})
	}
	seen := map[string]bool{}
	for i, b := range ballots {
		f.parts = append(f.parts, partsOf(b))
		for j, id := range b.ids {
			for _, tok := range []string{strconv.FormatInt(id, 10), strings.ToLower(b.names[j])} {
				if !seen[tok] {
					seen[tok] = true
					f.tokens = append(f.tokens, []byte(tok))
				}
			}
			if be := string(binary.BigEndian.AppendUint64(nil, uint64(id))); !seen[be] {
				seen[be] = true
				f.sealedIDs = append(f.sealedIDs, []byte(be))
			}
		}
		if b.tracker.IsZero() {
			continue
		}
		shown := strings.ToLower(b.tracker.String())
		add(i, "the tracker's bytes", b.tracker[:], false)
		add(i, "the tracker as the voter sees it", []byte(shown), true)
		add(i, "the tracker without its hyphens", []byte(strings.ReplaceAll(shown, "-", "")), true)
		add(i, "the tracker in hex", []byte(hex.EncodeToString(b.tracker[:])), true)
	}
	return f
}

// leak is one ballot found somewhere.
type leak struct {
	where, ballot, form string
}

func (l leak) String() string { return fmt.Sprintf("%s in %s (%s)", l.form, l.where, l.ballot) }

// inDump looks at each table as a whole (rows sorted, columns joined by
// bars, so a ranking spread over columns or rows is seen) and into each
// value's encodings.
func (f leakFinder) inDump(dump []testkit.TableDump) []leak {
	var out []leak
	for _, d := range dump {
		lines := make([]string, len(d.Rows))
		for i, row := range d.Rows {
			cells := make([]string, len(row))
			for j, v := range row {
				cells[j] = string(v)
			}
			lines[i] = strings.Join(cells, " | ")
		}
		slices.Sort(lines)
		out = append(out, f.find("table "+d.Name, []byte(strings.Join(lines, "\n")), notALetter, 0)...)
		for _, row := range d.Rows {
			for j, v := range row {
				out = append(out, f.find(fmt.Sprintf("table %s, column %s", d.Name, d.Columns[j]), v, notALetter, 3)...)
			}
		}
	}
	return dedupe(out)
}

// inStorage looks at raw files or pages, decoding hex and base64 found in
// them as well.
func (f leakFinder) inStorage(stored []testkit.StoredBytes) []leak {
	var out []leak
	for _, s := range stored {
		out = append(out, f.find(s.Name, s.Data, printableNotALetter, 2)...)
	}
	return dedupe(out)
}

// in looks at one text and what it encodes.
func (f leakFinder) in(where string, data []byte, sep separator) []leak {
	return dedupe(f.find(where, data, sep, 3))
}

func (f leakFinder) find(where string, data []byte, sep separator, depth int) []leak {
	var out []leak
	report := func(b int, form string) {
		out = append(out, leak{where: where, ballot: f.ballots[b].label, form: form})
	}
	for _, v := range decodings(data, depth) {
		lower := bytes.ToLower(v)
		for k, needles := range f.fixed {
			in := v
			if k.folded {
				in = lower
			}
			starts := f.starts[k]
			for i := 0; i+k.length <= len(in); i++ {
				if !starts[int(in[i])<<8|int(in[i+1])] {
					continue
				}
				for _, n := range needles[string(in[i:i+k.length])] {
					report(n.ballot, n.form)
				}
			}
		}
		sealedAt := map[string][]int{}
		for _, id := range f.sealedIDs {
			sealedAt[string(id)] = occurrences(v, id, false)
		}
		at := map[string][]int{}
		for _, tok := range f.tokens {
			at[string(tok)] = occurrences(lower, tok, true)
		}
		for i, p := range f.parts {
			for _, form := range p.formsIn(v, lower, sealedAt, at, sep) {
				report(i, form)
			}
		}
	}
	return out
}

func dedupe(ls []leak) []leak {
	seen := map[leak]bool{}
	var out []leak
	for _, l := range ls {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// occurrences lists where tok starts in s; whole says it must stand as a
// whole number or word.
func occurrences(s, tok []byte, whole bool) []int {
	var out []int
	for i := 0; ; {
		j := bytes.Index(s[i:], tok)
		if j < 0 {
			return out
		}
		if !whole || tokenAt(s, i+j, tok) {
			out = append(out, i+j)
		}
		i += j + 1
	}
}

// rankedParts is a ranking in the pieces it would be written with.
type rankedParts struct {
	sealed []byte   // 64-bit big-endian ids, as in the sealed plaintext
	ids    [][]byte // decimal ids
	names  [][]byte // names in lower case
}

func partsOf(b secretBallot) rankedParts {
	p := rankedParts{ids: make([][]byte, len(b.ids)), names: make([][]byte, len(b.names))}
	for i, id := range b.ids {
		p.sealed = binary.BigEndian.AppendUint64(p.sealed, uint64(id))
		p.ids[i] = []byte(strconv.FormatInt(id, 10))
		p.names[i] = []byte(strings.ToLower(b.names[i]))
	}
	return p
}

// formsIn lists the forms of the ranking that data holds, given where
// each candidate's sealed id (in data) and each token (in lower, data in
// lower case) stand.
func (p rankedParts) formsIn(data, lower []byte, sealedAt, at map[string][]int, sep separator) []string {
	var forms []string
	for _, i := range sealedAt[string(p.sealed[:8])] {
		if bytes.HasPrefix(data[i:], p.sealed) {
			forms = append(forms, "the ranking as the sealed plaintext's 64-bit ids")
			break
		}
	}
	if inOrder(lower, at, p.ids, sep, maxGap) {
		forms = append(forms, "the ranking as candidate ids in order")
	}
	if inOrder(lower, at, p.names, sep, maxGap) {
		forms = append(forms, "the ranking as candidates' names in order")
	}
	if numberedBoxes(lower, at, p.ids) {
		forms = append(forms, "the ranking as numbered boxes (candidate id and preference)")
	}
	return forms
}

// tokenAt reports whether tok stands whole at s[i:]: a number not inside a
// longer number, a name not inside a longer word.
func tokenAt(s []byte, i int, tok []byte) bool {
	if i < 0 || i+len(tok) > len(s) || !bytes.Equal(s[i:i+len(tok)], tok) {
		return false
	}
	part := isLetter
	if isDigit(tok[0]) {
		part = isDigit
	}
	return (i == 0 || !part(s[i-1])) && (i+len(tok) == len(s) || !part(s[i+len(tok)]))
}

// inOrder reports whether the tokens stand in s one after another, each
// separated from the next by 1 to gap bytes that sep accepts; at says
// where the first token stands.
func inOrder(s []byte, at map[string][]int, tokens [][]byte, sep separator, gap int) bool {
	var ends []int
	for _, i := range at[string(tokens[0])] {
		ends = append(ends, i+len(tokens[0]))
	}
	for _, tok := range tokens[1:] {
		var next []int
		for _, end := range ends {
			for g := 1; g <= gap && end+g <= len(s) && sep(s[end+g-1]); g++ {
				if tokenAt(s, end+g, tok) {
					next = append(next, end+g+len(tok))
				}
			}
		}
		if ends = next; len(ends) == 0 {
			return false
		}
	}
	return len(ends) > 0
}

// numberedBoxes reports whether every candidate of the ranking stands
// next to their preference, as the ballot paper's boxes are posted
// (rank-<id>=<n>) or a map of them would be encoded ({"<id>":<n>}).
func numberedBoxes(s []byte, at map[string][]int, ids [][]byte) bool {
	boxSep := func(c byte) bool { return strings.IndexByte(`=:"' `, c) >= 0 }
	for i, id := range ids {
		if !inOrder(s, at, [][]byte{id, []byte(strconv.Itoa(i + 1))}, boxSep, 4) {
			return false
		}
	}
	return true
}

var (
	hexDigits   = byteClass("0123456789abcdefABCDEF")
	base64Chars = byteClass("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_")
	base64URL   = strings.NewReplacer("-", "+", "_", "/")
)

func byteClass(chars string) *[256]bool {
	var c [256]bool
	for i := range len(chars) {
		c[chars[i]] = true
	}
	return &c
}

// runs returns the longest stretches of data made of class's bytes that
// are at least least bytes long.
func runs(data []byte, class *[256]bool, least int) [][]byte {
	var out [][]byte
	for i := 0; i < len(data); {
		if !class[data[i]] {
			i++
			continue
		}
		j := i
		for j < len(data) && class[data[j]] {
			j++
		}
		if j-i >= least {
			out = append(out, data[i:j])
		}
		i = j
	}
	return out
}

// decodings returns data and, down to depth levels, what the hex and
// base64 runs in it, the strings of its JSON and its URL decoding hold.
func decodings(data []byte, depth int) [][]byte {
	out := [][]byte{data}
	if depth == 0 || len(data) == 0 {
		return out
	}
	add := func(d []byte) {
		if len(d) > 0 {
			out = append(out, decodings(d, depth-1)...)
		}
	}
	for _, run := range runs(data, hexDigits, 32) {
		if d, err := hex.DecodeString(string(run[:len(run)/2*2])); err == nil {
			add(d)
		}
	}
	for _, run := range runs(data, base64Chars, 20) {
		s := base64URL.Replace(string(run))
		// The run may start inside a word that is not base64.
		for off := 0; off < 4 && len(s)-off >= 20; off++ {
			p := s[off:]
			if len(p)%4 == 1 {
				p = p[:len(p)-1]
			}
			if d, err := base64.RawStdEncoding.DecodeString(p); err == nil {
				add(d)
			}
		}
	}
	if json.Valid(data) {
		var v any
		if json.Unmarshal(data, &v) == nil {
			for _, s := range jsonStrings(v) {
				add([]byte(s))
			}
		}
	}
	if bytes.IndexByte(data, '%') >= 0 {
		if u, err := url.QueryUnescape(string(data)); err == nil && u != string(data) {
			add([]byte(u))
		}
	}
	return out
}

func jsonStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, jsonStrings(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for k, e := range v {
			out = append(out, k)
			out = append(out, jsonStrings(e)...)
		}
		return out
	}
	return nil
}

// detectsPlantedRankings plants each form of a ranking in turn in some
// table, one the test has never heard of included, and requires the same
// finder to report it, in the dump and, where it is written as text, in
// the database's storage; then it takes the plant out again.
func detectsPlantedRankings(t *testing.T, f *fixture, s votingScene, finder leakFinder) {
	var victims []secretBallot
	for _, b := range s.ballots {
		if !b.tracker.IsZero() {
			victims = append(victims, b)
		}
	}
	for i, p := range []struct {
		name      string
		table     string
		inStorage bool // written as text, so visible in the raw bytes too
		plant     func(b secretBallot) (undo string, args []any)
	}{
		{"names as JSON in the audit log", "audit_log", true, func(b secretBallot) (string, []any) {
			names, _ := json.Marshal(b.names)
			f.tx(func(tx *store.Tx) error {
				return tx.Audit(f.ctx, store.AuditEntry{Action: "secrecy.plant", TargetType: "election", New: string(names)})
			})
			return `DELETE FROM audit_log WHERE action = ?`, []any{"secrecy.plant"}
		}},
		{"the sealed plaintext in base64 in a job's payload", "jobs", true, func(b secretBallot) (string, []any) {
			if _, err := f.queue.Schedule(f.ctx, start.Add(365*24*time.Hour), "secrecy.plant", struct{ Ballot []byte }{plaintextOf(b)}); err != nil {
				t.Fatal(err)
			}
			return `DELETE FROM jobs WHERE kind = ?`, []any{"secrecy.plant"}
		}},
		{"the tracker in hex as a session", "sessions", true, func(b secretBallot) (string, []any) {
			hash := hex.EncodeToString(b.tracker[:])
			if err := f.db.CreateSession(f.ctx, store.Session{TokenHash: hash, PersonID: s.voter, CreatedAt: start, ExpiresAt: start.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			return `DELETE FROM sessions WHERE token_hash = ?`, []any{hash}
		}},
		{"numbered boxes as a rate-limit key", "rate_limits", true, func(b secretBallot) (string, []any) {
			form := url.Values{}
			for i, id := range b.ids {
				form.Set("rank-"+strconv.FormatInt(id, 10), strconv.Itoa(i+1))
			}
			key := "vote:" + form.Encode()
			if _, err := f.db.Hit(f.ctx, key, 1, time.Hour, start); err != nil {
				t.Fatal(err)
			}
			return `DELETE FROM rate_limits WHERE key = ?`, []any{key}
		}},
		{"ids one row per preference in a new table", "secrecy_plant", false, func(b secretBallot) (string, []any) {
			if _, err := f.db.Exec(f.ctx, `CREATE TABLE secrecy_plant (voter BIGINT, preference INTEGER, candidate BIGINT)`); err != nil {
				t.Fatal(err)
			}
			for i, id := range b.ids {
				if _, err := f.db.Exec(f.ctx, `INSERT INTO secrecy_plant VALUES (?, ?, ?)`, s.voter, i+1, id); err != nil {
					t.Fatal(err)
				}
			}
			return `DROP TABLE secrecy_plant`, nil
		}},
	} {
		t.Run(p.name, func(t *testing.T) {
			victim := victims[i]
			undo, args := p.plant(victim)
			defer func() {
				if _, err := f.db.Exec(f.ctx, undo, args...); err != nil {
					t.Fatal(err)
				}
			}()
			found := finder.inDump(testkit.DumpTables(t, f.db))
			if !slices.ContainsFunc(found, func(l leak) bool { return l.ballot == victim.label && strings.HasPrefix(l.where, "table "+p.table) }) {
				t.Errorf("the ranking planted in %s is not found; found %v", p.table, found)
			}
			if !p.inStorage {
				return
			}
			t.Run("storage", func(t *testing.T) {
				if !slices.ContainsFunc(finder.inStorage(storedBytes(t, f.db)), func(l leak) bool { return l.ballot == victim.label }) {
					t.Errorf("the ranking planted in %s is not found in the database's storage", p.table)
				}
			})
		})
	}
	t.Run("in the log", func(t *testing.T) {
		var buf strings.Builder
		victim := victims[len(victims)-1]
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("cast", "ranking", victim.ids, "tracker", victim.tracker.String())
		forms := map[string]bool{}
		for _, l := range finder.in("a log", []byte(buf.String()), notALetter) {
			if l.ballot == victim.label {
				forms[l.form] = true
			}
		}
		if !forms["the ranking as candidate ids in order"] || !forms["the tracker as the voter sees it"] {
			t.Errorf("a log line with a ranking and a tracker: found only %v in %s", forms, buf.String())
		}
	})
}

// plaintextOf writes a ballot as the sealer's plaintext (format version 1:
// version, tracker, number of preferences, then 64-bit ids padded to 64).
func plaintextOf(b secretBallot) []byte {
	p := append([]byte{1}, b.tracker[:]...)
	p = binary.BigEndian.AppendUint16(p, uint16(len(b.ids)))
	for _, id := range b.ids {
		p = binary.BigEndian.AppendUint64(p, uint64(id))
	}
	return append(p, make([]byte, 8*(ballot.PadSlots-len(b.ids)))...)
}

// recognisesCountedBallots closes and counts both elections: the ballots
// are then published on purpose, as the tracker and the names in order,
// and the finder that found nothing while voting was open must find every
// counted ballot in election_ballots, and in no other table.
func recognisesCountedBallots(t *testing.T, f *fixture, s votingScene, finder leakFinder) {
	for i, e := range s.elections {
		countNow(t, f, e, s.shares[i])
	}
	forms := map[string]map[string]bool{} // ballot → forms found in election_ballots
	for _, l := range finder.inDump(testkit.DumpTables(t, f.db)) {
		if !strings.HasPrefix(l.where, "table election_ballots") {
			t.Errorf("after the count, a dump shows %s", l)
			continue
		}
		if forms[l.ballot] == nil {
			forms[l.ballot] = map[string]bool{}
		}
		forms[l.ballot][l.form] = true
	}
	counted := 0
	for _, b := range s.ballots {
		if !b.counted {
			continue
		}
		counted++
		if got := forms[b.label]; !got["the tracker's bytes"] || !got["the ranking as candidates' names in order"] {
			t.Errorf("%s is not recognised among the published ballots: found %v", b.label, got)
		}
	}
	if n := f.count(`SELECT COUNT(*) FROM election_ballots`); n != counted {
		t.Fatalf("%d ballots published, %d counted ballots cast", n, counted)
	}
}
