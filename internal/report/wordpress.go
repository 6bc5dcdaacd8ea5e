package report

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"quorum/internal/report/wxr"
	"quorum/internal/store"
)

// ErrImportProblems: some items of the export cannot be imported; their
// problems are in the result and nothing was written.
var ErrImportProblems = errors.New("some items cannot be imported")

// WordPressOptions says how to import a WordPress export.
type WordPressOptions struct {
	// BodyID is the body the imported reports are about (0: none).
	BodyID int64
	// DryRun checks and counts everything and writes nothing.
	DryRun bool
	// SkipBad imports the items without problems and names the others;
	// by default one bad item stops the whole import.
	SkipBad bool
	// Uploads, if set, is a copy of the blog's wp-content/uploads folder:
	// its pictures are brought in (see wordpress_media.go).
	Uploads fs.FS
}

// ImportProblem is an item that cannot be imported, and why.
type ImportProblem struct {
	Item   string // e.g. `post 12 “Title”`
	Reason string
}

func (p ImportProblem) String() string { return p.Item + ": " + p.Reason }

// WordPressResult says what an import did (or, in a dry run, would do).
type WordPressResult struct {
	AuthorsMatched, AuthorsCreated int
	Posts, Pages, Drafts           int // new reports: published posts, published pages, drafts
	Unchanged                      int // imported before: left as they are
	Comments                       int // new comments shown
	CommentsHidden                 int // new comments held, spam or trashed: kept, not shown
	Pingbacks                      int // pingbacks and trackbacks: not imported
	Categories, Tags               int // new
	Redirects                      int // old addresses that now redirect
	Attachments                    int // media items in the file
	Media                          int // pictures brought in from Uploads
	Files                          int // documents (PDF, office, text) brought in from Uploads
	MediaMissing                   int // media items whose file is not in Uploads
	// Refused are the media files not brought in, each with the reason
	// (a type or size Quorum does not accept); posts keep linking to them
	// on the old blog.
	Refused    []ImportProblem
	OtherItems int // menus, blocks and other types: not imported
	Notes      []string
	Problems   []ImportProblem
}

// Changed tells whether the import brought anything in: a report, a
// comment, an author, a term, an old address or a file.
func (r WordPressResult) Changed() bool {
	return r.AuthorsCreated+r.Posts+r.Pages+r.Drafts+r.Comments+r.CommentsHidden+r.Categories+r.Tags+r.Redirects+r.Media+r.Files > 0
}

// plannedItem is an item checked and ready to write.
type plannedItem struct {
	item      wxr.Item
	guid      string
	kind      string // report or page
	title     string
	slug      string
	status    string
	published time.Time
	modified  time.Time
	body      string // HTML as shown
	summary   string
	authorKey string
	// addresses are the keys of the item's old addresses (its permalink
	// and the query forms of its id); guidAddresses those of its guid,
	// which give way to any other item's addresses.
	addresses, guidAddresses []string
}

// ImportWordPress brings the posts, pages, comments, authors and terms of
// a WordPress export into Quorum. Published posts become published
// reports (pages, pages); drafts, pending, private, scheduled and
// password-protected posts become drafts. Authors are matched to people
// by e-mail and created when missing. Approved comments are shown with
// their threads; held, spam and trashed ones are kept but not shown.
// Old permalinks redirect to the new reports. Items imported before (by
// their GUID) are left as they are, so importing the same file again
// changes nothing. Everything is written in one transaction: with
// problems (and without SkipBad) nothing is written at all.
func (s *Service) ImportWordPress(ctx context.Context, exp *wxr.Export, opts WordPressOptions) (WordPressResult, error) {
	var res WordPressResult
	base := exp.BaseBlogURL
	if base == "" {
		base = exp.BaseSiteURL
	}
	if base == "" {
		base = exp.Link
	}
	blog := parseBlogAddress(base)
	authors := map[string]wxr.Author{}
	for _, a := range exp.Authors {
		authors[a.Login] = a
	}
	var plans []plannedItem
	seenGUID := map[string]bool{}
	for _, it := range exp.Items {
		if it.Status == "trash" || it.Status == "inherit" && it.PostType != "attachment" {
			res.OtherItems++
			continue
		}
		switch it.PostType {
		case "post", "page":
		case "attachment":
			res.Attachments++
			continue
		default:
			res.OtherItems++
			continue
		}
		p, problem := planItem(it, base, blog, authors, s.html)
		if problem != "" {
			res.Problems = append(res.Problems, ImportProblem{Item: itemName(it), Reason: problem})
			continue
		}
		if seenGUID[p.guid] {
			res.Problems = append(res.Problems, ImportProblem{Item: itemName(it), Reason: "its GUID is used by another item of the file"})
			continue
		}
		seenGUID[p.guid] = true
		if it.Password != "" && p.status == store.ReportPublished {
			p.status, p.addresses, p.guidAddresses = store.ReportDraft, nil, nil
			res.Notes = append(res.Notes, itemName(it)+" is protected by a password on the old blog: imported as a draft")
		}
		plans = append(plans, p)
	}
	if len(res.Problems) > 0 && !opts.SkipBad {
		return res, ErrImportProblems
	}
	if res.Attachments > 0 && opts.Uploads == nil {
		res.Notes = append(res.Notes, fmt.Sprintf("%d media items are not copied (no copy of wp-content/uploads was given): pictures and documents in posts still load from the old blog's address while it stays up", res.Attachments))
	}
	now := s.now()
	err := s.inTx(ctx, func(tx *store.Tx) error {
		people, err := s.importAuthors(ctx, tx, exp.Authors, plans, &res)
		if err != nil {
			return err
		}
		tags, err := importTerms(ctx, tx, exp, &res)
		if err != nil {
			return err
		}
		media, err := s.importMedia(ctx, tx, exp, blog, opts.Uploads, now, &res)
		if err != nil {
			return err
		}
		// Links between the old posts point to their new addresses.
		newPaths := map[string]string{}
		for i := range plans {
			p := &plans[i]
			existing, err := tx.ReportBySourceGUID(ctx, p.guid)
			if err == nil {
				p.slug = existing.Slug
				continue
			}
			if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if p.slug, err = uniqueReportSlug(ctx, tx, p.slug, p.item.PostID); err != nil {
				return err
			}
		}
		for _, p := range plans {
			if p.status != store.ReportPublished {
				continue
			}
			for _, form := range blog.linkForms(base, p.item) {
				if _, taken := newPaths[form]; !taken {
					newPaths[form] = "/reports/" + p.slug
				}
			}
		}
		relink := linkReplacer(newPaths)
		for _, p := range plans {
			if err := s.importItem(ctx, tx, p, people[p.authorKey], tags, relink, media, opts, now, &res); err != nil {
				return fmt.Errorf("%s: %w", itemName(p.item), err)
			}
		}
		if err := importRedirects(ctx, tx, plans, media, now, &res); err != nil {
			return err
		}
		// An import that brought nothing in (the same file again) changed
		// nothing, so there is nothing to audit.
		if res.Changed() {
			if err := tx.Audit(ctx, store.AuditEntry{Action: "wordpress.import", TargetType: "site", TargetID: base,
				New: fmt.Sprintf("posts=%d pages=%d drafts=%d unchanged=%d comments=%d redirects=%d pictures=%d files=%d refused=%d",
					res.Posts, res.Pages, res.Drafts, res.Unchanged, res.Comments, res.Redirects, res.Media, res.Files, len(res.Refused))}); err != nil {
				return err
			}
		}
		if opts.DryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return res, err
}

var errDryRun = errors.New("dry run")

func itemName(it wxr.Item) string {
	kind := it.PostType
	if kind == "" {
		kind = "item"
	}
	title := strings.Join(strings.Fields(strings.ReplaceAll(it.Title, "\u00a0", " ")), " ")
	if title == "" {
		return fmt.Sprintf("%s %d (no title)", kind, it.PostID)
	}
	return fmt.Sprintf("%s %d “%s”", kind, it.PostID, title)
}

// planItem checks an item and works out what it becomes.
func planItem(it wxr.Item, base string, blog blogAddress, authors map[string]wxr.Author, r *renderer) (plannedItem, string) {
	p := plannedItem{item: it, kind: "report", authorKey: it.Creator}
	if it.PostType == "page" {
		p.kind = "page"
	}
	p.title = strings.TrimSpace(it.Title)
	if p.title == "" && strings.TrimSpace(it.Content) == "" {
		return p, "it has neither a title nor any content"
	}
	if p.title == "" {
		p.title = fmt.Sprintf("Untitled (%d)", it.PostID)
	}
	if len(p.title) > maxTitle {
		return p, "its title is longer than 200 characters"
	}
	if it.Creator == "" {
		return p, "it names no author (dc:creator)"
	}
	if _, ok := authors[it.Creator]; !ok {
		return p, fmt.Sprintf("its author %q is not among the file's authors", it.Creator)
	}
	p.guid = strings.TrimSpace(it.GUID)
	if p.guid == "" {
		if it.PostID == 0 {
			return p, "it has neither a GUID nor a post id, so a second import could not recognise it"
		}
		p.guid = fmt.Sprintf("%s/?p=%d", strings.TrimRight(base, "/"), it.PostID)
	}
	switch it.Status {
	case "publish":
		p.status = store.ReportPublished
	case "draft", "pending", "private", "future", "auto-draft", "":
		p.status = store.ReportDraft
	default:
		p.status = store.ReportDraft
	}
	gmt, ok := wxr.ParseTime(it.DateGMT)
	if !ok {
		gmt, ok = wxr.PubTime(it.PubDate)
	}
	if !ok {
		// A draft has no GMT time; its local time is the best there is.
		gmt, ok = wxr.ParseTime(it.Date)
	}
	if !ok && p.status == store.ReportPublished {
		return p, fmt.Sprintf("its date %q cannot be read", it.DateGMT)
	}
	p.published = gmt
	if mod, ok := wxr.ParseTime(it.ModifiedGMT); ok {
		p.modified = mod
	} else {
		p.modified = gmt
	}
	p.slug = Slugify(strings.ReplaceAll(it.PostName, "%", " "))
	if p.slug == "" {
		p.slug = Slugify(p.title)
	}
	if p.slug == "" {
		p.slug = "post-" + strconv.FormatInt(it.PostID, 10)
	}
	body, teaser := wxr.Body(it.Content)
	if len(body) > maxText {
		return p, "its content is longer than Quorum keeps for a report"
	}
	p.body = body
	switch {
	case strings.TrimSpace(it.Excerpt) != "":
		p.summary = excerpt(PlainText(it.Excerpt), 280)
	case teaser != "":
		p.summary = excerpt(PlainText(r.fragment(FormatHTML, teaser, 2)), 280)
	}
	if p.status == store.ReportPublished {
		p.addresses, p.guidAddresses = blog.itemAddresses(it)
	}
	return p, ""
}

// importAuthors matches the file's authors to people by e-mail and
// creates those missing.
func (s *Service) importAuthors(ctx context.Context, tx *store.Tx, authors []wxr.Author, plans []plannedItem, res *WordPressResult) (map[string]int64, error) {
	used := map[string]bool{}
	for _, p := range plans {
		used[p.authorKey] = true
	}
	out := map[string]int64{}
	for _, a := range authors {
		if !used[a.Login] {
			continue
		}
		email := strings.ToLower(strings.TrimSpace(a.Email))
		if email != "" {
			p, err := tx.PersonByEmailFold(ctx, email)
			if err == nil {
				out[a.Login] = p.ID
				res.AuthorsMatched++
				continue
			}
			if !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
		}
		name := strings.TrimSpace(a.DisplayName)
		if name == "" {
			name = strings.TrimSpace(a.FirstName + " " + a.LastName)
		}
		if name == "" {
			name = a.Login
		}
		slug := Slugify(name)
		if slug == "" {
			slug = "author"
		}
		for i, base := 2, slug; ; i++ {
			taken, err := tx.PersonSlugTaken(ctx, slug)
			if err != nil {
				return nil, err
			}
			if !taken {
				break
			}
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		id, err := tx.CreatePerson(ctx, store.Person{Name: name, Email: email, Slug: slug, ShowOffices: true})
		if err != nil {
			return nil, fmt.Errorf("create author %s: %w", a.Login, err)
		}
		out[a.Login] = id
		res.AuthorsCreated++
		if err := tx.Audit(ctx, store.AuditEntry{Action: "person.create", TargetType: "person", TargetID: idText(id), New: fmt.Sprintf("name=%q (WordPress author %s)", name, a.Login)}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// termKey names a term: "category:slug" or "tag:slug".
type termKey struct{ kind, slug string }

// importTerms creates the file's categories (parents first) and tags, each
// once although WordPress lists them twice.
func importTerms(ctx context.Context, tx *store.Tx, exp *wxr.Export, res *WordPressResult) (map[termKey]int64, error) {
	type cat struct{ slug, parent, name, desc string }
	cats := map[string]cat{}
	var order []string
	addCat := func(c cat) {
		if c.slug == "" {
			return
		}
		if old, ok := cats[c.slug]; ok {
			if old.desc == "" {
				old.desc = c.desc
			}
			if old.parent == "" {
				old.parent = c.parent
			}
			cats[c.slug] = old
			return
		}
		cats[c.slug] = c
		order = append(order, c.slug)
	}
	tags := map[string]string{}
	var tagOrder []string
	addTag := func(slug, name string) {
		if slug == "" {
			return
		}
		if _, ok := tags[slug]; !ok {
			tags[slug] = name
			tagOrder = append(tagOrder, slug)
		}
	}
	for _, c := range exp.Categories {
		addCat(cat{c.Slug, c.Parent, c.Name, c.Description})
	}
	for _, t := range exp.Tags {
		addTag(t.Slug, t.Name)
	}
	for _, t := range exp.Terms {
		switch t.Taxonomy {
		case "category":
			addCat(cat{slug: t.Slug, parent: t.Parent, name: t.Name})
		case "post_tag":
			addTag(t.Slug, t.Name)
		}
	}
	for _, it := range exp.Items {
		for _, t := range it.Terms {
			switch t.Domain {
			case "category":
				addCat(cat{slug: t.Slug, name: t.Name})
			case "post_tag":
				addTag(t.Slug, t.Name)
			}
		}
	}
	out := map[termKey]int64{}
	var ensure func(slug string, depth int) (int64, error)
	ensure = func(slug string, depth int) (int64, error) {
		if id, ok := out[termKey{"category", slug}]; ok {
			return id, nil
		}
		c := cats[slug]
		var parent int64
		if c.parent != "" && c.parent != slug && depth < 20 {
			if _, ok := cats[c.parent]; ok {
				var err error
				if parent, err = ensure(c.parent, depth+1); err != nil {
					return 0, err
				}
			}
		}
		name := strings.TrimSpace(c.name)
		if name == "" {
			name = slug
		}
		id, created, err := tx.EnsureTag(ctx, store.Tag{Kind: "category", Slug: Slugify(slug), Name: name, ParentID: parent, Description: c.desc})
		if err != nil {
			return 0, err
		}
		if created {
			res.Categories++
		}
		out[termKey{"category", slug}] = id
		return id, nil
	}
	for _, slug := range order {
		if _, err := ensure(slug, 0); err != nil {
			return nil, err
		}
	}
	for _, slug := range tagOrder {
		name := strings.TrimSpace(tags[slug])
		if name == "" {
			name = slug
		}
		id, created, err := tx.EnsureTag(ctx, store.Tag{Kind: "tag", Slug: Slugify(slug), Name: name})
		if err != nil {
			return nil, err
		}
		if created {
			res.Tags++
		}
		out[termKey{"tag", slug}] = id
	}
	return out, nil
}

// uniqueReportSlug returns slug, or slug-POSTID (then -2, -3…) when
// another report has it.
func uniqueReportSlug(ctx context.Context, tx *store.Tx, slug string, postID int64) (string, error) {
	try := slug
	for i := 0; ; i++ {
		taken, err := tx.ReportSlugTaken(ctx, try, 0)
		if err != nil || !taken {
			return try, err
		}
		switch i {
		case 0:
			try = fmt.Sprintf("%s-%d", slug, postID)
		default:
			try = fmt.Sprintf("%s-%d-%d", slug, postID, i+1)
		}
	}
}

// linkReplacer rewrites links to the old blog's posts (with or without
// the last slash) to their new addresses.
func linkReplacer(paths map[string]string) *strings.Replacer {
	olds := make([]string, 0, len(paths))
	for old := range paths {
		olds = append(olds, old)
	}
	// Longest first, so that a post's address wins over a prefix of it.
	sort.Slice(olds, func(i, j int) bool { return len(olds[i]) > len(olds[j]) })
	var pairs []string
	for _, old := range olds {
		pairs = append(pairs, `href="`+old+`"`, `href="`+paths[old]+`"`)
		if trimmed := strings.TrimSuffix(old, "/"); trimmed != old {
			pairs = append(pairs, `href="`+trimmed+`"`, `href="`+paths[old]+`"`)
		}
	}
	return strings.NewReplacer(pairs...)
}

// importItem writes one post or page with its terms, comments and redirect.
func (s *Service) importItem(ctx context.Context, tx *store.Tx, p plannedItem, authorID int64, tags map[termKey]int64, relink *strings.Replacer,
	media mediaMap, opts WordPressOptions, now time.Time, res *WordPressResult) error {
	existing, err := tx.ReportBySourceGUID(ctx, p.guid)
	var reportID int64
	switch {
	case err == nil:
		res.Unchanged++
		reportID = existing.ID
	case !errors.Is(err, store.ErrNotFound):
		return err
	default:
		body := media.relink(relink.Replace(p.body))
		rendered := s.html.render(FormatHTML, body, nil)
		summary := p.summary
		if summary == "" {
			summary = excerpt(paragraphText(rendered.HTML), 280)
		}
		if summary == "" {
			summary = excerpt(rendered.PlainText, 280)
		}
		r := store.Report{
			Slug: p.slug, Kind: p.kind, BodyID: opts.BodyID, AuthorID: authorID, Title: p.title, Summary: summary, Format: FormatHTML,
			Intro: body, HTML: rendered.HTML, TOC: rendered.TOCJSON(), PlainText: rendered.PlainText, Status: p.status,
			CommentsOpen: p.item.CommentStatus == "open", SendNewsletter: false, SourceGUID: p.guid,
			SourceID: strconv.FormatInt(p.item.PostID, 10), CreatedAt: p.published, UpdatedAt: p.modified, CoverImageID: media.featured(p.item),
		}
		if r.CreatedAt.IsZero() {
			r.CreatedAt = now
		}
		if r.UpdatedAt.IsZero() {
			r.UpdatedAt = r.CreatedAt
		}
		if p.status == store.ReportPublished {
			r.PublishAt = p.published
		}
		if reportID, err = tx.CreateReport(ctx, r); err != nil {
			return err
		}
		r.ID = reportID
		var ids []int64
		for _, t := range p.item.Terms {
			kind := "tag"
			if t.Domain == "category" {
				kind = "category"
			} else if t.Domain != "post_tag" {
				continue
			}
			if id, ok := tags[termKey{kind, t.Slug}]; ok {
				ids = append(ids, id)
			}
		}
		if err := tx.SetReportTags(ctx, reportID, ids); err != nil {
			return err
		}
		if r.Published() {
			if err := s.indexReport(ctx, tx, r); err != nil {
				return err
			}
		}
		switch {
		case p.status != store.ReportPublished:
			res.Drafts++
		case p.kind == "page":
			res.Pages++
		default:
			res.Posts++
		}
	}
	return s.importComments(ctx, tx, reportID, p.item, authorID, res)
}

// importRedirects keeps the old addresses of the published items and of
// the media brought in, each sending to where its content now is. The
// surest first: an item's guid gives way to another item's permalink or
// id (a blog moved from another WordPress keeps that one's guids).
func importRedirects(ctx context.Context, tx *store.Tx, plans []plannedItem, media mediaMap, now time.Time, res *WordPressResult) error {
	put := func(key, target string) error {
		added, err := tx.PutRedirect(ctx, key, target, now)
		if added {
			res.Redirects++
		}
		return err
	}
	for _, p := range plans {
		for _, key := range p.addresses {
			if err := put(key, "/reports/"+p.slug); err != nil {
				return err
			}
		}
	}
	for _, a := range media.pages {
		if err := put(a.key, a.target); err != nil {
			return err
		}
	}
	for _, p := range plans {
		for _, key := range p.guidAddresses {
			if err := put(key, "/reports/"+p.slug); err != nil {
				return err
			}
		}
	}
	return nil
}

// importComments adds the item's comments not imported before, parents
// before replies.
func (s *Service) importComments(ctx context.Context, tx *store.Tx, reportID int64, it wxr.Item, authorID int64, res *WordPressResult) error {
	byID := map[int64]wxr.Comment{}
	for _, c := range it.Comments {
		byID[c.ID] = c
	}
	depth := func(c wxr.Comment) int {
		d := 0
		for seen := map[int64]bool{}; c.Parent != 0 && !seen[c.ID] && d < 100; d++ {
			seen[c.ID] = true
			parent, ok := byID[c.Parent]
			if !ok {
				break
			}
			c = parent
		}
		return d
	}
	cs := append([]wxr.Comment(nil), it.Comments...)
	sort.SliceStable(cs, func(i, j int) bool { return depth(cs[i]) < depth(cs[j]) })
	ours := map[int64]int64{} // old comment id → new
	for _, c := range cs {
		if c.Type == "pingback" || c.Type == "trackback" {
			res.Pingbacks++
			continue
		}
		source := strconv.FormatInt(c.ID, 10)
		if c.ID == 0 {
			continue
		}
		if old, err := tx.CommentBySource(ctx, reportID, source); err == nil {
			ours[c.ID] = old.ID
			continue
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		status := store.CommentHidden
		switch c.Approved {
		case "1", "approve":
			status = store.CommentApproved
		case "0", "hold":
			status = store.CommentPending
		case "spam":
			status = store.CommentSpam
		}
		at, ok := wxr.ParseTime(c.DateGMT)
		if !ok {
			at, _ = wxr.ParseTime(c.Date)
		}
		text := c.Content
		if strings.ContainsAny(text, "<&") {
			text = PlainText(wxr.Autop(text))
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		name := strings.TrimSpace(c.Author)
		if name == "" {
			name = "Anonymous"
		}
		cm := store.Comment{ReportID: reportID, ParentID: ours[c.Parent], AuthorName: name, AuthorEmail: strings.ToLower(c.AuthorEmail),
			AuthorURL: safeURL(c.AuthorURL), Body: text, Status: status, SourceID: source, CreatedAt: at}
		if c.UserID != 0 {
			cm.PersonID = authorID
		}
		id, err := tx.InsertComment(ctx, cm)
		if err != nil {
			return err
		}
		ours[c.ID] = id
		if status == store.CommentApproved {
			res.Comments++
		} else {
			res.CommentsHidden++
		}
	}
	return nil
}

// safeURL keeps a commenter's web address only if it is http(s).
func safeURL(s string) string {
	s = strings.TrimSpace(s)
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(s) > 300 {
		return ""
	}
	return s
}
