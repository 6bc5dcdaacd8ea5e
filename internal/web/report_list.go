package web

import (
	"net/http"
	"net/url"

	"quorum/internal/auth"
	"quorum/internal/store"
)

// reportList is every published report, newest first, optionally with a tag.
func (s *Server) reportList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := store.ReportFilter{Page: pageOf(r, 20)}
	var tag store.Tag
	if slug := r.URL.Query().Get("tag"); slug != "" {
		kind := "tag"
		if r.URL.Query().Get("kind") == "category" {
			kind = "category"
		}
		var err error
		if tag, err = s.DB.TagBySlug(ctx, kind, slug); err != nil {
			s.fail(w, r, err)
			return
		}
		f.TagID = tag.ID
	}
	reports, total, err := s.DB.Reports(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tr := s.tr(r)
	title := tr.T("Reports.Title")
	if tag.ID != 0 {
		title = tr.T("Reports.Tagged", "Tag", tag.Name)
	}
	s.renderReports(w, r, http.StatusOK, "report_list", &page{Title: title, Data: map[string]any{
		"Reports": reports, "Pager": newPager(r, f.Page, total), "Tag": tag, "Follows": []followOption{{store.ScopeSite, tr.T("Follow.Site", "Site", s.SiteName)}},
	}}, headInfo{Canonical: s.absURL("/reports"), FeedURL: "/feed.atom", FeedTitle: s.SiteName + ": reports"})
}

// reportPerson is a representative's page: who they are, their seats,
// their statement and their reports, a year at a time.
func (s *Server) reportPerson(w http.ResponseWriter, r *http.Request) {
	rp, err := s.Reports.Representative(r.Context(), r.PathValue("slug"), queryInt(r, "year"), pageOf(r, 50))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	person := rp.Person
	tr := s.tr(r)
	feed := "/people/" + url.PathEscape(person.Slug) + "/feed.atom"
	s.renderReports(w, r, http.StatusOK, "report_person", &page{Title: person.Name, Data: map[string]any{
		"Rep": rp, "Feed": feed,
		"Follows": []followOption{{"person:" + idstr(person.ID), tr.T("Follow.Person", "Name", person.Name)}, {store.ScopeSite, tr.T("Follow.Site", "Site", s.SiteName)}},
	}}, headInfo{Canonical: s.absURL("/people/" + url.PathEscape(person.Slug) + "/reports"), Title: person.Name, Description: excerptText(person.Bio, 200),
		FeedURL: feed, FeedTitle: tr.T("Follow.Person", "Name", person.Name)})
}

// reportBody is the body's page of reports: every representative with
// their latest reports, and the latest reports of all.
func (s *Server) reportBody(w http.ResponseWriter, r *http.Request) {
	b, err := s.DB.BodyBySlug(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	br, err := s.Reports.BodyReportsPage(r.Context(), b, 3)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	feed := "/bodies/" + url.PathEscape(b.Slug) + "/feed.atom"
	tr := s.tr(r)
	s.renderReports(w, r, http.StatusOK, "report_body", &page{Title: tr.T("BodyReports.Title", "Body", b.Name), Data: map[string]any{
		"BR": br, "Feed": feed, "CanWrite": principalOf(r).SignedIn(),
		"Follows": []followOption{{"body:" + idstr(b.ID), tr.T("Follow.Body", "Body", b.Name)}, {store.ScopeSite, tr.T("Follow.Site", "Site", s.SiteName)}},
	}}, headInfo{Canonical: s.absURL("/bodies/" + url.PathEscape(b.Slug) + "/reports"), FeedURL: feed, FeedTitle: tr.T("BodyReports.FeedTitle", "Body", b.Name)})
}

// reportMine lists the signed-in person's own reports, drafts included.
func (s *Server) reportMine(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	page := pageOf(r, 50)
	reports, total, err := s.Reports.MyReports(r.Context(), p, page)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bodies, err := s.Reports.BodiesFor(r.Context(), p)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderReports(w, r, http.StatusOK, "report_mine", &pageData{Title: "My reports", Data: map[string]any{
		"Reports": reports, "Pager": newPager(r, page, total), "CanWrite": len(bodies) > 0,
		"CanModerate": p.SignedIn(), "Admin": p.Can(auth.ManageSubscribers, auth.Target{}),
	}}, headInfo{})
}

// pageData is page, named for readability where a local is called page.
type pageData = page
