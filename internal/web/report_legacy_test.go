package web_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"quorum/internal/report"
	"quorum/internal/report/wxr"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// legacyBlog is a blog whose old addresses take every shape, some of
// them the same as Quorum's own addresses, with a PDF and a file Quorum
// does not accept among its media.
const legacyBlog = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://blog.example</wp:base_site_url>
<wp:author><wp:author_login>bob</wp:author_login><wp:author_email>bob@blog.example</wp:author_email><wp:author_display_name>Bob</wp:author_display_name></wp:author>
ITEMS</channel></rss>`

func legacyItem(id int, kind, slug, link, body string) string {
	return fmt.Sprintf(`<item><title>Post %d</title><link>%s</link><dc:creator>bob</dc:creator><guid isPermaLink="false">https://blog.example/?p=%d</guid>
<content:encoded><![CDATA[%s]]></content:encoded><wp:post_id>%d</wp:post_id><wp:post_date_gmt>2016-01-26 10:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>%s</wp:post_type><wp:post_name>%s</wp:post_name></item>
`, id, link, id, body, id, kind, slug)
}

func legacyAttachment(id int, file string) string {
	return fmt.Sprintf(`<item><title>File %d</title><wp:post_id>%d</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://blog.example/wp-content/uploads/%s</wp:attachment_url></item>
`, id, id, file)
}

func importLegacyBlog(t *testing.T, s *reportSite) report.WordPressResult {
	t.Helper()
	items := legacyItem(1, "post", "dated", "https://blog.example/2016/01/26/dated/",
		`Papers: <a href="https://blog.example/wp-content/uploads/2016/01/minutes.pdf">minutes</a>, <a href="https://blog.example/wp-content/uploads/2016/01/page.html">page</a>.`) +
		legacyItem(2, "post", "by-name", "https://blog.example/by-name/", "Text.") +
		legacyItem(3, "post", "numeric", "https://blog.example/archives/3", "Text.") +
		legacyItem(4, "post", "plain", "https://blog.example/?p=4", "Text.") +
		legacyItem(5, "page", "admin", "https://blog.example/admin", "A page called admin.") +
		legacyItem(6, "page", "elections", "https://blog.example/elections", "A page called elections.") +
		legacyItem(7, "post", "in-category", "https://blog.example/news/in-category/", "Text.") +
		legacyItem(8, "page", "events", "https://blog.example/events", "A page called events.") +
		legacyAttachment(20, "2016/01/minutes.pdf") + legacyAttachment(21, "2016/01/page.html")
	exp, err := wxr.Parse(strings.NewReader(strings.Replace(legacyBlog, "ITEMS", items, 1)))
	if err != nil {
		t.Fatal(err)
	}
	uploads := fstest.MapFS{
		"2016/01/minutes.pdf": {Data: []byte("%PDF-1.7\nMinutes of the meeting")},
		"2016/01/page.html":   {Data: []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")},
	}
	res, err := s.svc.ImportWordPress(s.ctx, exp, report.WordPressOptions{Uploads: uploads})
	if err != nil || res.Posts != 5 || res.Pages != 3 || res.Files != 1 || len(res.Refused) != 1 {
		t.Fatalf("import: %v %+v", err, res)
	}
	return res
}

func TestOldAddressesOfAnImportedBlog(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		importLegacyBlog(t, s)
		redirects := map[string]string{
			"/2016/01/26/dated/":              "/reports/dated",
			"/2016/01/26/dated":               "/reports/dated",
			"/by-name/":                       "/reports/by-name",
			"/by-name":                        "/reports/by-name",
			"/by-name/?utm_source=newsletter": "/reports/by-name",
			"/archives/3":                     "/reports/numeric",
			"/news/in-category/":              "/reports/in-category",
			"/?p=4":                           "/reports/plain",
			"/?p=1":                           "/reports/dated",
			"/?page_id=5":                     "/reports/admin",
			"/index.php?p=2":                  "/reports/by-name",
			"/?p=3&utm_source=x":              "/reports/numeric",
			"/admin/":                         "/reports/admin",     // no route of Quorum's has the slash
			"/elections/":                     "/reports/elections", // nor this one
			"/wp-content/uploads/2016/01/minutes.pdf": "", // checked below
		}
		for path, want := range redirects {
			rec := s.do("anonymous", "GET", path, nil)
			if rec.Code != http.StatusMovedPermanently {
				t.Errorf("%s: %d, want 301", path, rec.Code)
				continue
			}
			if got := rec.Header().Get("Location"); want != "" && got != want {
				t.Errorf("%s: to %s, want %s", path, got, want)
			}
		}
		// Quorum's own pages are never hidden by an old address.
		if rec := s.do("anonymous", "GET", "/events", nil); rec.Code != http.StatusOK {
			t.Errorf("/events: %d", rec.Code)
		}
		if rec := s.do("anonymous", "GET", "/elections", nil); rec.Code == http.StatusMovedPermanently {
			t.Errorf("/elections redirects to %s", rec.Header().Get("Location"))
		}
		if rec := s.do("admin", "GET", "/admin", nil); rec.Code != http.StatusOK {
			t.Errorf("/admin: %d", rec.Code)
		}
		if rec := s.do("anonymous", "GET", "/admin", nil); rec.Code == http.StatusMovedPermanently {
			t.Errorf("/admin redirects an anonymous visitor to %s", rec.Header().Get("Location"))
		}
		if rec := s.do("anonymous", "GET", "/", nil); rec.Code != http.StatusOK {
			t.Errorf("front page: %d", rec.Code)
		}
		// The front page with an unknown id is just the front page.
		if rec := s.do("anonymous", "GET", "/?p=999", nil); rec.Code != http.StatusOK {
			t.Errorf("/?p=999: %d", rec.Code)
		}
		for _, path := range []string{"/no-such-post/", "/2016/02/01/unknown/", "/wp-content/uploads/2016/01/page.html", "/?page_id=abc"} {
			if rec := s.do("anonymous", "GET", path, nil); rec.Code != http.StatusNotFound && !(path == "/?page_id=abc" && rec.Code == 200) {
				t.Errorf("%s: %d", path, rec.Code)
			}
		}
		// POST to an old address is not redirected.
		if rec := s.do("anonymous", "POST", "/by-name/", nil); rec.Code == http.StatusMovedPermanently {
			t.Error("a POST to an old address is redirected")
		}

		// A redirect that would leave the site is never followed.
		if err := db.InTx(s.ctx, func(tx *store.Tx) error {
			for path, target := range map[string]string{"/off-1/": "//evil.example/x", "/off-2/": "https://evil.example/", "/off-3/": "/\\evil.example", "/off-4/": "reports/x"} {
				if _, err := tx.PutRedirect(s.ctx, path, target, time.Now()); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		for _, path := range []string{"/off-1/", "/off-2/", "/off-3/", "/off-4/"} {
			if rec := s.do("anonymous", "GET", path, nil); rec.Code != http.StatusNotFound {
				t.Errorf("%s: %d to %q", path, rec.Code, rec.Header().Get("Location"))
			}
		}
	})
}

func TestImportedDocumentIsServed(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newReportSite(t, db)
		importLegacyBlog(t, s)
		rec := s.do("anonymous", "GET", "/wp-content/uploads/2016/01/minutes.pdf", nil)
		addr := rec.Header().Get("Location")
		if rec.Code != http.StatusMovedPermanently || !strings.HasPrefix(addr, "/files/") || !strings.HasSuffix(addr, "/minutes.pdf") {
			t.Fatalf("old address of the PDF: %d %q", rec.Code, addr)
		}
		post, _ := db.ReportBySlug(s.ctx, "dated")
		if !strings.Contains(post.HTML, `href="`+addr+`"`) || !strings.Contains(post.HTML, `href="https://blog.example/wp-content/uploads/2016/01/page.html"`) {
			t.Errorf("the post's links: %s", post.HTML)
		}
		rec = s.do("anonymous", "GET", addr, nil)
		h := rec.Header()
		if rec.Code != 200 || rec.Body.String() != "%PDF-1.7\nMinutes of the meeting" {
			t.Fatalf("%s: %d %q", addr, rec.Code, rec.Body.String())
		}
		for name, want := range map[string]string{
			"Content-Type":           "application/pdf",
			"Content-Disposition":    `attachment; filename=minutes.pdf`,
			"X-Content-Type-Options": "nosniff",
			"Content-Length":         fmt.Sprint(len("%PDF-1.7\nMinutes of the meeting")),
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %q, want %q", name, got, want)
			}
		}
		// Asked again with its ETag: not sent again.
		req := httptest.NewRequest("GET", addr, nil)
		req.Header.Set("If-None-Match", h.Get("ETag"))
		rec = httptest.NewRecorder()
		s.srv.ServeHTTP(rec, req)
		if h.Get("ETag") == "" || rec.Code != http.StatusNotModified {
			t.Errorf("with its ETag %q: %d", h.Get("ETag"), rec.Code)
		}
		// Another name for the same file leads to its own name.
		other := strings.TrimSuffix(addr, "minutes.pdf") + "evil.html"
		if rec := s.do("anonymous", "GET", other, nil); rec.Code != http.StatusMovedPermanently || rec.Header().Get("Location") != addr {
			t.Errorf("%s: %d %q", other, rec.Code, rec.Header().Get("Location"))
		}
		for _, path := range []string{"/files/999999/minutes.pdf", "/files/x/minutes.pdf"} {
			if rec := s.do("anonymous", "GET", path, nil); rec.Code != http.StatusNotFound {
				t.Errorf("%s: %d", path, rec.Code)
			}
		}
	})
}

// BenchmarkOldAddresses measures what looking up old addresses adds to
// an address no page answers: "not found" by GET (looked up) against the
// same by POST (never looked up), and a redirect found.
func BenchmarkOldAddresses(b *testing.B) {
	s := newReportSite(b, testkit.SQLite(b))
	s.t = b
	exp, err := wxr.Parse(strings.NewReader(strings.Replace(legacyBlog, "ITEMS", legacyItem(2, "post", "by-name", "https://blog.example/by-name/", "Text."), 1)))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := s.svc.ImportWordPress(s.ctx, exp, report.WordPressOptions{}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, method, path string }{
		{"not-found-post", "POST", "/no-such-post/"},
		{"not-found-get", "GET", "/no-such-post/"},
		{"redirect", "GET", "/by-name"},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				s.do("anonymous", c.method, c.path, nil)
			}
		})
	}
}
