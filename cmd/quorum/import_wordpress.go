package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"quorum/internal/config"
	"quorum/internal/jobs"
	"quorum/internal/report"
	"quorum/internal/report/wxr"
)

const importWordPressHelp = `Usage: quorum import wordpress [flags] FILE.xml

Bring a WordPress blog into Quorum from its export file (WordPress: Tools →
Export → All content), in one transaction:

  - published posts become published reports, published pages pages;
    drafts, pending, private, scheduled and password-protected posts
    become drafts that only their author and administrators see;
  - authors are matched to people by e-mail address, and created when
    missing (without a public profile);
  - categories (with their nesting) and tags are kept;
  - approved comments are shown with their threads; held, spam and
    trashed comments are kept but not shown; pingbacks are left out;
  - every old address of a published post or page redirects to its
    report, whatever the blog's permalinks were (/2016/01/26/a-post/,
    /2016/01/a-post/, /a-post/, /archives/123, /news/a-post/…), and so
    do /?p=123 and /?page_id=123; links between the posts are pointed
    at their new addresses;
  - dates are the blog's UTC times.

Importing the same file again changes nothing: an item imported before
(recognised by its GUID) is left as it is, though comments added to it
since are brought in. If any item cannot be imported, each is named with
the reason and nothing is written, unless --skip-bad is given.
Imported reports are not e-mailed to subscribers. Without --uploads,
pictures and documents keep loading from the old blog while it is online.

Flags:
  --body SLUG        the body the reports are about (e.g. nec); without it
                     they belong to none
  --dry-run          check the file and show what would be imported;
                     write nothing
  --skip-bad         import the items that can be, and name the others
  --uploads DIR      a copy of the blog's wp-content/uploads folder: its
                     pictures are brought in (resized, camera details
                     removed), and its documents (PDF, Word, Excel,
                     PowerPoint, OpenDocument, plain text, CSV, up to
                     20 MB, checked by content as meeting papers are);
                     posts link to them in Quorum, their old addresses
                     redirect, featured images become covers; any other
                     file is named with the reason and posts keep
                     linking to it on the old blog
  --database-url URL database, sqlite:PATH or postgres://… (env
                     QUORUM_DATABASE_URL; default sqlite:quorum.db)
  --help             show this help

Exit status: 0 when imported (or, with --dry-run, when every item can
be); 1 when some items cannot be imported (named on standard error;
nothing written without --skip-bad); 2 for a usage error, a file that is
not a WordPress export, or a database problem.

Examples:
  quorum import wordpress --dry-run --body nec blog.WordPress.2026-11-23.xml
  quorum import wordpress --body nec blog.WordPress.2026-11-23.xml

The import is described in docs/wordpress-import.md.
`

// importWordPress implements "quorum import wordpress".
func importWordPress(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	const cmd = "quorum import wordpress"
	fs := flag.NewFlagSet("import wordpress", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	bodySlug := fs.String("body", "", "")
	dryRun := fs.Bool("dry-run", false, "")
	skipBad := fs.Bool("skip-bad", false, "")
	uploads := fs.String("uploads", "", "")
	load := config.Register(fs)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprint(stdout, importWordPressHelp)
		return exitOK
	}
	if err != nil {
		return kindUsageError(stderr, cmd, err.Error())
	}
	if len(pos) != 1 {
		return kindUsageError(stderr, cmd, "give exactly one FILE.xml")
	}
	in, _, err := openInput(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitUsage
	}
	exp, err := wxr.Parse(in)
	in.Close()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %s: %v\n", cmd, pos[0], err)
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
	opts := report.WordPressOptions{DryRun: *dryRun, SkipBad: *skipBad}
	if *uploads != "" {
		if st, err := os.Stat(*uploads); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "%s: --uploads %s is not a folder\n", cmd, *uploads)
			return exitUsage
		}
		opts.Uploads = os.DirFS(*uploads)
	}
	if *bodySlug != "" {
		b, err := db.BodyBySlug(ctx, *bodySlug)
		if err != nil {
			fmt.Fprintf(stderr, "%s: no body %q\n", cmd, *bodySlug)
			return exitUsage
		}
		opts.BodyID = b.ID
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc, err := report.NewService(ctx, db, jobs.NewQueue(db, nil), nil, report.Config{SiteName: cfg.SiteName, BaseURL: cfg.BaseURL, Log: log})
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitUsage
	}
	res, err := svc.ImportWordPress(ctx, exp, opts)
	for _, p := range res.Problems {
		fmt.Fprintf(stderr, "%s: %s\n", pos[0], p)
	}
	if errors.Is(err, report.ErrImportProblems) {
		fmt.Fprintf(stderr, "%s: %s cannot be imported; nothing was written (--skip-bad imports the others)\n", cmd, countNoun(len(res.Problems), "item"))
		return exitFail
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd, err)
		return exitUsage
	}
	verb := "Imported"
	if *dryRun {
		verb = "Would import (dry run, nothing written)"
	}
	fmt.Fprintf(stdout, "%s from %s:\n", verb, pos[0])
	fmt.Fprintf(stdout, "  %s, %s, %s\n", countNoun(res.Posts, "published post"), countNoun(res.Pages, "page"), countNoun(res.Drafts, "draft"))
	if res.Unchanged > 0 {
		fmt.Fprintf(stdout, "  %s imported before, left as they were\n", countNoun(res.Unchanged, "item"))
	}
	fmt.Fprintf(stdout, "  %s shown, %s kept but not shown, %s left out\n", countNoun(res.Comments, "comment"), countNoun(res.CommentsHidden, "comment"), countNoun(res.Pingbacks, "pingback"))
	fmt.Fprintf(stdout, "  authors: %d matched by e-mail, %d created\n", res.AuthorsMatched, res.AuthorsCreated)
	fmt.Fprintf(stdout, "  %d new categories and %s\n", res.Categories, countNoun(res.Tags, "new tag"))
	fmt.Fprintf(stdout, "  %d old addresses now redirect\n", res.Redirects)
	if *uploads != "" {
		fmt.Fprintf(stdout, "  %s and %s brought in; %d media files not found, %d not accepted\n",
			countNoun(res.Media, "picture"), countNoun(res.Files, "document"), res.MediaMissing, len(res.Refused))
		for _, r := range res.Refused {
			fmt.Fprintf(stdout, "  not brought in: %s\n", r)
		}
	}
	if res.OtherItems > 0 {
		fmt.Fprintf(stdout, "  %s of other kinds (menus, blocks, trash) left out\n", countNoun(res.OtherItems, "item"))
	}
	for _, n := range res.Notes {
		fmt.Fprintf(stdout, "  note: %s\n", n)
	}
	if len(res.Problems) > 0 {
		fmt.Fprintf(stderr, "%s: %s skipped\n", cmd, countNoun(len(res.Problems), "item"))
		return exitFail
	}
	return exitOK
}
