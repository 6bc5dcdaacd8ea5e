// Package markup turns Markdown written by people (candidates' statements,
// election descriptions) into HTML that is safe to serve: raw HTML in the
// source is escaped by goldmark and the output passes bluemonday's policy
// for user content, so no script, style or event handler survives.
package markup

import (
	"bytes"
	"html/template"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

var (
	md     = goldmark.New(goldmark.WithExtensions(extension.Strikethrough, extension.Linkify))
	policy = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoReferrerOnFullyQualifiedLinks(true)
		p.AllowURLSchemes("http", "https", "mailto")
		return p
	}()
)

// Render returns the sanitised HTML of a Markdown text.
func Render(source string) template.HTML {
	var buf bytes.Buffer
	if err := md.Convert([]byte(source), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(source))
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) // sanitised just above
}
