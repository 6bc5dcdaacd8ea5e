package report_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"
	"time"

	"quorum/internal/auth"
	"quorum/internal/report"
	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestMeetingMinutesAndPapersAreForTheBody(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		in := report.MeetingInput{Title: "NEC, January", HeldOn: "2026-01-26", StartTime: "10:30", Place: "Party HQ", Online: true,
			JoinURL: "https://meet.example/nec", Summary: "The January meeting.", Minutes: "Present: all. **Agreed** the budget.",
			Agenda: []store.AgendaItem{{Title: "Leader's report"}, {Title: "Budget", Detail: "Paper A"}, {Title: " "}}}
		for _, p := range []*auth.Principal{e.anon, e.member, e.rep} {
			if _, err := e.svc.CreateMeeting(e.ctx, p, e.body.ID, in); err == nil {
				t.Errorf("person %d recorded a meeting", p.PersonID)
			}
		}
		m, err := e.svc.CreateMeeting(e.ctx, e.secretary, e.body.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.CreateMeeting(e.ctx, e.secretary, e.body.ID, report.MeetingInput{Title: "x", HeldOn: "26/01/2026", StartTime: "25:00", JoinURL: "ftp://x"}); err == nil {
			t.Error("bad date, time and address accepted")
		} else if fe, ok := errAsFields(err); !ok || fe["held_on"] == "" || fe["start_time"] == "" || fe["join_url"] == "" {
			t.Errorf("errors: %v", err)
		}

		pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte("x"), 100)...)
		if _, err := e.svc.AddPaper(e.ctx, e.rep, m.ID, "Budget", "budget.pdf", pdf); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("a representative uploaded a paper: %v", err)
		}
		paper, err := e.svc.AddPaper(e.ctx, e.secretary, m.ID, "", `C:\papers\budget "final".pdf`, pdf)
		if err != nil {
			t.Fatal(err)
		}
		if paper.Filename != "budget final.pdf" || paper.ContentType != "application/pdf" || paper.Title != "budget final" {
			t.Errorf("paper: %+v", paper)
		}
		for name, content := range map[string][]byte{
			"virus.exe":  append([]byte("MZ\x90\x00"), bytes.Repeat([]byte{0}, 100)...),
			"page.html":  []byte("<html><script>alert(1)</script></html>"),
			"fake.pdf":   []byte("<html>not a pdf</html>"),
			"empty.pdf":  nil,
			"big.pdf":    append([]byte("%PDF-"), make([]byte, report.MaxPaperBytes)...),
			"sheet.docx": []byte("PK\x03\x04 but a zip"),
			// Zip archives named as office files, without their parts.
			"evil.docx":   zipOf(t, "evil.exe"),
			"empty.xlsx":  zipOf(t, "[Content_Types].xml"),
			"slides.pptx": zipOf(t, "ppt/presentation.xml"),
			"letter.odt":  zipOf(t, "content.xml"),
			"macro.ods":   zipOf(t, "mimetype=application/x-shellscript", "content.xml"),
			"talk.odp":    zipOf(t, "content.xml", "mimetype=application/vnd.oasis.opendocument.presentation"),
			"old.doc":     append([]byte("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"), make([]byte, 100)...),
		} {
			if _, err := e.svc.AddPaper(e.ctx, e.secretary, m.ID, "x", name, content); err == nil {
				t.Errorf("%s accepted as a paper", name)
			} else if fe, ok := errAsFields(err); !ok || fe["file"] == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		// Office files are known by their parts; the type is what the
		// content is, whatever the name says.
		for _, c := range []struct {
			name    string
			content []byte
			want    string
		}{
			{"motion.docx", zipOf(t, "[Content_Types].xml", "word/document.xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
			{"budget.xlsx", zipOf(t, "[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
			{"slides.pptx", zipOf(t, "[Content_Types].xml", "ppt/presentation.xml"), "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
			{"letter.odt", zipOf(t, "mimetype=application/vnd.oasis.opendocument.text", "content.xml"), "application/vnd.oasis.opendocument.text"},
			{"budget.ods", zipOf(t, "mimetype=application/vnd.oasis.opendocument.spreadsheet", "content.xml"), "application/vnd.oasis.opendocument.spreadsheet"},
			{"talk.odp", zipOf(t, "mimetype=application/vnd.oasis.opendocument.presentation", "content.xml"), "application/vnd.oasis.opendocument.presentation"},
			{"sheet.docx", zipOf(t, "[Content_Types].xml", "xl/workbook.xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		} {
			got, err := e.svc.AddPaper(e.ctx, e.secretary, m.ID, "", c.name, c.content)
			if err != nil || got.ContentType != c.want {
				t.Errorf("%s: %v, type %q; want %q", c.name, err, got.ContentType, c.want)
				continue
			}
			if err := e.svc.DeletePaper(e.ctx, e.secretary, m.ID, got.ID); err != nil {
				t.Fatal(err)
			}
		}

		// The public sees the agenda, not the minutes, papers or link.
		for _, c := range []struct {
			p       *auth.Principal
			private bool
		}{{e.anon, false}, {e.member, false}, {e.rep, true}, {e.secretary, true}, {e.admin, true}} {
			pg, err := e.svc.MeetingPage(e.ctx, c.p, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(pg.Agenda) != 2 || pg.Agenda[1].Detail != "Paper A" {
				t.Errorf("agenda: %+v", pg.Agenda)
			}
			hasMinutes := strings.Contains(pg.MinutesHTML, "<strong>Agreed</strong>")
			if pg.CanSeePrivate != c.private || hasMinutes != c.private || (len(pg.Papers) == 1) != c.private || (pg.Meeting.JoinURL != "") != c.private || (pg.Meeting.Minutes != "") != c.private {
				t.Errorf("person %d: private %v, minutes %v, papers %d, join %q", c.p.PersonID, pg.CanSeePrivate, hasMinutes, len(pg.Papers), pg.Meeting.JoinURL)
			}
			_, err = e.svc.Paper(e.ctx, c.p, m.ID, paper.ID)
			if (err == nil) != c.private {
				t.Errorf("person %d downloads the paper: %v", c.p.PersonID, err)
			}
		}
		// Minutes are never in the public search.
		if _, total, _ := e.svc.Search(e.ctx, store.SearchQuery{Text: "budget agreed"}); total != 0 {
			t.Errorf("minutes found by search")
		}
		if _, total, _ := e.svc.Search(e.ctx, store.SearchQuery{Text: "january meeting"}); total != 1 {
			t.Errorf("meeting not found by search")
		}

		if err := e.svc.SetAttendance(e.ctx, e.secretary, m.ID, map[int64]string{e.rep.PersonID: "present", e.rep2.PersonID: "apologies"}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.SetAttendance(e.ctx, e.member, m.ID, map[int64]string{e.rep.PersonID: "absent"}); err == nil {
			t.Error("a member recorded attendance")
		}
		pg, _ := e.svc.MeetingPage(e.ctx, e.anon, m.ID)
		if len(pg.Attendance) != 2 || pg.Attendance[0].Status != "present" || pg.Attendance[1].Status != "apologies" {
			t.Errorf("attendance: %+v", pg.Attendance)
		}
		if err := e.svc.DeletePaper(e.ctx, e.secretary, m.ID, paper.ID); err != nil {
			t.Fatal(err)
		}
	})
}

func pngOf(w, h int, opaque bool) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := uint8(255)
			if !opaque && x < w/2 {
				a = 0
			}
			img.SetNRGBA(x, y, color.NRGBA{R: uint8(x), G: uint8(y), B: 100, A: a})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

func TestCoverImages(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.draft(e.rep, "With a cover", report.ReportInput{})
		if _, err := e.svc.SetCover(e.ctx, e.rep2, r.ID, pngOf(10, 10, true), "x"); !errors.Is(err, auth.ErrForbidden) {
			t.Errorf("another representative set the cover: %v", err)
		}
		im, err := e.svc.SetCover(e.ctx, e.rep, r.ID, pngOf(3200, 800, true), "A crowd")
		if err != nil {
			t.Fatal(err)
		}
		if im.Width != report.CoverWidth || im.Height != 400 || im.ContentType != "image/jpeg" {
			t.Errorf("resized: %dx%d %s", im.Width, im.Height, im.ContentType)
		}
		im, err = e.svc.SetCover(e.ctx, e.rep, r.ID, pngOf(400, 300, false), "A logo")
		if err != nil || im.ContentType != "image/png" || im.Width != 400 {
			t.Errorf("transparent PNG: %v %+v", err, im.ContentType)
		}
		got, _ := db.ReportByID(e.ctx, r.ID)
		if got.CoverImageID != im.ID {
			t.Errorf("report's cover is %d, want %d", got.CoverImageID, im.ID)
		}
		stored, err := e.svc.Image(e.ctx, im.ID)
		if err != nil || len(stored.Content) == 0 {
			t.Fatalf("stored image: %v", err)
		}
		for name, content := range map[string][]byte{"text": []byte("hello"), "svg": []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "empty": nil} {
			if _, err := e.svc.SetCover(e.ctx, e.rep, r.ID, content, "x"); err == nil {
				t.Errorf("%s accepted as a cover", name)
			} else if fe, ok := errAsFields(err); !ok || fe["cover"] == "" {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := e.svc.SetCover(e.ctx, e.rep, r.ID, pngOf(10, 10, true), ""); err == nil {
			t.Error("a cover without a description accepted")
		}
		if err := e.svc.RemoveCover(e.ctx, e.rep, r.ID); err != nil {
			t.Fatal(err)
		}
	})
}

// A meeting's page lists the reports of it however many newer reports
// the body has.
func TestMeetingPageFindsItsReportsOnABusyBody(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		m, err := e.svc.CreateMeeting(e.ctx, e.secretary, e.body.ID, report.MeetingInput{Title: "NEC, January 2020", HeldOn: "2020-01-20"})
		if err != nil {
			t.Fatal(err)
		}
		old := e.publish(e.rep, e.draft(e.rep, "What happened in January 2020", report.ReportInput{MeetingID: m.ID}))
		e.clock.Advance(time.Hour)
		err = db.InTx(e.ctx, func(tx *store.Tx) error {
			for i := range 250 {
				at := e.clock.Now().Add(time.Duration(i) * time.Minute)
				_, err := tx.CreateReport(e.ctx, store.Report{Slug: fmt.Sprintf("later-%d", i), Kind: "report", BodyID: e.body.ID, AuthorID: e.rep2.PersonID,
					Title: fmt.Sprintf("Later %d", i), Format: report.FormatMarkdown, TOC: "[]", Status: store.ReportPublished, PublishAt: at, CreatedAt: at, UpdatedAt: at})
				if err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		pg, err := e.svc.MeetingPage(e.ctx, e.anon, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(pg.Reports) != 1 || pg.Reports[0].ID != old.ID {
			t.Fatalf("the meeting's reports: %d, want the one of January 2020", len(pg.Reports))
		}
	})
}

// pngHeader is the start of a PNG of any size: its signature and header
// chunk, which is all a reader looks at to learn the size. The pixels
// are missing, so it costs nothing however large it claims to be.
func pngHeader(w, h int) []byte {
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 8, 6 // 8 bits a sample, RGBA
	chunk := append([]byte("IHDR"), ihdr...)
	out := []byte("\x89PNG\r\n\x1a\n")
	out = binary.BigEndian.AppendUint32(out, uint32(len(ihdr)))
	out = append(out, chunk...)
	return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(chunk))
}

func TestCoverImageLimits(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		r := e.draft(e.rep, "With a big cover", report.ReportInput{})
		refused := func(what string, content []byte, want string) {
			t.Helper()
			_, err := e.svc.SetCover(e.ctx, e.rep, r.ID, content, "A picture")
			if fe, ok := errAsFields(err); !ok || !strings.Contains(fe["cover"], want) {
				t.Errorf("%s: %v, want an error saying %q", what, err, want)
			}
		}
		// At most 12,000 pixels a side (and 50 million in all), told by
		// the header before any pixel is read.
		refused("12,001 pixels wide", pngHeader(12001, 10), "12001×10 pixels")
		refused("12,001 pixels high", pngHeader(10, 12001), "10×12001 pixels")
		refused("10,000 × 6,000", pngHeader(10000, 6000), "the largest accepted is 12000 on a side")
		// 12,000 a side passes the size check; this header has no pixels.
		refused("12,000 wide without pixels", pngHeader(12000, 100), "The file must be an image")

		// At most 8 MB, counted in bytes of the file.
		small := pngOf(10, 10, true)
		atLimit := append(append([]byte{}, small...), make([]byte, report.MaxImageBytes-len(small))...)
		if _, err := e.svc.SetCover(e.ctx, e.rep, r.ID, atLimit, "A picture"); err != nil {
			t.Errorf("an image of exactly 8 MB: %v", err)
		}
		refused("8 MB and a byte", append(atLimit, 0), "bigger than 8 MB")
	})
}
