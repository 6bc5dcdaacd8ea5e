package report

import (
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"quorum/internal/store"
)

// WriteICS writes events as an iCalendar file (RFC 5545): one event for
// the .ics download, or many for the calendar feed that calendar apps
// subscribe to. Times are written in UTC, so no time-zone block is needed.
func (s *Service) WriteICS(w io.Writer, name string, events []store.Event, now time.Time) error {
	host := "quorum"
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	iw := &icsWriter{w: w}
	iw.line("BEGIN:VCALENDAR")
	iw.line("VERSION:2.0")
	iw.line("PRODID:-//Quorum//Events//EN")
	iw.line("CALSCALE:GREGORIAN")
	iw.line("METHOD:PUBLISH")
	iw.prop("X-WR-CALNAME", name)
	for _, e := range events {
		iw.line("BEGIN:VEVENT")
		iw.line(fmt.Sprintf("UID:event-%d@%s", e.ID, host))
		iw.line("DTSTAMP:" + icsTime(now))
		iw.line("DTSTART:" + icsTime(e.StartsAt))
		iw.line("DTEND:" + icsTime(e.EndsAt))
		iw.line("LAST-MODIFIED:" + icsTime(e.UpdatedAt))
		iw.prop("SUMMARY", e.Title)
		desc := strings.TrimSpace(e.Description)
		if e.OnlineURL != "" {
			desc = strings.TrimSpace(desc + "\n\nJoin online: " + e.OnlineURL)
		}
		if desc != "" {
			iw.prop("DESCRIPTION", desc)
		}
		if e.Place != "" {
			iw.prop("LOCATION", e.Place)
		} else if e.OnlineURL != "" {
			iw.prop("LOCATION", "Online")
		}
		iw.prop("URL", s.cfg.BaseURL+"/events/"+url.PathEscape(e.Slug))
		iw.prop("CATEGORIES", EventKindLabel(e.Kind))
		if e.Cancelled {
			iw.line("STATUS:CANCELLED")
		} else {
			iw.line("STATUS:CONFIRMED")
		}
		iw.line("END:VEVENT")
	}
	iw.line("END:VCALENDAR")
	return iw.err
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsWriter writes content lines with CRLF, folded at 75 octets.
type icsWriter struct {
	w   io.Writer
	err error
}

func (iw *icsWriter) prop(name, value string) {
	r := strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)
	iw.line(name + ":" + r.Replace(value))
}

func (iw *icsWriter) line(s string) {
	if iw.err != nil {
		return
	}
	var b strings.Builder
	width := 0
	for _, r := range s {
		n := utf8.RuneLen(r)
		if width+n > 75 {
			b.WriteString("\r\n ")
			width = 1
		}
		b.WriteRune(r)
		width += n
	}
	b.WriteString("\r\n")
	_, iw.err = io.WriteString(iw.w, b.String())
}
