package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

func TestNominationRulesPage(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		rule := `{"any": [{"office_share": {"office": "Member of Parliament", "percent": "20"}}, {"unit_share": {"unit_type": "branch", "percent": "5"}}]}`
		for _, role := range []string{"member", "officer", "admin", "scrutineer"} {
			expect(t, s.do(role, "POST", "/admin/nominations/rules", url.Values{"name": {"leader"}, "from": {"2024-01-01"}, "rule": {rule}}), http.StatusForbidden, role+" adding a rule")
		}
		expect(t, s.do("returning_officer", "POST", "/admin/nominations/rules", url.Values{"name": {"leader"}, "from": {"2024-01-01"}, "rule": {`{"bogus": 1}`}}), http.StatusUnprocessableEntity, "a bad rule")
		expect(t, s.do("returning_officer", "POST", "/admin/nominations/rules", url.Values{"name": {"leader"}, "from": {"2024-01-01"}, "rule": {rule}, "source": {"Rule book 2024"}}), http.StatusSeeOther, "a rule")
		page := s.do("returning_officer", "GET", "/admin/nominations/rules", nil)
		expect(t, page, http.StatusOK, "the rules page")
		if !strings.Contains(page.Body.String(), "Rule book 2024") || !strings.Contains(page.Body.String(), "1 January 2024") {
			t.Fatalf("the new rule is not listed: %.2000s", page.Body.String())
		}
	})
}
