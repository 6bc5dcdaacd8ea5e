// Package wxr reads WordPress eXtended RSS files: the export WordPress
// writes from Tools → Export. It only parses; what to do with the
// content is the importer's business. It uses a real XML parser, because
// the text fields are CDATA sections that WordPress splits when a text
// holds "]]>", and the file's layout is irregular.
package wxr

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Namespaces of the elements read. Files from older WordPress versions
// use export/1.1/ or export/1.0/; they are read as 1.2.
const (
	nsWP      = "http://wordpress.org/export/1.2/"
	nsExcerpt = "http://wordpress.org/export/1.2/excerpt/"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
)

// ErrNotWXR is returned for a file that is not a WordPress export.
var ErrNotWXR = errors.New("not a WordPress export (WXR) file")

// Export is the content of a WXR file.
type Export struct {
	Title       string
	Link        string
	WXRVersion  string
	BaseSiteURL string
	BaseBlogURL string
	Authors     []Author
	Categories  []Category
	Tags        []Tag
	Terms       []Term
	Items       []Item
}

// Author is an account that wrote items; items name it by Login.
type Author struct {
	ID          string `xml:"http://wordpress.org/export/1.2/ author_id"`
	Login       string `xml:"http://wordpress.org/export/1.2/ author_login"`
	Email       string `xml:"http://wordpress.org/export/1.2/ author_email"`
	DisplayName string `xml:"http://wordpress.org/export/1.2/ author_display_name"`
	FirstName   string `xml:"http://wordpress.org/export/1.2/ author_first_name"`
	LastName    string `xml:"http://wordpress.org/export/1.2/ author_last_name"`
}

// Category is a post category; Parent is the parent's slug (nicename).
type Category struct {
	TermID      string `xml:"http://wordpress.org/export/1.2/ term_id"`
	Slug        string `xml:"http://wordpress.org/export/1.2/ category_nicename"`
	Parent      string `xml:"http://wordpress.org/export/1.2/ category_parent"`
	Name        string `xml:"http://wordpress.org/export/1.2/ cat_name"`
	Description string `xml:"http://wordpress.org/export/1.2/ category_description"`
}

// Tag is a post tag.
type Tag struct {
	TermID      string `xml:"http://wordpress.org/export/1.2/ term_id"`
	Slug        string `xml:"http://wordpress.org/export/1.2/ tag_slug"`
	Name        string `xml:"http://wordpress.org/export/1.2/ tag_name"`
	Description string `xml:"http://wordpress.org/export/1.2/ tag_description"`
}

// Term is any taxonomy term; WordPress repeats categories and tags here.
type Term struct {
	TermID   string `xml:"http://wordpress.org/export/1.2/ term_id"`
	Taxonomy string `xml:"http://wordpress.org/export/1.2/ term_taxonomy"`
	Slug     string `xml:"http://wordpress.org/export/1.2/ term_slug"`
	Parent   string `xml:"http://wordpress.org/export/1.2/ term_parent"`
	Name     string `xml:"http://wordpress.org/export/1.2/ term_name"`
}

// Item is a post, page, attachment or any other post type.
type Item struct {
	Title         string
	Link          string
	PubDate       string
	Creator       string // the author's login
	GUID          string
	Content       string // HTML
	Excerpt       string
	PostID        int64
	PostParent    int64
	MenuOrder     int
	Date          string // wall-clock time of the blog, YYYY-MM-DD hh:mm:ss
	DateGMT       string // UTC; 0000-00-00 00:00:00 for drafts
	Modified      string
	ModifiedGMT   string
	CommentStatus string
	PingStatus    string
	Status        string
	PostType      string
	PostName      string
	Password      string
	Sticky        bool
	AttachmentURL string
	Terms         []ItemTerm
	Meta          []Meta
	Comments      []Comment
}

// ItemTerm is a category or tag of an item.
type ItemTerm struct {
	Domain string // "category", "post_tag" or a custom taxonomy
	Slug   string
	Name   string
}

// Meta is a custom field of an item or comment.
type Meta struct {
	Key   string `xml:"http://wordpress.org/export/1.2/ meta_key"`
	Value string `xml:"http://wordpress.org/export/1.2/ meta_value"`
}

// Comment is a comment on an item.
type Comment struct {
	ID          int64  `xml:"http://wordpress.org/export/1.2/ comment_id"`
	Author      string `xml:"http://wordpress.org/export/1.2/ comment_author"`
	AuthorEmail string `xml:"http://wordpress.org/export/1.2/ comment_author_email"`
	AuthorURL   string `xml:"http://wordpress.org/export/1.2/ comment_author_url"`
	AuthorIP    string `xml:"http://wordpress.org/export/1.2/ comment_author_IP"`
	Date        string `xml:"http://wordpress.org/export/1.2/ comment_date"`
	DateGMT     string `xml:"http://wordpress.org/export/1.2/ comment_date_gmt"`
	Content     string `xml:"http://wordpress.org/export/1.2/ comment_content"`
	// Approved is "1" (shown), "0" (held), "spam" or "trash".
	Approved string `xml:"http://wordpress.org/export/1.2/ comment_approved"`
	// Type is "comment" (or "" in old files), "pingback" or "trackback".
	Type   string `xml:"http://wordpress.org/export/1.2/ comment_type"`
	Parent int64  `xml:"http://wordpress.org/export/1.2/ comment_parent"`
	UserID int64  `xml:"http://wordpress.org/export/1.2/ comment_user_id"`
	Meta   []Meta `xml:"http://wordpress.org/export/1.2/ commentmeta"`
}

// The XML shapes decoded; numbers are read as text first so that a stray
// space or an empty element does not fail the whole file.
type rssXML struct {
	XMLName xml.Name   `xml:"rss"`
	Channel channelXML `xml:"channel"`
}

type channelXML struct {
	Title       string     `xml:"title"`
	Link        string     `xml:"link"`
	WXRVersion  string     `xml:"http://wordpress.org/export/1.2/ wxr_version"`
	BaseSiteURL string     `xml:"http://wordpress.org/export/1.2/ base_site_url"`
	BaseBlogURL string     `xml:"http://wordpress.org/export/1.2/ base_blog_url"`
	Authors     []Author   `xml:"http://wordpress.org/export/1.2/ author"`
	Categories  []Category `xml:"http://wordpress.org/export/1.2/ category"`
	Tags        []Tag      `xml:"http://wordpress.org/export/1.2/ tag"`
	Terms       []Term     `xml:"http://wordpress.org/export/1.2/ term"`
	Items       []itemXML  `xml:"item"`
}

type itemXML struct {
	Title         string       `xml:"title"`
	Link          string       `xml:"link"`
	PubDate       string       `xml:"pubDate"`
	Creator       string       `xml:"http://purl.org/dc/elements/1.1/ creator"`
	GUID          string       `xml:"guid"`
	Content       string       `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	Excerpt       string       `xml:"http://wordpress.org/export/1.2/excerpt/ encoded"`
	PostID        string       `xml:"http://wordpress.org/export/1.2/ post_id"`
	PostParent    string       `xml:"http://wordpress.org/export/1.2/ post_parent"`
	MenuOrder     string       `xml:"http://wordpress.org/export/1.2/ menu_order"`
	Date          string       `xml:"http://wordpress.org/export/1.2/ post_date"`
	DateGMT       string       `xml:"http://wordpress.org/export/1.2/ post_date_gmt"`
	Modified      string       `xml:"http://wordpress.org/export/1.2/ post_modified"`
	ModifiedGMT   string       `xml:"http://wordpress.org/export/1.2/ post_modified_gmt"`
	CommentStatus string       `xml:"http://wordpress.org/export/1.2/ comment_status"`
	PingStatus    string       `xml:"http://wordpress.org/export/1.2/ ping_status"`
	Status        string       `xml:"http://wordpress.org/export/1.2/ status"`
	PostType      string       `xml:"http://wordpress.org/export/1.2/ post_type"`
	PostName      string       `xml:"http://wordpress.org/export/1.2/ post_name"`
	Password      string       `xml:"http://wordpress.org/export/1.2/ post_password"`
	Sticky        string       `xml:"http://wordpress.org/export/1.2/ is_sticky"`
	AttachmentURL string       `xml:"http://wordpress.org/export/1.2/ attachment_url"`
	Categories    []termXML    `xml:"category"`
	Meta          []Meta       `xml:"http://wordpress.org/export/1.2/ postmeta"`
	Comments      []commentXML `xml:"http://wordpress.org/export/1.2/ comment"`
}

type termXML struct {
	Domain   string `xml:"domain,attr"`
	Nicename string `xml:"nicename,attr"`
	Name     string `xml:",chardata"`
}

type commentXML struct {
	ID          string `xml:"http://wordpress.org/export/1.2/ comment_id"`
	Author      string `xml:"http://wordpress.org/export/1.2/ comment_author"`
	AuthorEmail string `xml:"http://wordpress.org/export/1.2/ comment_author_email"`
	AuthorURL   string `xml:"http://wordpress.org/export/1.2/ comment_author_url"`
	AuthorIP    string `xml:"http://wordpress.org/export/1.2/ comment_author_IP"`
	Date        string `xml:"http://wordpress.org/export/1.2/ comment_date"`
	DateGMT     string `xml:"http://wordpress.org/export/1.2/ comment_date_gmt"`
	Content     string `xml:"http://wordpress.org/export/1.2/ comment_content"`
	Approved    string `xml:"http://wordpress.org/export/1.2/ comment_approved"`
	Type        string `xml:"http://wordpress.org/export/1.2/ comment_type"`
	Parent      string `xml:"http://wordpress.org/export/1.2/ comment_parent"`
	UserID      string `xml:"http://wordpress.org/export/1.2/ comment_user_id"`
	Meta        []Meta `xml:"http://wordpress.org/export/1.2/ commentmeta"`
}

// normaliser reads tokens and gives the older WXR namespaces the names
// of 1.2, so that one set of struct tags reads every version.
type normaliser struct{ d *xml.Decoder }

// Token returns the next token with prefixes resolved by the inner
// decoder and the namespaces normalised.
func (n normaliser) Token() (xml.Token, error) {
	t, err := n.d.Token()
	if err != nil {
		return t, err
	}
	switch e := t.(type) {
	case xml.StartElement:
		e.Name.Space = normalSpace(e.Name.Space)
		for i := range e.Attr {
			if e.Attr[i].Name.Space == "xmlns" {
				e.Attr[i].Value = normalSpace(e.Attr[i].Value)
			}
		}
		return e, nil
	case xml.EndElement:
		e.Name.Space = normalSpace(e.Name.Space)
		return e, nil
	}
	return t, nil
}

func normalSpace(s string) string {
	switch s {
	case "http://wordpress.org/export/1.1/", "http://wordpress.org/export/1.0/":
		return nsWP
	case "http://wordpress.org/export/1.1/excerpt/", "http://wordpress.org/export/1.0/excerpt/":
		return nsExcerpt
	}
	return s
}

// Parse reads a WXR file. It fails on XML that is not well formed and on
// a file without an RSS channel; odd values inside items (an unparseable
// number) are kept as zero for the importer to judge.
func Parse(r io.Reader) (*Export, error) {
	// The inner decoder resolves prefixes to namespace URLs; the
	// normaliser renames the old ones; the outer decoder fills the structs.
	inner := xml.NewDecoder(r)
	inner.Strict = true
	inner.Entity = xml.HTMLEntity
	inner.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return input, nil
		}
		return nil, fmt.Errorf("the file is in %s; export it again as UTF-8", charset)
	}
	d := xml.NewTokenDecoder(normaliser{d: inner})
	var doc rssXML
	if err := d.Decode(&doc); err != nil {
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("%w: line %d: %s", ErrNotWXR, se.Line, se.Msg)
		}
		if strings.Contains(err.Error(), "expected element type <rss>") || errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%w: no <rss> element", ErrNotWXR)
		}
		return nil, fmt.Errorf("%w: %v", ErrNotWXR, err)
	}
	c := doc.Channel
	exp := &Export{Title: strings.TrimSpace(c.Title), Link: strings.TrimSpace(c.Link), WXRVersion: strings.TrimSpace(c.WXRVersion),
		BaseSiteURL: strings.TrimSpace(c.BaseSiteURL), BaseBlogURL: strings.TrimSpace(c.BaseBlogURL),
		Authors: c.Authors, Categories: c.Categories, Tags: c.Tags, Terms: c.Terms}
	if exp.WXRVersion == "" && exp.BaseSiteURL == "" && len(c.Items) > 0 && c.Items[0].PostType == "" {
		return nil, fmt.Errorf("%w: an RSS feed without WordPress's export fields", ErrNotWXR)
	}
	for _, it := range c.Items {
		item := Item{
			Title: it.Title, Link: strings.TrimSpace(it.Link), PubDate: strings.TrimSpace(it.PubDate), Creator: strings.TrimSpace(it.Creator),
			GUID: strings.TrimSpace(it.GUID), Content: it.Content, Excerpt: it.Excerpt,
			PostID: atoi(it.PostID), PostParent: atoi(it.PostParent), MenuOrder: int(atoi(it.MenuOrder)),
			Date: strings.TrimSpace(it.Date), DateGMT: strings.TrimSpace(it.DateGMT), Modified: strings.TrimSpace(it.Modified), ModifiedGMT: strings.TrimSpace(it.ModifiedGMT),
			CommentStatus: strings.TrimSpace(it.CommentStatus), PingStatus: strings.TrimSpace(it.PingStatus), Status: strings.TrimSpace(it.Status),
			PostType: strings.TrimSpace(it.PostType), PostName: strings.TrimSpace(it.PostName), Password: it.Password,
			Sticky: strings.TrimSpace(it.Sticky) == "1", AttachmentURL: strings.TrimSpace(it.AttachmentURL), Meta: it.Meta,
		}
		for _, t := range it.Categories {
			item.Terms = append(item.Terms, ItemTerm{Domain: t.Domain, Slug: t.Nicename, Name: t.Name})
		}
		for _, cm := range it.Comments {
			item.Comments = append(item.Comments, Comment{
				ID: atoi(cm.ID), Author: cm.Author, AuthorEmail: strings.TrimSpace(cm.AuthorEmail), AuthorURL: strings.TrimSpace(cm.AuthorURL),
				AuthorIP: strings.TrimSpace(cm.AuthorIP), Date: strings.TrimSpace(cm.Date), DateGMT: strings.TrimSpace(cm.DateGMT), Content: cm.Content,
				Approved: strings.TrimSpace(cm.Approved), Type: strings.TrimSpace(cm.Type), Parent: atoi(cm.Parent), UserID: atoi(cm.UserID), Meta: cm.Meta,
			})
		}
		exp.Items = append(exp.Items, item)
	}
	return exp, nil
}

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return n
}

// ParseTime reads a WXR time, "YYYY-MM-DD hh:mm:ss", as UTC. The zero
// time (WordPress's 0000-00-00 00:00:00 for drafts) and "" give ok=false.
func ParseTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, false
	}
	t, err := time.Parse(time.DateTime, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// PubTime reads the RSS pubDate (derived from the GMT time).
func PubTime(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 -0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}
