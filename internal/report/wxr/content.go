package wxr

import (
	"html"
	"regexp"
	"strconv"
	"strings"
)

// Body turns an item's content:encoded into HTML as the blog showed it,
// ready to be sanitised: classic-editor posts get the paragraphs
// WordPress adds when it shows them (its wpautop filter), block-editor
// posts lose their block comments, [caption] becomes a figure, [embed] a
// link, and [gallery] (which needs the blog's media) is dropped. teaser
// is what came before <!--more-->, the part listings showed ("" when the
// post has no such mark).
func Body(content string) (body, teaser string) {
	content = strings.ReplaceAll(strings.ReplaceAll(content, "\r\n", "\n"), "\r", "\n")
	if loc := moreRE.FindStringIndex(content); loc != nil {
		teaser = content[:loc[0]]
		content = content[:loc[0]] + "\n\n" + content[loc[1]:]
	}
	content = nextPageRE.ReplaceAllString(content, "\n\n")
	block := strings.Contains(content, "<!-- wp:")
	content = shortcodes(content)
	if block {
		body = strings.TrimSpace(blockCommentRE.ReplaceAllString(content, ""))
		if teaser != "" {
			teaser = strings.TrimSpace(blockCommentRE.ReplaceAllString(shortcodes(teaser), ""))
		}
		return body, teaser
	}
	body = Autop(content)
	if teaser != "" {
		teaser = Autop(shortcodes(teaser))
	}
	return body, teaser
}

var (
	moreRE         = regexp.MustCompile(`<!--more(.*?)?-->`)
	nextPageRE     = regexp.MustCompile(`<!--nextpage-->`)
	blockCommentRE = regexp.MustCompile(`<!--\s*/?wp:[^>]*?-->\n?`)
	captionRE      = regexp.MustCompile(`(?s)\[caption([^\]]*)\](.*?)\[/caption\]`)
	captionAttrRE  = regexp.MustCompile(`caption="([^"]*)"`)
	captionImgRE   = regexp.MustCompile(`(?s)^\s*((?:<a [^>]*>\s*)?<img [^>]*>(?:\s*</a>)?)(.*)$`)
	embedRE        = regexp.MustCompile(`\[embed[^\]]*\](.*?)\[/embed\]`)
	galleryRE      = regexp.MustCompile(`\[gallery[^\]]*\]`)
)

// shortcodes replaces the shortcodes WordPress itself defines.
func shortcodes(s string) string {
	s = captionRE.ReplaceAllStringFunc(s, func(m string) string {
		parts := captionRE.FindStringSubmatch(m)
		attrs, inner := parts[1], strings.TrimSpace(parts[2])
		caption := ""
		img := inner
		if im := captionImgRE.FindStringSubmatch(inner); im != nil {
			img, caption = im[1], strings.TrimSpace(im[2])
		}
		if c := captionAttrRE.FindStringSubmatch(attrs); c != nil && caption == "" {
			caption = html.EscapeString(html.UnescapeString(c[1]))
		}
		out := "\n\n<figure>" + img
		if caption != "" {
			out += "<figcaption>" + caption + "</figcaption>"
		}
		return out + "</figure>\n\n"
	})
	s = embedRE.ReplaceAllStringFunc(s, func(m string) string {
		u := strings.TrimSpace(embedRE.FindStringSubmatch(m)[1])
		return `<a href="` + html.EscapeString(u) + `">` + html.EscapeString(u) + `</a>`
	})
	return galleryRE.ReplaceAllString(s, "")
}

// blockTags are the elements that are never put inside a paragraph.
const blockTags = `table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe|script|object|video|audio`

var (
	blockOpenRE  = regexp.MustCompile(`(?i)(<(?:` + blockTags + `)[\s/>])`)
	blockCloseRE = regexp.MustCompile(`(?i)(</(?:` + blockTags + `)>)`)
	blockStartRE = regexp.MustCompile(`(?i)^</?(?:` + blockTags + `)[\s/>]`)
	blockEndRE   = regexp.MustCompile(`(?i)</(?:` + blockTags + `)>$`)
	preRE        = regexp.MustCompile(`(?is)<pre[\s>].*?</pre>`)
	blanksRE     = regexp.MustCompile(`\n\s*\n`)
)

// Autop adds paragraphs to text written as the classic editor stores it:
// a blank line ends a paragraph, a single line break is a <br>, and block
// elements (headings, lists, tables…) stand on their own. Text inside
// <pre> is left as it is.
func Autop(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	var pres []string
	s = preRE.ReplaceAllStringFunc(s, func(m string) string {
		pres = append(pres, m)
		return "\n\n<pre-placeholder-" + strconv.Itoa(len(pres)-1) + ">\n\n"
	})
	s = blockOpenRE.ReplaceAllString(s, "\n\n$1")
	s = blockCloseRE.ReplaceAllString(s, "$1\n\n")
	var b strings.Builder
	for _, chunk := range blanksRE.Split(s, -1) {
		chunk = strings.TrimSpace(chunk)
		if chunk == "" {
			continue
		}
		if strings.HasPrefix(chunk, "<pre-placeholder-") {
			b.WriteString(chunk + "\n")
			continue
		}
		if blockStartRE.MatchString(chunk) || blockEndRE.MatchString(chunk) {
			b.WriteString(chunk + "\n")
			continue
		}
		b.WriteString("<p>" + strings.ReplaceAll(chunk, "\n", "<br>\n") + "</p>\n")
	}
	out := b.String()
	for i, p := range pres {
		out = strings.Replace(out, "<pre-placeholder-"+strconv.Itoa(i)+">", p, 1)
	}
	return strings.TrimSpace(out)
}
