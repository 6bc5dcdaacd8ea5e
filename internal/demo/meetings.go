package demo

import (
	"math/rand/v2"
	"time"

	"quorum/internal/store"
)

// Past meetings of the NEC (about every two months) and of each
// sub-committee (twice), with a short neutral summary of the business.

var necMeetingSummaries = []string{
	"The committee heard the leader's report on the parliamentary session and the deputy leader's report on the party's organisation. It received the general secretary's report on membership and finances, agreed the timetable for selecting candidates in target seats, and noted reports from the local government and youth representatives.",
	"Members received a briefing on the coming local elections, including the campaign plan and the support available to council groups. The committee approved the annual accounts for submission to conference, discussed a report on recruiting and keeping members, and agreed to consult branches on changes to the model rules for branch meetings.",
	"The committee met online. It agreed the procedure for a by-election to a vacant seat in the members' section, received the treasurer's report on the half-year, and heard the Scottish and Welsh representatives on preparations for the devolved elections.",
	"Meeting during annual conference, the committee took the report of the conference arrangements committee, agreed its recommendations on the rule changes to be debated, and welcomed the members elected for the new term.",
	"The committee reviewed how complaints had been handled over the year and agreed further training for the members who hear them. It received the equalities committee's report on the diversity of candidates, approved the budget for the coming year, and set the dates of its meetings.",
	"Members discussed the year's policy-making programme and the stages of consultation with members and affiliates. The committee received the leader's report, agreed the rules for electing the next youth representative, and thanked staff and volunteers for their work in the recent campaign.",
}

var subCommitteeSummaries = map[string][2]string{
	"nec-organisation": {
		"The committee reviewed branch boundaries after the new constituency map, agreed guidance for branches that are to merge, and received a report on membership by region.",
		"The committee agreed the timetable for selections in target seats and approved the shortlisting procedure that branches will follow.",
	},
	"nec-procedures": {
		"The committee considered the rule changes proposed by branches for conference, recommended which should go forward, and asked for two to be redrafted for clarity.",
		"The committee issued guidance on holding branch meetings online, on quorums, and on how officers should record votes.",
	},
	"nec-equalities": {
		"The committee reviewed the representation of women, BAME, disabled and LGBT+ members among the party's candidates and agreed targets for shortlists.",
		"The committee planned training for under-represented members who want to stand for their council and agreed to set up a mentoring scheme with council groups.",
	},
	"nec-disputes": {
		"The panel heard three appeals against decisions of branch officers, upheld one and dismissed two, and asked for clearer guidance on branch meeting notice periods.",
		"The panel received a report on how long complaints take to resolve and agreed steps to shorten the time between a referral and a hearing.",
	},
}

var meetingPlaces = []string{"Party headquarters, London", "Online", "Regional office, Leeds", "Regional office, Cardiff", "Party headquarters, London"}

func (b *builder) addMeeting(body int64, title string, heldOn time.Time, place, summary string) {
	b.ids.Meetings++
	b.d.Meetings = append(b.d.Meetings, store.MeetingRow{ID: b.ids.Meetings, BodyID: body, Title: title, HeldOn: heldOn, Place: place, Summary: summary})
}

func (b *builder) buildMeetings(r *rand.Rand) {
	conf := b.lastConference()
	// NEC meetings, oldest first: every other month, on a Tuesday, and one
	// during conference.
	n := len(necMeetingSummaries)
	for k := range n {
		ago := 2*(n-1-k) + 1
		held := weekdayOnOrAfter(b.monthStart(ago).AddDate(0, 0, 7+r.IntN(14)), time.Tuesday)
		place := meetingPlaces[r.IntN(len(meetingPlaces))]
		summary := necMeetingSummaries[k]
		if k == 3 {
			held, place = conf.AddDate(0, 0, -3), "Conference centre, during annual conference"
		}
		if !held.Before(b.today) {
			held = b.today.AddDate(0, 0, -1)
		}
		b.addMeeting(b.sum.NECID, "National Executive Committee, "+held.Format("January 2006"), held, place, summary)
	}

	// Each sub-committee met twice since it was appointed after conference.
	for i, body := range b.d.Bodies[1:] {
		for k, summary := range subCommitteeSummaries[body.Slug] {
			held := weekdayOnOrAfter(conf.AddDate(0, 1+2*k, 3*i+r.IntN(5)), time.Thursday)
			if m, d := held.Month(), held.Day(); m == time.December && d > 20 || m == time.January && d < 4 {
				held = held.AddDate(0, 0, 14) // not over the holidays
			}
			if !held.Before(b.today) {
				held = b.today.AddDate(0, 0, -1-i)
			}
			place := "Online"
			if k == 0 {
				place = "Party headquarters, London"
			}
			b.addMeeting(body.ID, body.Name+", "+held.Format("January 2006"), held, place, summary)
		}
	}
}
