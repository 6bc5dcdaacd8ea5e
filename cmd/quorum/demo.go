package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pquerna/otp/totp"

	"quorum/internal/auth"
	"quorum/internal/demo"
	"quorum/internal/report"
	"quorum/internal/store"
)

const demoUsage = `
Usage: quorum demo [flags]

Creates a fresh SQLite database (in a temporary folder that is removed on
exit, or at --db PATH, which must not exist yet) or uses the empty database
that --database-url names (PostgreSQL too), fills it with a generated
party of about 20,000 members, its branches, council groups, affiliates and
national executive, creates a log-in for each role, prints them and serves
the site until Ctrl-C.

Privileged log-ins (administrator, returning officer, scrutineer) have
two-factor sign-in on with a fixed demo key; the sign-in page of the demo
shows the current code, so no authenticator app is needed.
`

// DemoPassword is the password of every demo log-in.
const DemoPassword = "quorum-demo-password"

// demoTOTPSecret is the fixed second-factor key of the demo's privileged log-ins.
const demoTOTPSecret = "JBSWY3DPEHPK3PXPQUORUMDEMO234567"

// demoLogin is one printed log-in.
type demoLogin struct {
	Role  string
	Email string
}

func cmdDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	start := time.Now()
	fs, load := newFlags("demo", demoUsage, stdout, stderr)
	dbPath := fs.String("db", "", "keep the demo database in this SQLite file (must not exist); default: a temporary file")
	seed := fs.Int64("seed", 1, "seed of the generated data: the same seed and day give the same organisation")
	cfg, code, ok := parseSettings(fs, load, args, stderr)
	if !ok {
		return code
	}
	// Only a --database-url given here is used, never QUORUM_DATABASE_URL
	// from the environment: the demo must not fill a real site's database.
	urlGiven := false
	fs.Visit(func(f *flag.Flag) { urlGiven = urlGiven || f.Name == "database-url" })
	path := *dbPath
	switch {
	case urlGiven && path != "":
		fmt.Fprintln(stderr, "quorum: give the demo either --db or --database-url, not both")
		return exitUsage
	case urlGiven:
	case path == "":
		dir, err := os.MkdirTemp("", "quorum-demo-")
		if err != nil {
			fmt.Fprintf(stderr, "quorum: %v\n", err)
			return exitFail
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "demo.db")
	default:
		if _, err := os.Stat(path); err == nil {
			fmt.Fprintf(stderr, "quorum: %s already exists; the demo needs a new file (or leave out --db)\n", path)
			return exitUsage
		}
	}
	if !urlGiven {
		cfg.DatabaseURL = "sqlite:" + path
	}
	// Listen first, so that with --listen 127.0.0.1:0 the links in e-mails
	// carry the port actually chosen.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		fmt.Fprintf(stderr, "quorum: listen on %s: %v\n", cfg.Listen, err)
		return exitUsage
	}
	defer ln.Close()
	if !strings.Contains(strings.Join(args, " "), "base-url") && os.Getenv("QUORUM_BASE_URL") == "" {
		cfg.BaseURL = "http://" + ln.Addr().String()
	}
	db, code := openDB(ctx, cfg.DatabaseURL, stderr)
	if db == nil {
		return code
	}
	defer db.Close()
	if full, err := db.HoldsPeople(ctx); err != nil || full {
		fmt.Fprintln(stderr, "quorum: the demo needs an empty database; this one already holds people")
		return exitUsage
	}

	log := newLogger(cfg.LogLevel, stderr)
	a, err := newApp(cfg, db, log, true)
	if err != nil {
		fmt.Fprintf(stderr, "quorum: %v\n", err)
		return exitFail
	}
	logins, err := loadDemo(ctx, db, a, *seed, time.Now())
	if err != nil {
		fmt.Fprintf(stderr, "quorum: demo data: %v\n", err)
		return exitFail
	}
	fmt.Fprintf(stdout, "Quorum demo ready in %.1fs at http://%s/\n\n", time.Since(start).Seconds(), ln.Addr())
	fmt.Fprintf(stdout, "Log-ins (password for all: %s):\n", DemoPassword)
	for _, l := range logins {
		fmt.Fprintf(stdout, "  %-34s %s\n", l.Role, l.Email)
	}
	fmt.Fprintf(stdout, "\nAdministrator, returning officer and scrutineer use two-factor sign-in;\nthe demo shows their code on the sign-in page (key %s).\nDatabase: %s\nPress Ctrl-C to stop.\n", demoTOTPSecret, db.Describe())
	return a.serve(ctx, ln, stderr)
}

// loadDemo fills the database and creates a log-in for each role.
func loadDemo(ctx context.Context, db *store.DB, a *app, seed int64, today time.Time) ([]demoLogin, error) {
	sum, err := demo.Load(ctx, db, demo.Options{Seed: seed, Today: today})
	if err != nil {
		return nil, err
	}
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		return nil, err
	}
	type who struct {
		role   string
		person demo.Person
		grant  *store.Grant
		totp   bool
	}
	people := []who{
		{"Administrator", sum.Administrator, &store.Grant{Role: string(auth.RoleAdmin)}, true},
		{"Returning officer", sum.ReturningOfficer, &store.Grant{Role: string(auth.RoleReturningOfficer)}, true},
		{"Scrutineer", sum.Scrutineer, &store.Grant{Role: string(auth.RoleScrutineer)}, true},
		{"Branch secretary", sum.BranchSecretary, &store.Grant{Role: string(auth.RoleOfficer), UnitID: sum.BranchID, Title: "Secretary"}, false},
		{"Council group secretary", sum.CouncilGroupSecretary, &store.Grant{Role: string(auth.RoleOfficer), UnitID: sum.CouncilGroupID, Title: "Secretary"}, false},
		{"Executive's secretary", sum.NECSecretary, &store.Grant{Role: string(auth.RoleBodySecretary), BodyID: sum.NECID}, false},
		{"Representative (local government)", sum.NECSeatHolder, nil, false},
		{"Member", sum.Member, nil, false},
	}
	var logins []demoLogin
	err = db.InTx(ctx, func(tx *store.Tx) error {
		for _, w := range people {
			// One hash serves every demo log-in: hashing eight times would
			// cost start-up time for nothing, since the password is printed anyway.
			if err := tx.CreateAccount(ctx, w.person.ID, hash); err != nil {
				return err
			}
			if w.totp {
				if err := tx.SetTOTP(ctx, w.person.ID, demoTOTPSecret, true); err != nil {
					return err
				}
			}
			if w.grant != nil {
				g := *w.grant
				g.PersonID = w.person.ID
				if _, err := tx.AddGrant(ctx, g); err != nil {
					return err
				}
				if err := tx.Audit(ctx, store.AuditEntry{Action: "role.grant", TargetType: "person", TargetID: fmt.Sprint(w.person.ID), New: g.Role + " (demo)"}); err != nil {
					return err
				}
			}
			logins = append(logins, demoLogin{Role: w.role, Email: w.person.Email})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	openElection, err := loadDemoElections(ctx, db, a.demoElections, a.demoNominations, sum, seed, today)
	if err != nil {
		return nil, fmt.Errorf("demo elections: %w", err)
	}
	if _, err := report.LoadDemo(ctx, a.reports, report.DemoOptions{BodyID: sum.NECID, Featured: sum.NECSeatHolder.ID, Today: today, Seed: seed, Election: openElection}); err != nil {
		return nil, fmt.Errorf("demo reports: %w", err)
	}
	return logins, nil
}

// demoCode is the current second-factor code of the demo key.
func demoCode(now time.Time) string {
	code, err := totp.GenerateCode(demoTOTPSecret, now)
	if err != nil {
		return ""
	}
	return code
}
