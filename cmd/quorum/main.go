// Command quorum runs Quorum: the web server, the demo, migrations, account
// administration, member import and export, and vote counting. This file
// only dispatches; the work is in internal/.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // time zones work on machines without a zoneinfo database
)

// command is one sub-command.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"serve", "run the web server and background jobs", cmdServe},
		{"demo", "serve a fully populated demo organisation on a fresh database", cmdDemo},
		{"migrate", "bring the database schema up to date", cmdMigrate},
		{"user", "create accounts, set passwords, grant and revoke roles", cmdUser},
		{"import", "import members from CSV, or a WordPress blog (posts, comments, files)", cmdImport},
		{"export", "export members as CSV", cmdExport},
		{"count", "count a ballot file (.blt, CSV or a bulletin board's JSON) by FPTP, block vote, IRV or STV", cmdCount},
		{"loadtest", "measure casting under load with many voters at once", cmdLoadtest},
		{"mail", "process bounces and spam complaints that came back by e-mail", cmdMail},
	}
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Quorum: the internal democracy of a membership organisation.

Usage:
  quorum <command> [flags] [arguments]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, `
Run "quorum <command> --help" for a command's flags. Settings can also be
given as environment variables (QUORUM_DATABASE_URL, QUORUM_LISTEN, ...);
see the README for the full table.

Examples:
  quorum demo                                  # try Quorum with generated data
  quorum serve --database-url postgres://quorum@db/quorum
  quorum user create --email ada@example.org --name "Ada Lovelace"
  quorum import members members.csv --dry-run
  quorum count --seats 3 ward.blt
`)
}

func main() {
	tuneRuntime()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "quorum: unknown command %q; run \"quorum --help\" for the list\n", args[0])
	return 2
}
