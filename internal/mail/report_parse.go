package mail

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"regexp"
	"strings"
)

// ReportKind says what a message that came back to Quorum reports.
type ReportKind string

// The kinds of report. Only a bounce and a complaint ask Quorum to act;
// the others are recognised so that they can be counted and left alone.
const (
	// NotAReport: an ordinary message (an auto-reply, a person writing
	// back), or a bounce written only in prose.
	NotAReport ReportKind = "not-a-report"
	// Bounce: a delivery status notification (RFC 3464) in which at
	// least one recipient failed for good (status 5.x.x).
	Bounce ReportKind = "bounce"
	// Delayed: a delivery status notification of a delay or of a
	// temporary failure (4.x.x): the mail server is still trying, or the
	// failure may pass, so nothing is suppressed.
	Delayed ReportKind = "delayed"
	// Complaint: an abuse feedback report (RFC 5965): the recipient
	// marked the message as spam.
	Complaint ReportKind = "complaint"
	// OtherReport: a report that asks for nothing, such as a notice of
	// successful delivery or feedback other than abuse.
	OtherReport ReportKind = "other-report"
)

// Report is what a delivery status notification or an abuse feedback
// report says about a message Quorum sent.
type Report struct {
	Kind       ReportKind
	Recipients []ReportRecipient
	// FeedbackType is the Feedback-Type of an abuse report ("abuse",
	// "fraud", "not-spam"…), in lower case.
	FeedbackType string
	// OriginalMessageID is the Message-ID of the message the report is
	// about, without angle brackets, when the report returned its headers.
	OriginalMessageID string
	// OriginalTo holds the addresses of the returned message's To field,
	// in lower case.
	OriginalTo []string
}

// ReportRecipient is one recipient a report is about. Addresses are in
// lower case and empty when the report did not give a usable one.
type ReportRecipient struct {
	// FinalRecipient is the address the reporting server tried to
	// deliver to; for a complaint, the Original-Rcpt-To.
	FinalRecipient string
	// OriginalRecipient is the address Quorum gave the first server, when
	// the report says (it differs from FinalRecipient after forwarding).
	OriginalRecipient string
	// Action is failed, delayed, delivered, relayed or expanded (lower
	// case); empty for a complaint.
	Action string
	// Status is the enhanced status code, e.g. "5.1.1"; empty when the
	// report gave none that could be read.
	Status string
	// Diagnostic is the remote server's answer (Diagnostic-Code), which
	// may quote the address.
	Diagnostic string
}

// Permanent reports a failure that retrying cannot mend: a failed
// delivery with a 5.x.x status.
func (r ReportRecipient) Permanent() bool {
	return strings.HasPrefix(r.Status, "5.") && (r.Action == "failed" || r.Action == "")
}

// transient reports a delivery that has not succeeded yet or failed in a
// way that may pass.
func (r ReportRecipient) transient() bool {
	switch r.Action {
	case "delayed":
		return true
	case "failed":
		return !r.Permanent()
	case "":
		return strings.HasPrefix(r.Status, "4.")
	}
	return false
}

// Addresses lists the recipient's addresses, each once.
func (r ReportRecipient) Addresses() []string {
	var out []string
	for _, a := range []string{r.OriginalRecipient, r.FinalRecipient} {
		if a != "" && (len(out) == 0 || out[0] != a) {
			out = append(out, a)
		}
	}
	return out
}

// ErrNotMessage: the input cannot be read as an e-mail message. It never
// repeats the input, which holds personal data.
var ErrNotMessage = errors.New("not an e-mail message that can be read")

// Bounds on what is read, so that a huge or hostile message costs little:
// the machine-readable parts of a report are small, and of the returned
// message only its header is needed.
const (
	maxReportSize  = 32 << 20
	maxFieldsPart  = 256 << 10
	maxHeadersPart = 256 << 10
	maxNesting     = 4
)

// ParseReport reads an RFC 5322 message and says whether it is a
// delivery status notification (multipart/report; report-type=
// delivery-status, RFC 3464) or an abuse feedback report (report-type=
// feedback-report, RFC 5965), and what it reports. A message that is
// neither is NotAReport with a nil error; ErrNotMessage is returned only
// when the input is not a message at all or a report is too broken to
// read.
func ParseReport(r io.Reader) (Report, error) {
	msg, err := netmail.ReadMessage(bufio.NewReader(io.LimitReader(r, maxReportSize)))
	if err != nil {
		return Report{Kind: NotAReport}, ErrNotMessage
	}
	rep, found, err := findReport(msg.Header.Get("Content-Type"), msg.Body, 0)
	if err != nil {
		return Report{Kind: NotAReport}, err
	}
	if !found {
		return Report{Kind: NotAReport}, nil
	}
	if rep.OriginalMessageID == "" {
		// Some servers return no header of the message but name it as
		// the one they answer.
		rep.OriginalMessageID = messageID(msg.Header.Get("In-Reply-To"))
	}
	return rep, nil
}

// findReport looks for a multipart/report in a body of the given type:
// the whole message is one, or (for a report forwarded by a filter) one
// of the parts of a multipart message is.
func findReport(contentType string, body io.Reader, depth int) (Report, bool, error) {
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(media, "multipart/") || params["boundary"] == "" || depth > maxNesting {
		return Report{}, false, nil
	}
	if media == "multipart/report" {
		rep, err := parseReportParts(strings.ToLower(params["report-type"]), multipart.NewReader(body, params["boundary"]))
		return rep, err == nil, err
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return Report{}, false, nil
		}
		rep, found, err := findReport(p.Header.Get("Content-Type"), p, depth+1)
		if found || err != nil {
			return rep, found, err
		}
	}
}

// parseReportParts reads the parts of a multipart/report: the
// machine-readable fields and the returned message's header. The human
// part is skipped.
func parseReportParts(reportType string, mr *multipart.Reader) (Report, error) {
	var (
		dsn, feedback []byte
		original      netmail.Header
	)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A report cut short still says what it got to.
			if dsn == nil && feedback == nil {
				return Report{}, ErrNotMessage
			}
			break
		}
		media, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		switch media {
		case "message/delivery-status", "message/global-delivery-status":
			if dsn == nil {
				dsn = readPart(p, maxFieldsPart)
			}
		case "message/feedback-report":
			if feedback == nil {
				feedback = readPart(p, maxFieldsPart)
			}
		case "message/rfc822", "message/global", "text/rfc822-headers", "message/rfc822-headers", "message/global-headers":
			if original == nil {
				original = readHeader(readPart(p, maxHeadersPart))
			}
		}
	}
	var rep Report
	switch {
	case dsn != nil && (reportType == "delivery-status" || reportType == "global-delivery-status" || feedback == nil):
		rep = deliveryStatusReport(dsn)
	case feedback != nil:
		rep = feedbackReport(feedback, original)
	default:
		return Report{Kind: NotAReport}, nil
	}
	if original != nil {
		rep.OriginalMessageID = messageID(original.Get("Message-Id"))
		if to, err := original.AddressList("To"); err == nil {
			for _, a := range to {
				rep.OriginalTo = append(rep.OriginalTo, strings.ToLower(a.Address))
			}
		}
	}
	if rep.Kind == Complaint && len(rep.Recipients) == 0 {
		// Many feedback loops leave out Original-Rcpt-To: the returned
		// message's To names the recipient.
		for _, a := range rep.OriginalTo {
			rep.Recipients = append(rep.Recipients, ReportRecipient{FinalRecipient: a})
		}
	}
	return rep, nil
}

// readPart reads at most limit bytes of a part, undoing base64 (multipart
// already undoes quoted-printable).
func readPart(p *multipart.Part, limit int64) []byte {
	var r io.Reader = p
	if strings.EqualFold(strings.TrimSpace(p.Header.Get("Content-Transfer-Encoding")), "base64") {
		// The decoder skips the line breaks itself.
		r = base64.NewDecoder(base64.StdEncoding, p)
	}
	b, _ := io.ReadAll(io.LimitReader(r, limit))
	return b
}

// readHeader reads the header of a returned message, which may be all
// there is (text/rfc822-headers) or cut short.
func readHeader(b []byte) netmail.Header {
	b = bytes.TrimLeft(b, "\r\n")
	if end := bytes.Index(b, []byte("\n\n")); end >= 0 {
		b = b[:end+1]
	} else if end := bytes.Index(b, []byte("\r\n\r\n")); end >= 0 {
		b = b[:end+2]
	}
	msg, err := netmail.ReadMessage(bufio.NewReader(io.MultiReader(bytes.NewReader(b), strings.NewReader("\r\n\r\n"))))
	if err != nil {
		return netmail.Header{}
	}
	return msg.Header
}

// messageID takes the first <id> of a Message-ID field.
func messageID(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '<'); i >= 0 {
		if j := strings.IndexByte(v[i:], '>'); j > 0 {
			return strings.TrimSpace(v[i+1 : i+j])
		}
	}
	if f := strings.Fields(v); len(f) > 0 {
		return f[0]
	}
	return ""
}

// field is one "Name: value" line of a report, its name in lower case.
type field struct{ name, value string }

// readFieldGroups reads the fields of a message/delivery-status or
// message/feedback-report part: groups separated by blank lines, with
// folded lines unfolded. Lines that are not fields are skipped.
func readFieldGroups(b []byte) [][]field {
	var groups [][]field
	var cur []field
	// The folded lines of the last field, joined once it is complete:
	// appending to its value line by line would cost the square of its
	// length.
	var folded []string
	unfold := func() {
		if len(folded) > 0 {
			cur[len(cur)-1].value += " " + strings.Join(folded, " ")
			folded = folded[:0]
		}
	}
	for _, line := range strings.Split(strings.ReplaceAll(string(b), "\r\n", "\n"), "\n") {
		switch {
		case strings.TrimSpace(line) == "":
			unfold()
			if len(cur) > 0 {
				groups = append(groups, cur)
				cur = nil
			}
		case (line[0] == ' ' || line[0] == '\t') && len(cur) > 0:
			folded = append(folded, strings.TrimSpace(line))
		default:
			unfold()
			name, value, ok := strings.Cut(line, ":")
			if ok && name != "" && !strings.ContainsAny(name, " \t") {
				cur = append(cur, field{strings.ToLower(name), strings.TrimSpace(value)})
			}
		}
	}
	unfold()
	if len(cur) > 0 {
		groups = append(groups, cur)
	}
	return groups
}

// deliveryStatusReport reads the per-recipient fields of a delivery
// status notification. A new recipient starts at each Final-Recipient,
// so that a report missing its blank lines is still read right.
func deliveryStatusReport(b []byte) Report {
	var rep Report
	for _, g := range readFieldGroups(b) {
		var r *ReportRecipient
		for _, f := range g {
			switch f.name {
			case "final-recipient", "original-recipient", "action", "status", "diagnostic-code":
			default:
				continue
			}
			if r == nil || (f.name == "final-recipient" && r.FinalRecipient != "") {
				rep.Recipients = append(rep.Recipients, ReportRecipient{})
				r = &rep.Recipients[len(rep.Recipients)-1]
			}
			switch f.name {
			case "final-recipient":
				r.FinalRecipient = typedAddress(f.value)
			case "original-recipient":
				r.OriginalRecipient = typedAddress(f.value)
			case "action":
				r.Action = strings.ToLower(firstWord(f.value))
			case "status":
				r.Status = statusCode(f.value)
			case "diagnostic-code":
				r.Diagnostic = f.value
			}
		}
	}
	// Keep only recipients, not a per-message group that happened to
	// hold one of these names.
	kept := rep.Recipients[:0]
	for _, r := range rep.Recipients {
		if r.FinalRecipient == "" && r.OriginalRecipient == "" && r.Action == "" {
			continue
		}
		if r.Status == "" {
			r.Status = statusFromDiagnostic(r.Diagnostic)
		}
		kept = append(kept, r)
	}
	rep.Recipients = kept
	rep.Kind = OtherReport
	for _, r := range rep.Recipients {
		switch {
		case r.Permanent():
			rep.Kind = Bounce
		case r.transient() && rep.Kind != Bounce:
			rep.Kind = Delayed
		}
	}
	return rep
}

// feedbackReport reads an abuse feedback report.
func feedbackReport(b []byte, original netmail.Header) Report {
	rep := Report{Kind: OtherReport}
	for _, g := range readFieldGroups(b) {
		for _, f := range g {
			switch f.name {
			case "feedback-type":
				if rep.FeedbackType == "" {
					rep.FeedbackType = strings.ToLower(firstWord(f.value))
				}
			case "original-rcpt-to":
				if a := typedAddress(f.value); a != "" {
					rep.Recipients = append(rep.Recipients, ReportRecipient{FinalRecipient: a})
				}
			}
		}
	}
	if rep.FeedbackType == "abuse" {
		rep.Kind = Complaint
	}
	return rep
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		return strings.TrimRight(f[0], ";,")
	}
	return ""
}

// typedAddress reads an address field such as "rfc822; ada@example.org"
// (the type is optional in practice) and returns the address in lower
// case, or "" when there is none.
func typedAddress(v string) string {
	if typ, rest, ok := strings.Cut(v, ";"); ok && !strings.Contains(typ, "@") {
		v = rest
	}
	v = strings.TrimSpace(v)
	if a, err := netmail.ParseAddress(v); err == nil {
		return strings.ToLower(a.Address)
	}
	v = strings.Trim(firstWord(v), "<>")
	if a, err := netmail.ParseAddress(v); err == nil {
		return strings.ToLower(a.Address)
	}
	return ""
}

var (
	statusRE     = regexp.MustCompile(`^([245])\.(\d{1,3})\.(\d{1,3})$`)
	enhancedRE   = regexp.MustCompile(`(?:^|[\s;(\[-])([245])\.(\d{1,3})\.(\d{1,3})(?:$|[\s;,.)\]])`)
	replyClassRE = regexp.MustCompile(`(?:^|[\s;])([45])\d\d(?:$|[\s-])`)
)

// statusCode reads a Status field ("5.1.1", maybe followed by a comment).
func statusCode(v string) string {
	w := firstWord(v)
	if statusRE.MatchString(w) {
		return w
	}
	return ""
}

// statusFromDiagnostic finds a status in a Diagnostic-Code when the
// Status field was missing or unreadable: an enhanced code in the
// server's answer, or else the class of its reply code.
func statusFromDiagnostic(d string) string {
	if m := enhancedRE.FindStringSubmatch(d); m != nil {
		return m[1] + "." + m[2] + "." + m[3]
	}
	if m := replyClassRE.FindStringSubmatch(d); m != nil {
		return m[1] + ".0.0"
	}
	return ""
}
