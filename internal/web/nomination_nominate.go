package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"quorum/internal/markup"
	"quorum/internal/nomination"
	"quorum/internal/org"
	"quorum/internal/store"
)

// nominateView is what the nominate form needs: the nominator acted for,
// the places, the declared candidates and the live nominations it shows.
type nominateView struct {
	Per        store.NominationPeriod
	Path       string
	Deadline   string
	Nominator  nomination.Nominator
	Nominators []nomination.Nominator
	Candidates []store.NominationCandidate
	Live       []store.Nomination
	Seen       []int64
}

// nominateLoad finds the period, the nominators the viewer may act for and
// the one chosen (?as= or the form's "as").
func (s *Server) nominateLoad(w http.ResponseWriter, r *http.Request, as string) (nominateView, bool) {
	per, ok := s.nominationPeriod(w, r)
	if !ok {
		return nominateView{}, false
	}
	p := principalOf(r)
	if !p.SignedIn() {
		if r.Method == http.MethodGet {
			http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		} else {
			s.renderError(w, r, http.StatusUnauthorized)
		}
		return nominateView{}, false
	}
	ctx := r.Context()
	noms, err := s.Nominations.NominatorsFor(ctx, p, per)
	if err != nil {
		s.fail(w, r, err)
		return nominateView{}, false
	}
	v := nominateView{Per: per, Path: nominationPath(per), Deadline: nomination.FormatDeadline(per), Nominators: noms}
	for _, n := range noms {
		if n.Key == as || (as == "" && len(noms) == 1) {
			v.Nominator = n
		}
	}
	if v.Nominator.Key == "" {
		if len(noms) > 1 && as == "" {
			v.Nominator = noms[0]
		} else {
			s.failBack(w, r, nomination.ErrNotNominator, "")
			return v, false
		}
	}
	if v.Candidates, err = s.Nominations.Candidates(ctx, per.ID); err != nil {
		s.fail(w, r, err)
		return v, false
	}
	if v.Live, err = s.Nominations.NominationsOf(ctx, per.ID, v.Nominator.Key); err != nil {
		s.fail(w, r, err)
		return v, false
	}
	v.Seen = nomination.LiveIDs(v.Live)
	return v, true
}

// nominateFormValues fills the form from the live nominations.
func nominateFormValues(v nominateView, loc *time.Location) url.Values {
	f := url.Values{}
	for _, n := range v.Live {
		f.Set("slot-"+n.Slot, strconv.FormatInt(n.CandidateID, 10))
		if n.MeetingDate.Valid {
			f.Set("meeting_date", n.MeetingDate.Time.Format(time.DateOnly))
			f.Set("present", strconv.Itoa(n.MeetingPresent))
			f.Set("votes-"+n.Slot, strconv.Itoa(n.MeetingVotes))
		}
	}
	return f
}

func (s *Server) renderNominate(w http.ResponseWriter, r *http.Request, status int, v nominateView, form url.Values, fe org.FieldErrors) {
	type place struct {
		store.NominationSlot
		Name, Chosen string
		Options      []store.NominationCandidate
	}
	var places []place
	for _, sl := range v.Per.Slots {
		pl := place{NominationSlot: sl, Name: "slot-" + sl.Key, Chosen: form.Get("slot-" + sl.Key)}
		for _, c := range v.Candidates {
			if c.Standing && (sl.Gender == "" || c.Gender == sl.Gender) {
				pl.Options = append(pl.Options, c)
			}
		}
		places = append(places, pl)
	}
	statements := map[int64]template.HTML{}
	for _, c := range v.Candidates {
		statements[c.ID] = markup.Render(c.Statement)
	}
	s.render(w, r, status, "nomination_nominate", &page{Title: "Nominate: " + v.Per.Title, Form: form, Errors: fe, Data: map[string]any{
		"V": v, "Places": places, "Statements": statements,
	}})
}

// nominateForm shows an officer the places, the declared candidates and
// their body's nominations as they stand.
func (s *Server) nominateForm(w http.ResponseWriter, r *http.Request) {
	v, ok := s.nominateLoad(w, r, r.URL.Query().Get("as"))
	if !ok {
		return
	}
	if v.Per.Status != store.PeriodOpen || !s.Now().Before(v.Per.ClosesAt) {
		s.failBack(w, r, nomination.ErrClosed, "")
		return
	}
	s.renderNominate(w, r, http.StatusOK, v, nominateFormValues(v, s.Location), nil)
}

// nominateSubmit submits, replaces or withdraws the nominator's nominations.
func (s *Server) nominateSubmit(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	v, ok := s.nominateLoad(w, r, r.PostForm.Get("as"))
	if !ok {
		return
	}
	f := r.PostForm
	fe := org.FieldErrors{}
	withdraw := f.Get("action") == "withdraw"
	in := nomination.NominationInput{Nominator: v.Nominator.Key, Choices: map[string]int64{}, Votes: map[int64]int{}}
	for _, id := range f["seen"] {
		if n, err := strconv.ParseInt(id, 10, 64); err == nil {
			in.Seen = append(in.Seen, n)
		}
	}
	for _, sl := range v.Per.Slots {
		if withdraw {
			in.Choices[sl.Key] = 0
			continue
		}
		raw := strings.TrimSpace(f.Get("slot-" + sl.Key))
		if raw == "" {
			in.Choices[sl.Key] = 0
			continue
		}
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id <= 0 {
			fe["slot-"+sl.Key] = "Choose one of the declared candidates"
			continue
		}
		in.Choices[sl.Key] = id
		if v.Per.MeetingRequired {
			if raw := strings.TrimSpace(f.Get("votes-" + sl.Key)); raw != "" {
				n, err := strconv.Atoi(raw)
				if err != nil {
					fe["votes-"+sl.Key] = "Enter the votes as a whole number"
				}
				in.Votes[id] = n
			} else {
				fe["votes-"+sl.Key] = "Give the votes for this candidate at the meeting"
			}
		}
	}
	if v.Per.MeetingRequired && !withdraw {
		if raw := strings.TrimSpace(f.Get("meeting_date")); raw != "" {
			d, err := time.ParseInLocation(time.DateOnly, raw, s.Location)
			if err != nil {
				fe["meeting_date"] = "Enter the date of the meeting, e.g. 2026-05-01"
			}
			in.MeetingDate = d
		}
		if raw := strings.TrimSpace(f.Get("present")); raw != "" {
			n, err := strconv.Atoi(raw)
			if err != nil {
				fe["present"] = "Enter the number present as a whole number"
			}
			in.Present = n
		}
	}
	if f.Get("confirm") == "" {
		fe["confirm"] = "Confirm that these are the nominations your body decided"
	}
	if len(fe) == 0 {
		_, err := s.Nominations.Nominate(r.Context(), principalOf(r), v.Per.ID, in)
		if err == nil {
			msg := "Your nominations are recorded. The body's officers will receive a receipt by e-mail."
			if withdraw {
				msg = "Your nominations are withdrawn."
			}
			s.redirect(w, r, v.Path, msg)
			return
		}
		if got, ok := nomination.AsFieldErrors(err); ok {
			for k, m := range got {
				if k == "votes" {
					k = "votes-" + firstSlot(v.Per)
				}
				fe[k] = m
			}
		} else {
			s.failBack(w, r, err, v.Path+"/nominate?as="+url.QueryEscape(v.Nominator.Key))
			return
		}
	}
	form := url.Values{}
	for k, vs := range f {
		if k != "seen" {
			form[k] = vs
		}
	}
	v.Seen = in.Seen // keep what the form showed, so a change made meanwhile is still caught
	s.renderNominate(w, r, http.StatusUnprocessableEntity, v, form, fe)
}

func firstSlot(per store.NominationPeriod) string {
	if len(per.Slots) == 0 {
		return ""
	}
	return per.Slots[0].Key
}
