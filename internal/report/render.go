package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	nethtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"quorum/internal/org"
)

// renderer turns what authors write (Markdown, or HTML from an imported
// blog) into HTML that is safe to serve: Markdown goes through goldmark,
// then everything through one bluemonday policy that keeps the elements
// of an article and drops scripts, styles, event handlers and foreign
// URL schemes. Headings then get ids for the table of contents.
type renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
}

func newRenderer() *renderer {
	md := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		// Raw HTML is let through goldmark and removed or kept by the
		// policy, so that authors' simple HTML (a <sup>) survives.
		goldmark.WithRendererOptions(gmhtml.WithUnsafe()),
	)
	p := bluemonday.NewPolicy()
	p.AllowStandardURLs()
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowAttrs("href", "title").OnElements("a")
	p.AllowAttrs("src", "alt", "title", "width", "height").OnElements("img")
	p.AllowAttrs("cite").OnElements("blockquote", "q")
	p.AllowAttrs("colspan", "rowspan").OnElements("td", "th")
	p.AllowAttrs("scope").OnElements("th")
	p.AllowAttrs("start", "reversed").OnElements("ol")
	p.AllowElements("p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del", "ins", "sub", "sup", "small",
		"mark", "abbr", "cite", "q", "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
		"table", "caption", "thead", "tbody", "tfoot", "tr", "td", "th", "figure", "figcaption", "span", "div")
	p.RequireNoReferrerOnFullyQualifiedLinks(true)
	p.AddSpaceWhenStrippingTag(true)
	return &renderer{md: md, policy: p}
}

// TOCEntry is one heading of a report, for its table of contents.
type TOCEntry struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Level int    `json:"level"`
}

// Rendered is a report ready to serve.
type Rendered struct {
	HTML      string
	TOC       []TOCEntry
	PlainText string
}

// TOCJSON is the table of contents as stored.
func (r Rendered) TOCJSON() string {
	b, _ := json.Marshal(r.TOC)
	if len(r.TOC) == 0 {
		return "[]"
	}
	return string(b)
}

// ParseTOC reads a stored table of contents.
func ParseTOC(s string) []TOCEntry {
	var out []TOCEntry
	_ = json.Unmarshal([]byte(s), &out)
	return out
}

// Section is one standard section of a report as written.
type Section struct {
	Kind    string
	Heading string
	Body    string
}

// fragment renders one piece of source to sanitised HTML, with headings
// moved down so that the biggest is h{top} (the page's title is the h1).
func (r *renderer) fragment(format, src string, top int) string {
	var raw string
	if format == FormatHTML {
		raw = src
	} else {
		var buf bytes.Buffer
		if err := r.md.Convert([]byte(src), &buf); err != nil {
			// goldmark only fails on writer errors; a bytes.Buffer has none.
			raw = html.EscapeString(src)
		} else {
			raw = buf.String()
		}
	}
	return shiftHeadings(r.policy.Sanitize(raw), top)
}

// Formats of what authors write.
const (
	FormatMarkdown = "markdown"
	FormatHTML     = "html"
)

// render builds a whole report: the introduction, then each section under
// its heading (an h2), with ids on every h2 and h3 and the table of
// contents that lists them.
func (r *renderer) render(format, intro string, sections []Section) Rendered {
	var b strings.Builder
	if strings.TrimSpace(intro) != "" {
		b.WriteString(r.fragment(format, intro, 2))
	}
	for _, s := range sections {
		b.WriteString(`<section class="report-section"><h2>`)
		b.WriteString(html.EscapeString(s.Heading))
		b.WriteString("</h2>\n")
		b.WriteString(r.fragment(format, s.Body, 3))
		b.WriteString("</section>\n")
	}
	out, toc := addHeadingIDs(b.String())
	return Rendered{HTML: out, TOC: toc, PlainText: PlainText(out)}
}

// comment renders a comment: plain text, paragraphs at blank lines, line
// breaks kept, links made clickable only as text (no markup at all).
func commentHTML(body string) string {
	var b strings.Builder
	for _, para := range strings.Split(strings.ReplaceAll(body, "\r\n", "\n"), "\n\n") {
		para = strings.TrimSpace(para)
		if para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(html.EscapeString(para), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return b.String()
}

// shiftHeadings moves headings down so that the biggest is h{top}.
func shiftHeadings(s string, top int) string {
	if !strings.Contains(s, "<h") {
		return s
	}
	biggest := 7
	z0 := nethtml.NewTokenizer(strings.NewReader(s))
	for tt := z0.Next(); tt != nethtml.ErrorToken; tt = z0.Next() {
		if tt == nethtml.StartTagToken {
			name, _ := z0.TagName()
			if l := headingLevel(atom.Lookup(name)); l > 0 && l < biggest {
				biggest = l
			}
		}
	}
	shift := top - biggest
	if shift <= 0 {
		return s
	}
	var b strings.Builder
	z := nethtml.NewTokenizer(strings.NewReader(s))
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			if z.Err() == io.EOF {
				return b.String()
			}
			return s
		}
		tok := z.Token()
		if (tt == nethtml.StartTagToken || tt == nethtml.EndTagToken) && headingLevel(tok.DataAtom) > 0 {
			level := min(headingLevel(tok.DataAtom)+shift, 6)
			tok.Data = fmt.Sprintf("h%d", level)
			tok.DataAtom = 0
		}
		b.WriteString(tok.String())
	}
}

func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1:
		return 1
	case atom.H2:
		return 2
	case atom.H3:
		return 3
	case atom.H4:
		return 4
	case atom.H5:
		return 5
	case atom.H6:
		return 6
	}
	return 0
}

// addHeadingIDs gives every h2 and h3 an id made from its text (unique in
// the page) and lists them.
func addHeadingIDs(s string) (string, []TOCEntry) {
	var b strings.Builder
	var toc []TOCEntry
	used := map[string]int{}
	z := nethtml.NewTokenizer(strings.NewReader(s))
	var pending []nethtml.Token // a heading being read, start tag first
	for {
		tt := z.Next()
		if tt == nethtml.ErrorToken {
			for _, t := range pending {
				b.WriteString(t.String())
			}
			return b.String(), toc
		}
		tok := z.Token()
		lvl := 0
		if tok.Data == "h2" {
			lvl = 2
		} else if tok.Data == "h3" {
			lvl = 3
		}
		switch {
		case tt == nethtml.StartTagToken && lvl > 0 && pending == nil:
			pending = []nethtml.Token{tok}
		case pending != nil && tt == nethtml.EndTagToken && tok.Data == pending[0].Data:
			var text strings.Builder
			for _, t := range pending[1:] {
				if t.Type == nethtml.TextToken {
					text.WriteString(t.Data)
				}
			}
			title := strings.Join(strings.Fields(text.String()), " ")
			id := org.Slugify(title)
			if id == "" {
				id = "section"
			}
			if n := used[id]; n > 0 {
				used[id] = n + 1
				id = fmt.Sprintf("%s-%d", id, n+1)
			} else {
				used[id] = 1
			}
			start := pending[0]
			start.Attr = []nethtml.Attribute{{Key: "id", Val: id}}
			b.WriteString(start.String())
			for _, t := range pending[1:] {
				b.WriteString(t.String())
			}
			b.WriteString(tok.String())
			if title != "" {
				toc = append(toc, TOCEntry{ID: id, Title: title, Level: lvl})
			}
			pending = nil
		case pending != nil:
			pending = append(pending, tok)
		default:
			b.WriteString(tok.String())
		}
	}
}

// blockElements end a line of plain text.
var blockElements = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Br: true, atom.Li: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Tr: true, atom.Blockquote: true, atom.Pre: true, atom.Section: true, atom.Figure: true,
	atom.Figcaption: true, atom.Table: true, atom.Ul: true, atom.Ol: true, atom.Hr: true, atom.Dt: true, atom.Dd: true,
}

// PlainText turns HTML into readable text: paragraphs separated by blank
// lines, list items with a dash, no markup.
func PlainText(s string) string {
	var b strings.Builder
	z := nethtml.NewTokenizer(strings.NewReader(s))
	newline := func(n int) {
		str := b.String()
		have := len(str) - len(strings.TrimRight(str, "\n"))
		if b.Len() == 0 {
			return
		}
		for i := have; i < n; i++ {
			b.WriteByte('\n')
		}
	}
	for {
		tt := z.Next()
		switch tt {
		case nethtml.ErrorToken:
			return strings.TrimSpace(b.String())
		case nethtml.TextToken:
			text := strings.Join(strings.Fields(string(z.Text())), " ")
			if text == "" {
				continue
			}
			str := b.String()
			if len(str) > 0 && !strings.HasSuffix(str, "\n") && !strings.HasSuffix(str, " ") && !strings.HasSuffix(str, "- ") {
				raw := string(z.Raw())
				if raw != "" && (raw[0] == ' ' || raw[0] == '\n' || raw[0] == '\t') {
					b.WriteByte(' ')
				}
			}
			b.WriteString(text)
		case nethtml.StartTagToken, nethtml.EndTagToken, nethtml.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if !blockElements[a] {
				continue
			}
			switch {
			case a == atom.Br:
				newline(1)
			case a == atom.Li && tt == nethtml.StartTagToken:
				newline(1)
				b.WriteString("- ")
			case a == atom.Li || a == atom.Tr || a == atom.Dt || a == atom.Dd:
				newline(1)
			default:
				newline(2)
			}
		}
	}
}

// excerpt shortens text to about n characters at a word boundary.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if len(text) <= n {
		return text
	}
	cut := strings.LastIndex(text[:n], " ")
	if cut < n/2 {
		cut = n
	}
	for cut > 0 && !validCut(text, cut) {
		cut--
	}
	return strings.TrimRight(text[:cut], " ,;:–—-") + "…"
}

// validCut reports whether cutting text at byte i keeps UTF-8 whole.
func validCut(text string, i int) bool { return i >= len(text) || text[i]&0xC0 != 0x80 }

// paragraphText is the text of the paragraphs of some HTML, without
// headings, captions or lists: what a summary is made from.
func paragraphText(s string) string {
	var b strings.Builder
	z := nethtml.NewTokenizer(strings.NewReader(s))
	depth := 0
	for {
		switch z.Next() {
		case nethtml.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case nethtml.StartTagToken:
			if name, _ := z.TagName(); string(name) == "p" {
				depth++
			}
		case nethtml.EndTagToken:
			if name, _ := z.TagName(); string(name) == "p" && depth > 0 {
				depth--
				b.WriteByte(' ')
			}
		case nethtml.TextToken:
			if depth > 0 {
				b.Write(z.Text())
			}
		}
	}
}
