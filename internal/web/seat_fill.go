package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"quorum/internal/auth"
	"quorum/internal/org"
	"quorum/internal/store"
)

// findPerson looks a person up by e-mail address or profile address.
func (s *Server) findPerson(r *http.Request, who string) (store.Person, error) {
	who = strings.TrimSpace(who)
	if strings.Contains(who, "@") {
		return s.DB.PersonByEmail(r.Context(), auth.NormaliseEmail(who))
	}
	return s.DB.PersonBySlug(r.Context(), strings.TrimPrefix(who, "/people/"))
}

// seatFill records who takes a seat and from when.
func (s *Server) seatFill(w http.ResponseWriter, r *http.Request) {
	b, ok := s.bodyFromPath(w, r)
	if !ok {
		return
	}
	seatID, ok := pathID(r, "seat")
	if !ok || !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	formID := "seat-" + strconv.FormatInt(seatID, 10)
	var err error
	fe := org.FieldErrors{}
	in := org.SeatInput{SeatID: seatID, Note: r.PostForm.Get("note")}
	if person, err := s.findPerson(r, r.PostForm.Get("person")); err == nil {
		in.PersonID = person.ID
	} else if errors.Is(err, store.ErrNotFound) {
		fe["person"] = "No one has that e-mail or profile address"
	} else {
		s.fail(w, r, err)
		return
	}
	if in.Start, err = org.ParseDate(r.PostForm.Get("start")); err != nil {
		fe["start"] = "Enter the start date as YYYY-MM-DD"
	}
	if in.End, err = org.ParseDate(r.PostForm.Get("end")); err != nil {
		fe["end"] = "Enter the end date as YYYY-MM-DD, or leave it blank"
	}
	if len(fe) == 0 {
		err = s.Org.FillSeat(r.Context(), principalOf(r), b.ID, in)
		if f, ok := org.AsFieldErrors(err); ok {
			fe = f
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(fe) > 0 {
		s.bodyEditPage(w, r, http.StatusUnprocessableEntity, b, r.PostForm, fe, formID)
		return
	}
	s.redirect(w, r, "/bodies/"+b.Slug+"/edit", "The seat is filled.")
}

// seatEnd ends the current holder's term; the seat becomes vacant.
func (s *Server) seatEnd(w http.ResponseWriter, r *http.Request) {
	b, ok := s.bodyFromPath(w, r)
	if !ok {
		return
	}
	seatID, ok := pathID(r, "seat")
	if !ok || !parseForm(w, r) {
		s.renderError(w, r, http.StatusBadRequest)
		return
	}
	end, err := org.ParseDate(r.PostForm.Get("end"))
	fe := org.FieldErrors{}
	if err != nil {
		fe["end"] = "Enter the end date as YYYY-MM-DD"
	} else if err := s.Org.EndTerm(r.Context(), principalOf(r), b.ID, seatID, formInt64(r, "term"), end); err != nil {
		if f, ok := org.AsFieldErrors(err); ok {
			fe = f
		} else {
			s.fail(w, r, err)
			return
		}
	}
	if len(fe) > 0 {
		s.bodyEditPage(w, r, http.StatusUnprocessableEntity, b, r.PostForm, fe, "end-"+strconv.FormatInt(seatID, 10))
		return
	}
	s.redirect(w, r, "/bodies/"+b.Slug+"/edit", "The term is ended; the seat is vacant from the next day.")
}
