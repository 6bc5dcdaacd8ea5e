package web

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/csvcell"
	"quorum/internal/markup"
	"quorum/internal/nomination"
	"quorum/internal/org"
	"quorum/internal/store"
)

// nominationList lists nomination periods, open and closed.
func (s *Server) nominationList(w http.ResponseWriter, r *http.Request) {
	if s.Nominations == nil {
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	pg := pageFrom(r, 30)
	list, total, err := s.Nominations.Periods(r.Context(), pg)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	deadlines := map[int64]string{}
	for _, per := range list {
		deadlines[per.ID] = nomination.FormatDeadline(per)
	}
	p := principalOf(r)
	s.render(w, r, http.StatusOK, "nomination_list", &page{Title: s.tr(r).T("Nominations.Title"), Data: map[string]any{
		"Periods": list, "Deadlines": deadlines, "Pager": newPager(r, pg, total), "CanCreate": p.Can(auth.RunElections, auth.Target{}),
	}})
}

// periodRules says a period's rules in words, one a line.
func (s *Server) periodRules(per store.NominationPeriod, t nomination.Tally) []string {
	var out []string
	if len(per.UnitTypes) > 0 {
		var names []string
		for _, u := range per.UnitTypes {
			names = append(names, org.UnitTypeLabel(u))
		}
		out = append(out, "Nominating bodies: "+strings.Join(names, ", ")+"; each nominates through its officers (its chair or secretary).")
	}
	if per.NominatorOffice != "" {
		out = append(out, "Each holder of the office of "+per.NominatorOffice+" may nominate for themself.")
	}
	var places []string
	for _, sl := range per.Slots {
		p := sl.Label
		if sl.Gender != "" {
			p += " (a " + sl.Gender + ")"
		}
		places = append(places, p)
	}
	if len(places) == 1 {
		out = append(out, "Each nominator may nominate one candidate: "+places[0]+".")
	} else if len(places) > 1 {
		out = append(out, "Each nominator may nominate "+strconv.Itoa(len(places))+" candidates, one for each place: "+strings.Join(places, "; ")+".")
	}
	if per.MeetingRequired {
		out = append(out, "Each nomination records the nominating meeting: its date, the number present and the votes for the candidate.")
	}
	if t.RuleText != "" {
		out = append(out, "To reach the ballot a candidate must consent and needs "+strings.TrimSuffix(t.RuleText, ".")+".")
	} else {
		out = append(out, "To reach the ballot a candidate needs one nomination, and must consent to it.")
	}
	out = append(out, "Nominations awaiting the candidate's answer count in the live table; at the close only nominations the candidate consented to count, and refused ones never do.")
	return out
}

// nominationShow is a period's public page: its rules, the deadline, who
// nominated whom and each candidate's standing; and the viewer's own part.
func (s *Server) nominationShow(w http.ResponseWriter, r *http.Request) {
	per, ok := s.nominationPeriod(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	t, err := s.Nominations.Tally(ctx, per.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ns, err := s.Nominations.Nominations(ctx, per.ID, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := principalOf(r)
	nominators, err := s.Nominations.NominatorsFor(ctx, p, per)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type standing struct {
		nomination.Standing
		Status, Explain string
	}
	var standings []standing
	for _, st := range t.Standings {
		standings = append(standings, standing{Standing: st, Status: st.Status(t.AtClose), Explain: st.Outcome.Explain()})
	}
	open := per.Status == store.PeriodOpen && s.Now().Before(per.ClosesAt)
	s.render(w, r, http.StatusOK, "nomination_show", &page{Title: per.Title, Data: map[string]any{
		"Per": per, "Path": nominationPath(per), "Description": markup.Render(per.Description),
		"Deadline": nomination.FormatDeadline(per), "Rules": s.periodRules(per, t), "Tally": t, "Standings": standings,
		"Rows": s.nominationRows(per, ns), "Nominators": nominators, "Open": open, "Closed": per.Status == store.PeriodClosed,
		"IsOfficer": p.Can(auth.RunElections, auth.Target{}), "Elsewhere": per.TimeZone != s.Location.String(),
	}})
}

// nominationCSV exports who nominated whom, every nomination with its state.
func (s *Server) nominationCSV(w http.ResponseWriter, r *http.Request) {
	per, ok := s.nominationPeriod(w, r)
	if !ok {
		return
	}
	ns, err := s.Nominations.Nominations(r.Context(), per.ID, false)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+per.Slug+`-nominations.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"nominator", "kind", "place", "candidate", "consent", "status", "meeting_date", "present", "votes", "submitted_at", "ended_at"})
	for _, n := range ns {
		kind := "person"
		if n.UnitID != 0 {
			kind = n.UnitType
		}
		meeting, present, votes := "", "", ""
		if n.MeetingDate.Valid {
			meeting, present, votes = n.MeetingDate.Time.Format(time.DateOnly), strconv.Itoa(n.MeetingPresent), strconv.Itoa(n.MeetingVotes)
		}
		ended := ""
		if !n.EndedAt.IsZero() {
			ended = n.EndedAt.UTC().Format(time.RFC3339)
		}
		_ = cw.Write([]string{csvcell.Escape(n.NominatorName), kind, csvcell.Escape(slotLabels(per)[n.Slot]), csvcell.Escape(n.CandidateName), n.Consent, n.Status,
			meeting, present, votes, n.SubmittedAt.UTC().Format(time.RFC3339), ended})
	}
	cw.Flush()
}
