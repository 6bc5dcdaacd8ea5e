package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"quorum/internal/count"
)

const countHelp = `Usage: quorum count [flags] FILE

Count the ballots in FILE (a .blt ballot file, or a CSV of rankings) and
print the result stage by stage. FILE "-" reads standard input.

Flags:
  --method M       counting method (default: scottish-stv for several seats,
                   irv for one); one of:
                     fptp          first past the post, one seat
                     block         block vote: each ballot's first N
                                   preferences count once each, N seats
                     irv           instant-runoff, one seat
                     scottish-stv  STV under the Scottish Local Government
                                   Elections Order 2007 (5 decimal places)
                     meek-stv      STV by Meek's method (9 decimal places)
  --seats N        seats to fill (default: the .blt header; 1 for CSV)
  --seed S         seed of the lot that breaks ties the rules leave open
                   (default 0); the result lists every tie and its draw
  --format F       text (default), json, svg (chart) or blt (the ballots
                   as a canonical .blt file, e.g. to convert a CSV)
  --input KIND     blt or csv (default: csv when FILE ends in .csv)
  --attr FILE      CSV mapping candidates to attributes, header
                   "name,ATTRIBUTE,...", one row per candidate
  --quota RULE     at least MIN winners with ATTRIBUTE=VALUE, written
                   ATTRIBUTE=VALUE:MIN (e.g. gender=woman:5); repeatable
  --help           show this help

CSV ballots: a header row, then one ballot per row with candidates' names
in order of preference; a first column headed "weight" gives a count of
identical ballots.

Exit status: 0 when the count is done, 2 for a usage or input error
(one line on standard error), 1 when the output cannot be written.

Examples:
  quorum count ward.blt
  quorum count --method meek-stv --format json ward.blt > result.json
  quorum count --seats 9 --attr genders.csv --quota gender=woman:5 nec.blt
  quorum count --method irv --seed 20260507 --format svg mayor.csv > mayor.svg
  quorum count --input csv --format blt - < ballots.csv > ballots.blt

The rules, tie-breaks and formats are described in docs/counting.md.
`

// quotaFlags collects repeated --quota rules.
type quotaFlags []count.QuotaRule

func (q *quotaFlags) String() string { return fmt.Sprint(*q) }
func (q *quotaFlags) Set(s string) error {
	rule, err := count.ParseQuotaRule(s)
	if err != nil {
		return err
	}
	*q = append(*q, rule)
	return nil
}

// cmdCount implements "quorum count".
func cmdCount(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("count", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	method := fs.String("method", "", "")
	seats := fs.Int("seats", 0, "")
	seed := fs.Uint64("seed", 0, "")
	format := fs.String("format", "text", "")
	input := fs.String("input", "", "")
	attrFile := fs.String("attr", "", "")
	var rules quotaFlags
	fs.Var(&rules, "quota", "")

	fail := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "quorum count: "+format+"\n", a...)
		return 2
	}
	// Accept flags before and after FILE.
	var files []string
	for rest := args; ; {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fmt.Fprint(stdout, countHelp)
				return 0
			}
			return fail("%v (see quorum count --help)", err)
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		return fail("expected one ballot file, got %d (see quorum count --help)", len(files))
	}
	if *method != "" {
		if _, err := count.ParseMethod(*method); err != nil {
			return fail("--method: %v", err)
		}
	}
	switch *format {
	case "text", "json", "svg", "blt":
	default:
		return fail("--format must be text, json, svg or blt, not %q", *format)
	}
	if *seats < 0 {
		return fail("--seats must be at least 1")
	}
	kind := *input
	if kind == "" {
		kind = "blt"
		if strings.EqualFold(filepath.Ext(files[0]), ".csv") {
			kind = "csv"
		}
	}
	if kind != "blt" && kind != "csv" {
		return fail("--input must be blt or csv, not %q", kind)
	}

	election, err := readBallots(files[0], kind, *seats)
	if err != nil {
		return fail("%s: %v", files[0], err)
	}
	if *attrFile != "" {
		f, err := os.Open(*attrFile)
		if err != nil {
			return fail("--attr: %v", err)
		}
		err = count.ReadAttributes(f, election)
		f.Close()
		if err != nil {
			return fail("%s: %v", *attrFile, err)
		}
	}
	if *format == "blt" {
		if *seats > 0 {
			election.Seats = *seats
		}
		if err := count.WriteBLT(stdout, election); err != nil {
			fmt.Fprintf(stderr, "quorum count: %v\n", err)
			return 1
		}
		return 0
	}
	if err := ctx.Err(); err != nil {
		return fail("%v", err)
	}
	result, err := count.Count(election, count.Options{Method: count.Method(*method), Seats: *seats, Seed: *seed, Rules: rules})
	if err != nil {
		return fail("%v", err)
	}
	switch *format {
	case "json":
		err = count.WriteJSON(stdout, result)
	case "svg":
		err = count.WriteSVG(stdout, result)
	default:
		err = count.WriteText(stdout, result)
	}
	if err != nil {
		fmt.Fprintf(stderr, "quorum count: writing the result: %v\n", err)
		return 1
	}
	return 0
}

// readBallots opens and parses the ballot file ("-" is standard input).
func readBallots(path, kind string, seats int) (*count.Election, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	if kind == "csv" {
		if seats == 0 {
			seats = 1
		}
		return count.ReadCSV(r, seats)
	}
	return count.ReadBLT(r)
}
