package report

import (
	"slices"
	"strings"
	"testing"

	"quorum/internal/report/wxr"
)

func TestOldAddressKey(t *testing.T) {
	cases := []struct{ path, query, want string }{
		{"/2016/01/26/a-post/", "", "/2016/01/26/a-post/"},
		{"/a-post/", "utm_source=twitter&utm_medium=social", "/a-post/"},
		{"/", "p=123", "/?p=123"},
		{"/", "p=0123", "/?p=123"},
		{"/index.php", "p=123", "/?p=123"},
		{"/blog/index.php", "page_id=7", "/blog/?page_id=7"},
		{"/", "page_id=7&replytocom=3", "/?page_id=7"},
		{"/", "attachment_id=9", "/?attachment_id=9"},
		{"/", "p=1&page_id=2", "/?p=1"},
		{"/", "p=abc", "/"},
		{"/", "p=-4", "/"},
		{"/", "p=%zz", "/"},
		{"relative", "", ""},
		{"", "p=1", ""},
		{"/with\nnewline", "", ""},
	}
	for _, c := range cases {
		if got := OldAddressKey(c.path, c.query); got != c.want {
			t.Errorf("OldAddressKey(%q, %q) = %q, want %q", c.path, c.query, got, c.want)
		}
	}
}

// TestOldAddressesOfEveryShape: whatever permalink structure the blog
// used, the item's link is kept, with the query forms of its id and its
// guid when that is an address on the blog.
func TestOldAddressesOfEveryShape(t *testing.T) {
	const site = "https://blog.example"
	cases := []struct {
		name, base, link, guid string
		id                     int64
		sure, guid2            []string
	}{
		{"day and name (%year%/%monthnum%/%day%/%postname%)", site, site + "/2016/01/26/a-post/", site + "/?p=12", 12,
			[]string{"/2016/01/26/a-post/", "/?p=12", "/?page_id=12"}, nil},
		{"month and name", site, site + "/2016/01/a-post/", site + "/?p=12", 12,
			[]string{"/2016/01/a-post/", "/?p=12", "/?page_id=12"}, nil},
		{"post name", site, site + "/a-post/", site + "/?p=12", 12,
			[]string{"/a-post/", "/?p=12", "/?page_id=12"}, nil},
		{"numeric (archives/%post_id%)", site, site + "/archives/123", site + "/?p=123", 123,
			[]string{"/archives/123", "/?p=123", "/?page_id=123"}, nil},
		{"category and name", site, site + "/elections/leadership/a-post/", site + "/?p=12", 12,
			[]string{"/elections/leadership/a-post/", "/?p=12", "/?page_id=12"}, nil},
		{"year and id", site, site + "/2016/123/", site + "/?p=123", 123,
			[]string{"/2016/123/", "/?p=123", "/?page_id=123"}, nil},
		{"plain (?p=)", site, site + "/?p=123", site + "/?p=123", 123,
			[]string{"/?p=123", "/?page_id=123"}, nil},
		{"plain page (?page_id=)", site, site + "/?page_id=7", site + "/?page_id=7", 7,
			[]string{"/?page_id=7", "/?p=7"}, nil},
		{"PATHINFO (index.php/…)", site, site + "/index.php/2016/01/a-post/", site + "/?p=12", 12,
			[]string{"/index.php/2016/01/a-post/", "/?p=12", "/?page_id=12"}, nil},
		{"blog in a folder", "https://example.org/blog/", "https://example.org/blog/2016/a-post/", "https://example.org/blog/?p=5", 5,
			[]string{"/blog/2016/a-post/", "/blog/?p=5", "/blog/?page_id=5"}, nil},
		{"percent-encoded slug", site, site + "/2016/01/caf%C3%A9/", site + "/?p=12", 12,
			[]string{"/2016/01/café/", "/?p=12", "/?page_id=12"}, nil},
		{"guid the same as the link", site, site + "/2016/01/26/a-post/", site + "/2016/01/26/a-post/", 12,
			[]string{"/2016/01/26/a-post/", "/?p=12", "/?page_id=12"}, nil},
		{"guid of an earlier address on the blog", site, site + "/a-post/", site + "/old-name/", 12,
			[]string{"/a-post/", "/?p=12", "/?page_id=12"}, []string{"/old-name/"}},
		{"guid from the site the blog moved from", site, site + "/a-post/", "http://old.example/?p=99", 12,
			[]string{"/a-post/", "/?p=12", "/?page_id=12"}, nil},
		{"guid that is not an address", site, site + "/a-post/", "urn:uuid:1234", 12,
			[]string{"/a-post/", "/?p=12", "/?page_id=12"}, nil},
		{"front page", site, site + "/", site + "/?page_id=2", 2,
			[]string{"/?p=2", "/?page_id=2"}, nil},
		{"no link", site, "", "", 12,
			[]string{"/?p=12", "/?page_id=12"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sure, guid := parseBlogAddress(c.base).itemAddresses(wxr.Item{Link: c.link, GUID: c.guid, PostID: c.id})
			if !slices.Equal(sure, c.sure) || !slices.Equal(guid, c.guid2) {
				t.Errorf("addresses %q and guid %q, want %q and %q", sure, guid, c.sure, c.guid2)
			}
			// What is kept is what a request for the link looks up.
			for _, k := range sure {
				if k != OldAddressKey(pathAndQuery(k)) {
					t.Errorf("key %q is not the key of its own request", k)
				}
			}
		})
	}
}

func pathAndQuery(key string) (string, string) {
	if i := strings.LastIndexByte(key, '?'); i >= 0 {
		return key[:i], key[i+1:]
	}
	return key, ""
}

func TestAttachmentAddresses(t *testing.T) {
	b := parseBlogAddress("https://blog.example")
	got := b.attachmentAddresses(wxr.Item{Link: "https://blog.example/2020/01/02/rally/minutes/", PostID: 21})
	if want := []string{"/2020/01/02/rally/minutes/", "/?attachment_id=21"}; !slices.Equal(got, want) {
		t.Errorf("attachment page: %q, want %q", got, want)
	}
}

func TestLinkFormsAreRewritten(t *testing.T) {
	b := parseBlogAddress("https://blog.example")
	it := wxr.Item{Link: "https://blog.example/2016/01/a-post/", GUID: "https://blog.example/?p=12", PostID: 12}
	forms := b.linkForms("https://blog.example", it)
	for _, want := range []string{it.Link, it.GUID, "https://blog.example/?page_id=12", "/2016/01/a-post/"} {
		if !slices.Contains(forms, want) {
			t.Errorf("link forms %q lack %q", forms, want)
		}
	}
	// A guid from another site is another site's address.
	it.GUID = "http://old.example/?p=99"
	if forms := b.linkForms("https://blog.example", it); slices.Contains(forms, it.GUID) {
		t.Errorf("link forms %q include another site's address", forms)
	}
}

func FuzzOldAddressKey(f *testing.F) {
	for _, s := range [][2]string{{"/", "p=1"}, {"/index.php", "page_id=2&x=y"}, {"/a/b/", ""}, {"/%zz", "p=%"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		k := OldAddressKey(path, query)
		if k == "" {
			return
		}
		if k[0] != '/' {
			t.Fatalf("key %q does not start with a slash", k)
		}
		if k == path {
			return
		}
		// A key naming an item is stable: requested, it is its own key.
		i := strings.LastIndexByte(k, '?')
		if i < 0 || OldAddressKey(k[:i], k[i+1:]) != k {
			t.Fatalf("key %q of (%q, %q) is not its own key", k, path, query)
		}
	})
}
