package main

import (
	"context"
	"fmt"
	"io"

	"quorum/internal/store"
)

const migrateUsage = `
Usage: quorum migrate [flags]

Applies every schema migration the database does not have yet, in order,
each in its own transaction. Migrations only move forward. A database whose
schema is newer than this binary is left alone (exit code 2). The server
also migrates at start-up, so running this first is optional.
`

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, load := newFlags("migrate", migrateUsage, stdout, stderr)
	cfg, code, ok := parseSettings(fs, load, args, stderr)
	if !ok {
		return code
	}
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return exitUsage
	}
	defer db.Close()
	n, err := db.Migrate(ctx, func(m store.Migration) {
		fmt.Fprintf(stdout, "applying %04d %s\n", m.Version, m.Name)
	})
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return exitUsage
	}
	v, _ := db.SchemaVersion(ctx)
	fmt.Fprintf(stdout, "%d migration(s) applied; schema at version %d\n", n, v)
	return exitOK
}
