package web

import (
	"embed"
	"io/fs"
	"net/http"
)

//go:embed static
var staticFiles embed.FS

// routes lists every address Quorum answers. Permissions are not decided
// here but in the domain services each handler calls.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(staticFiles, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /language/{code}", s.languageSwitch(mux))
	mux.Handle("GET /metrics", s.metrics.handler())

	// Public pages.
	mux.HandleFunc("GET /{$}", s.homeShow)
	mux.HandleFunc("GET /bodies", s.bodiesList)
	mux.HandleFunc("GET /bodies/{slug}", s.bodyShow)
	mux.HandleFunc("GET /units", s.unitsList)
	mux.HandleFunc("GET /units/{slug}", s.unitShow)
	mux.HandleFunc("GET /people/{slug}", s.personShow)

	// Signing in and out.
	mux.HandleFunc("GET /signin", s.signinForm)
	mux.HandleFunc("POST /signin", s.signinSubmit)
	mux.HandleFunc("GET /signin/code", s.signinCodeForm)
	mux.HandleFunc("POST /signin/code", s.signinCodeSubmit)
	mux.HandleFunc("POST /signout", s.signout)
	mux.HandleFunc("POST /signout/everywhere", s.signoutEverywhere)
	mux.HandleFunc("GET /reset", s.resetRequestForm)
	mux.HandleFunc("POST /reset", s.resetRequestSubmit)
	mux.HandleFunc("GET /reset/{token}", s.resetConfirmForm)
	mux.HandleFunc("POST /reset/{token}", s.resetConfirmSubmit)

	// A person's own account.
	mux.HandleFunc("GET /account", s.accountShow)
	mux.HandleFunc("POST /account", s.accountUpdate)
	mux.HandleFunc("GET /account/2fa", s.totpSetupForm)
	mux.HandleFunc("POST /account/2fa", s.totpSetupSubmit)

	// Editing the organisation (administrators, unit officers, body secretaries).
	mux.HandleFunc("GET /admin", s.adminHome)
	mux.HandleFunc("GET /admin/organisation", s.organisationForm)
	mux.HandleFunc("POST /admin/organisation", s.organisationSave)
	mux.HandleFunc("GET /admin/units/new", s.unitNewForm)
	mux.HandleFunc("POST /admin/units", s.unitCreate)
	mux.HandleFunc("GET /units/{slug}/edit", s.unitEditForm)
	mux.HandleFunc("POST /units/{slug}/edit", s.unitUpdate)
	mux.HandleFunc("GET /admin/bodies/new", s.bodyNewForm)
	mux.HandleFunc("POST /admin/bodies", s.bodyCreate)
	mux.HandleFunc("GET /bodies/{slug}/edit", s.bodyEditForm)
	mux.HandleFunc("POST /bodies/{slug}/edit", s.bodyUpdate)
	mux.HandleFunc("POST /bodies/{slug}/sections", s.sectionCreate)
	mux.HandleFunc("POST /bodies/{slug}/sections/{id}", s.sectionUpdate)
	mux.HandleFunc("POST /bodies/{slug}/seats/{seat}/fill", s.seatFill)
	mux.HandleFunc("POST /bodies/{slug}/seats/{seat}/end", s.seatEnd)
	mux.HandleFunc("GET /admin/people", s.peopleList)
	mux.HandleFunc("GET /admin/people/new", s.personNewForm)
	mux.HandleFunc("POST /admin/people", s.personCreate)
	mux.HandleFunc("GET /admin/people/{id}", s.personEditForm)
	mux.HandleFunc("POST /admin/people/{id}", s.personUpdate)
	mux.HandleFunc("POST /admin/people/{id}/roles", s.roleGrant)
	mux.HandleFunc("POST /admin/people/{id}/roles/revoke", s.roleRevoke)
	mux.HandleFunc("POST /admin/people/{id}/{record}", s.personRecord)
	mux.HandleFunc("GET /admin/audit", s.auditList)
	mux.HandleFunc("GET /admin/jobs", s.jobsList)
	mux.HandleFunc("POST /admin/jobs/{id}/{action}", s.jobAction)
	mux.HandleFunc("GET /admin/outbox", s.outboxList)
	mux.HandleFunc("GET /admin/import", s.membersImportForm)
	mux.HandleFunc("POST /admin/import", s.membersImportDryRun)
	mux.HandleFunc("POST /admin/import/apply", s.membersImportApply)
	mux.HandleFunc("GET /admin/export/members.csv", s.membersExport)

	// The JSON API, with the same permissions as the pages.
	mux.HandleFunc("GET /api/v1/me", s.apiMe)
	mux.HandleFunc("GET /api/v1/units", s.apiUnits)
	mux.HandleFunc("GET /api/v1/units/{slug}", s.apiUnit)
	mux.HandleFunc("GET /api/v1/bodies/{slug}", s.apiBody)

	s.electionRoutes(mux)
	s.nominationRoutes(mux)

	s.reportRoutes(mux)

	mux.HandleFunc("/", s.notFound)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Log.Warn("cross-origin request refused", "method", r.Method, "path_route", r.Pattern)
		s.renderError(w, r, http.StatusForbidden)
	}))
	var h http.Handler = mux
	h = s.loadPrincipal(h)
	h = csrf.Handler(h)
	h = s.securityHeaders(h)
	h = s.logRequests(h, mux)
	h = s.recoverPanics(h)
	return h
}

func cacheStatic(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.DB.Ping(r.Context()); err != nil {
		s.Log.Error("health check", "err", err)
		http.Error(w, "database unavailable", http.StatusServiceUnavailable)
		return
	}
	_, _ = w.Write([]byte("ok"))
}
