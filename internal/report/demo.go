package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"quorum/internal/store"
)

// The demo's report-back: agendas and minutes for the governing body's
// past meetings, reports of them by several representatives (the featured
// one with a draft of the latest), comments, subscribers and events to
// come. Everything is invented and deterministic from the seed.

// DemoOptions says where the demo's reports go.
type DemoOptions struct {
	BodyID   int64     // the governing body whose meetings are reported
	Featured int64     // a representative the demo signs in as: gets a draft too
	Today    time.Time // the demo's today
	Seed     int64
	// Subscribers is how many e-mail subscribers to invent (default 400).
	Subscribers int
	// Election is the election whose hustings the demo holds, open for
	// voting until a day after them at least (0: hustings of no election).
	Election int64
}

// DemoSummary says what LoadDemo added.
type DemoSummary struct {
	Reports, Drafts, Comments, Subscribers, Events int
}

var demoAgenda = []store.AgendaItem{
	{Title: "Apologies and minutes of the last meeting"},
	{Title: "Leader’s report"},
	{Title: "Deputy Leader’s report"},
	{Title: "General Secretary’s report", Detail: "Membership, finance and staffing"},
	{Title: "Reports from committees", Detail: "Organisation, procedures, equalities, disputes"},
	{Title: "Any other business"},
}

// demoSections are what representatives write under each heading; %s is
// the meeting's month.
var demoSections = map[string][]string{
	"leader": {
		"The Leader opened with the political situation and thanked members for the work of the %s campaign days. He asked the committee to keep the focus on the cost of living, on housing and on the state of local services, and took questions on the party's stance on public ownership of the railways.",
		"The Leader reported on the parliamentary session and the party's standing in the polls. He paid tribute to councillors who hold the line on services despite another year of cuts, and said the policy programme would be put to members in stages over the coming months.",
	},
	"deputy_leader": {
		"The Deputy Leader set out the plan for the coming elections: more organisers in the regions, a training programme for new candidates, and a digital tool that lets branches share canvassing data safely. Several members asked that the tool be tested with branches in rural areas first.",
		"The Deputy Leader reported on the review of how the party supports its members who are elected to councils, and on the work with affiliated unions on fair pay for care workers.",
	},
	"general_secretary": {
		"The General Secretary reported that membership is stable, with new members joining after each campaign weekend and lapses concentrated among those who joined in one surge. The accounts are on track; the committee agreed to keep the reserve at three months of running costs.",
		"The General Secretary presented the half-year figures and the staffing plan. Members asked for the figures by region, which will be circulated with the minutes.",
	},
	"local_government": {
		"I raised the pressure on council budgets and asked that the national campaign make the case for fair funding of local services. I also asked that councillors be consulted before policy on housing and planning is announced, and the committee agreed to a joint session with the local government association group.",
		"I reported back from the council group leaders' meeting: the main concerns were social care, temporary accommodation and the cost of school transport. The committee agreed that a councillor will speak in each policy debate at conference.",
	},
	"european_international": {
		"The committee heard from our sister parties about elections across Europe and agreed to send observers to two of them. Members asked for more joint work on workers' rights with the trade unions of neighbouring countries.",
	},
	"policy": {
		"The policy programme for the year was agreed: consultations on housing, on the economy and on public services, each with a stage where branches and affiliates can send amendments. I asked that the consultation documents be short and in plain English, and that was agreed.",
	},
	"elections": {
		"The committee agreed the timetable for selecting candidates in the target seats and the rules for the by-election to the vacant local government seat. Nominations open next month; the returning officer will publish the timetable on the website.",
	},
	"disputes": {
		"The disputes panel reported on the cases heard since the last meeting. I cannot report on individual cases, which are confidential, but the panel has cut the average time from complaint to hearing and will publish anonymised figures each quarter.",
	},
}

var demoIntros = []string{
	"This is my report of the %s meeting of the National Executive Committee. As always, these are my own notes rather than the official minutes, and I am happy to answer questions: comment below or get in touch.",
	"The committee met in %s. Below is my summary of the main items. If your branch would like me to come and report in person, please ask.",
	"Here is my report back from the %s meeting. It was a long agenda, so I have kept to the items that matter most to members and councillors.",
}

var demoCommenters = []string{"Priya Sharma", "Tom Hughes", "Aisha Bello", "Gwen Morgan", "Liam O’Connor", "Sarah Whitfield", "Daniel Okafor", "Mair Jones", "Chris Patel", "Fiona Grant"}

var demoComments = []string{
	"Thank you for this report, it is really useful to read before our branch meeting.",
	"Could you say more about how branches will be consulted on the policy programme?",
	"Good to see local government raised so clearly. Our council is facing the same pressures.",
	"Will the regional figures be shared with branch secretaries as well?",
	"Thanks for the update on selections. When will the timetable be published?",
	"Really appreciate these reports – please keep them coming.",
}

var demoReplies = []string{
	"Thanks – I will ask for that at the next meeting and report back.",
	"They will be sent with the minutes; I will post a link here when they are.",
	"Good question. The first consultation opens next month, and every branch will get the document.",
}

// LoadDemo writes the demo's report-back in one transaction.
func LoadDemo(ctx context.Context, s *Service, o DemoOptions) (DemoSummary, error) {
	var sum DemoSummary
	if o.Subscribers <= 0 {
		o.Subscribers = 400
	}
	r := rand.New(rand.NewPCG(uint64(o.Seed), 0x5eed))
	today := o.Today.UTC()
	body, err := s.DB.BodyByID(ctx, o.BodyID)
	if err != nil {
		return sum, fmt.Errorf("demo body: %w", err)
	}
	meetings, _, err := s.DB.MeetingRecordsOf(ctx, o.BodyID, store.Page{Size: 50})
	if err != nil {
		return sum, err
	}
	var past []store.MeetingRecord
	for _, m := range meetings {
		if m.HeldOn.Before(today) {
			past = append(past, m)
		}
	}
	if len(past) > 4 {
		past = past[:4]
	}
	holders, err := s.DB.SeatHoldersOf(ctx, o.BodyID, today)
	if err != nil {
		return sum, err
	}
	authors := []int64{}
	if o.Featured != 0 {
		authors = append(authors, o.Featured)
	}
	for _, i := range r.Perm(len(holders)) {
		if len(authors) >= 4 {
			break
		}
		if id := holders[i].PersonID; id != o.Featured && !containsID(authors, id) {
			authors = append(authors, id)
		}
	}
	err = s.inTx(ctx, func(tx *store.Tx) error {
		for _, m := range past {
			m.Minutes = fmt.Sprintf("**Present:** the members listed under attendance.\n\n**Minutes of the last meeting** were agreed as a true record.\n\n**Reports.** The committee received the reports listed on the agenda. %s\n\n**Any other business.** None.", m.Summary)
			if err := tx.UpdateMeeting(ctx, m); err != nil {
				return err
			}
			if err := tx.ReplaceAgenda(ctx, m.ID, demoAgenda); err != nil {
				return err
			}
			if err := s.indexMeeting(ctx, tx, m, demoAgenda); err != nil {
				return err
			}
			for _, h := range holders {
				status := store.AttendancePresent
				if r.IntN(6) == 0 {
					status = store.AttendanceApologies
				}
				if err := tx.SetAttendance(ctx, m.ID, h.PersonID, status); err != nil {
					return err
				}
			}
		}
		tags := map[string]int64{}
		for _, name := range []string{"NEC", "local government", "elections", "policy", "membership"} {
			id, _, err := tx.EnsureTag(ctx, store.Tag{Kind: "tag", Slug: Slugify(name), Name: name})
			if err != nil {
				return err
			}
			tags[name] = id
		}
		commenter := 0
		for mi, m := range past {
			month := m.HeldOn.Format("January 2006")
			for ai, author := range authors {
				if ai > 0 && r.IntN(4) == 0 {
					continue // not everyone reports every meeting
				}
				draft := mi == 0 && author == o.Featured
				in := ReportInput{
					Title:  fmt.Sprintf("%s report – %s", body.Name, month),
					Intro:  fmt.Sprintf(demoIntros[r.IntN(len(demoIntros))], month),
					BodyID: body.ID, MeetingID: m.ID, CommentsOpen: true, SendNewsletter: true,
				}
				switch ai {
				case 1:
					in.Title = fmt.Sprintf("Report back: %s, %s", body.Name, month)
				case 2:
					in.Title = fmt.Sprintf("What happened at the %s meeting of the executive", month)
				case 3:
					in.Title = fmt.Sprintf("%s: my report to members", month)
				}
				for _, kind := range []string{"leader", "deputy_leader", "general_secretary", "local_government", "policy", "elections", "disputes", "european_international"} {
					texts := demoSections[kind]
					if kind != "leader" && kind != "local_government" && r.IntN(3) == 0 {
						continue
					}
					in.Sections = append(in.Sections, Section{Kind: kind, Heading: SectionHeading(kind), Body: fmt.Sprintf(texts[r.IntN(len(texts))], month)})
				}
				in.normalise()
				slug, err := uniqueReportSlug(ctx, tx, in.Slug, int64(ai+1))
				if err != nil {
					return err
				}
				in.Slug = slug
				published := time.Date(m.HeldOn.Year(), m.HeldOn.Month(), m.HeldOn.Day()+2, 18, r.IntN(60), 0, 0, time.UTC)
				rep := store.Report{Kind: "report", AuthorID: author, Status: store.ReportPublished, Format: FormatMarkdown, CreatedAt: published, PublishAt: published}
				if draft {
					rep.Status, rep.PublishAt, rep.CreatedAt = store.ReportDraft, time.Time{}, today
				}
				if err := s.fill(&rep, in, rep.CreatedAt); err != nil {
					return err
				}
				if rep.ID, err = tx.CreateReport(ctx, rep); err != nil {
					return err
				}
				secs := make([]store.ReportSection, len(in.Sections))
				for i, x := range in.Sections {
					secs[i] = store.ReportSection{Kind: x.Kind, Heading: x.Heading, Body: x.Body}
				}
				if err := tx.ReplaceSections(ctx, rep.ID, secs); err != nil {
					return err
				}
				if err := tx.SetReportTags(ctx, rep.ID, []int64{tags["NEC"], tags[[]string{"local government", "elections", "policy", "membership"}[r.IntN(4)]]}); err != nil {
					return err
				}
				if draft {
					sum.Drafts++
					continue
				}
				sum.Reports++
				if err := s.indexReport(ctx, tx, rep); err != nil {
					return err
				}
				n := r.IntN(4)
				var first int64
				for k := range n {
					name := demoCommenters[commenter%len(demoCommenters)]
					commenter++
					status := store.CommentApproved
					if mi == 0 && k == n-1 {
						status = store.CommentPending // something for the moderators
					}
					c := store.Comment{ReportID: rep.ID, AuthorName: name, AuthorEmail: demoEmail(name), Body: demoComments[r.IntN(len(demoComments))],
						Status: status, CreatedAt: published.Add(time.Duration(3+k*5) * time.Hour)}
					id, err := tx.InsertComment(ctx, c)
					if err != nil {
						return err
					}
					sum.Comments++
					if k == 0 {
						first = id
					}
				}
				if first != 0 && r.IntN(2) == 0 {
					reply := store.Comment{ReportID: rep.ID, ParentID: first, PersonID: author, AuthorName: personName(ctx, tx, author),
						Body: demoReplies[r.IntN(len(demoReplies))], Status: store.CommentApproved, CreatedAt: published.Add(30 * time.Hour)}
					if _, err := tx.InsertComment(ctx, reply); err != nil {
						return err
					}
					sum.Comments++
				}
			}
		}
		if err := demoSubscribers(ctx, tx, r, o, authors, today, &sum); err != nil {
			return err
		}
		return demoEvents(ctx, s, tx, r, o, today, &sum)
	})
	return sum, err
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func personName(ctx context.Context, tx *store.Tx, id int64) string {
	p, err := tx.PersonByID(ctx, id)
	if err != nil {
		return "The representative"
	}
	return p.Name
}

// demoEmail makes an address at example.org, which never receives mail.
func demoEmail(name string) string {
	return strings.ReplaceAll(Slugify(name), "-", ".") + "@example.org"
}

func demoSubscribers(ctx context.Context, tx *store.Tx, r *rand.Rand, o DemoOptions, authors []int64, today time.Time, sum *DemoSummary) error {
	rows := make([]store.NewSubscriberRow, 0, o.Subscribers)
	for i := range o.Subscribers {
		token, err := newToken()
		if err != nil {
			return err
		}
		row := store.NewSubscriberRow{Email: fmt.Sprintf("reader%04d@example.org", i+1), Token: token, Status: store.SubscriberConfirmed, Consent: "sign-up form (demo)"}
		switch n := r.IntN(20); {
		case n < 2:
			row.Status = store.SubscriberPending
		case n < 3:
			row.Status = store.SubscriberUnsubscribed
		}
		switch n := r.IntN(10); {
		case n < 3:
			row.Follows = []store.Subscription{{Scope: store.ScopeSite}}
		case n < 7:
			row.Follows = []store.Subscription{{Scope: store.ScopeBody, TargetID: o.BodyID}}
		default:
			if len(authors) > 0 {
				row.Follows = []store.Subscription{{Scope: store.ScopePerson, TargetID: authors[r.IntN(len(authors))]}}
			}
		}
		rows = append(rows, row)
	}
	if err := tx.BulkAddSubscribers(ctx, rows, today); err != nil {
		return err
	}
	sum.Subscribers = len(rows)
	for i, reason := range []string{store.SuppressBounce, store.SuppressComplaint} {
		if err := tx.Suppress(ctx, store.Suppression{Email: rows[i*7].Email, Reason: reason, Detail: "demo", CreatedAt: today}); err != nil {
			return err
		}
	}
	return nil
}

func demoEvents(ctx context.Context, s *Service, tx *store.Tx, r *rand.Rand, o DemoOptions, today time.Time, sum *DemoSummary) error {
	day := func(days int, hour, minute int) time.Time {
		d := today.AddDate(0, 0, days)
		return time.Date(d.Year(), d.Month(), d.Day(), hour, minute, 0, 0, Zone).UTC()
	}
	events := []store.Event{
		{Kind: HustingsKind, Title: "Hustings: members' section election", Description: "Meet the candidates for the nine members' section seats on the National Executive Committee. Each candidate speaks for three minutes, then takes questions from the floor and from members online. Voting is open: you can vote before the hustings or after it, until the ballot closes.",
			Place: "Friends Meeting House, Manchester", OnlineURL: "https://meet.example.org/hustings", StartsAt: day(7, 18, 30), EndsAt: day(7, 20, 30), Capacity: 120, BodyID: o.BodyID, ElectionID: o.Election},
		{Kind: "training", Title: "Training: running a branch meeting online", Description: "A practical session for branch officers: notice, quorum, votes and minutes when the meeting is online.",
			OnlineURL: "https://meet.example.org/training", StartsAt: day(10, 19, 0), EndsAt: day(10, 20, 30), Capacity: 25},
		{Kind: "action_day", Title: "National action day on local services", Description: "Campaign sessions in every region. Bring a friend; leaflets and boards are provided.",
			Place: "Town centres across the country: see your region's page", StartsAt: day(35, 10, 0), EndsAt: day(35, 16, 0)},
	}
	for i, e := range events {
		e.Slug = Slugify(e.Title + " " + e.StartsAt.In(Zone).Format(time.DateOnly))
		e.CreatedAt, e.UpdatedAt = today, today
		id, err := tx.CreateEvent(ctx, e)
		if err != nil {
			return err
		}
		e.ID = id
		n := []int{37, 25 + 3, 12}[i]
		for k := range n {
			status := store.SignupBooked
			if e.Capacity > 0 && k >= e.Capacity {
				status = store.SignupWaiting
			}
			token, err := newToken()
			if err != nil {
				return err
			}
			name := demoCommenters[r.IntN(len(demoCommenters))]
			if _, err := tx.CreateSignup(ctx, store.Signup{EventID: id, Name: name, Email: fmt.Sprintf("attendee%d.%d@example.org", i+1, k+1), Status: status, Token: token, CreatedAt: today.Add(-time.Duration(n-k) * time.Hour)}); err != nil {
				return err
			}
		}
		if err := s.scheduleReminder(ctx, tx, e); err != nil {
			return err
		}
		sum.Events++
	}
	return nil
}
