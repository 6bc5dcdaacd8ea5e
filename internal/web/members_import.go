package web

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

// maxMembersFile bounds an uploaded members file (about a million rows).
const maxMembersFile = 100 << 20

// uploadLifetime is how long a dry-run file waits for the go-ahead.
const uploadLifetime = time.Hour

func (s *Server) membersImportForm(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.ImportMembers, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "members_import", &page{Title: "Import members", Data: map[string]any{"Columns": org.MemberColumns}})
}

// membersImportDryRun reads an uploaded file, shows what importing it would
// do, and keeps it for the go-ahead. Nothing is imported yet.
func (s *Server) membersImportDryRun(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ImportMembers, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxMembersFile+1<<20)
	fe := org.FieldErrors{}
	var content []byte
	var name string
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		fe["file"] = fmt.Sprintf("The file could not be read; it must be a CSV file of at most %d MB", maxMembersFile>>20)
	} else if f, hdr, err := r.FormFile("file"); err != nil {
		fe["file"] = "Choose the CSV file to import"
	} else {
		defer f.Close()
		name = hdr.Filename
		content, err = io.ReadAll(io.LimitReader(f, maxMembersFile+1))
		switch {
		case err != nil:
			fe["file"] = "The file could not be read"
		case len(content) > maxMembersFile:
			fe["file"] = fmt.Sprintf("The file is larger than %d MB", maxMembersFile>>20)
		case len(content) == 0:
			fe["file"] = "The file is empty"
		}
	}
	opts := org.MemberImportOptions{DryRun: true, LapseMissing: r.FormValue("lapse_missing") != ""}
	if len(fe) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, "members_import", &page{Title: "Import members", Errors: fe, Data: map[string]any{"Columns": org.MemberColumns}})
		return
	}
	report, err := s.Org.ImportMembers(r.Context(), p, bytes.NewReader(content), opts)
	if err != nil && !errors.Is(err, org.ErrInvalidMemberFile) {
		s.fail(w, r, err)
		return
	}
	token := ""
	if report.Valid() {
		var hash string
		token, hash = auth.NewToken()
		if err := s.DB.SaveMemberUpload(r.Context(), hash, store.MemberUpload{PersonID: p.PersonID, Filename: name, Content: content, CreatedAt: s.Now()}); err != nil {
			s.fail(w, r, err)
			return
		}
		if _, err := s.DB.PruneMemberUploads(r.Context(), s.Now().Add(-uploadLifetime)); err != nil {
			s.Log.Warn("prune member uploads", "err", err)
		}
	}
	status := http.StatusOK
	if !report.Valid() {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "members_import_plan", &page{Title: "Check the import", Data: map[string]any{
		"Report": report, "Token": token, "Filename": name, "LapseMissing": opts.LapseMissing,
	}})
}

// membersImportApply imports a file whose dry run the administrator saw.
func (s *Server) membersImportApply(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ImportMembers, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	up, err := s.DB.MemberUpload(r.Context(), auth.HashToken(r.PostForm.Get("token")), p.PersonID, s.Now().Add(-uploadLifetime))
	if errors.Is(err, store.ErrNotFound) {
		s.redirect(w, r, "/admin/import", "That upload has expired or was already imported. Upload the file again.")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	report, err := s.Org.ImportMembers(r.Context(), p, bytes.NewReader(up.Content), org.MemberImportOptions{LapseMissing: formBool(r, "lapse_missing")})
	if errors.Is(err, org.ErrInvalidMemberFile) {
		// The database changed since the dry run in a way that makes the file invalid.
		s.render(w, r, http.StatusUnprocessableEntity, "members_import_plan", &page{Title: "Check the import", Data: map[string]any{"Report": report, "Filename": up.Filename}})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.DB.DeleteMemberUpload(r.Context(), up.ID); err != nil {
		s.Log.Warn("delete member upload", "err", err)
	}
	s.redirect(w, r, "/admin", fmt.Sprintf("Imported %s: %d added, %d changed, %d lapsed, %d unchanged.",
		up.Filename, len(report.Added), len(report.Changed), len(report.Lapsed)+len(report.LapsedMissing), report.Unchanged))
}

// membersExport downloads every member (or one unit's) as CSV.
func (s *Server) membersExport(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.ImportMembers, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	unit := strings.TrimSpace(r.URL.Query().Get("unit"))
	if unit != "" {
		if _, err := s.DB.UnitBySlug(r.Context(), unit); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="members.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	if _, err := s.Org.ExportMembers(r.Context(), p, w, org.MemberExportOptions{UnitSlug: unit}); err != nil {
		// Headers are gone; all we can do is log and cut the download short.
		s.Log.Error("export members", "err", err)
		panic(http.ErrAbortHandler)
	}
}
