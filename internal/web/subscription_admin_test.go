package web_test

import (
	"html"
	"net/http"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// An import of subscribers who agreed elsewhere records how they agreed
// with each address, and administrators see it in the audit log.
func TestSubscriberImportKeepsTheConsentNote(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		const note = "Sign-up sheets at the 2025 conference, Hall B & stand"
		csv := []byte("email\nann@example.org\nBob@Example.org\n")
		fields := map[string]string{"follow": "site", "consent": "on", "consent_note": ""}

		// Consent without saying how is refused, and nothing is kept.
		body, ct := multipartForm(t, fields, "file", "people.csv", csv)
		if rec := s.upload("admin", "/admin/subscribers/import", body, ct); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), `href="#f-consent_note"`) {
			t.Fatalf("consent without a note: %d", rec.Code)
		}
		fields["consent_note"] = note
		body, ct = multipartForm(t, fields, "file", "people.csv", csv)
		if rec := s.upload("admin", "/admin/subscribers/import", body, ct); rec.Code != http.StatusSeeOther {
			t.Fatalf("import: %d\n%s", rec.Code, firstLines(rec.Body.String(), 5))
		}
		for _, email := range []string{"ann@example.org", "bob@example.org"} {
			var sub store.Subscriber
			if err := db.InTx(s.ctx, func(tx *store.Tx) error {
				var err error
				sub, err = tx.SubscriberByEmail(s.ctx, email)
				return err
			}); err != nil {
				t.Fatalf("%s: %v", email, err)
			}
			if sub.Status != store.SubscriberConfirmed || sub.Consent != "imported: "+note {
				t.Errorf("%s: %s, consent %q", email, sub.Status, sub.Consent)
			}
		}
		rec := s.do("admin", "GET", "/admin/audit?action=subscribers.import", nil)
		if b := rec.Body.String(); rec.Code != 200 || !strings.Contains(html.UnescapeString(b), note) {
			t.Errorf("the audit log does not show the consent note (%d)", rec.Code)
		}
	})
}
