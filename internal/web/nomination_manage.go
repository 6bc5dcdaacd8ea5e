package web

import (
	"net/http"
	"net/url"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/nomination"
	"quorum/internal/org"
	"quorum/internal/store"
)

// nominationNewForm is the returning officer's form to open a period.
func (s *Server) nominationNewForm(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.RunElections, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.Nominations == nil {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	form := url.Values{"time_zone": {s.Location.String()}, "close_time": {"17:00"}, "slots": {"Candidate"}}
	s.renderPeriodForm(w, r, http.StatusOK, form, nil)
}

func (s *Server) renderPeriodForm(w http.ResponseWriter, r *http.Request, status int, form url.Values, fe org.FieldErrors) {
	ctx := r.Context()
	drafts, _, err := s.Elections.List(ctx, principalOf(r), election.ListFilter{Show: election.ListUpcoming, Page: store.Page{Number: 1, Size: 200}})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var elections []election.Summary
	for _, e := range drafts {
		if e.Status == store.ElectionDraft {
			elections = append(elections, e)
		}
	}
	rules, err := s.Nominations.Rules(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var ruleNames []string
	for _, ru := range rules {
		if !containsString(ruleNames, ru.Name) {
			ruleNames = append(ruleNames, ru.Name)
		}
	}
	s.render(w, r, status, "nomination_form", &page{Title: "Open a nomination period", Form: form, Errors: fe, Data: map[string]any{
		"Elections": elections, "Rules": ruleNames, "UnitTypes": org.UnitTypes, "Chosen": form["unit_types"],
	}})
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// nominationCreate opens a period with its rules.
func (s *Server) nominationCreate(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := p.Require(auth.RunElections, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	if s.Nominations == nil {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	f := r.PostForm
	in := nomination.PeriodInput{
		Title: strings.TrimSpace(f.Get("title")), Slug: strings.TrimSpace(f.Get("slug")), Description: f.Get("description"),
		ElectionID: formInt64(r, "election"), UnitTypes: f["unit_types"], NominatorOffice: strings.TrimSpace(f.Get("nominator_office")),
		Slots: nomination.ParseSlots(f.Get("slots")), MeetingRequired: formBool(r, "meeting_required"), RuleName: strings.TrimSpace(f.Get("rule")),
		CloseDate: f.Get("close_date"), CloseTime: f.Get("close_time"), TimeZone: f.Get("time_zone"),
	}
	per, err := s.Nominations.CreatePeriod(r.Context(), p, in)
	if fe, ok := nomination.AsFieldErrors(err); ok {
		if msg, ok := fe["deadline"]; ok {
			delete(fe, "deadline")
			fe["close_date"] = msg
		}
		s.renderPeriodForm(w, r, http.StatusUnprocessableEntity, f, fe)
		return
	}
	if err != nil {
		s.failBack(w, r, err, "")
		return
	}
	s.redirect(w, r, nominationPath(per), "The nomination period is open.")
}

// nominationClose closes a period now and hands the qualified candidates
// to the ballot.
func (s *Server) nominationClose(w http.ResponseWriter, r *http.Request) {
	per, ok := s.nominationOfficerPost(w, r)
	if !ok {
		return
	}
	if err := s.Nominations.Close(r.Context(), principalOf(r), per.ID); err != nil {
		s.failBack(w, r, err, nominationPath(per))
		return
	}
	msg := "Nominations are closed."
	if per.ElectionID != 0 {
		msg += " The qualified candidates who consented are on the ballot."
	}
	s.redirect(w, r, nominationPath(per), msg)
}

// nominationHandOver retries putting a closed period's candidates on the ballot.
func (s *Server) nominationHandOver(w http.ResponseWriter, r *http.Request) {
	per, ok := s.nominationOfficerPost(w, r)
	if !ok {
		return
	}
	if err := s.Nominations.HandOver(r.Context(), principalOf(r), per.ID); err != nil {
		s.failBack(w, r, err, nominationPath(per))
		return
	}
	s.redirect(w, r, nominationPath(per), "The qualified candidates who consented are on the ballot.")
}
