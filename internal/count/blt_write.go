package count

import (
	"bufio"
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// WriteBLT writes the election as a canonical .blt file: header, withdrawn
// line, tie order, one line per distinct ranking (most voters first, then
// by ranking, so the file does not reveal the order ballots were cast),
// the closing 0, quoted names and the title. Equal marks are kept ("2=5").
func WriteBLT(w io.Writer, e *Election) error {
	for _, c := range e.Candidates {
		if strings.ContainsAny(c.Name, "\"\n") || strings.TrimSpace(c.Name) == "" {
			return fmt.Errorf("candidate name %q cannot be written to a .blt file: %w", c.Name, ErrInvalidOptions)
		}
	}
	if strings.ContainsAny(e.Title, "\"\n") {
		return fmt.Errorf("title %q cannot be written to a .blt file: %w", e.Title, ErrInvalidOptions)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "%d %d\n", len(e.Candidates), e.Seats)
	var withdrawn []string
	for i, c := range e.Candidates {
		if c.Withdrawn {
			withdrawn = append(withdrawn, strconv.Itoa(-(i + 1)))
		}
	}
	if len(withdrawn) > 0 {
		fmt.Fprintln(bw, strings.Join(withdrawn, " "))
	}
	if len(e.TieOrder) > 0 {
		bw.WriteString("[tie")
		for _, c := range e.TieOrder {
			fmt.Fprintf(bw, " %d", c+1)
		}
		bw.WriteString("]\n")
	}
	b := e.Ballots
	order := make([]int, b.Len())
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		if c := cmp.Compare(b.weights[y], b.weights[x]); c != 0 {
			return c
		}
		return slices.Compare(b.ranking16(x), b.ranking16(y))
	})
	var line []byte
	for _, g := range order {
		line = strconv.AppendInt(line[:0], b.weights[g], 10)
		sep := byte(' ')
		for _, c := range b.ranking16(g) {
			line = append(line, sep)
			line = strconv.AppendInt(line, int64(c&^sameRank)+1, 10)
			sep = ' '
			if c&sameRank != 0 {
				sep = '='
			}
		}
		line = append(line, " 0\n"...)
		bw.Write(line)
	}
	bw.WriteString("0\n")
	for _, c := range e.Candidates {
		fmt.Fprintf(bw, "\"%s\"\n", c.Name)
	}
	fmt.Fprintf(bw, "\"%s\"\n", e.Title)
	return bw.Flush()
}
