package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"quorum/internal/auth"
	"quorum/internal/election"
	"quorum/internal/org"
)

// electionMethods are the counting methods a returning officer chooses from.
var electionMethods = []struct{ Key, Label string }{
	{"", "The default: Scottish STV for several seats, instant-runoff for one"},
	{"scottish-stv", "Single transferable vote, Scottish rules"},
	{"meek-stv", "Single transferable vote, Meek's method"},
	{"irv", "Instant-runoff (one seat)"},
	{"block", "Block vote"},
	{"fptp", "First past the post (one seat)"},
}

// timetableFields are the form's names for the milestones.
var timetableFields = []struct{ Name, Label string }{
	{"nominations_open", "Nominations open"},
	{"nominations_close", "Nominations close"},
	{"freeze", "Freeze date: the roll of voters is taken"},
	{"ballot_open", "Voting opens"},
	{"ballot_close", "Voting closes"},
	{"declare", "Result declared"},
}

func (s *Server) settingsForm(st election.Settings) url.Values {
	f := url.Values{
		"title": {st.Title}, "slug": {st.Slug}, "description": {st.Description},
		"body": {strconv.FormatInt(st.BodyID, 10)}, "section": {strconv.FormatInt(st.SectionID, 10)},
		"seats": {strconv.Itoa(st.Seats)}, "method": {st.Method}, "mailings": {strconv.Itoa(st.MailingsPerCandidate)}, "seed": {st.CountSeed},
	}
	var q []string
	for _, x := range st.Quotas {
		q = append(q, x.Attribute+"="+x.Value+":"+strconv.Itoa(x.Min))
	}
	f.Set("quotas", strings.Join(q, ", "))
	if st.AllowVoteChange {
		f.Set("allow_change", "on")
	}
	if st.TurnoutByUnit {
		f.Set("turnout_by_unit", "on")
	}
	tt := st.Timetable
	for name, t := range map[string]any{"nominations_open": tt.NominationsOpen, "nominations_close": tt.NominationsClose, "freeze": tt.Freeze, "ballot_open": tt.BallotOpen, "ballot_close": tt.BallotClose, "declare": tt.Declare} {
		f.Set(name, inputTime(t.(time.Time), s.Location))
	}
	return f
}

func (s *Server) settingsInput(r *http.Request) (election.Settings, org.FieldErrors) {
	fe := org.FieldErrors{}
	f := r.PostForm
	st := election.Settings{
		Title: f.Get("title"), Slug: f.Get("slug"), Description: f.Get("description"),
		BodyID: formInt64(r, "body"), SectionID: formInt64(r, "section"), Method: f.Get("method"),
		AllowVoteChange: formBool(r, "allow_change"), TurnoutByUnit: formBool(r, "turnout_by_unit"), CountSeed: strings.TrimSpace(f.Get("seed")),
	}
	st.Seats = intField(r, fe, "seats", "the number of seats")
	if m := strings.TrimSpace(f.Get("mailings")); m != "" {
		st.MailingsPerCandidate = intField(r, fe, "mailings", "the number of mailings")
	}
	if q := strings.TrimSpace(f.Get("quotas")); q != "" {
		quotas, err := election.ParseQuotas(q)
		if err != nil {
			fe["quotas"] = "Write each rule as attribute=value:minimum, e.g. gender=woman:5"
		}
		st.Quotas = quotas
	}
	st.Timetable = election.Timetable{
		NominationsOpen:  s.parseLocalTime(fe, "nominations_open", f.Get("nominations_open")),
		NominationsClose: s.parseLocalTime(fe, "nominations_close", f.Get("nominations_close")),
		Freeze:           s.parseLocalTime(fe, "freeze", f.Get("freeze")),
		BallotOpen:       s.parseLocalTime(fe, "ballot_open", f.Get("ballot_open")),
		BallotClose:      s.parseLocalTime(fe, "ballot_close", f.Get("ballot_close")),
		Declare:          s.parseLocalTime(fe, "declare", f.Get("declare")),
	}
	return st, fe
}

// settingsFields are the form's names of the settings the election names
// otherwise, so that each refusal stands next to its field.
var settingsFields = map[string]string{
	"mailings_per_candidate": "mailings",
	"count_seed":             "seed",
	"allow_vote_change":      "allow_change",
	"body":                   "section", // the body is chosen with its section
}

func formFieldErrors(fe org.FieldErrors) org.FieldErrors {
	out := org.FieldErrors{}
	for k, msg := range fe {
		if name, ok := settingsFields[k]; ok {
			k = name
		}
		out[k] = msg
	}
	return out
}

func (s *Server) renderElectionForm(w http.ResponseWriter, r *http.Request, status int, title, action string, form url.Values, fe org.FieldErrors) {
	bodies, err := s.DB.Bodies(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	type sectionChoice struct {
		ID       int64
		Label    string
		BodyID   int64
		Seats    int
		MinWomen int
		BodySlug string
		BodyName string
	}
	var sections []sectionChoice
	for _, b := range bodies {
		secs, err := s.DB.SectionsOf(r.Context(), b.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, x := range secs {
			sections = append(sections, sectionChoice{ID: x.ID, Label: b.Name + ": " + x.Name})
		}
	}
	s.render(w, r, status, "election_form", &page{Title: title, Form: form, Errors: fe, Data: map[string]any{
		"Action": action, "Bodies": bodies, "Sections": sections, "Methods": electionMethods, "Timetable": timetableFields,
	}})
}

func (s *Server) electionNewForm(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.RunElections, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderElectionForm(w, r, http.StatusOK, "Set up an election", "/admin/elections", url.Values{"seats": {"1"}}, nil)
}

func (s *Server) electionCreate(w http.ResponseWriter, r *http.Request) {
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	st, fe := s.settingsInput(r)
	if len(fe) == 0 {
		e, err := s.Elections.Create(r.Context(), principalOf(r), st)
		if f, ok := org.AsFieldErrors(err); ok {
			fe = formFieldErrors(f)
		} else if err != nil {
			s.failBack(w, r, err, "")
			return
		} else {
			s.redirect(w, r, "/elections/"+e.Slug+"/manage", "The election is set up as a draft. Add its candidates, electorate and key.")
			return
		}
	}
	s.renderElectionForm(w, r, http.StatusUnprocessableEntity, "Set up an election", "/admin/elections", r.PostForm, fe)
}

func (s *Server) electionEditForm(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.RunElections, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	v, ok := s.electionView(w, r)
	if !ok {
		return
	}
	s.renderElectionForm(w, r, http.StatusOK, "Edit "+v.Election.Title, electionPath(v)+"/edit", s.settingsForm(election.SettingsOf(v.Election)), nil)
}

func (s *Server) electionUpdate(w http.ResponseWriter, r *http.Request) {
	v, ok := s.electionOfficerPost(w, r)
	if !ok {
		return
	}
	st, fe := s.settingsInput(r)
	if len(fe) == 0 {
		e, err := s.Elections.Update(r.Context(), principalOf(r), v.Election.ID, st)
		if f, ok := org.AsFieldErrors(err); ok {
			fe = formFieldErrors(f)
		} else if err != nil {
			s.failBack(w, r, err, electionPath(v)+"/manage")
			return
		} else {
			s.redirect(w, r, "/elections/"+e.Slug+"/manage", "The election's settings are saved.")
			return
		}
	}
	s.renderElectionForm(w, r, http.StatusUnprocessableEntity, "Edit "+v.Election.Title, electionPath(v)+"/edit", r.PostForm, fe)
}
