package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

const userUsage = `
Usage:
  quorum user create --email E --name N [--password-file F]
  quorum user set-password --email E [--password-file F]
  quorum user grant --email E --role R [--unit SLUG | --body SLUG] [--title T]
  quorum user revoke --email E --role R [--unit SLUG | --body SLUG]

create        adds a person (if no one has the e-mail yet) and gives them a log-in
set-password  replaces a password and signs the person out everywhere
grant/revoke  give or take away a role; every change goes to the audit log

Roles: admin, returning_officer, scrutineer (these three must also set up
two-factor sign-in before the role takes effect), officer (of a unit: give
--unit), body_secretary (of a body: give --body).

The password is read from --password-file, or asked for when standard input
is a terminal, or else read from the first line of standard input.
`

func cmdUser(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			fmt.Fprint(stdout, strings.TrimLeft(userUsage, "\n"))
			return exitOK
		}
		fmt.Fprint(stderr, strings.TrimLeft(userUsage, "\n"))
		return exitUsage
	}
	action := args[0]
	fs, load := newFlags("user "+action, userUsage, stdout, stderr)
	email := fs.String("email", "", "the person's e-mail address")
	name := fs.String("name", "", "the person's name (create)")
	pwFile := fs.String("password-file", "", "read the password from this file")
	role := fs.String("role", "", "role to grant or revoke")
	unit := fs.String("unit", "", "unit slug, for an officer")
	body := fs.String("body", "", "body slug, for a body secretary")
	title := fs.String("title", "", "title of an officer, e.g. Secretary")
	cfg, code, ok := parseSettings(fs, load, args[1:], stderr)
	if !ok {
		return code
	}
	switch action {
	case "create", "set-password", "grant", "revoke":
	default:
		fmt.Fprintf(stderr, "quorum user: unknown action %q; want create, set-password, grant or revoke\n", action)
		return exitUsage
	}
	if strings.TrimSpace(*email) == "" {
		fmt.Fprintln(stderr, "quorum user: --email is required")
		return exitUsage
	}
	db, code := openDB(ctx, cfg.DatabaseURL, stderr)
	if db == nil {
		return code
	}
	defer db.Close()
	authSvc := &auth.Service{DB: db}
	orgSvc := &org.Service{DB: db}
	addr := auth.NormaliseEmail(*email)

	switch action {
	case "create":
		if strings.TrimSpace(*name) == "" {
			fmt.Fprintln(stderr, "quorum user create: --name is required")
			return exitUsage
		}
		pw, err := readPassword(*pwFile, stdout, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "quorum user: %v\n", err)
			return exitUsage
		}
		if err := auth.CheckPassword(pw); err != nil {
			fmt.Fprintf(stderr, "quorum user: %v\n", err)
			return exitFail
		}
		person, err := db.PersonByEmail(ctx, addr)
		if errors.Is(err, store.ErrNotFound) {
			person, err = orgSvc.CreatePersonAsSystem(ctx, org.PersonInput{Name: *name, Email: addr, ShowOffices: true})
		}
		if err != nil {
			fmt.Fprintf(stderr, "quorum user: %v\n", err)
			return exitFail
		}
		if err := authSvc.CreateAccount(ctx, 0, person.ID, pw); err != nil {
			if errors.Is(err, store.ErrConflict) {
				fmt.Fprintf(stderr, "quorum user: %s already has a log-in; use set-password\n", addr)
			} else {
				fmt.Fprintf(stderr, "quorum user: %v\n", err)
			}
			return exitFail
		}
		fmt.Fprintf(stdout, "created a log-in for %s\n", addr)
	case "set-password":
		person, err := db.PersonByEmail(ctx, addr)
		if err != nil {
			fmt.Fprintf(stderr, "quorum user: no one has the e-mail %s\n", addr)
			return exitFail
		}
		pw, err := readPassword(*pwFile, stdout, stderr)
		if err != nil {
			fmt.Fprintf(stderr, "quorum user: %v\n", err)
			return exitUsage
		}
		if err := authSvc.SetPassword(ctx, 0, person.ID, pw); err != nil {
			fmt.Fprintf(stderr, "quorum user: %v\n", err)
			return exitFail
		}
		fmt.Fprintf(stdout, "password changed for %s; their sessions are ended\n", addr)
	case "grant", "revoke":
		person, err := db.PersonByEmail(ctx, addr)
		if err != nil {
			fmt.Fprintf(stderr, "quorum user: no one has the e-mail %s\n", addr)
			return exitFail
		}
		g := store.Grant{PersonID: person.ID, Role: *role, Title: *title}
		if *unit != "" {
			u, err := db.UnitBySlug(ctx, *unit)
			if err != nil {
				fmt.Fprintf(stderr, "quorum user: no unit has the slug %q\n", *unit)
				return exitFail
			}
			g.UnitID = u.ID
		}
		if *body != "" {
			b, err := db.BodyBySlug(ctx, *body)
			if err != nil {
				fmt.Fprintf(stderr, "quorum user: no body has the slug %q\n", *body)
				return exitFail
			}
			g.BodyID = b.ID
		}
		if action == "grant" {
			err = authSvc.GrantRole(ctx, 0, g)
		} else {
			err = authSvc.RevokeRole(ctx, 0, g)
		}
		if err != nil {
			fmt.Fprintf(stderr, "quorum user: %v\n", err)
			if errors.Is(err, auth.ErrNoSuchRole) || errors.Is(err, auth.ErrScopeNeeded) {
				return exitUsage
			}
			return exitFail
		}
		fmt.Fprintf(stdout, "%sed %s for %s\n", strings.TrimSuffix(action, "e"), *role, addr)
	}
	return exitOK
}

// readPassword reads a password from a file, a terminal prompt or stdin.
func readPassword(file string, stdout, stderr io.Writer) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		return strings.TrimRight(string(b), "\r\n"), nil
	}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		b, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		again, err := term.ReadPassword(int(os.Stdin.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(b) != string(again) {
			return "", errors.New("the two passwords are not the same")
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password given: use --password-file or pipe it on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

var _ = flag.ErrHelp
