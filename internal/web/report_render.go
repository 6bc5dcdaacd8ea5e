package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"quorum/internal/org"
	"quorum/internal/report"
	"quorum/internal/store"
)

// headInfo is what a page of meetings and report-back adds to the page's
// <head>: its stylesheet always, and for a report the metadata that
// social sites and feed readers read.
type headInfo struct {
	Canonical   string
	Description string
	// OpenGraph
	Type        string // "article" or "website"
	Title       string
	Image       string
	ImageAlt    string
	Published   time.Time
	Modified    time.Time
	Author      string
	Tags        []string
	FeedURL     string
	FeedTitle   string
	CalendarURL string
}

var headTemplate = template.Must(template.New("head").Parse(`<link rel="stylesheet" href="/static/reports.css">
{{- with .Canonical}}
<link rel="canonical" href="{{.}}">{{end}}
{{- with .Description}}
<meta name="description" content="{{.}}">{{end}}
{{- if .Title}}
<meta property="og:type" content="{{or .Type "website"}}">
<meta property="og:title" content="{{.Title}}">
<meta property="og:site_name" content="{{.Site}}">
{{- with .Canonical}}
<meta property="og:url" content="{{.}}">{{end}}
{{- with .Description}}
<meta property="og:description" content="{{.}}">{{end}}
{{- with .Image}}
<meta property="og:image" content="{{.}}">{{with $.ImageAlt}}
<meta property="og:image:alt" content="{{.}}">{{end}}
<meta name="twitter:card" content="summary_large_image">{{else}}
<meta name="twitter:card" content="summary">{{end}}
{{- if not .Published.IsZero}}
<meta property="article:published_time" content="{{.Published.Format "2006-01-02T15:04:05Z07:00"}}">{{end}}
{{- if not .Modified.IsZero}}
<meta property="article:modified_time" content="{{.Modified.Format "2006-01-02T15:04:05Z07:00"}}">{{end}}
{{- with .Author}}
<meta property="article:author" content="{{.}}">{{end}}
{{- range .Tags}}
<meta property="article:tag" content="{{.}}">{{end}}
{{- end}}
{{- with .FeedURL}}
<link rel="alternate" type="application/atom+xml" title="{{$.FeedTitle}}" href="{{.}}">{{end}}
{{- with .CalendarURL}}
<link rel="alternate" type="text/calendar" title="Calendar" href="{{.}}">{{end}}
`))

// renderReports renders a page like render does, adding the head
// information before </head>. (The layout has no block for a page's own
// head yet, so it is added to the rendered page.)
func (s *Server) renderReports(w http.ResponseWriter, r *http.Request, status int, name string, p *page, head headInfo) {
	cw := &captureWriter{header: http.Header{}}
	s.render(cw, r, status, name, p)
	for k, v := range cw.header {
		w.Header()[k] = v
	}
	body := cw.buf.Bytes()
	if cw.status < 400 || cw.status == http.StatusUnprocessableEntity || cw.status == http.StatusTooManyRequests {
		var h bytes.Buffer
		if err := headTemplate.Execute(&h, struct {
			headInfo
			Site string
		}{head, s.SiteName}); err == nil {
			if i := bytes.Index(body, []byte("</head>")); i >= 0 {
				out := make([]byte, 0, len(body)+h.Len())
				out = append(out, body[:i]...)
				out = append(out, h.Bytes()...)
				out = append(out, body[i:]...)
				body = out
			}
		}
	}
	if cw.status == 0 {
		cw.status = http.StatusOK
	}
	w.WriteHeader(cw.status)
	_, _ = w.Write(body)
}

// captureWriter holds a response so that it can be changed before it goes.
type captureWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (c *captureWriter) Header() http.Header { return c.header }
func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}
func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.buf.Write(b)
}

// fieldErrors extracts form errors from a domain error.
func fieldErrors(err error) (org.FieldErrors, bool) { return org.AsFieldErrors(err) }

// absURL makes an address absolute with the site's base URL.
func (s *Server) absURL(path string) string { return strings.TrimRight(s.BaseURL, "/") + path }

// queryInt reads a whole number from the query string (0 when absent).
func queryInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(r.URL.Query().Get(name))
	return n
}

func queryInt64(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return n
}

// reportsURL is the address of a report.
func reportsURL(slug string) string { return "/reports/" + url.PathEscape(slug) }

// safeHTML marks HTML that the report domain sanitised as safe to output.
func safeHTML(s string) template.HTML { return template.HTML(s) } //nolint:gosec // sanitised by the report renderer

// readUpload reads one file field of a multipart form, at most limit bytes.
func readUpload(r *http.Request, field string, limit int64) (content []byte, name string, err error) {
	f, hdr, err := r.FormFile(field)
	if err != nil {
		return nil, "", nil // no file chosen
	}
	defer f.Close()
	content, err = io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, "", fmt.Errorf("the file could not be read")
	}
	return content, hdr.Filename, nil
}

// clientKey is where a request comes from, for rate limits.
func clientKey(r *http.Request) string { return clientAddr(r) }

// pageOf returns the store page for a listing.
func pageOf(r *http.Request, size int) store.Page { return pageFrom(r, size) }

func idstr(n int64) string { return strconv.FormatInt(n, 10) }

// excerptText shortens text to about n characters at a word boundary.
func excerptText(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= n {
		return s
	}
	cut := strings.LastIndex(s[:n], " ")
	if cut < n/2 {
		cut = n
		for cut > 0 && s[cut]&0xC0 == 0x80 {
			cut--
		}
	}
	return s[:cut] + "…"
}

// zone is the time zone report pages show and read times in.
func (s *Server) zone() *time.Location { return report.Zone }
