package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

const serveUsage = `
Usage: quorum serve [flags]

Runs the web server and the background job workers against the database
named by --database-url (or QUORUM_DATABASE_URL), migrating it first. Stop
it with Ctrl-C or SIGTERM: requests and jobs in flight are allowed to finish.
Any number of servers may share one PostgreSQL database.
`

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, load := newFlags("serve", serveUsage, stdout, stderr)
	cfg, code, ok := parseSettings(fs, load, args, stderr)
	if !ok {
		return code
	}
	db, code := openDB(ctx, cfg.DatabaseURL, stderr)
	if db == nil {
		return code
	}
	defer db.Close()
	log := newLogger(cfg.LogLevel, os.Stderr)
	a, err := newApp(cfg, db, log, false)
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return exitFail
	}
	ln, err := a.listen()
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return exitUsage
	}
	log.Info("serving", "address", ln.Addr().String(), "base_url", cfg.BaseURL, "engine", string(db.Engine))
	return a.serve(ctx, ln, stderr)
}
