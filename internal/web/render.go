package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/org"
)

//go:embed templates
var templateFiles embed.FS

// templates holds one parsed template set per page: the layout plus the page.
type templates struct {
	byName map[string]*template.Template
}

// templateFuncs are the functions templates may call; times are shown in
// the organisation's time zone.
func templateFuncs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"date": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2 January 2006")
		},
		"isodate": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.Format("2006-01-02")
		},
		"datetime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("2 Jan 2006 15:04 MST")
		},
		"inputtime": func(t time.Time) string {
			if t.IsZero() {
				return ""
			}
			return t.In(loc).Format("2006-01-02T15:04")
		},
		"unitType":  org.UnitTypeLabel,
		"roleLabel": func(r string) string { return auth.Role(r).Label() },
		// trusteeRole names a trustee's role inside a sentence.
		"trusteeRole": func(r string) string { return strings.ToLower(auth.Role(r).Label()) },
		"add":         func(a, b int) int { return a + b },
		"list":        func(xs ...string) []string { return xs },
		"when": func(on bool, v any) any {
			if on {
				return v
			}
			return ""
		},
		"can": func(p *auth.Principal, a string) bool { return p.Can(auth.Action(a), auth.Target{}) },
		"canUnit": func(p *auth.Principal, a string, id int64) bool {
			return p.Can(auth.Action(a), auth.Target{UnitID: id})
		},
		"canBody": func(p *auth.Principal, a string, id int64) bool {
			return p.Can(auth.Action(a), auth.Target{BodyID: id})
		},
		"dict": func(kv ...any) (map[string]any, error) {
			if len(kv)%2 != 0 {
				return nil, errors.New("dict needs key, value pairs")
			}
			m := make(map[string]any, len(kv)/2)
			for i := 0; i < len(kv); i += 2 {
				k, ok := kv[i].(string)
				if !ok {
					return nil, errors.New("dict keys must be strings")
				}
				m[k] = kv[i+1]
			}
			return m, nil
		},
		"thousands": thousands,
		"field": func(p *page, name string) string {
			if p.Form == nil {
				return ""
			}
			return p.Form.Get(name)
		},
		"checked": func(p *page, name string) bool { return p.Form != nil && p.Form.Get(name) != "" },
		"err": func(p *page, name string) string {
			if p.Errors == nil {
				return ""
			}
			return p.Errors[name]
		},
	}
}

func parseTemplates(loc *time.Location, lang *language, all []*language) (*templates, error) {
	base, err := template.New("layout").Funcs(templateFuncs(loc)).Funcs(languageFuncs(lang, all, loc)).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout: %w", err)
	}
	t := &templates{byName: map[string]*template.Template{}}
	pages, err := fs.Glob(templateFiles, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		c, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := c.ParseFS(templateFiles, p); err != nil {
			return nil, fmt.Errorf("parse %s: %w", p, err)
		}
		t.byName[strings.TrimSuffix(path.Base(p), ".html")] = c
	}
	return t, nil
}

// page is what every template receives.
type page struct {
	Title     string
	Site      string
	P         *auth.Principal
	Flash     string
	Demo      bool
	Errors    org.FieldErrors
	ErrorList []fieldError // the error summary, in form order
	Form      url.Values
	Path      string
	Back      string // where the language switch returns to
	Data      any
}

type fieldError struct{ Field, Message string }

// render writes a page with a status. Rendering into a buffer first means a
// template error gives a clean 500, not half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	lang := s.langs.of(r)
	t, ok := lang.pages.byName[name]
	if !ok {
		s.Log.Error("no such template", "name", name)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	p.Site = s.SiteName
	p.P = principalOf(r)
	p.Demo = s.Demo
	p.Path = r.URL.Path
	p.Back = r.URL.Path
	if r.Method == http.MethodGet {
		p.Back = r.URL.RequestURI()
	}
	if p.Flash == "" {
		p.Flash = s.takeFlash(w, r)
	}
	if len(p.Errors) > 0 && p.ErrorList == nil {
		p.ErrorList = orderErrors(p.Errors, p.Form)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.Log.Error("render", "template", name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// orderErrors lists field errors for the summary, in a stable order.
func orderErrors(fe org.FieldErrors, form url.Values) []fieldError {
	var out []fieldError
	for _, k := range sortedKeys(fe) {
		out = append(out, fieldError{Field: k, Message: fe[k]})
	}
	return out
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

const flashCookie = "quorum_flash"

// flash sets a one-time message shown on the next page.
func (s *Server) flash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1})
	msg, err := url.QueryUnescape(c.Value)
	if err != nil || len(msg) > 300 {
		return ""
	}
	return msg
}

// redirect sends the browser on after a successful POST, with a message.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, msg string) {
	if msg != "" {
		s.flash(w, msg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// errorTexts are the message IDs of each status's title and words.
var errorTexts = map[int]struct{ title, text string }{
	http.StatusBadRequest:          {"Error.BadRequest.Title", "Error.BadRequest.Text"},
	http.StatusUnauthorized:        {"Error.Unauthorized.Title", "Error.Unauthorized.Text"},
	http.StatusForbidden:           {"Error.Forbidden.Title", "Error.Forbidden.Text"},
	http.StatusNotFound:            {"Error.NotFound.Title", "Error.NotFound.Text"},
	http.StatusMethodNotAllowed:    {"Error.MethodNotAllowed.Title", "Error.MethodNotAllowed.Text"},
	http.StatusTooManyRequests:     {"Error.TooManyRequests.Title", "Error.TooManyRequests.Text"},
	http.StatusInternalServerError: {"Error.Internal.Title", "Error.Internal.Text"},
}

// renderError shows the friendly error page for a status.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int) {
	t, ok := errorTexts[status]
	if !ok {
		t = errorTexts[http.StatusInternalServerError]
	}
	tr := s.tr(r)
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, status, map[string]string{"error": tr.T(t.title)})
		return
	}
	s.render(w, r, status, "error", &page{Title: tr.T(t.title), Data: map[string]any{"Status": status, "Text": tr.T(t.text)}})
}

// thousands formats 12345 as 12,345.
func thousands(n int) string {
	s := fmt.Sprint(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// qrURL marks a data: URL we built ourselves from a PNG as safe for src.
func qrURL(s string) template.URL { return template.URL(s) } //nolint:gosec // only our own base64 PNG
