package web

import (
	"net/http"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/nomination"
	"quorum/internal/org"
)

// nominationRules lists the threshold rules with their versions and lets
// the returning officer add a version, in force from a day: a rule book
// changes, and periods already opened keep the version they opened under.
func (s *Server) nominationRules(w http.ResponseWriter, r *http.Request) {
	s.nominationRulesPage(w, r, http.StatusOK, nil)
}

func (s *Server) nominationRulesPage(w http.ResponseWriter, r *http.Request, status int, fe org.FieldErrors) {
	if err := principalOf(r).Require(auth.RunElections, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	rules, err := s.Nominations.Rules(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "nomination_rules", &page{Title: "Nomination threshold rules", Form: r.PostForm, Errors: fe, Data: map[string]any{"Rules": rules}})
}

func (s *Server) nominationRuleAdd(w http.ResponseWriter, r *http.Request) {
	if err := principalOf(r).Require(auth.RunElections, auth.Target{}); err != nil {
		s.fail(w, r, err)
		return
	}
	if !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	fe := org.FieldErrors{}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	if name == "" {
		fe["name"] = "Name the rule, e.g. leader"
	}
	from, err := org.ParseDate(r.PostForm.Get("from"))
	if err != nil || from.IsZero() {
		fe["from"] = "Enter the day the rule takes effect, as YYYY-MM-DD"
	}
	rule, err := nomination.ParseRule(r.PostForm.Get("rule"))
	if err != nil {
		fe["rule"] = "The rule is not valid: " + err.Error()
	}
	if len(fe) == 0 {
		err := s.Nominations.AddRule(r.Context(), principalOf(r), name, from, rule, strings.TrimSpace(r.PostForm.Get("source")))
		if f, ok := org.AsFieldErrors(err); ok {
			fe = f
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(fe) > 0 {
		s.nominationRulesPage(w, r, http.StatusUnprocessableEntity, fe)
		return
	}
	s.redirect(w, r, "/admin/nominations/rules", "The rule "+name+" is saved, in force from "+from.Format("2 January 2006")+".")
}
