package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quorum/internal/store"
	"quorum/internal/testkit"
)

// TestTheCountIsFollowedInPublic: after the close everyone sees how many
// of the shares needed have been given, the officials also see who has
// given theirs, and once declared the scrutineers' sign-offs are public
// with the result.
func TestTheCountIsFollowedInPublic(t *testing.T) {
	testkit.Engines(t, func(t *testing.T, db *store.DB) {
		s := newSite(t, db)
		base, f := openElectionThroughPages(t, s, "Chair under scrutiny", nil)
		castThroughPages(t, s, "member", base, url.Values{f[0]: {"1"}, f[1]: {"2"}})
		castThroughPages(t, s, "officer", base, url.Values{f[1]: {"1"}})
		castThroughPages(t, s, "secretary", base, url.Values{f[0]: {"1"}})
		expect(t, s.do("returning_officer", "POST", base+"/actions/close", url.Values{}), http.StatusSeeOther, "close")

		given := func(role string) string {
			t.Helper()
			page := s.do(role, "GET", base, nil).Body.String()
			i := strings.Index(page, `id="shares-given"`)
			if i < 0 {
				t.Fatalf("%s: the page does not say how many shares were given: %.4000s", role, page)
			}
			return page[i:min(len(page), i+200)]
		}
		for _, role := range []string{"anonymous", "member"} {
			if got := given(role); !strings.Contains(got, "<strong>0</strong> of the 2 needed") {
				t.Fatalf("%s before any share: %s", role, got)
			}
			if page := s.do(role, "GET", base, nil).Body.String(); strings.Contains(page, `id="trustees"`) {
				t.Fatalf("%s is shown who the trustees are", role)
			}
		}
		expect(t, s.do("scrutineer", "POST", base+"/trustee/submit", url.Values{"passphrase": {scrutineerPassphrase}}), http.StatusSeeOther, "scrutineer's share")
		if got := given("anonymous"); !strings.Contains(got, "<strong>1</strong> of the 2 needed") {
			t.Fatalf("after one share: %s", got)
		}
		officials := s.do("returning_officer", "GET", base, nil).Body.String()
		if !strings.Contains(officials, `id="trustees"`) || !strings.Contains(officials, "(scrutineer): share given for the count") ||
			!strings.Contains(officials, "(returning officer): holds their share") {
			t.Fatalf("the returning officer does not see who has given a share: %.5000s", officials)
		}

		expect(t, s.postFile("returning_officer", base+"/trustee/submit", "share", "share.txt", s.shareFiles[base], nil), http.StatusSeeOther, "returning officer's share")
		expect(t, s.do("returning_officer", "POST", base+"/actions/declare", url.Values{}), http.StatusSeeOther, "declare")
		if page := s.do("anonymous", "GET", base, nil).Body.String(); !strings.Contains(page, "No scrutineer has signed off the count yet.") {
			t.Fatalf("the page does not say the count awaits scrutiny: %.4000s", page)
		}
		if rc := s.do("scrutineer", "GET", base+"/scrutiny?recount=1", nil).Body.String(); !strings.Contains(rc, "The recount agrees") {
			t.Fatalf("recount: %.1500s", rc)
		}
		expect(t, s.do("scrutineer", "POST", base+"/scrutiny", url.Values{"note": {"Checked every stage."}}), http.StatusSeeOther, "sign off")
		for _, path := range []string{base, base + "/result"} {
			page := s.do("anonymous", "GET", path, nil).Body.String()
			i := strings.Index(page, `id="signoffs"`)
			if i < 0 {
				t.Fatalf("%s shows no sign-off: %.4000s", path, page)
			}
			got := page[i:min(len(page), i+400)]
			if !strings.Contains(got, "Signed off by") || !strings.Contains(got, "their recount agrees with the result") || !strings.Contains(got, "Checked every stage.") {
				t.Fatalf("%s: the sign-off reads %s", path, got)
			}
		}
	})
}
