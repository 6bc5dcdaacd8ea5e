package count

import (
	"bufio"
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
	p := &bltParser{r: bufio.NewReaderSize(r, 64<<10), line: 1}
	e, err := p.parse()
	if err != nil {
		return nil, err
	}
	return e, nil
}

type bltParser struct {
	r    *bufio.Reader
	line int
	e    *Election
	n    int // candidates
	// per-ballot scratch
	prefs []uint16
	seen  []uint32
	stamp uint32
}

func (p *bltParser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s: %w", p.line, fmt.Sprintf(format, args...), ErrSyntax)
}

func (p *bltParser) parse() (*Election, error) {
	if b, err := p.r.Peek(3); err == nil && bytes.Equal(b, []byte{0xEF, 0xBB, 0xBF}) {
		_, _ = p.r.Discard(3)
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
	b, err := p.r.Peek(1)
	if err != nil || !isDigit(b[0]) {
		return 0, p.errorf("expected %s, found %s", what, p.describeNext())
	}
	return p.number()
}

// skipSpace passes over white space and comments (# to end of line and
// /* ... */ blocks), counting lines.
func (p *bltParser) skipSpace() error {
	for {
		b, err := p.r.ReadByte()
		if err != nil {
			return nil // end of input is for the caller to judge
		}
		switch b {
		case '\n':
			p.line++
		case ' ', '\t', '\r', '\f', '\v':
		case '#':
			for {
				c, err := p.r.ReadByte()
				if err != nil {
					return nil
				}
				if c == '\n' {
					p.line++
					break
				}
			}
		case '/':
			if nb, err := p.r.Peek(1); err == nil && nb[0] == '*' {
				_, _ = p.r.ReadByte()
				start := p.line
				if err := p.skipBlockComment(); err != nil {
					return fmt.Errorf("line %d: comment opened with /* is never closed: %w", start, ErrSyntax)
				}
				continue
			}
			_ = p.r.UnreadByte()
			return nil
		default:
			_ = p.r.UnreadByte()
			return nil
		}
	}
}

func (p *bltParser) skipBlockComment() error {
	star := false
	for {
		c, err := p.r.ReadByte()
		if err != nil {
			return err
		}
		if c == '\n' {
			p.line++
		}
		if star && c == '/' {
			return nil
		}
		star = c == '*'
	}
}

// number reads an unsigned decimal integer; the caller has checked that a
// digit comes next. It must end at white space, '=', a comment or the end.
func (p *bltParser) number() (int64, error) {
	var v int64
	for {
		b, err := p.r.ReadByte()
		if err != nil {
			return v, nil
		}
		if isDigit(b) {
			if v > MaxBallots {
				return 0, p.errorf("number too large")
			}
			v = v*10 + int64(b-'0')
			continue
		}
		_ = p.r.UnreadByte()
		switch b {
		case ' ', '\t', '\r', '\n', '\f', '\v', '=', '#', '/':
			return v, nil
		}
		return 0, p.errorf("expected a whole number, found %q after %d", b, v)
	}
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// describeNext names the next token for an error message.
func (p *bltParser) describeNext() string {
	b, err := p.r.Peek(1)
	if err != nil {
		return "the end of the file"
	}
	if b[0] == '"' {
		return "a quoted string"
	}
	if b, err := p.r.Peek(min(16, p.r.Buffered())); err == nil && len(b) > 0 {
		tok := strings.Fields(string(b))
		if len(tok) > 0 {
			return fmt.Sprintf("%q", tok[0])
		}
	}
	return fmt.Sprintf("%q", b[0])
}

// ballots reads the withdrawn line, options and ballot lines up to the 0
// that ends them.
func (p *bltParser) ballots() error {
	sawBallot := false
	for {
		if err := p.skipSpace(); err != nil {
			return err
		}
		b, err := p.r.Peek(1)
		if err != nil {
			return p.errorf("expected a ballot or the 0 that ends the ballots, found the end of the file")
		}
		var weight int64 = 1
		switch c := b[0]; {
		case c == '-':
			if sawBallot {
				return p.errorf("withdrawn candidates (negative numbers) must come before the first ballot")
			}
			_, _ = p.r.ReadByte()
			if nb, err := p.r.Peek(1); err != nil || !isDigit(nb[0]) {
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
	for {
		c, err := p.r.ReadByte()
		if err != nil || c == '\n' {
			return fmt.Errorf("line %d: ballot identifier opened with '(' is not closed on its line: %w", start, ErrSyntax)
		}
		if c == ')' {
			return nil
		}
	}
}

// option reads "[name args...]"; [withdrawn ...] and [tie ...] are used,
// others are skipped.
func (p *bltParser) option() error {
	start := p.line
	var buf []byte
	_, _ = p.r.ReadByte() // '['
	for {
		c, err := p.r.ReadByte()
		if err != nil {
			return fmt.Errorf("line %d: option opened with '[' is never closed: %w", start, ErrSyntax)
		}
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
// equal ("2=5") end the usable ranking there, as a paper with the same
// number against two names does under the Scottish rules; a withdrawn
// candidate in the group is ignored first.
func (p *bltParser) preferences(weight int64) error {
	p.prefs = p.prefs[:0]
	p.stamp++
	if p.stamp == 0 {
		clear(p.seen)
		p.stamp = 1
	}
	stopped := false
	for {
		if err := p.skipSpace(); err != nil {
			return err
		}
		b, err := p.r.Peek(1)
		if err != nil || !isDigit(b[0]) {
			return p.errorf("expected a candidate number or the 0 that ends the ballot, found %s", p.describeNext())
		}
		v, err := p.number()
		if err != nil {
			return err
		}
		if v == 0 {
			break
		}
		if nb, err := p.r.Peek(1); err != nil || nb[0] != '=' {
			// The common case: one candidate at this rank.
			if v > int64(p.n) {
				return p.errorf("expected a candidate number between 1 and %d, found %d", p.n, v)
			}
			if p.seen[v-1] == p.stamp {
				return p.errorf("candidate %d appears twice in one ballot", v)
			}
			p.seen[v-1] = p.stamp
			if !stopped {
				p.prefs = append(p.prefs, uint16(v-1))
			}
			continue
		}
		group := []int64{v}
		for {
			nb, err := p.r.Peek(1)
			if err != nil || nb[0] != '=' {
				break
			}
			_, _ = p.r.ReadByte()
			if nb, err := p.r.Peek(1); err != nil || !isDigit(nb[0]) {
				return p.errorf("expected a candidate number after '='")
			}
			w, err := p.number()
			if err != nil {
				return err
			}
			group = append(group, w)
		}
		standing := -1
		count := 0
		for _, c := range group {
			if c < 1 || c > int64(p.n) {
				return p.errorf("expected a candidate number between 1 and %d, found %d", p.n, c)
			}
			if p.seen[c-1] == p.stamp {
				return p.errorf("candidate %d appears twice in one ballot", c)
			}
			p.seen[c-1] = p.stamp
			if !p.e.Candidates[c-1].Withdrawn {
				standing = int(c - 1)
				count++
			}
		}
		if stopped {
			continue
		}
		switch {
		case len(group) == 1 || count == 1:
			if standing >= 0 {
				p.prefs = append(p.prefs, uint16(standing))
			} else {
				p.prefs = append(p.prefs, uint16(group[0]-1))
			}
		case count > 1:
			stopped = true
		}
	}
	if err := p.e.Ballots.add16(p.prefs, weight); err != nil {
		return fmt.Errorf("line %d: %w", p.line, err)
	}
	return nil
}

// names reads the candidate names and the title, one per line, quoted or
// not; anything after the title is ignored.
func (p *bltParser) names() error {
	var items []string
	for len(items) < p.n+1 {
		line, err := p.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return p.errorf("line too long for a candidate name")
		}
		text := strings.TrimSpace(string(line))
		if text != "" && !strings.HasPrefix(text, "#") {
			got, perr := p.splitNames(text)
			if perr != nil {
				return perr
			}
			items = append(items, got...)
		}
		if err != nil { // end of input
			break
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
