package report

import (
	"context"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"quorum/internal/mail"
	"quorum/internal/store"
)

// Most bounces, and every complaint, come back days after the SMTP server
// accepted a newsletter, as e-mails to the sender's mailbox: delivery
// status notifications and abuse feedback reports. ApplyMailReport acts
// on one that mail.ParseReport has read. Anyone can send such an e-mail,
// so it only acts on an address the report names, and only on the
// addresses of subscribers: a report cannot be made to suppress anyone
// without knowing their address.

// DeliveryComplaint is the status of a newsletter delivery that reached
// its recipient, who then reported it as spam.
const DeliveryComplaint = "complaint"

// MailReportResult says what applying one report changed.
type MailReportResult struct {
	Kind mail.ReportKind
	// Matched: the report is about a newsletter Quorum sent (its
	// Message-ID names the delivery) to an address the report names.
	Matched bool
	// Suppressed counts addresses newly put on the suppression list.
	Suppressed int
	// Unsubscribed counts subscribers unsubscribed after a complaint.
	Unsubscribed int
	// Deliveries counts newsletter deliveries whose status changed.
	Deliveries int
	// Unknown counts addresses in the report that are no subscriber's.
	Unknown int
}

// Changed reports whether applying the report changed anything.
func (r MailReportResult) Changed() bool {
	return r.Suppressed+r.Unsubscribed+r.Deliveries > 0
}

// newsletterMessageID reads the Message-ID newsletterMessage.compose gives
// each delivery: newsletter-SEND-DELIVERY@domain.
var newsletterMessageID = regexp.MustCompile(`^newsletter-(\d{1,18})-(\d{1,18})@`)

// ApplyMailReport applies a bounce or a complaint, in one transaction: the
// address is suppressed (reason bounce or complaint), a complaining
// subscriber is unsubscribed from everything, the newsletter delivery the
// report is about is marked failed or complaint, and each subscriber
// changed gets one audit entry. A bounce counts only when it is permanent
// (5.x.x); delays and other reports change nothing. Applying the same
// report again changes nothing more. The log gets counts, never addresses.
func (s *Service) ApplyMailReport(ctx context.Context, rep mail.Report) (MailReportResult, error) {
	res := MailReportResult{Kind: rep.Kind}
	var reason string
	switch rep.Kind {
	case mail.Bounce:
		reason = store.SuppressBounce
	case mail.Complaint:
		reason = store.SuppressComplaint
	default:
		s.cfg.Log.Info("mail report: nothing to do", "kind", rep.Kind)
		return res, nil
	}
	named := reportedRecipients(rep)
	now := s.now()
	err := s.inTx(ctx, func(tx *store.Tx) error {
		res = MailReportResult{Kind: rep.Kind}
		// The subscribers to act on, by address, with what the report
		// says of each and the delivery it is about, if known.
		type target struct {
			recipient mail.ReportRecipient
			delivery  *store.ReportedDelivery
		}
		targets := map[string]target{}
		d, r, ok, err := matchDelivery(ctx, tx, rep, named)
		if err != nil {
			return err
		}
		if ok {
			// The newsletter was sent to this subscriber; the other
			// addresses are where it was forwarded.
			res.Matched = true
			targets[d.Email] = target{r, &d}
		} else {
			for addr, r := range named {
				targets[addr] = target{recipient: r}
			}
		}
		for _, addr := range slices.Sorted(maps.Keys(targets)) {
			t := targets[addr]
			sub, err := tx.SubscriberByEmail(ctx, addr)
			if errors.Is(err, store.ErrNotFound) {
				res.Unknown++
				continue
			}
			if err != nil {
				return err
			}
			detail := reportDetail(rep.Kind, t.recipient)
			var done []string
			added, err := tx.SuppressNew(ctx, store.Suppression{Email: sub.Email, Reason: reason, Detail: detail, CreatedAt: now})
			if err != nil {
				return err
			}
			if added {
				res.Suppressed++
				done = append(done, "suppressed")
			}
			if rep.Kind == mail.Complaint && sub.Status != store.SubscriberUnsubscribed {
				if err := tx.SetSubscriberStatus(ctx, sub.ID, store.SubscriberUnsubscribed, "", now); err != nil {
					return err
				}
				res.Unsubscribed++
				done = append(done, "unsubscribed")
			}
			if t.delivery != nil {
				status := store.DeliveryFailed
				if rep.Kind == mail.Complaint {
					status = DeliveryComplaint
				}
				marked, err := tx.MarkDeliveryReported(ctx, t.delivery.ID, status, detail)
				if err != nil {
					return err
				}
				if marked {
					res.Deliveries++
					done = append(done, "delivery "+idText(t.delivery.ID)+" "+status)
				}
			}
			if len(done) == 0 {
				continue
			}
			what := strings.Join(done, ", ")
			if t.recipient.Status != "" {
				what += "; status " + t.recipient.Status
			}
			if err := audit(ctx, tx, nil, "subscribers."+reason, "subscriber", sub.ID, sub.Status, what); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return MailReportResult{Kind: rep.Kind}, err
	}
	s.cfg.Log.Info("mail report applied", "kind", rep.Kind, "matched", res.Matched, "suppressed", res.Suppressed,
		"unsubscribed", res.Unsubscribed, "deliveries", res.Deliveries, "unknown", res.Unknown)
	return res, nil
}

// reportedRecipients gives the addresses a report asks Quorum to act on,
// each with what it says of it: of a bounce, the recipients that failed
// for good; of a complaint, every recipient.
func reportedRecipients(rep mail.Report) map[string]mail.ReportRecipient {
	out := map[string]mail.ReportRecipient{}
	for _, r := range rep.Recipients {
		if rep.Kind == mail.Bounce && !r.Permanent() {
			continue
		}
		for _, a := range r.Addresses() {
			if _, seen := out[a]; !seen {
				out[a] = r
			}
		}
	}
	return out
}

// matchDelivery finds the newsletter delivery a report is about, by the
// returned message's Message-ID. The delivery's address must be one the
// report names (as a recipient, or in the returned To field): delivery
// numbers are easily guessed, addresses are not.
func matchDelivery(ctx context.Context, tx *store.Tx, rep mail.Report, named map[string]mail.ReportRecipient) (store.ReportedDelivery, mail.ReportRecipient, bool, error) {
	m := newsletterMessageID.FindStringSubmatch(rep.OriginalMessageID)
	if m == nil {
		return store.ReportedDelivery{}, mail.ReportRecipient{}, false, nil
	}
	sendID, err1 := strconv.ParseInt(m[1], 10, 64)
	deliveryID, err2 := strconv.ParseInt(m[2], 10, 64)
	if err1 != nil || err2 != nil {
		return store.ReportedDelivery{}, mail.ReportRecipient{}, false, nil
	}
	d, err := tx.DeliveryForReport(ctx, deliveryID)
	if errors.Is(err, store.ErrNotFound) {
		return d, mail.ReportRecipient{}, false, nil
	}
	if err != nil || d.SendID != sendID {
		return d, mail.ReportRecipient{}, false, err
	}
	if r, ok := named[d.Email]; ok {
		return d, r, true, nil
	}
	if len(named) > 0 && slices.Contains(rep.OriginalTo, d.Email) {
		// Forwarded: the failed address is not the one Quorum sent to.
		for _, r := range rep.Recipients {
			if rep.Kind != mail.Bounce || r.Permanent() {
				return d, r, true, nil
			}
		}
	}
	return d, mail.ReportRecipient{}, false, nil
}

// reportDetail is the reason recorded with the suppression and the
// delivery, shown to administrators and authors: the status and the
// server's answer, without the addresses it may quote.
func reportDetail(kind mail.ReportKind, r mail.ReportRecipient) string {
	if kind == mail.Complaint {
		return "reported as spam (abuse feedback report)"
	}
	text := "bounced after sending: " + r.Status
	if diag := strings.TrimSpace(hideAddresses(r.Diagnostic)); diag != "" {
		text += " " + diag
	}
	if len(text) > 300 {
		text = strings.ToValidUTF8(text[:300], "") + "…"
	}
	return text
}
