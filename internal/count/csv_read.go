package count

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"quorum/internal/csvcell"
)

// ReadCSV reads ballots from CSV: a header row, then one ballot per row
// holding candidates' names in order of preference. Empty cells are
// skipped. If the header's first cell is "weight" or "count", that column
// gives how many identical ballots the row stands for. Candidates are every
// name that appears, numbered in sorted (byte) order so that the numbering,
// and so any lot, does not depend on the order of the rows.
func ReadCSV(r io.Reader, seats int) (*Election, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("line 1: expected a header row, found an empty file: %w", ErrSyntax)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %w", err, ErrSyntax)
	}
	weighted := len(header) > 0 && slices.Contains([]string{"weight", "count"}, strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[0], "\ufeff"))))
	index := map[string]int{}
	var names []string
	b := NewBallots(MaxCandidates)
	var ranking []int
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", err, ErrSyntax)
		}
		line, _ := cr.FieldPos(0)
		weight := int64(1)
		cells := rec
		if weighted {
			w, err := strconv.ParseInt(strings.TrimSpace(rec[0]), 10, 64)
			if err != nil || w < 0 {
				return nil, fmt.Errorf("line %d: expected a whole number of ballots in the first column, found %q: %w", line, rec[0], ErrSyntax)
			}
			weight, cells = w, rec[1:]
		}
		ranking = ranking[:0]
		for _, cell := range cells {
			name := strings.Join(strings.Fields(cell), " ")
			if name == "" {
				continue
			}
			c, ok := index[name]
			if !ok {
				if len(names) == MaxCandidates {
					return nil, fmt.Errorf("line %d: more than %d candidates: %w", line, MaxCandidates, ErrTooLarge)
				}
				c = len(names)
				index[name] = c
				names = append(names, name)
			}
			ranking = append(ranking, c)
		}
		if err := b.Add(ranking, weight); err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no candidate is named in any ballot: %w", ErrSyntax)
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	perm := make([]int, len(names))
	for newIndex, name := range sorted {
		perm[index[name]] = newIndex
	}
	b.candidates = len(names)
	b.seen = make([]uint32, len(names))
	b.renumber(perm)
	e := &Election{Seats: seats, Ballots: b, Candidates: make([]Candidate, len(sorted))}
	for i, name := range sorted {
		e.Candidates[i].Name = name
	}
	return e, nil
}

// ReadAttributes reads a CSV that maps candidates to attributes: a header
// "name,ATTRIBUTE,..." and one row per candidate, e.g.
//
//	name,gender
//	Ann Smith,woman
//
// and sets them on the election's candidates. A name that matches no
// candidate is an error, so a typing slip cannot silently drop a quota. A
// cell written by csvcell.Escape is read back as it was.
func ReadAttributes(r io.Reader, e *Election) error {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("attributes: line 1: expected a header row name,ATTRIBUTE,...: %w", ErrSyntax)
	}
	if len(header) < 2 || strings.ToLower(strings.TrimSpace(strings.TrimPrefix(header[0], "\ufeff"))) != "name" {
		return fmt.Errorf("attributes: line 1: expected a header starting with name and at least one attribute: %w", ErrSyntax)
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("attributes: %w: %w", err, ErrSyntax)
		}
		line, _ := cr.FieldPos(0)
		name := strings.Join(strings.Fields(csvcell.Unescape(rec[0])), " ")
		c := e.CandidateIndex(name)
		if c < 0 {
			return fmt.Errorf("attributes: line %d: %q: %w", line, name, ErrUnknownCandidate)
		}
		if e.Candidates[c].Attributes == nil {
			e.Candidates[c].Attributes = map[string]string{}
		}
		for i, attr := range header[1:] {
			e.Candidates[c].Attributes[strings.TrimSpace(csvcell.Unescape(attr))] = strings.TrimSpace(csvcell.Unescape(rec[i+1]))
		}
	}
}
