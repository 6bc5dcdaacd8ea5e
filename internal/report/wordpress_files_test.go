package report_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"quorum/internal/report"
	"quorum/internal/report/wxr"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

// zipOf builds a zip archive of the named parts, in order. A part
// "name=text" holds the text; a "mimetype" part names an OpenDocument
// text unless it says otherwise.
func zipOf(t testing.TB, parts ...string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, part := range parts {
		name, content, ok := strings.Cut(part, "=")
		if !ok {
			content = "<x/>"
			if name == "mimetype" {
				content = "application/vnd.oasis.opendocument.text"
			}
		}
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// documentsUploads is a blog's uploads folder: documents Quorum accepts
// and files it does not.
func documentsUploads(t testing.TB) fstest.MapFS {
	return fstest.MapFS{
		"2020/01/minutes.pdf":     {Data: []byte("%PDF-1.7\nthe minutes")},
		"2020/01/motion.docx":     {Data: zipOf(t, "[Content_Types].xml", "_rels/.rels", "word/document.xml")},
		"2020/01/budget.xlsx":     {Data: zipOf(t, "[Content_Types].xml", "xl/workbook.xml")},
		"2020/01/report.odt":      {Data: zipOf(t, "mimetype", "content.xml")},
		"2020/01/notes.txt":       {Data: []byte("Notes of the meeting, in plain text.\n")},
		"2020/01/not-office.docx": {Data: zipOf(t, "payload.bin")},
		"2020/01/old.doc":         {Data: append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 600)...)},
		"2020/01/tool.exe":        {Data: append([]byte("MZ\x90\x00"), make([]byte, 600)...)},
		"2020/01/page.txt":        {Data: []byte("<!DOCTYPE html><html><script>alert(1)</script></html>")},
		"2020/01/logo.svg":        {Data: []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)},
		"2020/01/film.pdf":        {Data: append([]byte("%PDF-1.7\n"), make([]byte, report.MaxPaperBytes)...)},
	}
}

func attachmentItem(id int, file string) string {
	return fmt.Sprintf(`<item><title>File %d</title><link>https://blog.example/2020/01/02/meeting/file-%d/</link><wp:post_id>%d</wp:post_id><wp:post_type>attachment</wp:post_type><wp:status>inherit</wp:status>
<wp:attachment_url>https://blog.example/wp-content/uploads/%s</wp:attachment_url></item>
`, id, id, id, file)
}

func TestImportDocuments(t *testing.T) {
	uploads := documentsUploads(t)
	accepted := map[string]string{
		"2020/01/minutes.pdf": "application/pdf",
		"2020/01/motion.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		"2020/01/budget.xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"2020/01/report.odt":  "application/vnd.oasis.opendocument.text",
		"2020/01/notes.txt":   "text/plain; charset=utf-8",
	}
	refused := map[string]string{
		"2020/01/not-office.docx": "a zip archive that is not an office document",
		"2020/01/old.doc":         "an old Microsoft Office document",
		"2020/01/tool.exe":        "a file of type application/octet-stream",
		"2020/01/page.txt":        "a file of type text/html",
		"2020/01/logo.svg":        "a file of type text/xml",
		"2020/01/film.pdf":        "bigger than 20 MB",
	}
	var items, links strings.Builder
	id := 100
	for _, files := range []map[string]string{accepted, refused} {
		for file := range files {
			id++
			items.WriteString(attachmentItem(id, file))
			fmt.Fprintf(&links, `<a href="https://blog.example/wp-content/uploads/%s">%s</a>\n`, file, file)
		}
	}
	items.WriteString(shapeItem(50, "post", "meeting", "https://blog.example/2020/01/02/meeting/", "https://blog.example/?p=50", links.String()))
	exp, err := wxr.Parse(strings.NewReader(shapesWXR(items.String())))
	if err != nil {
		t.Fatal(err)
	}
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		res, err := e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{Uploads: uploads, DryRun: true})
		if err != nil || res.Files != len(accepted) {
			t.Fatalf("dry run: %v %+v", err, res)
		}
		var n int
		if err := db.QueryRow(e.ctx, `SELECT COUNT(*) FROM report_files`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("the dry run stored %d files: %v", n, err)
		}

		res, err = e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{Uploads: uploads})
		if err != nil || res.Files != len(accepted) || res.Media != 0 || res.Posts != 1 || len(res.Refused) != len(refused) {
			t.Fatalf("import: %v %+v", err, res)
		}
		for _, r := range res.Refused {
			file := r.Item[strings.Index(r.Item, "(")+1 : len(r.Item)-1]
			if want, ok := refused[file]; !ok || !strings.Contains(r.Reason, want) {
				t.Errorf("refused %s: %q, want %q", r.Item, r.Reason, want)
			}
		}
		post, err := db.ReportBySlug(e.ctx, "meeting")
		if err != nil {
			t.Fatal(err)
		}
		for file, ct := range accepted {
			target, err := db.RedirectTarget(e.ctx, "/wp-content/uploads/"+file)
			if err != nil || !strings.HasPrefix(target, "/files/") {
				t.Fatalf("%s: redirect %q %v", file, target, err)
			}
			var fid int64
			var name string
			fmt.Sscanf(target, "/files/%d/%s", &fid, &name)
			f, err := db.ReportFileByID(e.ctx, fid)
			if err != nil || f.ContentType != ct || !bytes.Equal(f.Content, uploads[file].Data) || report.FileURL(f) != target || f.Source != file {
				t.Errorf("%s: stored as %q (%d bytes) at %s: %v", file, f.ContentType, f.Size, target, err)
			}
			if !strings.Contains(post.HTML, `href="`+target+`"`) {
				t.Errorf("the post does not link %s at %s", file, target)
			}
		}
		for file := range refused {
			if _, err := db.RedirectTarget(e.ctx, "/wp-content/uploads/"+file); err == nil {
				t.Errorf("%s was refused but redirects", file)
			}
			if !strings.Contains(post.HTML, `href="https://blog.example/wp-content/uploads/`+file+`"`) {
				t.Errorf("the post lost its link to %s", file)
			}
		}
		// The attachment's own page on the old blog leads to the file.
		if target, err := db.RedirectTarget(e.ctx, "/2020/01/02/meeting/file-101/"); err != nil || !strings.HasPrefix(target, "/files/") {
			t.Errorf("attachment page: %q %v", target, err)
		}

		again, err := e.svc.ImportWordPress(e.ctx, exp, report.WordPressOptions{Uploads: uploads})
		if err != nil || again.Files != 0 || again.Redirects != 0 || again.Unchanged != 1 || len(again.Refused) != len(refused) {
			t.Fatalf("again: %v %+v", err, again)
		}
		if err := db.QueryRow(e.ctx, `SELECT COUNT(*) FROM report_files`).Scan(&n); err != nil || n != len(accepted) {
			t.Errorf("%d files after a second import: %v", n, err)
		}
	})
}
