package web

import (
	"net/http"
	"net/url"
	"strconv"

	"quorum/internal/store"
)

// pager carries what a listing needs to link to its other pages.
type pager struct {
	Number, Size, Total, Pages int
	base                       url.URL
}

func pageFrom(r *http.Request, size int) store.Page {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if n < 1 {
		n = 1
	}
	return store.Page{Number: n, Size: size}
}

func newPager(r *http.Request, p store.Page, total int) *pager {
	pages := (total + p.Limit() - 1) / p.Limit()
	if pages < 1 {
		pages = 1
	}
	return &pager{Number: max(p.Number, 1), Size: p.Limit(), Total: total, Pages: pages, base: *r.URL}
}

// Link is the address of page n, keeping the other query parameters.
func (p *pager) Link(n int) string {
	u := p.base
	q := u.Query()
	q.Set("page", strconv.Itoa(n))
	u.RawQuery = q.Encode()
	return u.RequestURI()
}
