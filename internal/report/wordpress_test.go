package report_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"quorum/internal/report"
	"quorum/internal/report/wxr"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func seedsExport(t *testing.T) *wxr.Export {
	t.Helper()
	path := filepath.Join("..", "..", "..", "shared", "testdata", "wxr", "seeds-wordpress-6.1.xml")
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("the WordPress export of the seeds is not here (%s): %v", path, err)
	}
	defer f.Close()
	exp, err := wxr.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return exp
}

func TestImportTheSeedsBlog(t *testing.T) {
	exp := seedsExport(t)
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		res, err := e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{BodyID: e.body.ID, DryRun: true})
		if err != nil || res.Posts != 14 {
			t.Fatalf("dry run: %v %+v", err, res)
		}
		if n, _, _ := db.Reports(e.ctx, store.ReportFilter{}); len(n) != 0 {
			t.Fatal("the dry run wrote")
		}
		res, err = e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{BodyID: e.body.ID})
		if err != nil {
			t.Fatal(err)
		}
		if res.Posts != 14 || res.AuthorsCreated != 1 || res.Comments != 2 || res.Categories != 6 || res.Tags != 22 || res.Redirects != 14*3 || len(res.Problems) != 0 {
			t.Fatalf("import: %+v", res)
		}
		reports, total, err := db.Reports(e.ctx, store.ReportFilter{Page: store.Page{Size: 100}})
		if err != nil || total != 14 {
			t.Fatalf("%d reports: %v", total, err)
		}
		var jan store.Report
		for _, r := range reports {
			if r.Slug == "labour-nec-report-january-2016" {
				jan = r
			}
			if r.AuthorName != "Alice Perry" || r.BodyID != e.body.ID || r.SendNewsletter {
				t.Errorf("report %s: author %s, body %d, newsletter %v", r.Slug, r.AuthorName, r.BodyID, r.SendNewsletter)
			}
		}
		if jan.ID == 0 || jan.Title != "Labour NEC Report – January\u00a02016" || !jan.PublishAt.Equal(time.Date(2016, 1, 26, 22, 15, 0, 0, time.UTC)) {
			t.Fatalf("January report: %+v", jan)
		}
		full, _ := db.ReportByID(e.ctx, jan.ID)
		if !strings.Contains(full.HTML, `<h3 id="leaders-report">Leader’s Report</h3>`) || !strings.Contains(full.HTML, "<p>Jeremy Corbyn gave his Leader’s Report") {
			t.Errorf("January report's HTML:\n%.600s", full.HTML)
		}
		pg, err := e.svc.ReportPage(e.ctx, e.anon, jan.Slug)
		if err != nil || len(pg.Comments) != 1 || len(pg.Comments[0].Replies) != 1 || pg.Comments[0].AuthorName != "Vivien Cutler" {
			t.Fatalf("January's comments: %v %+v", err, pg.Comments)
		}
		if len(pg.Tags) != 6 {
			t.Errorf("January's tags and categories: %+v", pg.Tags)
		}
		// Summer: the GMT time is used, an hour behind the blog's clock.
		for _, it := range exp.Items {
			local, _ := wxr.ParseTime(it.Date)
			gmt, _ := wxr.ParseTime(it.DateGMT)
			if local.Sub(gmt) != time.Hour {
				continue
			}
			r, err := db.ReportBySlug(e.ctx, it.PostName)
			if err != nil || !r.PublishAt.Equal(gmt) {
				t.Errorf("%s published at %v, want %v", it.PostName, r.PublishAt, gmt)
			}
		}
		for _, r := range reports {
			full, _ := db.ReportByID(e.ctx, r.ID)
			if strings.Contains(full.HTML, "<!--more") {
				t.Errorf("%s keeps the more mark", r.Slug)
			}
		}
		for _, old := range []string{"/2016/01/26/labour-nec-report-january-2016/", "/?p=5", "/?page_id=5"} {
			if target, err := db.RedirectTarget(e.ctx, old); err != nil || target != "/reports/labour-nec-report-january-2016" {
				t.Errorf("redirect of %s: %q %v", old, target, err)
			}
		}
		if _, total, _ := e.svc.Search(e.ctx, store.SearchQuery{Text: "Corbyn"}); total == 0 {
			t.Error("imported reports are not searchable")
		}
		tag, err := db.TagBySlug(e.ctx, "category", "leadership-elections")
		parent, err2 := db.TagBySlug(e.ctx, "category", "elections")
		if err != nil || err2 != nil || tag.ParentID != parent.ID {
			t.Errorf("nested category: %+v %+v", tag, parent)
		}

		if n := e.auditCount("wordpress.import"); n != 1 {
			t.Errorf("%d audit entries for the import", n)
		}

		// Again: nothing changes, and nothing is audited.
		again, err := e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{BodyID: e.body.ID})
		if err != nil || again.Unchanged != 14 || again.Posts != 0 || again.Comments != 0 || again.Redirects != 0 || again.AuthorsCreated != 0 || again.AuthorsMatched != 1 || again.Tags != 0 || again.Changed() {
			t.Fatalf("second import: %v %+v", err, again)
		}
		if n := e.auditCount("wordpress.import"); n != 1 {
			t.Errorf("%d audit entries after importing the same file again, want 1", n)
		}
		if _, total2, _ := db.Reports(e.ctx, store.ReportFilter{Page: store.Page{Size: 100}}); total2 != 14 {
			t.Errorf("%d reports after the second import", total2)
		}
	})
}

const edgeWXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Edge</title><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://blog.example</wp:base_site_url><wp:base_blog_url>https://blog.example</wp:base_blog_url>
<wp:author><wp:author_login>bob</wp:author_login><wp:author_email>Alice-Rep@Party.Example</wp:author_email><wp:author_display_name>Bob</wp:author_display_name></wp:author>
<item><title>A page</title><link>https://blog.example/about/</link><dc:creator>bob</dc:creator><guid isPermaLink="false">https://blog.example/?page_id=2</guid>
<content:encoded><![CDATA[<!-- wp:paragraph --><p>About me, see <a href="https://blog.example/2020/01/01/a-post/">my post</a>.</p><!-- /wp:paragraph -->]]></content:encoded>
<wp:post_id>2</wp:post_id><wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>page</wp:post_type><wp:post_name>about</wp:post_name><wp:comment_status>closed</wp:comment_status></item>
<item><title>A post</title><link>https://blog.example/2020/01/01/a-post/</link><dc:creator>bob</dc:creator><guid isPermaLink="false">https://blog.example/?p=3</guid>
<content:encoded><![CDATA[Hello.]]></content:encoded><excerpt:encoded><![CDATA[The excerpt.]]></excerpt:encoded>
<wp:post_id>3</wp:post_id><wp:post_date_gmt>2020-01-01 12:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:post_name>a-post</wp:post_name><wp:comment_status>open</wp:comment_status>
<wp:comment><wp:comment_id>10</wp:comment_id><wp:comment_author>Held</wp:comment_author><wp:comment_content>held one</wp:comment_content><wp:comment_approved>0</wp:comment_approved><wp:comment_date_gmt>2020-01-02 10:00:00</wp:comment_date_gmt></wp:comment>
<wp:comment><wp:comment_id>11</wp:comment_id><wp:comment_author>Spammer</wp:comment_author><wp:comment_content>buy</wp:comment_content><wp:comment_approved>spam</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>12</wp:comment_id><wp:comment_author>Trashed</wp:comment_author><wp:comment_content>gone</wp:comment_content><wp:comment_approved>trash</wp:comment_approved></wp:comment>
<wp:comment><wp:comment_id>13</wp:comment_id><wp:comment_author>Other blog</wp:comment_author><wp:comment_content>ping</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_type>pingback</wp:comment_type></wp:comment>
<wp:comment><wp:comment_id>15</wp:comment_id><wp:comment_author>Deep</wp:comment_author><wp:comment_content>third level &lt;b&gt;</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>14</wp:comment_parent></wp:comment>
<wp:comment><wp:comment_id>14</wp:comment_id><wp:comment_author>Bob</wp:comment_author><wp:comment_content>author reply</wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>16</wp:comment_parent><wp:comment_user_id>1</wp:comment_user_id></wp:comment>
<wp:comment><wp:comment_id>16</wp:comment_id><wp:comment_author>First</wp:comment_author><wp:comment_content>top</wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>
</item>
<item><title>Draft</title><dc:creator>bob</dc:creator><guid isPermaLink="false">https://blog.example/?p=4</guid><content:encoded><![CDATA[Not yet.]]></content:encoded>
<wp:post_id>4</wp:post_id><wp:post_date>2020-02-01 09:00:00</wp:post_date><wp:post_date_gmt>0000-00-00 00:00:00</wp:post_date_gmt><wp:status>draft</wp:status><wp:post_type>post</wp:post_type></item>
<item><title>Scheduled</title><dc:creator>bob</dc:creator><guid isPermaLink="false">https://blog.example/?p=5</guid><content:encoded><![CDATA[Soon.]]></content:encoded>
<wp:post_id>5</wp:post_id><wp:post_date_gmt>2030-02-01 09:00:00</wp:post_date_gmt><wp:status>future</wp:status><wp:post_type>post</wp:post_type><wp:post_name>scheduled</wp:post_name></item>
<item><title>Secret</title><link>https://blog.example/2020/03/01/secret/</link><dc:creator>bob</dc:creator><guid isPermaLink="false">https://blog.example/?p=6</guid><content:encoded><![CDATA[Members only.]]></content:encoded>
<wp:post_id>6</wp:post_id><wp:post_date_gmt>2020-03-01 09:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:post_password>pw</wp:post_password></item>
<item><title>photo.jpg</title><wp:post_id>7</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status><wp:attachment_url>https://blog.example/wp-content/uploads/photo.jpg</wp:attachment_url></item>
<item><title>Menu</title><wp:post_id>8</wp:post_id><wp:post_type>nav_menu_item</wp:post_type><wp:status>publish</wp:status></item>
BAD
</channel></rss>`

const badItem = `<item><title>Stranger</title><dc:creator>carol</dc:creator><guid>https://blog.example/?p=9</guid><content:encoded>x</content:encoded>
<wp:post_id>9</wp:post_id><wp:post_date_gmt>2020-01-01 10:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>`

func TestImportEdgeCases(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		exp, err := wxr.Parse(strings.NewReader(strings.Replace(edgeWXR, "BAD", badItem, 1)))
		if err != nil {
			t.Fatal(err)
		}
		// One bad item: nothing is written, and the item is named.
		res, err := e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{})
		if !errors.Is(err, report.ErrImportProblems) || len(res.Problems) != 1 || !strings.Contains(res.Problems[0].String(), `post 9 “Stranger”: its author "carol"`) {
			t.Fatalf("bad item: %v %+v", err, res.Problems)
		}
		if n, _, _ := db.Reports(e.ctx, store.ReportFilter{Statuses: []string{"draft", "published"}}); len(n) != 0 {
			t.Fatal("written despite a bad item")
		}
		// Skipping it imports the rest.
		res, err = e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{SkipBad: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Posts != 1 || res.Pages != 1 || res.Drafts != 3 || res.Attachments != 1 || res.OtherItems != 1 || res.AuthorsMatched != 1 ||
			res.Comments != 3 || res.CommentsHidden != 3 || res.Pingbacks != 1 || res.Redirects != 6 {
			t.Fatalf("result: %+v", res)
		}
		post, err := db.ReportBySlug(e.ctx, "a-post")
		if err != nil || post.AuthorID != e.rep.PersonID || post.Summary != "The excerpt." || post.Kind != "report" {
			t.Fatalf("post: %v %+v", err, post)
		}
		page, _ := db.ReportBySlug(e.ctx, "about")
		if page.Kind != "page" || !strings.Contains(page.HTML, `<a href="/reports/a-post"`) || strings.Contains(page.HTML, "wp:paragraph") || page.CommentsOpen {
			t.Errorf("page: %+v", page)
		}
		for _, slug := range []string{"scheduled", "secret"} {
			if r, err := db.ReportBySlug(e.ctx, slug); err != nil || r.Status != store.ReportDraft {
				t.Errorf("%s: %v %s", slug, err, r.Status)
			}
		}
		if _, err := db.RedirectTarget(e.ctx, "/2020/03/01/secret/"); err == nil {
			t.Error("a protected post's address redirects to a draft")
		}
		pg, err := e.svc.ReportPage(e.ctx, e.anon, "a-post")
		if err != nil || len(pg.Comments) != 1 || pg.Comments[0].AuthorName != "First" || len(pg.Comments[0].Replies) != 1 ||
			len(pg.Comments[0].Replies[0].Replies) != 1 || pg.Comments[0].Replies[0].PersonID != e.rep.PersonID {
			t.Fatalf("threads: %v %+v", err, pg.Comments)
		}
		if got := pg.Comments[0].Replies[0].Replies[0].Body; got != "third level <b>" && got != "third level" {
			t.Errorf("comment text: %q", got)
		}
	})
}

const mediaWXR = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>https://blog.example</wp:base_site_url>
<wp:author><wp:author_login>bob</wp:author_login><wp:author_email>bob@blog.example</wp:author_email><wp:author_display_name>Bob</wp:author_display_name></wp:author>
<item><title>Crowd</title><wp:post_id>20</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://blog.example/wp-content/uploads/2020/01/crowd.png</wp:attachment_url>
<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value>2020/01/crowd.png</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_wp_attachment_image_alt</wp:meta_key><wp:meta_value>Members at the rally</wp:meta_value></wp:postmeta></item>
<item><title>Minutes</title><wp:post_id>21</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://blog.example/wp-content/uploads/2020/01/minutes.pdf</wp:attachment_url></item>
<item><title>Gone</title><wp:post_id>22</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://blog.example/wp-content/uploads/2019/05/gone.jpg</wp:attachment_url></item>
<item><title>Rally</title><link>https://blog.example/2020/01/02/rally/</link><dc:creator>bob</dc:creator><guid>https://blog.example/?p=23</guid>
<content:encoded><![CDATA[<a href="https://blog.example/wp-content/uploads/2020/01/crowd.png"><img src="https://blog.example/wp-content/uploads/2020/01/crowd-300x200.png" alt="" /></a>

A good day.]]></content:encoded>
<wp:post_id>23</wp:post_id><wp:post_date_gmt>2020-01-02 10:00:00</wp:post_date_gmt><wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:post_name>rally</wp:post_name>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>20</wp:meta_value></wp:postmeta></item>
</channel></rss>`

func TestImportMedia(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		exp, err := wxr.Parse(strings.NewReader(mediaWXR))
		if err != nil {
			t.Fatal(err)
		}
		uploads := fstest.MapFS{
			"2020/01/crowd.png":   {Data: pngOf(2000, 1000, true)},
			"2020/01/minutes.pdf": {Data: []byte("%PDF-1.4 minutes")},
		}
		res, err := e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{Uploads: uploads})
		if err != nil || res.Media != 1 || res.Files != 1 || len(res.Refused) != 0 || res.MediaMissing != 1 || res.Posts != 1 {
			t.Fatalf("import: %v %+v", err, res)
		}
		r, err := db.ReportBySlug(e.ctx, "rally")
		if err != nil || r.CoverImageID == 0 {
			t.Fatalf("featured image: %v %+v", err, r.CoverImageID)
		}
		img := fmt.Sprintf("/images/%d", r.CoverImageID)
		if !strings.Contains(r.HTML, `src="`+img+`"`) || !strings.Contains(r.HTML, `href="`+img+`"`) || strings.Contains(r.HTML, "wp-content") {
			t.Errorf("body: %s", r.HTML)
		}
		im, _ := db.ImageByID(e.ctx, r.CoverImageID)
		if im.Width != report.CoverWidth || im.Alt != "Members at the rally" {
			t.Errorf("image: %dx%d %q", im.Width, im.Height, im.Alt)
		}
		if target, err := db.RedirectTarget(e.ctx, "/wp-content/uploads/2020/01/crowd.png"); err != nil || target != img {
			t.Errorf("media redirect: %q %v", target, err)
		}
		again, err := e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{Uploads: uploads})
		if err != nil || again.Media != 0 || again.Unchanged != 1 {
			t.Fatalf("again: %v %+v", err, again)
		}
		if n := e.auditCount("wordpress.import"); n != 1 {
			t.Errorf("%d audit entries after importing the same file and pictures again, want 1", n)
		}
	})
}
