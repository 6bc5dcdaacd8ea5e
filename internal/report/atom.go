package report

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/url"
	"time"

	"quorum/internal/store"
)

// Atom feeds (RFC 4287) of published reports: the whole site, one body,
// one representative. Written with encoding/xml: the format is small and a
// library would add nothing.

type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string      `xml:"title"`
	ID      string      `xml:"id"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  *atomPerson `xml:"author,omitempty"`
	Gen     string      `xml:"generator"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title     string         `xml:"title"`
	ID        string         `xml:"id"`
	Published string         `xml:"published"`
	Updated   string         `xml:"updated"`
	Links     []atomLink     `xml:"link"`
	Author    atomPerson     `xml:"author"`
	Category  []atomCategory `xml:"category"`
	Summary   atomText       `xml:"summary"`
	Content   atomText       `xml:"content"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr,omitempty"`
}

// FeedScope says which reports a feed holds.
type FeedScope struct {
	Title    string
	Path     string // the feed's own address, e.g. /feed.atom
	PagePath string // the page it follows, e.g. /
	BodyID   int64
	AuthorID int64
}

// feedSize is how many reports a feed holds.
const feedSize = 30

// WriteFeed writes the Atom feed of a scope.
func (s *Service) WriteFeed(ctx context.Context, w io.Writer, scope FeedScope) error {
	reports, _, err := s.DB.Reports(ctx, store.ReportFilter{BodyID: scope.BodyID, AuthorID: scope.AuthorID, Page: store.Page{Size: feedSize}})
	if err != nil {
		return err
	}
	base := s.cfg.BaseURL
	f := atomFeed{
		Title: scope.Title, ID: base + scope.Path, Gen: "Quorum",
		Links: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + scope.Path}, {Rel: "alternate", Type: "text/html", Href: base + scope.PagePath}},
	}
	updated := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, r := range reports {
		full, err := s.DB.ReportByID(ctx, r.ID)
		if err != nil {
			return err
		}
		tags, err := s.DB.TagsOfReport(ctx, r.ID)
		if err != nil {
			return err
		}
		link := base + "/reports/" + url.PathEscape(r.Slug)
		e := atomEntry{
			Title: r.Title, ID: link, Published: r.PublishAt.Format(time.RFC3339), Updated: maxTime(r.PublishAt, r.UpdatedAt).Format(time.RFC3339),
			Links:   []atomLink{{Rel: "alternate", Type: "text/html", Href: link}},
			Author:  atomPerson{Name: r.AuthorName, URI: base + "/people/" + url.PathEscape(r.AuthorSlug) + "/reports"},
			Summary: atomText{Type: "text", Body: r.Summary},
			Content: atomText{Type: "html", Body: absoluteLinks(full.HTML, base)},
		}
		for _, t := range tags {
			e.Category = append(e.Category, atomCategory{Term: t.Slug, Label: t.Name})
		}
		if u := maxTime(r.PublishAt, r.UpdatedAt); u.After(updated) {
			updated = u
		}
		f.Entries = append(f.Entries, e)
	}
	f.Updated = updated.Format(time.RFC3339)
	if scope.AuthorID != 0 && len(reports) > 0 {
		f.Author = &atomPerson{Name: reports[0].AuthorName}
	} else {
		f.Author = &atomPerson{Name: s.cfg.SiteName}
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("atom feed: %w", err)
	}
	return enc.Close()
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
