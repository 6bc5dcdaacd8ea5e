package report

import (
	"context"
	"fmt"
	"net/url"

	"quorum/internal/store"
)

// Documents of an imported blog. Besides pictures, a blog's media hold
// papers (PDF), office documents, spreadsheets and plain text that posts
// link to. They are brought in on the terms of meeting papers (the same
// types, up to MaxPaperBytes), checked by what their content is, never by
// their name (documents.go), and served from /files/{id}/{filename} as
// downloads.

// FileURL is where a stored document is served.
func FileURL(f store.ReportFile) string {
	return fmt.Sprintf("/files/%d/%s", f.ID, url.PathEscape(f.Filename))
}

// File returns a stored document. They are public, as they were on the
// blog they came from.
func (s *Service) File(ctx context.Context, id int64) (store.ReportFile, error) {
	return s.DB.ReportFileByID(ctx, id)
}
