package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestEveryRouteForEveryRole requests every page and action as every role
// and checks who is let in and who is refused.
func TestEveryRouteForEveryRole(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		everyone := roleNames
		signedIn := roleNames[1:]
		admin := []string{"admin"}
		unitEditors := []string{"admin", "officer"}
		bodyEditors := []string{"admin", "secretary"}
		admID := fmt.Sprint(s.people["member"])
		if rec := s.do("returning_officer", "POST", "/admin/elections", url.Values{"title": {"Fixture election"}, "seats": {"2"}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("create the fixture election: %d", rec.Code)
		}
		officers := []string{"returning_officer"}
		officials := []string{"returning_officer", "scrutineer"}

		type route struct {
			method, path string
			form         func(role string) url.Values
			allowed      []string
		}
		routes := []route{
			{"GET", "/", nil, everyone},
			{"GET", "/bodies", nil, everyone},
			{"GET", "/bodies/executive", nil, everyone},
			{"GET", "/units", nil, everyone},
			{"GET", "/units?type=branch&q=river", nil, everyone},
			{"GET", "/units/riverside", nil, everyone},
			{"GET", "/people/member", nil, everyone},
			{"GET", "/signin", nil, everyone},
			{"GET", "/reset", nil, everyone},
			{"GET", "/healthz", nil, everyone},
			{"GET", "/metrics", nil, everyone},
			{"GET", "/api/v1/units", nil, everyone},
			{"GET", "/api/v1/units/riverside", nil, everyone},
			{"GET", "/api/v1/bodies/executive", nil, everyone},
			{"GET", "/account", nil, signedIn},
			{"GET", "/account/2fa", nil, signedIn},
			{"GET", "/api/v1/me", nil, signedIn},
			{"POST", "/account", func(role string) url.Values {
				return url.Values{"name": {"The " + role}, "email": {role + "@example.org"}, "show_profile": {"on"}}
			}, signedIn},
			{"GET", "/admin", nil, admin},
			{"GET", "/admin/units/new", nil, admin},
			{"GET", "/admin/organisation", nil, admin},
			{"POST", "/admin/organisation", func(string) url.Values { return url.Values{"name": {"Test Party"}} }, admin},
			{"POST", "/admin/units", func(role string) url.Values {
				return url.Values{"type": {"branch"}, "name": {"New branch " + role}}
			}, admin},
			{"GET", "/units/riverside/edit", nil, unitEditors},
			{"POST", "/units/riverside/edit", func(role string) url.Values {
				return url.Values{"type": {"branch"}, "name": {"Riverside Branch"}, "slug": {"riverside"}, "parent": {"1"}}
			}, unitEditors},
			{"GET", "/admin/bodies/new", nil, admin},
			{"POST", "/admin/bodies", func(role string) url.Values { return url.Values{"name": {"Panel of " + role}} }, admin},
			{"GET", "/bodies/executive/edit", nil, bodyEditors},
			{"POST", "/bodies/executive/edit", func(string) url.Values {
				return url.Values{"name": {"Executive"}, "slug": {"executive"}}
			}, bodyEditors},
			{"POST", "/bodies/executive/sections", func(role string) url.Values {
				return url.Values{"name": {"Section " + role}, "seats": {"1"}, "min_women": {"0"}}
			}, bodyEditors},
			{"GET", "/admin/people", nil, admin},
			{"GET", "/admin/people/new", nil, admin},
			{"GET", "/admin/people/" + admID, nil, admin},
			{"POST", "/admin/people/" + admID + "/roles", func(string) url.Values {
				return url.Values{"role": {"officer"}, "unit": {"riverside"}, "title": {"Chair"}}
			}, admin},
			{"POST", "/admin/people/" + admID + "/memberships", func(role string) url.Values {
				return url.Values{"unit": {"riverside"}, "number": {"N-" + role}, "mtype": {"full"}, "start_date": {"2024-01-15"}}
			}, admin},
			{"POST", "/admin/people/" + admID + "/offices", func(string) url.Values {
				return url.Values{"office": {"councillor"}, "authority": {"Riverside Borough Council"}, "office_start": {"2022-05-05"}}
			}, admin},
			{"GET", "/elections", nil, everyone},
			{"GET", "/admin/elections/new", nil, officers},
			{"POST", "/admin/elections", func(role string) url.Values { return url.Values{"title": {"Election by " + role}, "seats": {"1"}} }, officers},
			{"GET", "/elections/fixture-election/manage", nil, officers},
			{"GET", "/elections/fixture-election/edit", nil, officers},
			{"GET", "/elections/fixture-election/roll", nil, officials},
			{"POST", "/elections/fixture-election/rules", func(string) url.Values {
				return url.Values{"rules": {`[{"kind": "members"}]`}}
			}, officers},
			{"GET", "/admin/audit", nil, admin},
			{"GET", "/admin/jobs", nil, admin},
			{"GET", "/admin/outbox", nil, admin},
			{"GET", "/admin/import", nil, admin},
			{"GET", "/admin/export/members.csv", nil, admin},
		}
		for _, rt := range routes {
			for _, role := range roleNames {
				var form url.Values
				if rt.form != nil {
					form = rt.form(role)
				}
				rec := s.do(role, rt.method, rt.path, form)
				allowed := contains(rt.allowed, role)
				got := rec.Code
				switch {
				case allowed && rt.method == "GET" && got != http.StatusOK:
					t.Errorf("%s %s as %s: %d, want 200", rt.method, rt.path, role, got)
				case allowed && rt.method == "POST" && got != http.StatusSeeOther:
					t.Errorf("%s %s as %s: %d, want 303 (body %.300s)", rt.method, rt.path, role, got, rec.Body.String())
				case !allowed && role == "anonymous" && !refusedAnonymous(rec):
					t.Errorf("%s %s as anonymous: %d %s, want a sign-in redirect or 401", rt.method, rt.path, got, rec.Header().Get("Location"))
				case !allowed && role != "anonymous" && got != http.StatusForbidden:
					t.Errorf("%s %s as %s: %d, want 403", rt.method, rt.path, role, got)
				}
			}
		}
	})
}

func refusedAnonymous(rec interface {
	Result() *http.Response
}) bool {
	res := rec.Result()
	if res.StatusCode == http.StatusUnauthorized {
		return true
	}
	return res.StatusCode == http.StatusSeeOther && strings.HasPrefix(res.Header.Get("Location"), "/signin")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestPersonRecordsShowOnTheirPages adds a membership and an office and
// checks that they appear where people look for them.
func TestPersonRecordsShowOnTheirPages(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		id := fmt.Sprint(s.people["member"])
		rec := s.do("admin", "POST", "/admin/people/"+id+"/memberships", url.Values{"unit": {"riverside"}, "number": {"R-0001"}, "mtype": {"youth"}, "start_date": {"2020-03-01"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("add membership: %d", rec.Code)
		}
		rec = s.do("admin", "POST", "/admin/people/"+id+"/memberships", url.Values{"unit": {"nowhere"}, "number": {"R-0001"}, "start_date": {"yesterday"}})
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "existing unit") {
			t.Fatalf("bad membership: %d", rec.Code)
		}
		rec = s.do("admin", "POST", "/admin/people/"+id+"/offices", url.Values{"office": {"councillor"}, "authority": {"Riverside Borough Council"}})
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("add office: %d", rec.Code)
		}
		if body := s.do("member", "GET", "/account", nil).Body.String(); !strings.Contains(body, "R-0001") {
			t.Fatal("the member's own page lacks the membership")
		}
		if body := s.do("anonymous", "GET", "/people/member", nil).Body.String(); !strings.Contains(body, "Riverside Borough Council") {
			t.Fatal("the public profile lacks the office")
		}
		if body := s.do("anonymous", "GET", "/units/riverside", nil).Body.String(); !strings.Contains(body, "<strong>7</strong> members") { // the fixture's six and the new one
			t.Fatal("the unit page does not count the new member")
		}
	})
}
