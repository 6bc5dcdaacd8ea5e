package web

import (
	"net/http"
)

// reportRoutes lists the addresses of meetings and report-back: reports,
// representatives' pages, meetings, comments, subscriptions, feeds,
// search and events. Permissions are decided in the report service.
func (s *Server) reportRoutes(mux *http.ServeMux) {
	if s.Reports == nil {
		return
	}
	// Reports, public.
	mux.HandleFunc("GET /reports", s.reportList)
	mux.HandleFunc("GET /reports/{slug}", s.reportShow)
	mux.HandleFunc("GET /reports/{slug}/print", s.reportPrint)
	mux.HandleFunc("GET /people/{slug}/reports", s.reportPerson)
	mux.HandleFunc("GET /bodies/{slug}/reports", s.reportBody)
	mux.HandleFunc("GET /images/{id}", s.reportImage)

	// Writing reports (seat holders; administrators).
	mux.HandleFunc("GET /my/reports", s.reportMine)
	mux.HandleFunc("GET /reports/new", s.reportNewForm)
	mux.HandleFunc("POST /reports/new", s.reportCreate)
	mux.HandleFunc("GET /reports/{slug}/edit", s.reportEditForm)
	mux.HandleFunc("POST /reports/{slug}/edit", s.reportUpdate)
	mux.HandleFunc("POST /reports/{slug}/publish", s.reportPublish)
	mux.HandleFunc("POST /reports/{slug}/schedule", s.reportSchedule)
	mux.HandleFunc("POST /reports/{slug}/unpublish", s.reportUnpublish)
	mux.HandleFunc("POST /reports/{slug}/cover", s.reportCover)
	mux.HandleFunc("POST /reports/{slug}/cover/remove", s.reportCoverRemove)
	mux.HandleFunc("GET /reports/{slug}/newsletter", s.reportNewsletter)

	// Comments.
	mux.HandleFunc("POST /reports/{slug}/comments", s.commentPost)
	mux.HandleFunc("POST /comments/{id}/flag", s.commentFlag)
	mux.HandleFunc("GET /moderation", s.commentModeration)
	mux.HandleFunc("POST /comments/{id}/moderate", s.commentModerate)

	// Meetings.
	mux.HandleFunc("GET /bodies/{slug}/meetings", s.meetingList)
	mux.HandleFunc("GET /bodies/{slug}/meetings/new", s.meetingNewForm)
	mux.HandleFunc("POST /bodies/{slug}/meetings", s.meetingCreate)
	mux.HandleFunc("GET /meetings/{id}", s.meetingShow)
	mux.HandleFunc("GET /meetings/{id}/edit", s.meetingEditForm)
	mux.HandleFunc("POST /meetings/{id}/edit", s.meetingUpdate)
	mux.HandleFunc("POST /meetings/{id}/attendance", s.meetingAttendance)
	mux.HandleFunc("POST /meetings/{id}/papers", s.meetingPaperAdd)
	mux.HandleFunc("GET /meetings/{id}/papers/{paper}", s.meetingPaperGet)
	mux.HandleFunc("POST /meetings/{id}/papers/{paper}/delete", s.meetingPaperDelete)

	// Subscriptions: sign-up, confirmation, preferences, one-click
	// unsubscribe (RFC 8058: a POST from the mail client, no cookie).
	mux.HandleFunc("POST /subscriptions", s.subscriptionCreate)
	mux.HandleFunc("GET /subscriptions/{token}/confirm", s.subscriptionConfirmForm)
	mux.HandleFunc("POST /subscriptions/{token}/confirm", s.subscriptionConfirm)
	mux.HandleFunc("GET /subscriptions/{token}", s.subscriptionPrefs)
	mux.HandleFunc("POST /subscriptions/{token}", s.subscriptionPrefsUpdate)
	mux.HandleFunc("GET /subscriptions/{token}/unsubscribe", s.subscriptionUnsubscribeForm)
	mux.HandleFunc("POST /subscriptions/{token}/unsubscribe", s.subscriptionUnsubscribe)
	mux.HandleFunc("GET /admin/subscribers", s.subscriptionAdmin)
	mux.HandleFunc("POST /admin/subscribers/import", s.subscriptionImport)
	mux.HandleFunc("POST /admin/subscribers/suppress", s.subscriptionSuppress)
	mux.HandleFunc("POST /admin/subscribers/unsuppress", s.subscriptionUnsuppress)

	// The JSON API of reports, with the same permissions as the pages.
	mux.HandleFunc("GET /api/v1/reports", s.apiReports)
	mux.HandleFunc("GET /api/v1/reports/{slug}", s.apiReport)

	// Feeds and search.
	mux.HandleFunc("GET /feed.atom", s.feedSite)
	mux.HandleFunc("GET /bodies/{slug}/feed.atom", s.feedBody)
	mux.HandleFunc("GET /people/{slug}/feed.atom", s.feedPerson)
	mux.HandleFunc("GET /search", s.searchShow)

	// Events.
	mux.HandleFunc("GET /events", s.eventList)
	mux.HandleFunc("GET /events.ics", s.eventCalendar)
	mux.HandleFunc("GET /events/new", s.eventNewForm)
	mux.HandleFunc("POST /events", s.eventCreate)
	mux.HandleFunc("GET /events/{slug}", s.eventShow)
	mux.HandleFunc("GET /events/{slug}/calendar.ics", s.eventICS)
	mux.HandleFunc("GET /events/{slug}/edit", s.eventEditForm)
	mux.HandleFunc("POST /events/{slug}/edit", s.eventUpdate)
	mux.HandleFunc("POST /events/{slug}/signup", s.eventSignup)
	mux.HandleFunc("GET /events/{slug}/signup/{token}", s.eventSignupShow)
	mux.HandleFunc("POST /events/{slug}/signup/{token}", s.eventSignupCancel)

	s.importedBlogRoutes(mux) // its documents (/files/…), and its old addresses wherever no route answers
}
