package count

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ReadBLT reads a .blt ballot file (docs/counting.md lists the variants it
// accepts). It streams: bytes are read token by token through a small
// buffer and identical ballots are merged as they arrive, so a file of
// millions of ballots is never held as text. Any malformed input gives an
// error naming the line and what was expected.
func ReadBLT(r io.Reader) (*Election, error) {
	p := &bltParser{src: r, buf: make([]byte, 64<<10), line: 1}
	e, err := p.parse()
	if p.readErr != nil {
		return nil, fmt.Errorf("line %d: reading: %w", p.line, p.readErr)
	}
	if err != nil {
		return nil, err
	}
	return e, nil
}

type bltParser struct {
	// A hand-rolled buffer: the hot loop looks at bytes in place, which is
	// several times faster than bufio's ReadByte/UnreadByte per byte.
	src      io.Reader
	buf      []byte
	pos, end int
	readErr  error // a failure of the source other than its end
	eof      bool
	line     int
	e        *Election
	n        int // candidates
	// per-ballot scratch
	prefs []uint16
	seen  []uint32
	stamp uint32
}

// more makes at least one unread byte available, reporting false at the end.
func (p *bltParser) more() bool {
	if p.pos < p.end {
		return true
	}
	for !p.eof {
		n, err := p.src.Read(p.buf)
		p.pos, p.end = 0, n
		if err != nil {
			p.eof = true
			if !errors.Is(err, io.EOF) {
				p.readErr = err
			}
		}
		if n > 0 {
			return true
		}
	}
	return false
}

// peek returns the next byte without consuming it.
func (p *bltParser) peek() (byte, bool) {
	if !p.more() {
		return 0, false
	}
	return p.buf[p.pos], true
}

// readLine consumes up to and including the next newline, returning the
// line without it; ok is false when nothing was left.
func (p *bltParser) readLine() (line []byte, ok bool, err error) {
	for p.more() {
		ok = true
		chunk := p.buf[p.pos:p.end]
		if i := bytes.IndexByte(chunk, '\n'); i >= 0 {
			line = append(line, chunk[:i]...)
			p.pos += i + 1
			return line, true, nil
		}
		line = append(line, chunk...)
		p.pos = p.end
		if len(line) > 64<<10 {
			return nil, true, p.errorf("line too long for a candidate name")
		}
	}
	return line, ok, nil
}

func (p *bltParser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s: %w", p.line, fmt.Sprintf(format, args...), ErrSyntax)
}

func (p *bltParser) parse() (*Election, error) {
	p.more()
	for p.end-p.pos < 3 && !p.eof { // a source may hand over fewer than three bytes at first
		n, err := p.src.Read(p.buf[p.end:])
		p.end += n
		if err != nil {
			p.eof = true
			if !errors.Is(err, io.EOF) {
				p.readErr = err
			}
		}
	}
	if bytes.HasPrefix(p.buf[p.pos:p.end], []byte{0xEF, 0xBB, 0xBF}) {
		p.pos += 3
	}
	nc, err := p.header("the number of candidates")
	if err != nil {
		return nil, err
	}
	if nc < 1 || nc > MaxCandidates {
		return nil, p.errorf("expected a number of candidates between 1 and %d, found %d", MaxCandidates, nc)
	}
	seats, err := p.header("the number of seats")
	if err != nil {
		return nil, err
	}
	if seats < 1 || seats > nc {
		return nil, p.errorf("expected a number of seats between 1 and %d, found %d", nc, seats)
	}
	p.n = int(nc)
	p.e = &Election{Seats: int(seats), Candidates: make([]Candidate, nc), Ballots: NewBallots(int(nc))}
	p.seen = make([]uint32, nc)
	if err := p.ballots(); err != nil {
		return nil, err
	}
	if err := p.names(); err != nil {
		return nil, err
	}
	return p.e, nil
}

func (p *bltParser) header(what string) (int64, error) {
	if err := p.skipSpace(); err != nil {
		return 0, err
	}
	if c, ok := p.peek(); !ok || !isDigit(c) {
		return 0, p.errorf("expected %s, found %s", what, p.describeNext())
	}
	return p.number()
}

// skipSpace passes over white space and comments (# to end of line and
// /* ... */ blocks), counting lines.
func (p *bltParser) skipSpace() error {
	for p.more() {
		switch p.buf[p.pos] {
		case '\n':
			p.line++
			p.pos++
		case ' ', '\t', '\r', '\f', '\v':
			p.pos++
		case '#':
			for p.more() {
				c := p.buf[p.pos]
				p.pos++
				if c == '\n' {
					p.line++
					break
				}
			}
		case '/':
			if p.pos+1 >= p.end {
				// Make sure the byte after '/' is in the buffer.
				copy(p.buf, p.buf[p.pos:p.end])
				p.end -= p.pos
				p.pos = 0
				if !p.eof {
					n, err := p.src.Read(p.buf[p.end:])
					p.end += n
					if err != nil {
						p.eof = true
						if !errors.Is(err, io.EOF) {
							p.readErr = err
						}
					}
				}
			}
			if p.pos+1 < p.end && p.buf[p.pos+1] == '*' {
				p.pos += 2
				start := p.line
				if !p.skipBlockComment() {
					return fmt.Errorf("line %d: comment opened with /* is never closed: %w", start, ErrSyntax)
				}
				continue
			}
			return nil
		default:
			return nil
		}
	}
	return nil // end of input is for the caller to judge
}

func (p *bltParser) skipBlockComment() bool {
	star := false
	for p.more() {
		c := p.buf[p.pos]
		p.pos++
		if c == '\n' {
			p.line++
		}
		if star && c == '/' {
			return true
		}
		star = c == '*'
	}
	return false
}

// number reads an unsigned decimal integer; the caller has checked that a
// digit comes next. It must end at white space, '=', a comment or the end.
func (p *bltParser) number() (int64, error) {
	var v int64
	for p.more() {
		c := p.buf[p.pos]
		if isDigit(c) {
			if v > MaxBallots {
				return 0, p.errorf("number too large")
			}
			v = v*10 + int64(c-'0')
			p.pos++
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n', '\f', '\v', '=', '#', '/':
			return v, nil
		}
		return 0, p.errorf("expected a whole number, found %q after %d", c, v)
	}
	return v, nil
}

// fastNumber reads blanks and a short number straight from the buffer when
// the buffer holds enough bytes and nothing unusual (newline, comment, '=')
// is involved; otherwise it consumes nothing and the careful path runs.
func (p *bltParser) fastNumber() (int64, bool) {
	buf := p.buf[p.pos:p.end]
	if len(buf) < 32 {
		return 0, false
	}
	i := 0
	for i < 16 && (buf[i] == ' ' || buf[i] == '\t') {
		i++
	}
	j := i
	var v int64
	for j < i+6 && isDigit(buf[j]) {
		v = v*10 + int64(buf[j]-'0')
		j++
	}
	if j == i || (buf[j] != ' ' && buf[j] != '\t' && buf[j] != '\n' && buf[j] != '\r') {
		return 0, false
	}
	p.pos += j
	return v, true
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// describeNext names the next token for an error message.
func (p *bltParser) describeNext() string {
	c, ok := p.peek()
	if !ok {
		return "the end of the file"
	}
	if c == '"' {
		return "a quoted string"
	}
	if tok := strings.Fields(string(p.buf[p.pos:min(p.end, p.pos+16)])); len(tok) > 0 {
		return fmt.Sprintf("%q", tok[0])
	}
	return fmt.Sprintf("%q", c)
}

// ballots reads the withdrawn line, options and ballot lines up to the 0
// that ends them.
func (p *bltParser) ballots() error {
	sawBallot := false
	for {
		if err := p.skipSpace(); err != nil {
			return err
		}
		c, ok := p.peek()
		if !ok {
			return p.errorf("expected a ballot or the 0 that ends the ballots, found the end of the file")
		}
		var weight int64 = 1
		var err error
		switch {
		case c == '-':
			if sawBallot {
				return p.errorf("withdrawn candidates (negative numbers) must come before the first ballot")
			}
			p.pos++
			if nb, ok := p.peek(); !ok || !isDigit(nb) {
				return p.errorf("expected a candidate number after '-'")
			}
			v, err := p.number()
			if err != nil {
				return err
			}
			if err := p.withdraw(v); err != nil {
				return err
			}
			continue
		case c == '[':
			if err := p.option(); err != nil {
				return err
			}
			continue
		case c == '(':
			if err := p.ballotID(); err != nil {
				return err
			}
		case isDigit(c):
			if weight, err = p.number(); err != nil {
				return err
			}
			if weight == 0 {
				return nil
			}
		default:
			return p.errorf("expected a ballot (a weight, preferences and 0) or the 0 that ends the ballots, found %s", p.describeNext())
		}
		sawBallot = true
		if err := p.preferences(weight); err != nil {
			return err
		}
	}
}

func (p *bltParser) withdraw(v int64) error {
	if v < 1 || v > int64(p.n) {
		return p.errorf("expected a withdrawn candidate between -1 and -%d, found -%d", p.n, v)
	}
	p.e.Candidates[v-1].Withdrawn = true
	return nil
}

// ballotID skips "(b0173)": the ballot stands for one voter.
func (p *bltParser) ballotID() error {
	start := p.line
	for p.more() {
		c := p.buf[p.pos]
		p.pos++
		if c == '\n' {
			break
		}
		if c == ')' {
			return nil
		}
	}
	return fmt.Errorf("line %d: ballot identifier opened with '(' is not closed on its line: %w", start, ErrSyntax)
}

// option reads "[name args...]"; [withdrawn ...] and [tie ...] are used,
// others are skipped.
func (p *bltParser) option() error {
	start := p.line
	var buf []byte
	p.pos++ // '['
	for {
		if !p.more() {
			return fmt.Errorf("line %d: option opened with '[' is never closed: %w", start, ErrSyntax)
		}
		c := p.buf[p.pos]
		p.pos++
		if c == '\n' {
			p.line++
		}
		if c == ']' {
			break
		}
		if len(buf) > 1<<20 {
			return fmt.Errorf("line %d: option too long: %w", start, ErrSyntax)
		}
		buf = append(buf, c)
	}
	fields := strings.Fields(string(buf))
	if len(fields) == 0 {
		return nil
	}
	switch fields[0] {
	case "withdrawn", "tie":
		for _, f := range fields[1:] {
			var v int
			if _, err := fmt.Sscan(f, &v); err != nil || v < 1 || v > p.n || fmt.Sprint(v) != f {
				return fmt.Errorf("line %d: [%s] expects candidate numbers between 1 and %d, found %q: %w", start, fields[0], p.n, f, ErrSyntax)
			}
			if fields[0] == "withdrawn" {
				p.e.Candidates[v-1].Withdrawn = true
			} else {
				p.e.TieOrder = append(p.e.TieOrder, v-1)
			}
		}
	}
	return nil
}

// preferences reads "p1 p2 ... 0" for one ballot line. Candidates marked
// equal ("2=5") are kept as a group (sameRank marks all but the last); the
// count decides what the group means when the ballot reaches it
// (docs/counting.md, "Valid ballots").
func (p *bltParser) preferences(weight int64) error {
	p.prefs = p.prefs[:0]
	p.stamp++
	if p.stamp == 0 {
		clear(p.seen)
		p.stamp = 1
	}
	for {
		if v, ok := p.fastNumber(); ok {
			// The common case, read in place: one candidate at this rank.
			if v == 0 {
				break
			}
			if v > int64(p.n) {
				return p.errorf("expected a candidate number between 1 and %d, found %d", p.n, v)
			}
			if p.seen[v-1] == p.stamp {
				return p.errorf("candidate %d appears twice in one ballot", v)
			}
			p.seen[v-1] = p.stamp
			p.prefs = append(p.prefs, uint16(v-1))
			continue
		}
		if err := p.skipSpace(); err != nil {
			return err
		}
		if c, ok := p.peek(); !ok || !isDigit(c) {
			return p.errorf("expected a candidate number or the 0 that ends the ballot, found %s", p.describeNext())
		}
		v, err := p.number()
		if err != nil {
			return err
		}
		if v == 0 {
			break
		}
		if nb, ok := p.peek(); !ok || nb != '=' {
			// The common case: one candidate at this rank.
			if v > int64(p.n) {
				return p.errorf("expected a candidate number between 1 and %d, found %d", p.n, v)
			}
			if p.seen[v-1] == p.stamp {
				return p.errorf("candidate %d appears twice in one ballot", v)
			}
			p.seen[v-1] = p.stamp
			p.prefs = append(p.prefs, uint16(v-1))
			continue
		}
		group := []int64{v}
		for {
			if nb, ok := p.peek(); !ok || nb != '=' {
				break
			}
			p.pos++
			if nb, ok := p.peek(); !ok || !isDigit(nb) {
				return p.errorf("expected a candidate number after '='")
			}
			w, err := p.number()
			if err != nil {
				return err
			}
			group = append(group, w)
		}
		for k, c := range group {
			if c < 1 || c > int64(p.n) {
				return p.errorf("expected a candidate number between 1 and %d, found %d", p.n, c)
			}
			if p.seen[c-1] == p.stamp {
				return p.errorf("candidate %d appears twice in one ballot", c)
			}
			p.seen[c-1] = p.stamp
			mark := uint16(c - 1)
			if k < len(group)-1 {
				mark |= sameRank
			}
			p.prefs = append(p.prefs, mark)
		}
	}
	if err := p.e.Ballots.addChecked(p.prefs, weight); err != nil {
		return fmt.Errorf("line %d: %w", p.line, err)
	}
	return nil
}

// names reads the candidate names and the title, one per line, quoted or
// not; anything after the title is ignored.
func (p *bltParser) names() error {
	var items []string
	for len(items) < p.n+1 {
		line, ok, err := p.readLine()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		text := strings.TrimSpace(string(line))
		if text != "" && !strings.HasPrefix(text, "#") {
			got, perr := p.splitNames(text)
			if perr != nil {
				return perr
			}
			items = append(items, got...)
		}
		p.line++
	}
	if len(items) < p.n {
		return p.errorf("expected %d candidate names, found %d", p.n, len(items))
	}
	seen := make(map[string]int, p.n)
	for i := range p.n {
		name := strings.Join(strings.Fields(items[i]), " ")
		if name == "" {
			return fmt.Errorf("candidate %d has an empty name: %w", i+1, ErrSyntax)
		}
		if j, dup := seen[name]; dup {
			return fmt.Errorf("candidates %d and %d are both named %q: %w", j+1, i+1, name, ErrSyntax)
		}
		seen[name] = i
		p.e.Candidates[i].Name = name
	}
	if len(items) > p.n {
		p.e.Title = strings.Join(strings.Fields(items[p.n]), " ")
	}
	return nil
}

// splitNames returns the quoted strings on a line, or the whole line when
// it does not start with a quote.
func (p *bltParser) splitNames(text string) ([]string, error) {
	if text[0] != '"' {
		return []string{text}, nil
	}
	var out []string
	for {
		text = strings.TrimLeft(text, " \t")
		if text == "" || text[0] != '"' {
			return out, nil // unquoted notes after the strings are ignored
		}
		end := strings.IndexByte(text[1:], '"')
		if end < 0 {
			return nil, p.errorf("expected a closing '\"' for %s", text)
		}
		out = append(out, text[1:1+end])
		text = text[2+end:]
	}
}
