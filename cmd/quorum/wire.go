package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"quorum/internal/config"
	"quorum/internal/store"
)

// exitUsage and exitFail are the exit codes: 2 for bad usage or a database
// that cannot be used, 1 for work that failed.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// newFlags makes a flag set that prints help to stdout for --help and
// errors to stderr, with the shared settings registered.
func newFlags(name, usageText string, stdout, stderr io.Writer) (*flag.FlagSet, func() (config.Config, error)) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	load := config.Register(fs)
	fs.Usage = func() {
		fmt.Fprint(stdout, strings.TrimLeft(usageText, "\n"))
		fmt.Fprintln(stdout, "\nFlags:")
		fs.SetOutput(stdout)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	return fs, load
}

// parseFlags parses args; it returns (code, false) when the caller should
// stop: after --help (0) or a usage error (2).
func parseFlags(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return 0, true
}

// parseSettings parses the flags and resolves the settings; when ok is
// false the command should return code (after --help, or a bad flag or value).
func parseSettings(fs *flag.FlagSet, load func() (config.Config, error), args []string, stderr io.Writer) (cfg config.Config, code int, ok bool) {
	if code, ok := parseFlags(fs, args); !ok {
		return cfg, code, false
	}
	cfg, err := load()
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return cfg, exitUsage, false
	}
	return cfg, exitOK, true
}

// openDB opens and migrates the database, printing one clear line and
// returning exit code 2 when it cannot be used.
func openDB(ctx context.Context, url string, stderr io.Writer) (*store.DB, int) {
	db, err := store.Open(ctx, url)
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return nil, exitUsage
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		db.Close()
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return nil, exitUsage
	}
	return db, exitOK
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}
