package web

import (
	"net/http"
	"strconv"
	"strings"

	"quorum/internal/org"
)

// maxFormBytes bounds ordinary forms; uploads have their own limits.
const maxFormBytes = 1 << 20

// parseForm reads a POSTed form, refusing oversized bodies.
func parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	return r.ParseForm() == nil
}

func formInt(r *http.Request, name string) int {
	n, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(name)))
	return n
}

func formInt64(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.PostForm.Get(name)), 10, 64)
	return n
}

func formBool(r *http.Request, name string) bool { return r.PostForm.Get(name) != "" }

// intField parses a required whole number, adding a field error when it is not one.
func intField(r *http.Request, fe org.FieldErrors, name, what string) int {
	v := strings.TrimSpace(r.PostForm.Get(name))
	n, err := strconv.Atoi(v)
	if err != nil {
		fe[name] = "Enter " + what + " as a whole number"
	}
	return n
}

func pathID(r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return n, err == nil && n > 0
}
