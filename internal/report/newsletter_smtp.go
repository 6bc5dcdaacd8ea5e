package report

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// newsletterSMTP sends newsletters through the configured SMTP server,
// many messages over one connection: a connection per message (as the
// mail package does for single messages) would cap a newsletter at a few
// hundred messages a second. It reads the same smtp-url setting.
type newsletterSMTP struct {
	host        string
	port        int
	implicitTLS bool
	policy      gomail.TLSPolicy
	user, pass  string
	tls         *tls.Config
	from        *netmail.Address
}

var errBadSMTPURL = errors.New("bad smtp-url")

// newNewsletterSMTP reads smtp://USER:PASS@HOST:PORT (?tls=starttls |
// opportunistic | none) or smtps://…; errors never repeat the URL, which
// may hold a password.
func newNewsletterSMTP(raw, from string, base *tls.Config) (*newsletterSMTP, error) {
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail-from %q: not an e-mail address", from)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: not a URL", errBadSMTPURL)
	}
	s := &newsletterSMTP{policy: gomail.TLSOpportunistic, from: addr}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port, s.implicitTLS = 465, true
	default:
		return nil, fmt.Errorf("%w: scheme %q", errBadSMTPURL, u.Scheme)
	}
	if s.host = u.Hostname(); s.host == "" {
		return nil, fmt.Errorf("%w: no host", errBadSMTPURL)
	}
	if p := u.Port(); p != "" {
		if s.port, err = strconv.Atoi(p); err != nil || s.port < 1 || s.port > 65535 {
			return nil, fmt.Errorf("%w: port %q", errBadSMTPURL, p)
		}
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	switch strings.ToLower(u.Query().Get("tls")) {
	case "":
	case "starttls", "required":
		s.policy = gomail.TLSMandatory
	case "opportunistic":
	case "none":
		s.policy = gomail.NoTLS
	default:
		return nil, fmt.Errorf("%w: tls option", errBadSMTPURL)
	}
	if base != nil {
		s.tls = base.Clone()
	} else {
		s.tls = &tls.Config{}
	}
	if s.tls.ServerName == "" {
		s.tls.ServerName = s.host
	}
	if s.tls.MinVersion == 0 {
		s.tls.MinVersion = tls.VersionTLS12
	}
	return s, nil
}

func (s *newsletterSMTP) addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }

// dial opens one connection, ready for many messages.
func (s *newsletterSMTP) dial(ctx context.Context) (*gomail.Client, error) {
	opts := []gomail.Option{
		gomail.WithPort(s.port), gomail.WithTimeout(30 * time.Second), gomail.WithTLSConfig(s.tls),
		gomail.WithTLSPolicy(s.policy), gomail.WithoutNoop(),
	}
	if s.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	}
	if s.user != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover), gomail.WithUsername(s.user), gomail.WithPassword(s.pass))
	}
	c, err := gomail.NewClient(s.host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client for %s: %w", s.addr(), err)
	}
	if err := c.DialWithContext(ctx); err != nil {
		return nil, fmt.Errorf("smtp %s: %s", s.addr(), hideAddresses(err.Error()))
	}
	return c, nil
}

// refusedRecipient reports a permanent (5xx) refusal of the recipient or
// of the message: retrying cannot help and the address is suppressed.
func refusedRecipient(err error) bool {
	var se *gomail.SendError
	if !errors.As(err, &se) || se.IsTemp() {
		return false
	}
	switch se.Reason {
	case gomail.ErrSMTPRcptTo, gomail.ErrSMTPData, gomail.ErrSMTPDataClose:
		return se.ErrorCode() >= 500 && se.ErrorCode() < 600
	}
	return false
}

var addressRE = regexp.MustCompile(`[^\s<>,;:"'()\[\]]+@[^\s<>,;:"'()\[\]]+`)

// hideAddresses keeps e-mail addresses out of errors that are logged or
// shown in job listings.
func hideAddresses(s string) string { return addressRE.ReplaceAllString(s, "<address>") }
