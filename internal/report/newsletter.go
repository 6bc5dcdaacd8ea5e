package report

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/url"
	"strings"

	gomail "github.com/wneessen/go-mail"

	"quorum/internal/auth"
	"quorum/internal/jobs"
	"quorum/internal/mail"
	"quorum/internal/store"
)

// A newsletter is sent in two kinds of job. The start job chooses the
// recipients in one statement (a delivery row each, so every recipient
// has a status) and cuts them into batches; each batch job sends its
// recipients over one SMTP connection, recording each delivery as it is
// made. A batch run again (after a crash or a restart) sends only what is
// still pending, so nobody is mailed twice and nobody is lost; each
// message's Message-ID is fixed by its delivery row, so a copy sent twice
// in the one unavoidable window (the server accepted it, then the process
// died before recording it) is recognisably the same message.
const (
	NewsletterStartKind = "report.newsletter"
	NewsletterBatchKind = "report.newsletter-batch"
	// DeliveryKept: no mail server is configured; the message was kept
	// in the admin outbox instead.
	DeliveryKept = "kept"
)

type newsletterStartPayload struct {
	ReportID int64 `json:"report_id"`
}

type newsletterBatchPayload struct {
	SendID int64 `json:"send_id"`
	From   int64 `json:"from"`
	To     int64 `json:"to"`
}

// newsletterStart is the report.newsletter job: it makes the deliveries
// and queues the batches, all in one transaction.
func (s *Service) newsletterStart(ctx context.Context, raw json.RawMessage) error {
	var pl newsletterStartPayload
	if err := decodePayload(raw, &pl); err != nil || pl.ReportID == 0 {
		return jobs.Permanent(fmt.Errorf("newsletter payload: %v", err))
	}
	_, err := s.StartNewsletter(ctx, pl.ReportID)
	return err
}

// StartNewsletter chooses a published report's recipients and queues the
// batches that send to them. It does nothing for a report whose
// newsletter was already started. It returns the send.
func (s *Service) StartNewsletter(ctx context.Context, reportID int64) (store.NewsletterSend, error) {
	var send store.NewsletterSend
	err := s.inTx(ctx, func(tx *store.Tx) error {
		r, err := tx.ReportByID(ctx, reportID)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if !r.Published() {
			return nil
		}
		var created bool
		send, created, err = tx.CreateNewsletterSend(ctx, r.ID, r.BodyID, r.AuthorID, s.now())
		if err != nil || !created {
			return err
		}
		ids, err := tx.PendingDeliveryIDs(ctx, send.ID)
		if err != nil {
			return err
		}
		batch := s.cfg.NewsletterBatch
		for i := 0; i < len(ids); i += batch {
			from, to := ids[i], ids[min(i+batch, len(ids))-1]
			if _, err := s.Queue.EnqueueTx(ctx, tx, NewsletterBatchKind, newsletterBatchPayload{SendID: send.ID, From: from, To: to},
				jobs.UniqueKey(fmt.Sprintf("newsletter:%d:%d", send.ID, from)), jobs.MaxAttempts(8)); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, store.AuditEntry{Action: "newsletter.start", TargetType: "report", TargetID: idText(r.ID),
			New: fmt.Sprintf("send=%d recipients=%d batches=%d", send.ID, send.Recipients, (len(ids)+batch-1)/batch)})
	})
	return send, err
}

// newsletterBatch is the report.newsletter-batch job.
func (s *Service) newsletterBatch(ctx context.Context, raw json.RawMessage) error {
	var pl newsletterBatchPayload
	if err := decodePayload(raw, &pl); err != nil || pl.SendID == 0 {
		return jobs.Permanent(fmt.Errorf("newsletter batch payload: %v", err))
	}
	deliveries, err := s.DB.PendingDeliveries(ctx, pl.SendID, pl.From, pl.To)
	if err != nil || len(deliveries) == 0 {
		return err
	}
	tpl, err := s.newsletterTemplate(ctx, pl.SendID)
	if errors.Is(err, store.ErrNotFound) {
		return jobs.Permanent(err)
	}
	if err != nil {
		return err
	}
	info, _ := jobs.InfoFrom(ctx)
	var conn *gomail.Client
	defer func() {
		if conn != nil {
			_ = conn.Close()
		}
	}()
	var retryErr error
	for _, d := range deliveries {
		if err := ctx.Err(); err != nil {
			retryErr = err
			break
		}
		switch {
		case d.SubscriberStatus != store.SubscriberConfirmed:
			err = s.DB.FinishDelivery(ctx, d.ID, store.DeliverySkipped, "", s.now())
		case d.Suppressed:
			err = s.DB.FinishDelivery(ctx, d.ID, store.DeliverySuppressed, "", s.now())
		case s.smtp == nil:
			err = s.keepInOutbox(ctx, tpl, d)
		default:
			if conn == nil {
				if conn, err = s.smtp.dial(ctx); err != nil {
					conn = nil
					retryErr = err
					break
				}
			}
			err = s.sendOne(ctx, conn, tpl, d)
			if err != nil && !refusedRecipient(err) {
				// The server or the connection failed: what is left
				// waits for the job's next attempt.
				_ = s.DB.RetryDelivery(ctx, d.ID, hideAddresses(err.Error()))
				retryErr = err
				break
			}
			err = nil
		}
		if retryErr != nil {
			break
		}
		if err != nil {
			return err
		}
	}
	if retryErr == nil {
		return nil
	}
	if info.LastAttempt() {
		// Out of attempts: whatever is still pending failed.
		left, err := s.DB.PendingDeliveries(ctx, pl.SendID, pl.From, pl.To)
		if err != nil {
			return err
		}
		for _, d := range left {
			if err := s.DB.FinishDelivery(ctx, d.ID, store.DeliveryFailed, hideAddresses(retryErr.Error()), s.now()); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("newsletter batch: %s", hideAddresses(retryErr.Error()))
}

// sendOne sends one delivery over an open connection and records the
// outcome: sent, or failed for good (and the address suppressed) when
// the server refused the recipient.
func (s *Service) sendOne(ctx context.Context, conn *gomail.Client, tpl *newsletterMessage, d store.Delivery) error {
	msg, err := tpl.compose(s, d)
	if err != nil {
		return s.DB.FinishDelivery(ctx, d.ID, store.DeliveryFailed, err.Error(), s.now())
	}
	if err := conn.Send(msg); err != nil {
		if !refusedRecipient(err) {
			return err
		}
		text := hideAddresses(err.Error())
		if ferr := s.DB.FinishDelivery(ctx, d.ID, store.DeliveryFailed, text, s.now()); ferr != nil {
			return ferr
		}
		serr := s.inTx(ctx, func(tx *store.Tx) error {
			return tx.Suppress(ctx, store.Suppression{Email: d.Email, Reason: store.SuppressBounce, Detail: text, CreatedAt: s.now()})
		})
		if serr != nil {
			return serr
		}
		return err
	}
	return s.DB.FinishDelivery(ctx, d.ID, store.DeliverySent, "", s.now())
}

// keepInOutbox stands in for sending when no mail server is configured:
// the message goes to the admin outbox, where it can be read.
func (s *Service) keepInOutbox(ctx context.Context, tpl *newsletterMessage, d store.Delivery) error {
	text, html, headers := tpl.parts(d)
	return s.inTx(ctx, func(tx *store.Tx) error {
		if _, err := s.Mail.SendTx(ctx, tx, mail.Message{To: d.Email, Subject: tpl.subject, Text: text, HTML: html, Headers: headers}); err != nil {
			return err
		}
		return tx.FinishDelivery(ctx, d.ID, DeliveryKept, "", s.now())
	})
}

// newsletterMessage is a report made into an e-mail once per batch; only
// the recipient's links differ between messages.
type newsletterMessage struct {
	sendID  int64
	subject string
	text    string // with tokenMark where each recipient's token goes
	html    string
	unsub   string
	listID  string
	domain  string
}

// tokenMark stands for the recipient's token in the message built once
// per batch; letters only, so that no escaping changes it.
const tokenMark = "QQRECIPIENTTOKENQQ"

var newsletterHTML = template.Must(template.New("newsletter").Parse(`<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>{{.Title}}</title></head>
<body style="margin:0;padding:0;background:#f4f4f4">
<div style="max-width:640px;margin:0 auto;padding:24px;background:#ffffff;font-family:Georgia,serif;font-size:17px;line-height:1.55;color:#1a1a1a">
<p style="font-family:Arial,sans-serif;font-size:14px;color:#555">{{.Site}} · {{.Meta}}</p>
<h1 style="font-size:28px;line-height:1.2">{{.Title}}</h1>
{{.Body}}
<p><a href="{{.URL}}">Read this report on the web{{if .Comments}} and comment on it{{end}}</a></p>
<hr style="border:0;border-top:1px solid #ddd">
<p style="font-family:Arial,sans-serif;font-size:13px;color:#555">You receive this because you subscribed to reports from {{.Site}}.
<a href="{{.Prefs}}">Choose what you receive</a> · <a href="{{.Unsub}}">Unsubscribe</a></p>
</div></body></html>`))

// newsletterTemplate builds the message of a send.
func (s *Service) newsletterTemplate(ctx context.Context, sendID int64) (*newsletterMessage, error) {
	send, err := s.DB.NewsletterSendByID(ctx, sendID)
	if err != nil {
		return nil, err
	}
	r, err := s.DB.ReportByID(ctx, send.ReportID)
	if err != nil {
		return nil, err
	}
	link := s.cfg.BaseURL + "/reports/" + url.PathEscape(r.Slug)
	meta := r.AuthorName
	if r.BodyName != "" {
		meta += " · " + r.BodyName
	}
	meta += " · " + r.PublishAt.Format("2 January 2006")
	prefs := s.cfg.BaseURL + "/subscriptions/" + tokenMark
	unsub := prefs + "/unsubscribe"
	var buf bytes.Buffer
	err = newsletterHTML.Execute(&buf, map[string]any{
		"Site": s.cfg.SiteName, "Meta": meta, "Title": r.Title, "Body": template.HTML(absoluteLinks(r.HTML, s.cfg.BaseURL)), //nolint:gosec // sanitised when saved
		"URL": link, "Comments": r.CommentsOpen, "Prefs": prefs, "Unsub": unsub,
	})
	if err != nil {
		return nil, err
	}
	html := buf.String()
	text := fmt.Sprintf("%s\n%s\n\n%s\n\n%s\n\nRead it on the web: %s\n\n--\nYou receive this because you subscribed to reports from %s.\nChoose what you receive: %s\nUnsubscribe: %s\n",
		r.Title, meta, r.PlainText, strings.Repeat("-", 20), link, s.cfg.SiteName, prefs, unsub)
	domain := "localhost"
	if s.smtp != nil {
		if _, d, ok := strings.Cut(s.smtp.from.Address, "@"); ok {
			domain = d
		}
	}
	host := "quorum"
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return &newsletterMessage{sendID: sendID, subject: oneLine(r.Title), text: text, html: html, unsub: unsub,
		listID: fmt.Sprintf("%s <reports.%s>", s.cfg.SiteName, host), domain: domain}, nil
}

// parts gives a recipient's text, HTML and list headers.
func (m *newsletterMessage) parts(d store.Delivery) (text, html string, headers map[string]string) {
	text = strings.ReplaceAll(m.text, tokenMark, d.Token)
	html = strings.ReplaceAll(m.html, tokenMark, d.Token)
	unsub := strings.ReplaceAll(m.unsub, tokenMark, d.Token)
	headers = map[string]string{
		"List-Unsubscribe":      "<" + unsub + ">",
		"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
		"List-Id":               m.listID,
		"Precedence":            "bulk",
	}
	return text, html, headers
}

// compose builds the MIME message of one delivery.
func (m *newsletterMessage) compose(s *Service, d store.Delivery) (*gomail.Msg, error) {
	text, html, headers := m.parts(d)
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.smtp.from.String()); err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	if err := msg.To(d.Email); err != nil {
		return nil, errors.New("recipient is not a valid address")
	}
	msg.Subject(m.subject)
	msg.SetDateWithValue(s.now())
	msg.SetMessageIDWithValue(fmt.Sprintf("newsletter-%d-%d@%s", m.sendID, d.ID, m.domain))
	for _, name := range []string{"List-Id", "List-Unsubscribe", "List-Unsubscribe-Post", "Precedence"} {
		msg.SetGenHeader(gomail.Header(name), headers[name])
	}
	msg.SetBodyString(gomail.TypeTextPlain, text)
	msg.AddAlternativeString(gomail.TypeTextHTML, html)
	return msg, nil
}

// absoluteLinks makes the site's own links and images absolute, as an
// e-mail needs.
func absoluteLinks(html, base string) string {
	html = strings.ReplaceAll(html, `href="/`, `href="`+base+`/`)
	return strings.ReplaceAll(html, `src="/`, `src="`+base+`/`)
}

// NewsletterStatus is what the author sees of a report's newsletter.
type NewsletterStatus struct {
	Started    bool
	Recipients int
	Counts     map[string]int
	// Failed lists the addresses that could not be reached, for
	// administrators only: subscribers' addresses are not the author's
	// to see (ShowAddresses tells whether they may).
	Failed        []FailedDelivery
	ShowAddresses bool
}

// FailedDelivery is one recipient the newsletter could not reach.
type FailedDelivery struct {
	Email, Error string
}

// Newsletter reports the state of a report's newsletter to its author and
// administrators: how many were sent, are pending, failed. Only those who
// keep the subscribers (administrators) see which addresses failed.
func (s *Service) Newsletter(ctx context.Context, p *auth.Principal, reportID int64) (NewsletterStatus, error) {
	r, err := s.DB.ReportByID(ctx, reportID)
	if err != nil {
		return NewsletterStatus{}, err
	}
	if err := p.Require(auth.EditReport, auth.Target{BodyID: r.BodyID, AuthorID: r.AuthorID}); err != nil {
		return NewsletterStatus{}, err
	}
	send, err := s.DB.NewsletterSendOf(ctx, reportID)
	if errors.Is(err, store.ErrNotFound) {
		return NewsletterStatus{Counts: map[string]int{}}, nil
	}
	if err != nil {
		return NewsletterStatus{}, err
	}
	st := NewsletterStatus{Started: true, Recipients: send.Recipients, ShowAddresses: p.Can(auth.ManageSubscribers, auth.Target{})}
	if st.Counts, err = s.DB.DeliveryCounts(ctx, send.ID); err != nil || !st.ShowAddresses {
		return st, err
	}
	ds, errs, err := s.DB.FailedDeliveries(ctx, send.ID, 50)
	for i, d := range ds {
		st.Failed = append(st.Failed, FailedDelivery{Email: d.Email, Error: errs[i]})
	}
	return st, err
}
