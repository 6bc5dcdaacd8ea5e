package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"

	"quorum/internal/config"
	"quorum/internal/org"
	"quorum/internal/store"
)

// importKind is one thing "quorum import" can read. Adding a kind is one
// row in importKinds; the help text follows.
type importKind struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var importKinds = []importKind{
	{name: "members", summary: "members and memberships from a CSV file", run: importMembers},
	{name: "wordpress", summary: "a WordPress blog (WXR export file): posts, pages, comments, redirects", run: importWordPress},
}

// exportKinds lists what "quorum export" can write, the same way.
var exportKinds = []importKind{
	{name: "members", summary: "members and memberships as a CSV file that imports back", run: exportMembers},
}

// cmdImport implements "quorum import KIND …".
func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return dispatchKind(ctx, "import", importKinds, args, stdout, stderr)
}

// cmdExport implements "quorum export KIND …".
func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return dispatchKind(ctx, "export", exportKinds, args, stdout, stderr)
}

func dispatchKind(ctx context.Context, verb string, kinds []importKind, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelpWord(args[0]) {
		var b strings.Builder
		fmt.Fprintf(&b, "Usage: quorum %s KIND [flags]\n\nKinds:\n", verb)
		for _, k := range kinds {
			fmt.Fprintf(&b, "  %-10s %s\n", k.name, k.summary)
		}
		fmt.Fprintf(&b, "\nquorum %s KIND --help describes each.\n", verb)
		if len(args) == 0 {
			fmt.Fprint(stderr, b.String())
			return 2
		}
		fmt.Fprint(stdout, b.String())
		return 0
	}
	for _, k := range kinds {
		if k.name == args[0] {
			return k.run(ctx, args[1:], stdout, stderr)
		}
	}
	names := make([]string, len(kinds))
	for i, k := range kinds {
		names[i] = k.name
	}
	fmt.Fprintf(stderr, "quorum %s: unknown kind %q (known: %s)\n", verb, args[0], strings.Join(names, ", "))
	return 2
}

func isHelpWord(a string) bool { return a == "-h" || a == "-help" || a == "--help" || a == "help" }

// memberColumnsHelp lists the columns of a members file for --help.
func memberColumnsHelp() string {
	var b strings.Builder
	for _, c := range org.MemberColumns {
		req := "optional"
		if c.Required {
			req = "required"
		}
		fmt.Fprintf(&b, "  %s (%s)\n%s", c.Name, req, indentWrap(c.Help, 6, 74))
	}
	return b.String()
}

// indentWrap wraps text at width with every line indented.
func indentWrap(text string, indent, width int) string {
	pad := strings.Repeat(" ", indent)
	var b strings.Builder
	line := pad
	for _, w := range strings.Fields(text) {
		if len(line) > indent && len(line)+1+len(w) > width {
			b.WriteString(line + "\n")
			line = pad
		}
		if len(line) > indent {
			line += " "
		}
		line += w
	}
	return b.String() + line + "\n"
}

const importMembersHelp = `Usage: quorum import members [flags] FILE.csv

Bring the members and memberships in the database into line with FILE.csv
(FILE "-" reads standard input), in one transaction: if any row is wrong,
every error is listed and nothing is written. Re-importing the same file
changes nothing. A membership number not yet known adds a person and a
membership; a known one updates them.

Flags:
  --dry-run          show what would be added, changed and lapsed; write nothing
  --lapse-missing    also lapse every active member whose number is not in
                     the file (status lapsed, lapse date today unless an
                     earlier one is recorded); use it only with a complete
                     file of the whole organisation
  --list N           list at most N members per heading (default 50);
                     "all" lists every one
  --show-personal    show old and new names, e-mail addresses and genders
                     in the list of changes (by default it only says which
                     changed, so the output can be kept or shared safely)
  --database-url URL database, sqlite:PATH or postgres://… (env
                     QUORUM_DATABASE_URL; default sqlite:quorum.db)
  --help             show this help

The first row names the columns, in any order and any case ("Start Date"
is start_date). A column left out keeps the recorded values of existing
members (new members get the default); a column that is not listed below
is an error. Files may be UTF-8 with a byte-order mark and CRLF line ends,
as Excel writes them. Errors name rows by the line they start on, as a
spreadsheet numbers them (the header is row 1).

Columns:
%s
Exit status: 0 when imported (or, with --dry-run, when the file is valid);
1 when the file has errors (listed on standard error; nothing written);
2 for a usage error, an unreadable file or a database problem (one line on
standard error).

Examples:
  quorum import members --dry-run members.csv
  quorum import members --lapse-missing members.csv
  quorum import members --database-url postgres://quorum@db/quorum members.csv

The format is described in docs/members-import.md.
`

const exportMembersHelp = `Usage: quorum export members [flags]

Write members and memberships as CSV, one row per membership, ordered by
membership number, in the columns that "quorum import members" reads, so
that the file imports back unchanged. Cells that a spreadsheet would run
as a formula (starting with = + - @) are written with a leading
apostrophe, which the import removes again.

The file holds personal data: keep it safe and delete it when done. With
--out it is created readable by its owner only. Every export is recorded
in the audit log.

Flags:
  --out FILE         write to FILE instead of standard output (written in
                     full, then renamed into place)
  --unit SLUG        only members of this unit and of the units below it
  --database-url URL database, sqlite:PATH or postgres://… (env
                     QUORUM_DATABASE_URL; default sqlite:quorum.db)
  --help             show this help

Columns:
%s
Exit status: 0 when written; 1 when the output cannot be written; 2 for a
usage error, an unknown unit or a database problem.

Examples:
  quorum export members --out members.csv
  quorum export members --unit north-ward > north-ward.csv
`

// parseInterspersed parses flags that may come before or after the
// positional arguments ("import members FILE --dry-run" and
// "import members --dry-run FILE" both work) and returns the positionals.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// openMembersDB opens and migrates the database named by the configuration.
func openMembersDB(ctx context.Context, load func() (config.Config, error)) (*store.DB, error) {
	cfg, err := load()
	if err != nil {
		return nil, err
	}
	return openMigratedDB(ctx, cfg)
}

// openMigratedDB opens and migrates the database a loaded configuration
// names.
func openMigratedDB(ctx context.Context, cfg config.Config) (*store.DB, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func importMembers(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "quorum import members"
	fs := flag.NewFlagSet("import members", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	dryRun := fs.Bool("dry-run", false, "")
	lapseMissing := fs.Bool("lapse-missing", false, "")
	list := fs.String("list", "50", "")
	showPersonal := fs.Bool("show-personal", false, "")
	load := config.Register(fs)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, importMembersHelp, memberColumnsHelp())
		return 0
	}
	if err != nil {
		return kindUsageError(stderr, cmd, err.Error())
	}
	if len(pos) != 1 {
		return kindUsageError(stderr, cmd, "give exactly one FILE.csv")
	}
	limit, err := parseListLimit(*list)
	if err != nil {
		return kindUsageError(stderr, cmd, err.Error())
	}

	path := pos[0]
	in, size, err := openInput(path)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 2
	}
	defer in.Close()

	db, err := openMembersDB(ctx, load)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 2
	}
	defer db.Close()

	progress := newImportProgress(stderr, size)
	svc := &org.Service{DB: db}
	report, err := svc.ImportMembersAsSystem(ctx, progress.reader(in), org.MemberImportOptions{
		DryRun:       *dryRun,
		LapseMissing: *lapseMissing,
		Progress:     progress.event,
	})
	progress.finish()
	name := path
	if path == "-" {
		name = "standard input"
	}
	if errors.Is(err, org.ErrInvalidMemberFile) {
		for _, e := range report.Errors {
			fmt.Fprintf(stderr, "%s: %s\n", name, e.Error())
		}
		if more := report.ErrorCount - len(report.Errors); more > 0 {
			fmt.Fprintf(stderr, "%s: … and %s more\n", name, countNoun(more, "error"))
		}
		fmt.Fprintf(stderr, "%s: %s has %s; nothing was imported\n", cmd, name, countNoun(report.ErrorCount, "error"))
		return 1
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 2
	}
	writeImportReport(stdout, name, report, *lapseMissing, *showPersonal, limit)
	return 0
}

func kindUsageError(stderr io.Writer, cmd, msg string) int {
	fmt.Fprintf(stderr, "%s: %s (see %s --help)\n", cmd, msg, cmd)
	return 2
}

// parseListLimit reads --list: a count, or "all" (returned as -1).
func parseListLimit(s string) (int, error) {
	if s == "all" {
		return -1, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("--list wants a number or all, not %q", s)
	}
	return n, nil
}

// openInput opens FILE or, for "-", standard input, and returns its size
// when it is a regular file (0 otherwise) for the progress bar.
func openInput(path string) (io.ReadCloser, int64, error) {
	if path == "-" {
		return io.NopCloser(os.Stdin), 0, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	var size int64
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return f, size, nil
}

// writeImportReport prints the counts, then the members under each
// heading. Names, addresses and genders appear only with showPersonal:
// this output ends up in terminals' scroll-back, e-mails and tickets.
func writeImportReport(w io.Writer, name string, r *org.MemberImportReport, lapseMissing, showPersonal bool, limit int) {
	verb := map[bool][5]string{
		true:  {"to add", "to change", "to lapse", "to lapse as missing from the file", "unchanged"},
		false: {"added", "changed", "lapsed", "lapsed as missing from the file", "unchanged"},
	}[r.DryRun]
	if r.DryRun {
		fmt.Fprintf(w, "Dry run of %s: nothing was written.\n", name)
	} else {
		fmt.Fprintf(w, "Imported %s.\n", name)
	}
	fmt.Fprintf(w, "  %7d rows read\n", r.Rows)
	fmt.Fprintf(w, "  %7d %s\n", len(r.Added), verb[0])
	fmt.Fprintf(w, "  %7d %s\n", len(r.Changed), verb[1])
	fmt.Fprintf(w, "  %7d %s\n", len(r.Lapsed), verb[2])
	if lapseMissing {
		fmt.Fprintf(w, "  %7d %s\n", len(r.LapsedMissing), verb[3])
	}
	fmt.Fprintf(w, "  %7d %s\n", r.Unchanged, verb[4])

	section := func(title string, n int, line func(i int) string) {
		if n == 0 || limit == 0 {
			return
		}
		fmt.Fprintf(w, "\n%s:\n", strings.ToUpper(title[:1])+title[1:])
		shown := n
		if limit > 0 && limit < n {
			shown = limit
		}
		for i := range shown {
			fmt.Fprintf(w, "  %s\n", line(i))
		}
		if shown < n {
			fmt.Fprintf(w, "  … and %d more (--list all shows every one)\n", n-shown)
		}
	}
	section(verb[0], len(r.Added), func(i int) string {
		a := r.Added[i]
		return fmt.Sprintf("row %d  %s  unit %s, %s", a.Row, a.Number, a.Unit, a.Status)
	})
	change := func(list []org.MemberChange) func(int) string {
		return func(i int) string {
			c := list[i]
			where := "not in file"
			if c.Row > 0 {
				where = "row " + strconv.Itoa(c.Row)
			}
			return fmt.Sprintf("%s  %s  %s", where, c.Number, describeFields(c.Fields, showPersonal))
		}
	}
	section(verb[1], len(r.Changed), change(r.Changed))
	section(verb[2], len(r.Lapsed), change(r.Lapsed))
	section(verb[3], len(r.LapsedMissing), change(r.LapsedMissing))
}

func describeFields(fields []org.MemberFieldChange, showPersonal bool) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		if f.Personal && !showPersonal {
			parts[i] = f.Column + " changed"
			continue
		}
		parts[i] = fmt.Sprintf("%s %s → %s", f.Column, shownValue(f.Old), shownValue(f.New))
	}
	return strings.Join(parts, "; ")
}

func shownValue(v string) string {
	if v == "" {
		return "(blank)"
	}
	if strings.ContainsAny(v, " ;\"") {
		return strconv.Quote(v)
	}
	return v
}

func exportMembers(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "quorum export members"
	fs := flag.NewFlagSet("export members", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	out := fs.String("out", "", "")
	unit := fs.String("unit", "", "")
	load := config.Register(fs)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(stdout, exportMembersHelp, memberColumnsHelp())
		return 0
	}
	if err != nil {
		return kindUsageError(stderr, cmd, err.Error())
	}
	if len(pos) != 0 {
		return kindUsageError(stderr, cmd, fmt.Sprintf("unexpected argument %q", pos[0]))
	}
	db, err := openMembersDB(ctx, load)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 2
	}
	defer db.Close()
	svc := &org.Service{DB: db}
	opts := org.MemberExportOptions{UnitSlug: *unit}

	if *out == "" {
		n, err := svc.ExportMembersAsSystem(ctx, stdout, opts)
		return exportResult(stderr, cmd, *unit, "standard output", n, err)
	}
	// Write beside the target and rename, so that a failed export never
	// leaves a half-written file where a whole one is expected.
	tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*")
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 1
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	n, err := svc.ExportMembersAsSystem(ctx, tmp, opts)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), *out)
	}
	return exportResult(stderr, cmd, *unit, *out, n, err)
}

func exportResult(stderr io.Writer, cmd, unit, dest string, n int, err error) int {
	switch {
	case errors.Is(err, store.ErrNotFound):
		fmt.Fprintf(stderr, "%s: no unit has the slug %q\n", cmd, unit)
		return 2
	case err != nil:
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return 1
	}
	fmt.Fprintf(stderr, "%s: wrote %s to %s\n", cmd, countNoun(n, "member"), dest)
	return 0
}

func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// importProgress shows an import's progress on stderr: a bar on a
// terminal, otherwise a plain line now and then (logs of a cron job should
// show it is alive without filling up with carriage returns).
type importProgress struct {
	w        io.Writer
	terminal bool
	size     int64 // bytes in the file, 0 when unknown
	bar      *progressbar.ProgressBar
	stage    string
	interval time.Duration
	last     time.Time
}

func newImportProgress(w io.Writer, size int64) *importProgress {
	return &importProgress{w: w, terminal: writerIsTerminal(w), size: size, interval: 5 * time.Second, last: time.Now()}
}

func writerIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// reader wraps the input so that, on a terminal, reading a file of known
// size shows a bar by bytes, which unlike rows has a known end.
func (p *importProgress) reader(r io.Reader) io.Reader {
	if !p.terminal || p.size == 0 {
		return r
	}
	p.stage = "read"
	p.bar = p.newBar(p.size, "reading", true)
	return io.TeeReader(r, p.bar)
}

func (p *importProgress) newBar(max int64, desc string, bytes bool) *progressbar.ProgressBar {
	w := p.w
	return progressbar.NewOptions64(max,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowBytes(bytes),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}

func (p *importProgress) event(e org.MemberImportProgress) {
	if !p.terminal {
		if e.Done < e.Total || e.Total == 0 {
			if now := time.Now(); now.Sub(p.last) >= p.interval {
				p.last = now
				fmt.Fprintln(p.w, plainProgress(e))
			}
		}
		return
	}
	if e.Stage != p.stage {
		p.finish()
		p.stage = e.Stage
		switch {
		case e.Stage == "write":
			p.bar = p.newBar(int64(e.Total), "writing", false)
		case p.size == 0:
			p.bar = p.newBar(-1, "reading", false) // a spinner counting rows
		}
	}
	if p.bar != nil && (e.Stage == "write" || p.size == 0) {
		_ = p.bar.Set(e.Done)
	}
}

func plainProgress(e org.MemberImportProgress) string {
	if e.Stage == "write" {
		return fmt.Sprintf("quorum import members: written %d of %d rows", e.Done, e.Total)
	}
	return fmt.Sprintf("quorum import members: read %d rows", e.Done)
}

// finish ends the current bar. A bar that reached its end has already
// closed its line; a spinner, or a bar cut short by an error, is left as
// it stands rather than shown as complete.
func (p *importProgress) finish() {
	if p.bar != nil {
		if !p.bar.IsFinished() {
			_ = p.bar.Exit()
		}
		p.bar = nil
	}
}
