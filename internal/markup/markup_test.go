package markup

import (
	"regexp"
	"strings"
	"testing"
)

// handlerInTag finds an on…= attribute inside a tag.
var handlerInTag = regexp.MustCompile(`<[a-z][^>]*\son[a-z]+\s*=`)

func TestRenderKeepsTextAndDropsScripts(t *testing.T) {
	cases := []struct{ in, want, never string }{
		{"**Vote** for [us](https://example.org)", "<strong>Vote</strong>", "<script"},
		{"<script>alert(1)</script>\n\nhello", "hello", "<script"},
		{"[x](javascript:alert(1))", "x", "javascript:"},
		{"<img src=x onerror=alert(1)>", "", "onerror"},
		{"- one\n- two", "<li>one</li>", "<script"},
	}
	for _, c := range cases {
		got := string(Render(c.in))
		if !strings.Contains(got, c.want) || strings.Contains(got, c.never) {
			t.Errorf("Render(%q) = %q; want %q and no %q", c.in, got, c.want, c.never)
		}
	}
}

func FuzzRender(f *testing.F) {
	f.Add("# title\n\n<a href=\"javascript:x\" onclick=\"y\">z</a>")
	f.Fuzz(func(t *testing.T, s string) {
		out := strings.ToLower(string(Render(s)))
		for _, bad := range []string{"<script", "=\"javascript:", "<iframe", "<style", "<object"} {
			if strings.Contains(out, bad) {
				t.Fatalf("Render(%q) let %q through: %q", s, bad, out)
			}
		}
		if handlerInTag.MatchString(out) {
			t.Fatalf("Render(%q) kept an event handler: %q", s, out)
		}
	})
}
