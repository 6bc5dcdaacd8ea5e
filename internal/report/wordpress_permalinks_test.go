package report_test

import (
	"fmt"
	"strings"
	"testing"

	"quorum/internal/report"
	"quorum/internal/report/wxr"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// shapesWXR is a blog whose posts have every shape of permalink a
// WordPress structure gives, as if the structure had been changed over
// the years (an export only holds the current one; the shapes are what
// matter here). Post 7 links to post 3 by its ?p= address.
func shapesWXR(items string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://blog.example</wp:base_site_url><wp:base_blog_url>https://blog.example</wp:base_blog_url>
<wp:author><wp:author_login>bob</wp:author_login><wp:author_email>bob@blog.example</wp:author_email><wp:author_display_name>Bob</wp:author_display_name></wp:author>
` + items + `</channel></rss>`
}

func shapeItem(id int, kind, slug, link, guid, body string) string {
	return fmt.Sprintf(`<item><title>Post %d</title><link>%s</link><dc:creator>bob</dc:creator><guid isPermaLink="false">%s</guid>
<content:encoded><![CDATA[%s]]></content:encoded><wp:post_id>%d</wp:post_id><wp:post_date_gmt>2016-01-26 10:00:00</wp:post_date_gmt>
<wp:status>publish</wp:status><wp:post_type>%s</wp:post_type><wp:post_name>%s</wp:post_name></item>
`, id, link, guid, body, id, kind, slug)
}

var shapeItems = []struct {
	id              int
	kind, slug      string
	link, guid      string
	oldAddressesOut []string
}{
	{1, "post", "dated", "https://blog.example/2016/01/26/dated/", "https://blog.example/?p=1", []string{"/2016/01/26/dated/", "/?p=1", "/?page_id=1"}},
	{2, "post", "monthly", "https://blog.example/2016/01/monthly/", "https://blog.example/?p=2", []string{"/2016/01/monthly/", "/?p=2"}},
	{3, "post", "plain", "https://blog.example/?p=3", "https://blog.example/?p=3", []string{"/?p=3", "/?page_id=3"}},
	{4, "post", "by-name", "https://blog.example/by-name/", "https://blog.example/?p=4", []string{"/by-name/", "/?p=4"}},
	{5, "post", "numeric", "https://blog.example/archives/5", "https://blog.example/?p=5", []string{"/archives/5", "/?p=5"}},
	{6, "post", "in-category", "https://blog.example/elections/in-category/", "https://blog.example/?p=6", []string{"/elections/in-category/", "/?p=6"}},
	{7, "page", "about", "https://blog.example/about/", "https://blog.example/?page_id=7", []string{"/about/", "/?page_id=7", "/?p=7"}},
	{8, "post", "moved", "https://blog.example/moved/", "http://old.example/?p=1", []string{"/moved/", "/?p=8"}},
}

func TestImportEveryPermalinkShape(t *testing.T) {
	var items strings.Builder
	for _, it := range shapeItems {
		body := "Text."
		if it.id == 7 {
			body = `See <a href="https://blog.example/?p=3">the plain one</a> and <a href="/by-name/">the named one</a>.`
		}
		items.WriteString(shapeItem(it.id, it.kind, it.slug, it.link, it.guid, body))
	}
	exp, err := wxr.Parse(strings.NewReader(shapesWXR(items.String())))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		res, err := e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{})
		if err != nil || res.Posts != 7 || res.Pages != 1 {
			t.Fatalf("import: %v %+v", err, res)
		}
		// 8 permalinks, 16 query forms (one of which is post 3's
		// permalink), and no guid of another site.
		if res.Redirects != 8+16-1 {
			t.Errorf("%d redirects", res.Redirects)
		}
		for _, it := range shapeItems {
			for _, old := range it.oldAddressesOut {
				if target, err := db.RedirectTarget(e.ctx, old); err != nil || target != "/reports/"+it.slug {
					t.Errorf("%s: %q %v, want /reports/%s", old, target, err, it.slug)
				}
			}
		}
		// The moved post's guid is the old site's post 1, not this blog's.
		if target, _ := db.RedirectTarget(e.ctx, "/?p=1"); target != "/reports/dated" {
			t.Errorf("/?p=1 leads to %s", target)
		}
		about, _ := db.ReportBySlug(e.ctx, "about")
		if !strings.Contains(about.HTML, `href="/reports/plain"`) || !strings.Contains(about.HTML, `href="/reports/by-name"`) {
			t.Errorf("links between posts: %s", about.HTML)
		}
		again, err := e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{})
		if err != nil || again.Redirects != 0 || again.Unchanged != 8 {
			t.Errorf("again: %v %+v", err, again)
		}
	})
}
