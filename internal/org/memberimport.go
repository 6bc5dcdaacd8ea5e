package org

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// MemberImportOptions shape an import of a members file.
type MemberImportOptions struct {
	DryRun       bool // plan and report, write nothing
	LapseMissing bool // lapse active members whose number is not in the file
	// MaxErrors caps the errors listed in the report (all are counted);
	// 0 means DefaultMaxMemberErrors.
	MaxErrors int
	// Progress, if not nil, hears how far the import has gone.
	Progress func(MemberImportProgress)
}

// MemberImportProgress is a step of an import: Stage "read" counts rows of
// the file (Total 0: not known in advance), "write" counts rows written.
type MemberImportProgress struct {
	Stage       string
	Done, Total int
}

// ImportMembers reads a members file (see MemberColumns) and brings the
// memberships and their people into line with it, in one transaction:
// when any row is invalid nothing is written, and the report lists the
// errors with a wrapped ErrInvalidMemberFile. Only administrators may.
func (s *Service) ImportMembers(ctx context.Context, p *auth.Principal, r io.Reader, opts MemberImportOptions) (*MemberImportReport, error) {
	if err := p.Require(auth.ImportMembers, auth.Target{}); err != nil {
		return nil, err
	}
	return s.importMembers(ctx, p.PersonID, r, opts)
}

// ImportMembersAsSystem imports a members file from the command line.
func (s *Service) ImportMembersAsSystem(ctx context.Context, r io.Reader, opts MemberImportOptions) (*MemberImportReport, error) {
	return s.importMembers(ctx, 0, r, opts)
}

func (s *Service) importMembers(ctx context.Context, actorID int64, r io.Reader, opts MemberImportOptions) (*MemberImportReport, error) {
	if opts.MaxErrors <= 0 {
		opts.MaxErrors = DefaultMaxMemberErrors
	}
	progress := func(stage string, done, total int) {
		if opts.Progress != nil {
			opts.Progress(MemberImportProgress{Stage: stage, Done: done, Total: total})
		}
	}
	errs := &memberErrors{max: opts.MaxErrors}
	file := parseMemberCSV(r, errs, func(n int) {
		if n%1000 == 0 {
			progress("read", n, 0)
		}
	})
	progress("read", file.total, file.total)
	planOpts := memberPlanOptions{today: s.now().Format(time.DateOnly), lapseMissing: opts.LapseMissing}

	// A dry run, or a file already known to be invalid, is planned outside
	// any transaction: it writes nothing, so it need not hold SQLite's
	// write lock while it reads.
	if opts.DryRun || errs.total > 0 {
		snap, err := s.DB.MemberSnapshot(ctx)
		if err != nil {
			return nil, fmt.Errorf("read members: %w", err)
		}
		report, _ := planMemberImport(file, snap, planOpts, errs)
		report.DryRun = opts.DryRun
		if !report.Valid() {
			return report, fmt.Errorf("%w (%d errors)", ErrInvalidMemberFile, report.ErrorCount)
		}
		return report, nil
	}

	var report *MemberImportReport
	err := s.DB.InTx(ctx, func(tx *store.Tx) error {
		snap, err := tx.MemberSnapshot(ctx)
		if err != nil {
			return fmt.Errorf("read members: %w", err)
		}
		var write *store.MemberWrite
		report, write = planMemberImport(file, snap, planOpts, errs)
		if !report.Valid() {
			return ErrInvalidMemberFile
		}
		if err := tx.ApplyMemberWrite(ctx, write, func(done, total int) { progress("write", done, total) }); err != nil {
			return err
		}
		// Counts only: the audit log must not become a copy of the register.
		return tx.Audit(ctx, store.AuditEntry{ActorID: actorID, Action: "members.import", TargetType: "members",
			New: fmt.Sprintf("rows %d, added %d, changed %d, lapsed %d, lapsed as missing %d, unchanged %d",
				report.Rows, len(report.Added), len(report.Changed), len(report.Lapsed), len(report.LapsedMissing), report.Unchanged)})
	})
	if errors.Is(err, ErrInvalidMemberFile) {
		return report, fmt.Errorf("%w (%d errors)", ErrInvalidMemberFile, report.ErrorCount)
	}
	if err != nil {
		return nil, fmt.Errorf("import members: %w", err)
	}
	report.Written = true
	return report, nil
}
