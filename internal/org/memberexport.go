package org

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"

	"quorum/internal/auth"
	"quorum/internal/csvcell"
	"quorum/internal/store"
)

// MemberExportOptions shape an export of members.
type MemberExportOptions struct {
	// UnitSlug limits the export to the unit and the units below it
	// ("" for every member). An unknown slug is store.ErrNotFound.
	UnitSlug string
}

// ExportMembers writes members as CSV with the columns of MemberColumns, so
// the file imports back unchanged. Rows are written as they are read,
// never all held at once. It returns the number of members written.
// Exporting personal data is as privileged as importing it, and audited.
func (s *Service) ExportMembers(ctx context.Context, p *auth.Principal, w io.Writer, opts MemberExportOptions) (int, error) {
	if err := p.Require(auth.ImportMembers, auth.Target{}); err != nil {
		return 0, err
	}
	return s.exportMembers(ctx, p.PersonID, w, opts)
}

// ExportMembersAsSystem exports members from the command line.
func (s *Service) ExportMembersAsSystem(ctx context.Context, w io.Writer, opts MemberExportOptions) (int, error) {
	return s.exportMembers(ctx, 0, w, opts)
}

func (s *Service) exportMembers(ctx context.Context, actorID int64, w io.Writer, opts MemberExportOptions) (int, error) {
	n, err := writeMembersCSV(ctx, s.DB, w, opts.UnitSlug)
	if err != nil {
		return n, err
	}
	scope := opts.UnitSlug
	if scope == "" {
		scope = "all"
	}
	err = s.DB.InTx(ctx, func(tx *store.Tx) error {
		return tx.Audit(ctx, store.AuditEntry{ActorID: actorID, Action: "members.export", TargetType: "unit", TargetID: scope,
			New: strconv.Itoa(n) + " members"})
	})
	if err != nil {
		return n, fmt.Errorf("audit the export: %w", err)
	}
	return n, nil
}

func writeMembersCSV(ctx context.Context, db *store.DB, w io.Writer, unitSlug string) (int, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(MemberColumnNames()); err != nil {
		return 0, fmt.Errorf("write members: %w", err)
	}
	n := 0
	rec := make([]string, len(MemberColumns))
	err := db.EachMember(ctx, unitSlug, func(m store.MemberExportRow) error {
		for i, c := range MemberColumns {
			rec[i] = csvcell.Escape(exportValue(c.Name, m))
		}
		n++
		return cw.Write(rec)
	})
	if err != nil {
		return n, fmt.Errorf("export members: %w", err)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return n, fmt.Errorf("write members: %w", err)
	}
	return n, nil
}

// exportValue picks a row's value for a column by name, so the order of
// MemberColumns alone decides the order of the file.
func exportValue(col string, m store.MemberExportRow) string {
	switch col {
	case colNumber:
		return m.Number
	case colName:
		return m.Name
	case colEmail:
		return m.Email
	case colGender:
		return m.Gender
	case colUnit:
		return m.UnitSlug
	case colType:
		return m.Type
	case colStartDate:
		return m.StartDate
	case colLapseDate:
		return m.LapseDate
	case colStatus:
		return m.Status
	}
	panic("org: no export value for column " + col)
}
