package web

import (
	"bytes"
	"mime"
	"net/http"

	"quorum/internal/report"
)

// fileShow serves a document that reports link to (a PDF paper or office
// document of an imported blog). It is always a download with the type
// found when it was checked, never a page the browser might render as
// something else.
func (s *Server) fileShow(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	f, err := s.Reports.File(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if r.PathValue("name") != f.Filename {
		http.Redirect(w, r, report.FileURL(f), http.StatusMovedPermanently)
		return
	}
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": f.Filename})
	if disposition == "" {
		disposition = "attachment"
	}
	h := w.Header()
	h.Set("Content-Type", f.ContentType)
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "public, max-age=86400")
	h.Set("ETag", `"`+f.SHA256+`"`)
	http.ServeContent(w, r, "", f.CreatedAt, bytes.NewReader(f.Content))
}
