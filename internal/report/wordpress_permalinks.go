package report

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"quorum/internal/report/wxr"
)

// Old addresses of an imported blog. A WordPress post answers at the
// address its permalink structure gives it (/2016/01/26/slug/,
// /2016/01/slug/, /slug/, /archives/123, /elections/slug/, /?p=123…),
// which the export holds in each item's link, and also at /?p=123 (for
// a page /?page_id=123), which is what its guid usually is. Each of these
// is kept as a redirect to the report, so that old links and bookmarks
// land on it whatever structure the blog used.
//
// A redirect is keyed by the old address's path and, for the query forms,
// its one meaningful parameter: OldAddressKey gives the key of a request
// and of an old link alike.

// queryIDParams are the query parameters by which WordPress finds an
// item whatever the permalink structure, in the order they are looked at.
var queryIDParams = []string{"p", "page_id", "attachment_id"}

// OldAddressKey is the key under which an old address of an imported
// blog is kept: its path as given, followed, when the query names an item
// by id (?p=123, ?page_id=123, ?attachment_id=123), by that one
// parameter. Other parameters (tracking tags, ?replytocom=…) are ignored,
// and /index.php?p=123 is the same as /?p=123. It is "" for an address
// that cannot be kept: a path not starting with a slash, or with control
// characters.
func OldAddressKey(path, rawQuery string) string {
	if !strings.HasPrefix(path, "/") || strings.ContainsFunc(path, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return ""
	}
	if rawQuery == "" {
		return path
	}
	q, _ := url.ParseQuery(rawQuery) // what parses is enough
	for _, name := range queryIDParams {
		id, err := strconv.ParseInt(strings.TrimSpace(q.Get(name)), 10, 64)
		if err != nil || id <= 0 {
			continue
		}
		if strings.HasSuffix(path, "/index.php") {
			path = strings.TrimSuffix(path, "index.php")
		}
		return path + "?" + name + "=" + strconv.FormatInt(id, 10)
	}
	return path
}

// blogAddress is the old blog's address: scheme, host and the path it
// lives under ("" at the root of its site, "/blog" in a folder).
type blogAddress struct {
	host string
	path string
}

func parseBlogAddress(base string) blogAddress {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return blogAddress{}
	}
	return blogAddress{host: strings.ToLower(u.Host), path: strings.TrimRight(u.Path, "/")}
}

// keyOf is the key of an address of the old blog: an absolute address,
// or a path. Unless anyHost, an address on another host than the blog's
// gives "" (an item's link is the blog's own whatever its host says; a
// guid may come from another site).
func (b blogAddress) keyOf(address string, anyHost bool) string {
	u, err := url.Parse(strings.TrimSpace(address))
	if err != nil || u.Opaque != "" {
		return ""
	}
	if !anyHost && u.Host != "" && b.host != "" && !strings.EqualFold(u.Host, b.host) {
		return ""
	}
	if u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	p := u.Path
	if p == "" {
		p = "/"
	}
	return OldAddressKey(p, u.RawQuery)
}

// queryKeys are the keys of the query forms that reach the item with
// this id on the old blog.
func (b blogAddress) queryKeys(id int64, params ...string) []string {
	if id <= 0 {
		return nil
	}
	var out []string
	for _, name := range params {
		out = append(out, b.path+"/?"+name+"="+strconv.FormatInt(id, 10))
	}
	return out
}

// itemAddresses are the keys of every old address of a post or page, the
// surest first: its permalink (the item's link), the query forms of its
// id, and its guid when that is an address on the blog (WordPress writes
// https://blog/?p=123; a blog moved from another site keeps the guids of
// the old one, which are not addresses on this blog and are left out).
func (b blogAddress) itemAddresses(it wxr.Item) (sure, guid []string) {
	if k := b.keyOf(it.Link, true); k != "" && k != b.path+"/" && k != "/" {
		sure = append(sure, k)
	}
	sure = append(sure, b.queryKeys(it.PostID, "p", "page_id")...)
	if k := b.keyOf(it.GUID, false); it.GUID != "" && k != "" && k != b.path+"/" && k != "/" && !slices.Contains(sure, k) {
		guid = append(guid, k)
	}
	return distinct(sure), guid
}

// distinct keeps the first of each key, in order.
func distinct(keys []string) []string {
	var out []string
	for _, k := range keys {
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

// attachmentAddresses are the keys of the page WordPress showed for a
// media item (its link, and /?attachment_id=N).
func (b blogAddress) attachmentAddresses(it wxr.Item) []string {
	var out []string
	if k := b.keyOf(it.Link, true); k != "" && k != b.path+"/" && k != "/" {
		out = append(out, k)
	}
	return append(out, b.queryKeys(it.PostID, "attachment_id")...)
}

// linkForms are the ways a post may link to another post of the same
// blog: the item's link and guid as written, and the query forms on the
// blog's own address; each is rewritten to the new address.
func (b blogAddress) linkForms(base string, it wxr.Item) []string {
	forms := []string{it.Link}
	if it.GUID != "" && b.keyOf(it.GUID, false) != "" {
		forms = append(forms, it.GUID)
	}
	base = strings.TrimRight(base, "/")
	if base != "" && it.PostID > 0 {
		id := strconv.FormatInt(it.PostID, 10)
		forms = append(forms, base+"/?p="+id, base+"/?page_id="+id)
	}
	// Links written as a path on the same site.
	if u, err := url.Parse(it.Link); err == nil && u.Host != "" && u.Path != "" && u.Path != "/" {
		forms = append(forms, u.EscapedPath())
	}
	out := forms[:0]
	for _, f := range forms {
		if strings.TrimSpace(f) != "" && !strings.ContainsAny(f, `"<>`) {
			out = append(out, f)
		}
	}
	return out
}
