package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"quorum/internal/report"
)

// Old addresses of an imported blog. Its posts' permalinks may have any
// shape WordPress allows (/2016/01/26/a-post/, /a-post/, /archives/123,
// /news/a-post/, /?p=123…), so they cannot all have routes of their own.
// Instead the redirects are served only where no route of Quorum's
// answers: at "GET /", the pattern the mux picks last, and, for the
// query forms on the front page (/?p=123), by the front page itself
// before it shows anything. A redirect can therefore never hide one of
// Quorum's own pages, whatever an imported blog called its posts.

// importedBlogRoutes adds the documents brought in from a blog and the
// catch-all that sends its old addresses to where they now lead.
func (s *Server) importedBlogRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /files/{id}/{name}", s.fileShow)
	mux.HandleFunc("GET /", s.reportLegacy)
}

// reportLegacy sends an old address of an imported blog to where its
// content now lives; any other address is the usual "not found".
func (s *Server) reportLegacy(w http.ResponseWriter, r *http.Request) {
	if target, ok := s.oldAddressTarget(r); ok {
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return
	}
	s.notFound(w, r)
}

// redirectOldQuery sends the front page's query forms of an imported
// blog (/?p=123, /?page_id=123) to where the post now is. It reports
// whether it did; the front page is shown otherwise.
func (s *Server) redirectOldQuery(w http.ResponseWriter, r *http.Request) bool {
	if r.URL.RawQuery == "" || report.OldAddressKey(r.URL.Path, r.URL.RawQuery) == r.URL.Path {
		return false
	}
	target, ok := s.oldAddressTarget(r)
	if ok {
		http.Redirect(w, r, target, http.StatusMovedPermanently)
	}
	return ok
}

// oldAddressTarget looks the request's address up among the old ones,
// with and without its last slash, and with the query's item id when it
// names one (then without it: /a-post/?utm_source=x is /a-post/).
func (s *Server) oldAddressTarget(r *http.Request) (string, bool) {
	path := r.URL.Path
	variants := []string{path}
	switch {
	case path == "/":
	case strings.HasSuffix(path, "/"):
		variants = append(variants, strings.TrimSuffix(path, "/"))
	default:
		variants = append(variants, path+"/")
	}
	var keys []string
	if r.URL.RawQuery != "" {
		for _, v := range variants {
			if k := report.OldAddressKey(v, r.URL.RawQuery); k != v {
				keys = append(keys, k)
			}
		}
	}
	if path != "/" {
		for _, v := range variants {
			keys = append(keys, report.OldAddressKey(v, ""))
		}
	}
	keys = slices.DeleteFunc(keys, func(k string) bool { return k == "" })
	targets, err := s.DB.RedirectTargets(r.Context(), keys)
	if err != nil {
		s.Log.Error("look up an old address", "err", err)
		return "", false
	}
	for _, key := range keys {
		target, ok := targets[key]
		if !ok {
			continue
		}
		if !onSite(target) {
			s.Log.Warn("redirect off the site refused", "path", key, "target", target)
			return "", false
		}
		return target, true
	}
	return "", false
}

// onSite reports whether a redirect's target is a path on this site, so
// that a stored redirect can never send a visitor elsewhere ("//host"
// and "/\host" are other hosts to a browser).
func onSite(target string) bool {
	if !strings.HasPrefix(target, "/") || strings.HasPrefix(target, "//") || strings.HasPrefix(target, "/\\") ||
		strings.ContainsFunc(target, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return false
	}
	u, err := url.Parse(target)
	return err == nil && u.Scheme == "" && u.Host == "" && u.Opaque == ""
}
