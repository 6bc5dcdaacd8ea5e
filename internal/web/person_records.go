package web

import (
	"net/http"
	"strconv"

	"quorum/internal/org"
)

// personRecord handles the small forms on a person's admin page that add or
// end a membership or a public office.
func (s *Server) personRecord(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok || !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	p := principalOf(r)
	ctx := r.Context()
	var err error
	var msg, formID string
	switch r.PathValue("record") {
	case "memberships":
		formID, msg = "membership", "The membership is added."
		err = s.Org.AddMembership(ctx, p, id, org.MembershipInput{UnitSlug: r.PostForm.Get("unit"), Number: r.PostForm.Get("number"), Type: r.PostForm.Get("mtype"), Start: r.PostForm.Get("start_date")})
	case "memberships-lapse":
		formID, msg = "lapse", "The membership is lapsed."
		on, perr := org.ParseDate(r.PostForm.Get("lapse_date"))
		if perr != nil {
			err = org.FieldErrors{"lapse_date": "Enter the date as YYYY-MM-DD"}
		} else {
			err = s.Org.LapseMembership(ctx, p, id, formInt64(r, "membership"), on)
		}
	case "offices":
		formID, msg = "office", "The office is recorded."
		err = s.Org.AddOffice(ctx, p, id, org.OfficeInput{Office: r.PostForm.Get("office"), Authority: r.PostForm.Get("authority"), UnitSlug: r.PostForm.Get("office_unit"), Start: r.PostForm.Get("office_start")})
	case "offices-end":
		formID, msg = "office-end", "The office is ended."
		on, perr := org.ParseDate(r.PostForm.Get("office_end"))
		if perr != nil {
			err = org.FieldErrors{"office_end": "Enter the date as YYYY-MM-DD"}
		} else {
			err = s.Org.EndOffice(ctx, p, id, formInt64(r, "office_id"), on)
		}
	default:
		s.renderError(w, r, http.StatusNotFound)
		return
	}
	if fe, ok := org.AsFieldErrors(err); ok {
		s.personAdminPage(w, r, http.StatusUnprocessableEntity, id, r.PostForm, fe, formID)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/people/"+strconv.FormatInt(id, 10), msg)
}
