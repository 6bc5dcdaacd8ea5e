package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"quorum/internal/ballot"
	"quorum/internal/count"
)

const countHelp = `Usage: quorum count [flags] FILE

Count the ballots in FILE and print the result stage by stage. FILE is a
.blt ballot file, a CSV of rankings, or the JSON download of a Quorum
bulletin board (ballots.json); "-" reads standard input.

A bulletin board download carries its election's method, seats, seed,
quota rules and candidates' attributes: "quorum count ballots.json"
recounts it as published, and the flags below override what the file
says. The output says which settings came from the file, and checks the
ballots against the file's Merkle root (a file whose ballots do not lead
to its root is refused).

Flags:
  --method M       counting method (default: the file's, else scottish-stv
                   for several seats and irv for one); one of:
                     fptp          first past the post, one seat
                     block         block vote: each ballot's first N
                                   preferences count once each, N seats
                     irv           instant-runoff, one seat
                     scottish-stv  STV under the Scottish Local Government
                                   Elections Order 2007 (5 decimal places)
                     meek-stv      STV by Meek's method (9 decimal places)
  --seats N        seats to fill (default: the file's; 1 for CSV)
  --seed S         seed of the lot that breaks ties the rules leave open
                   (default: the file's, else 0); the result lists every
                   tie and its draw
  --format F       text (default), json, svg (chart) or blt (the ballots
                   as a canonical .blt file, e.g. to convert a CSV)
  --input KIND     blt, csv or json (default: csv when FILE ends in .csv,
                   json when it ends in .json or starts with "{", else blt)
  --attr FILE      CSV mapping candidates to attributes, header
                   "name,ATTRIBUTE,...", one row per candidate; a bulletin
                   board shows it as its candidates.csv download
  --quota RULE     at least MIN winners with ATTRIBUTE=VALUE, written
                   ATTRIBUTE=VALUE:MIN (e.g. gender=woman:5); repeatable;
                   replaces the file's quota rules
  --root HEX       the Merkle root shown on the election's page: a bulletin
                   board whose ballots do not lead to it is refused (the
                   file's own root only shows the file agrees with itself)
  --help           show this help

CSV ballots: a header row, then one ballot per row with candidates' names
in order of preference; a first column headed "weight" gives a count of
identical ballots.

Exit status: 0 when the count is done, 2 for a usage or input error
(one line on standard error), 1 when the output cannot be written. With
--format json, svg or blt, what was taken from a bulletin board file is
said on standard error, so that standard output holds only the result.

Examples:
  quorum count nec-2026-ballots.json
  quorum count --root 3f1c…9a0e nec-2026-ballots.json
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
	published := fs.String("root", "", "")
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
	if kind != "" && kind != "blt" && kind != "csv" && kind != "json" {
		return fail("--input must be blt, csv or json, not %q", kind)
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })

	in, err := readBallots(files[0], kind, *seats)
	if err != nil {
		return fail("%s: %v", files[0], err)
	}
	election := in.election
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
	opt := count.Options{Method: count.Method(*method), Seats: *seats, Seed: *seed, Rules: rules}
	var notes []string
	if *published != "" && in.board == nil {
		return fail("--root checks a bulletin board's JSON download, and %s is not one", files[0])
	}
	if in.board != nil {
		if err := in.checkRoot(); err != nil {
			return fail("%s: %v", files[0], err)
		}
		if *published != "" {
			if err := in.checkPublishedRoot(*published); err != nil {
				return fail("%s: %v", files[0], err)
			}
		}
		opt, notes = boardOptions(in.board, opt, given, *attrFile != "")
		notes = append(notes, in.rootNote())
	}
	// Notes go before the result sheet; with a machine format they go to
	// standard error, so that standard output holds the result alone.
	noteTo := stderr
	if *format == "text" {
		noteTo = stdout
	}
	if *format == "blt" {
		if *seats > 0 {
			election.Seats = *seats
		}
		if in.board != nil {
			fmt.Fprintln(stderr, in.rootNote())
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
	result, err := count.Count(election, opt)
	if err != nil {
		return fail("%v", err)
	}
	for _, n := range notes {
		fmt.Fprintln(noteTo, n)
	}
	if len(notes) > 0 && noteTo == stdout {
		fmt.Fprintln(stdout)
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

// ballotInput is a ballot file as read: the election and, for a bulletin
// board download, what the file says of its count and the Merkle leaves
// of its ballots.
type ballotInput struct {
	election *count.Election
	board    *count.Board
	leaves   [][32]byte
	badLeaf  string // why a ballot's leaf could not be made, if one could not
	// publishedRoot is the root given with --root, once the ballots were
	// found to lead to it.
	publishedRoot string
}

// readBallots opens and parses the ballot file ("-" is standard input).
// kind "" chooses by the name, then by the first character.
func readBallots(path, kind string, seats int) (ballotInput, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return ballotInput{}, err
		}
		defer f.Close()
		r = f
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if kind == "" {
		kind = sniffKind(path, br)
	}
	var in ballotInput
	var err error
	switch kind {
	case "csv":
		if seats == 0 {
			seats = 1
		}
		in.election, err = count.ReadCSV(br, seats)
	case "json":
		if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
			br.Discard(3)
		}
		in.board, err = count.ReadBoard(br, in.addLeaf)
		if err == nil {
			in.election = in.board.Election
		}
	default:
		in.election, err = count.ReadBLT(br)
	}
	return in, err
}

// sniffKind tells a CSV or a bulletin board download by its name, and a
// JSON object (whatever its name) by its first character: a .blt file
// never starts with "{".
func sniffKind(path string, br *bufio.Reader) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".json":
		return "json"
	}
	head, _ := br.Peek(512)
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\ufeff")), " \t\r\n")
	if len(head) > 0 && head[0] == '{' {
		return "json"
	}
	return "blt"
}

// addLeaf hashes one ballot of a bulletin board as its Merkle leaf.
func (in *ballotInput) addLeaf(tracker string, ranking []string) error {
	if in.badLeaf != "" {
		return nil
	}
	t, err := ballot.ParseTracker(tracker)
	if err != nil {
		in.badLeaf = fmt.Sprintf("ballot %d has no valid tracker (%q)", len(in.leaves)+1, tracker)
		return nil
	}
	in.leaves = append(in.leaves, ballot.LeafHash(t, ranking))
	return nil
}

// checkRoot refuses a bulletin board whose ballots do not lead to the
// Merkle root it gives: it is not the board as published.
func (in *ballotInput) checkRoot() error {
	if in.board.MerkleRoot == "" {
		return nil
	}
	if in.badLeaf != "" {
		return fmt.Errorf("%s, so the ballots cannot be checked against the file's Merkle root", in.badLeaf)
	}
	root := ballot.MerkleRoot(in.leaves)
	if !strings.EqualFold(hex.EncodeToString(root[:]), in.board.MerkleRoot) {
		return fmt.Errorf("the ballots lead to the Merkle root %x, not to the file's %s: this is not the bulletin board as published "+
			"(to count an edited file, remove its merkle_root)", root, in.board.MerkleRoot)
	}
	return nil
}

// checkPublishedRoot refuses a bulletin board whose ballots do not lead
// to the root published on the election's page: a file edited with a
// root computed again agrees with itself, but not with the site.
func (in *ballotInput) checkPublishedRoot(published string) error {
	want, err := hex.DecodeString(strings.TrimSpace(published))
	if err != nil || len(want) != 32 {
		return fmt.Errorf("--root must be the 64 hexadecimal digits of the Merkle root shown on the election's page, not %q", published)
	}
	if in.badLeaf != "" {
		return fmt.Errorf("%s, so the ballots cannot be checked against the published root", in.badLeaf)
	}
	root := ballot.MerkleRoot(in.leaves)
	if !bytes.Equal(root[:], want) {
		return fmt.Errorf("the ballots lead to the Merkle root %x, not to the published %x: this is not the bulletin board as published", root, want)
	}
	in.publishedRoot = hex.EncodeToString(want)
	return nil
}

func (in *ballotInput) rootNote() string {
	if in.publishedRoot != "" {
		return fmt.Sprintf("Merkle root checked: the %d ballots lead to the published root %s.", len(in.leaves), in.publishedRoot)
	}
	if in.board.MerkleRoot == "" {
		return "The file gives no Merkle root: its ballots are not checked against one."
	}
	return fmt.Sprintf("Merkle root checked: the %d ballots lead to the file's root %s.", in.board.Ballots, strings.ToLower(in.board.MerkleRoot))
}

// boardOptions completes the command line's options with what a bulletin
// board file says, and says which came from where.
func boardOptions(b *count.Board, opt count.Options, given map[string]bool, attrFile bool) (count.Options, []string) {
	var fromFile, fromFlags []string
	if given["method"] {
		fromFlags = append(fromFlags, "method "+string(opt.Method))
	} else if b.Method != "" {
		opt.Method = b.Method
		fromFile = append(fromFile, "method "+string(b.Method))
	}
	if opt.Seats > 0 {
		fromFlags = append(fromFlags, fmt.Sprintf("seats %d", opt.Seats))
	} else if b.Election.Seats > 0 {
		fromFile = append(fromFile, fmt.Sprintf("seats %d", b.Election.Seats))
	}
	if given["seed"] {
		fromFlags = append(fromFlags, fmt.Sprintf("seed %d", opt.Seed))
	} else if b.HasSeed {
		opt.Seed = b.Seed
		fromFile = append(fromFile, fmt.Sprintf("seed %d", b.Seed))
	}
	switch {
	case given["quota"]:
		fromFlags = append(fromFlags, quotaList(opt.Rules))
	case b.HasRules:
		opt.Rules = b.Rules
		fromFile = append(fromFile, quotaList(b.Rules))
	}
	if attrFile {
		fromFlags = append(fromFlags, "attributes from --attr (over the file's where both give one)")
	}
	fromFile = append(fromFile, "the candidates with their attributes and withdrawals")
	notes := []string{"From the file: " + strings.Join(fromFile, ", ") + "."}
	if len(fromFlags) > 0 {
		notes = append(notes, "From the command line: "+strings.Join(fromFlags, ", ")+".")
	}
	return opt, notes
}

func quotaList(rules []count.QuotaRule) string {
	if len(rules) == 0 {
		return "no quota rule"
	}
	out := make([]string, len(rules))
	for i, r := range rules {
		out[i] = "quota " + r.String()
	}
	return strings.Join(out, ", ")
}
