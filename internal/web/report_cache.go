package web

import (
	"net/http"
	"sync"
	"time"
)

// A published report is the page visitors ask for most, and it is the
// same for every visitor who is not signed in. Each node keeps such pages
// for a moment, so that a burst of readers costs one render instead of one
// per reader. The copies are dropped at once when this node changes a
// report or a comment, and after reportCacheTTL in any case, so a change
// made on another node shows within that time. Nothing here is shared
// between nodes: they stay stateless.

const (
	reportCacheTTL     = 2 * time.Second
	reportCacheEntries = 2000
)

type cachedPage struct {
	body    []byte
	header  http.Header
	gen     int64
	expires time.Time
}

type pageCache struct {
	mu      sync.RWMutex
	entries map[pageKey]cachedPage
}

// pageKey names a kept page: the same address is a different page in
// each language.
type pageKey struct{ lang, uri string }

func newPageCache() *pageCache { return &pageCache{entries: map[pageKey]cachedPage{}} }

func (s *Server) reportCache() *pageCache { return s.reportPages }

// cacheableRequest: a GET from a visitor who is not signed in and has no
// one-time message waiting.
func cacheableRequest(r *http.Request) bool {
	if r.Method != http.MethodGet || principalOf(r).SignedIn() {
		return false
	}
	for _, name := range []string{sessionCookie, flashCookie} {
		if _, err := r.Cookie(name); err == nil {
			return false
		}
	}
	return true
}

func (c *pageCache) get(key pageKey, gen int64, now time.Time) (cachedPage, bool) {
	c.mu.RLock()
	p, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || p.gen != gen || now.After(p.expires) {
		return cachedPage{}, false
	}
	return p, true
}

func (c *pageCache) put(key pageKey, p cachedPage) {
	c.mu.Lock()
	if len(c.entries) >= reportCacheEntries {
		c.entries = map[pageKey]cachedPage{}
	}
	c.entries[key] = p
	c.mu.Unlock()
}

// cachedReports serves a page of reports from the cache when it can, and
// otherwise renders it with render and keeps a copy when it may.
func (s *Server) cachedReports(w http.ResponseWriter, r *http.Request, render func(w http.ResponseWriter)) {
	if !cacheableRequest(r) {
		render(w)
		return
	}
	cache, key, gen, now := s.reportCache(), pageKey{s.langs.of(r).Code, r.URL.RequestURI()}, s.Reports.Generation(), time.Now()
	if p, ok := cache.get(key, gen, now); ok {
		for k, v := range p.header {
			w.Header()[k] = v
		}
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(p.body)
		return
	}
	cw := &captureWriter{header: http.Header{}}
	render(cw)
	for k, v := range cw.header {
		w.Header()[k] = v
	}
	status := cw.status
	if status == 0 {
		status = http.StatusOK
	}
	if status == http.StatusOK && len(cw.header.Values("Set-Cookie")) == 0 {
		h := http.Header{}
		for _, k := range []string{"Content-Type", "Cache-Control"} {
			if v := cw.header.Get(k); v != "" {
				h.Set(k, v)
			}
		}
		cache.put(key, cachedPage{body: cw.buf.Bytes(), header: h, gen: gen, expires: now.Add(reportCacheTTL)})
	}
	w.WriteHeader(status)
	_, _ = w.Write(cw.buf.Bytes())
}
