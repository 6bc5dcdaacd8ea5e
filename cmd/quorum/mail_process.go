package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"quorum/internal/config"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/report"
)

const mailProcessHelp = `Usage: quorum mail process [flags] [FILE | FOLDER ...]

Act on the bounces and spam complaints that come back, as e-mails, to the
address newsletters are sent from:

  - a delivery status notification (RFC 3464) saying that delivery failed
    for good (status 5.x.x) puts the address on the suppression list,
    reason bounce;
  - an abuse feedback report (RFC 5965, from a mailbox provider's
    feedback loop) puts it there with reason complaint, and unsubscribes
    the subscriber from everything;
  - when the report returns the newsletter's Message-ID, the status of
    that delivery becomes failed (or complaint);
  - every change is in the audit log.

Delays and temporary failures (4.x.x), notices of delivery, auto-replies
and any other mail change nothing. Only addresses of subscribers are acted
on, and only addresses the report names. Reading the same message again
changes nothing more.

With no FILE, one message is read from standard input, so that a pipe
transport or a mail alias can feed it. A FOLDER is read file by file, e.g.
a Maildir's new/ folder. The summary gives counts only: no address or
message content is printed or logged.

Flags:
  --database-url URL database, sqlite:PATH or postgres://… (env
                     QUORUM_DATABASE_URL; default sqlite:quorum.db)
  --help             show this help

Exit status: 0 when every message was read, whatever it reported; 1 when
some could not be read (named on standard error; the others are applied);
2 for a usage error or a database problem.

Examples:
  quorum mail process < bounce.eml
  quorum mail process /var/mail/quorum-bounces/new

Setting it up with Postfix or Exim is described in docs/mail-reports.md.
`

// cmdMail implements "quorum mail ACTION …"; process is the one action.
func cmdMail(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || isHelpWord(args[0]) {
		w, code := stderr, exitUsage
		if len(args) > 0 {
			w, code = stdout, exitOK
		}
		fmt.Fprint(w, mailProcessHelp)
		return code
	}
	if args[0] != "process" {
		fmt.Fprintf(stderr, "quorum mail: unknown action %q; want process (see quorum mail --help)\n", args[0])
		return exitUsage
	}
	return mailProcess(ctx, args[1:], os.Stdin, stdout, stderr)
}

// mailTally counts what a run of "quorum mail process" read and did.
type mailTally struct {
	messages, unreadable                 int
	kinds                                map[mail.ReportKind]int
	suppressed, unsubscribed, deliveries int
	unknown                              int
}

// mailProcess implements "quorum mail process", reading standard input
// from stdin when no file is named.
func mailProcess(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const cmd = "quorum mail process"
	fs := flag.NewFlagSet("mail process", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	load := config.Register(fs)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, mailProcessHelp)
		return exitOK
	}
	if err != nil {
		return kindUsageError(stderr, cmd, err.Error())
	}
	files, err := mailFiles(pos)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitUsage
	}
	cfg, err := load()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitUsage
	}
	db, err := openMigratedDB(ctx, cfg)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitUsage
	}
	defer db.Close()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := report.NewService(ctx, db, jobs.NewQueue(db, nil), nil, report.Config{SiteName: cfg.SiteName, BaseURL: cfg.BaseURL, Log: log})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitUsage
	}

	t := mailTally{kinds: map[mail.ReportKind]int{}}
	for _, name := range files {
		rep, err := readMailReport(name, stdin)
		t.messages++
		if err != nil {
			t.unreadable++
			fmt.Fprintf(stderr, "%s: %s: %v\n", cmd, displayName(name), err)
			continue
		}
		res, err := svc.ApplyMailReport(ctx, rep)
		if err != nil {
			// The database failed: later messages would fail too, and the
			// message is safe to read again once it works.
			fmt.Fprintf(stderr, "%s: %s: %v\n", cmd, displayName(name), err)
			fmt.Fprintln(stdout, t.summary())
			return exitUsage
		}
		t.kinds[rep.Kind]++
		t.suppressed += res.Suppressed
		t.unsubscribed += res.Unsubscribed
		t.deliveries += res.Deliveries
		t.unknown += res.Unknown
	}
	fmt.Fprintln(stdout, t.summary())
	if t.unreadable > 0 {
		return exitFail
	}
	return exitOK
}

// mailFiles lists the messages to read: each FILE, each file of each
// FOLDER (not its sub-folders or hidden files), or "-" for standard input.
func mailFiles(args []string) ([]string, error) {
	if len(args) == 0 {
		return []string{"-"}, nil
	}
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if a == "-" || err != nil || !st.IsDir() {
			// A missing file is reported with the others.
			files = append(files, a)
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				files = append(files, filepath.Join(a, e.Name()))
			}
		}
	}
	return files, nil
}

func readMailReport(name string, stdin io.Reader) (mail.Report, error) {
	if name == "-" {
		return mail.ParseReport(stdin)
	}
	f, err := os.Open(name)
	if err != nil {
		return mail.Report{}, err
	}
	defer f.Close()
	return mail.ParseReport(f)
}

func displayName(name string) string {
	if name == "-" {
		return "standard input"
	}
	return name
}

// summary is the one line a run prints: what was read, what changed.
func (t mailTally) summary() string {
	var read []string
	for _, k := range []struct {
		kind         mail.ReportKind
		one, several string
	}{
		{mail.Bounce, "bounce", "bounces"},
		{mail.Complaint, "complaint", "complaints"},
		{mail.Delayed, "delay or temporary failure", "delays or temporary failures"},
		{mail.OtherReport, "other report", "other reports"},
		{mail.NotAReport, "not a report", "not reports"},
	} {
		if n := t.kinds[k.kind]; n > 0 {
			read = append(read, plural(n, k.one, k.several))
		}
	}
	if t.unreadable > 0 {
		read = append(read, fmt.Sprintf("%d unreadable", t.unreadable))
	}
	line := "Read " + countNoun(t.messages, "message")
	if len(read) > 0 {
		line += " (" + strings.Join(read, ", ") + ")"
	}
	line += fmt.Sprintf(": %s suppressed, %s unsubscribed, %s marked", plural(t.suppressed, "address", "addresses"),
		countNoun(t.unsubscribed, "subscriber"), plural(t.deliveries, "newsletter delivery", "newsletter deliveries"))
	if t.unknown > 0 {
		line += fmt.Sprintf("; %s of no subscriber left alone", plural(t.unknown, "address", "addresses"))
	}
	return line
}

func plural(n int, one, several string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, several)
}
