package web

import (
	"net/http"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

// nominationPeriod loads the period named by {slug}.
func (s *Server) nominationPeriod(w http.ResponseWriter, r *http.Request) (store.NominationPeriod, bool) {
	if s.Nominations == nil {
		s.renderError(w, r, http.StatusNotFound)
		return store.NominationPeriod{}, false
	}
	per, err := s.Nominations.Period(r.Context(), r.PathValue("slug"))
	if err != nil {
		s.fail(w, r, err)
		return per, false
	}
	return per, true
}

// nominationPost loads the period of a POST and parses its form.
func (s *Server) nominationPost(w http.ResponseWriter, r *http.Request) (store.NominationPeriod, bool) {
	per, ok := s.nominationPeriod(w, r)
	if !ok {
		return per, false
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return per, false
	}
	return per, true
}

// nominationOfficerPost is nominationPost for the returning officer: the
// permission is checked first, so that others are refused (403).
func (s *Server) nominationOfficerPost(w http.ResponseWriter, r *http.Request) (store.NominationPeriod, bool) {
	if err := principalOf(r).Require(auth.RunElections, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return store.NominationPeriod{}, false
	}
	return s.nominationPost(w, r)
}

func nominationPath(per store.NominationPeriod) string { return "/nominations/" + per.Slug }

// slotLabels names each place of a period by its key.
func slotLabels(per store.NominationPeriod) map[string]string {
	m := map[string]string{}
	for _, sl := range per.Slots {
		m[sl.Key] = sl.Label
	}
	return m
}

// consentLabel names a candidate's answer to a nomination.
func consentLabel(c string) string {
	switch c {
	case store.ConsentGiven:
		return "Consented"
	case store.ConsentRefused:
		return "Refused"
	}
	return "Awaiting the candidate's answer"
}

// nominationStatusLabel names a nomination's state.
func nominationStatusLabel(st string) string {
	switch st {
	case store.NominationWithdrawn:
		return "Withdrawn"
	case store.NominationReplaced:
		return "Replaced"
	}
	return "Standing"
}

// nominationRow is one line of the public table and of the CSV.
type nominationRow struct {
	ID               int64
	Nominator, Kind  string
	Place, Candidate string
	Consent, Status  string
	Live             bool
	Meeting          string
	Present, Votes   int
	Submitted, Ended string
}

func (s *Server) nominationRows(per store.NominationPeriod, ns []store.Nomination) []nominationRow {
	labels := slotLabels(per)
	out := make([]nominationRow, 0, len(ns))
	for _, n := range ns {
		kind := "Individual nominator"
		if n.UnitID != 0 {
			kind = org.UnitTypeLabel(n.UnitType)
		}
		row := nominationRow{ID: n.ID, Nominator: n.NominatorName, Kind: kind, Place: labels[n.Slot], Candidate: n.CandidateName,
			Consent: consentLabel(n.Consent), Status: nominationStatusLabel(n.Status), Live: n.Status == store.NominationActive,
			Present: n.MeetingPresent, Votes: n.MeetingVotes, Submitted: n.SubmittedAt.In(s.Location).Format("2 Jan 2006 15:04 MST")}
		if row.Place == "" {
			row.Place = n.Slot
		}
		if n.MeetingDate.Valid {
			row.Meeting = n.MeetingDate.Time.Format("2 January 2006")
		}
		if !n.EndedAt.IsZero() {
			row.Ended = n.EndedAt.In(s.Location).Format("2 Jan 2006 15:04 MST")
		}
		out = append(out, row)
	}
	return out
}
