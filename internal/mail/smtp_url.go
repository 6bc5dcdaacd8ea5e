package mail

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// ErrBadSMTPURL is returned for an smtp-url Quorum cannot use. Its
// messages never repeat the URL, which may hold a password.
var ErrBadSMTPURL = errors.New("bad smtp-url")

// smtpServer is a parsed smtp-url.
type smtpServer struct {
	host        string
	port        int
	implicitTLS bool             // smtps://: TLS from the first byte
	startTLS    gomail.TLSPolicy // smtp://: whether to upgrade with STARTTLS
	user        string
	pass        string
}

// parseSMTPURL reads smtp://USER:PASS@HOST:PORT (STARTTLS when the server
// offers it; ?tls=starttls to require it, ?tls=none to never use it) or
// smtps://USER:PASS@HOST:PORT (implicit TLS). The default ports are 587
// (submission) and 465.
func parseSMTPURL(raw string) (smtpServer, error) {
	usage := "use smtp://USER:PASS@HOST:PORT or smtps://USER:PASS@HOST:PORT"
	u, err := url.Parse(raw)
	if err != nil {
		return smtpServer{}, fmt.Errorf("%w: not a URL; %s", ErrBadSMTPURL, usage)
	}
	s := smtpServer{startTLS: gomail.TLSOpportunistic}
	switch u.Scheme {
	case "smtp":
		s.port = 587
	case "smtps":
		s.port = 465
		s.implicitTLS = true
	default:
		return smtpServer{}, fmt.Errorf("%w: scheme %q; %s", ErrBadSMTPURL, u.Scheme, usage)
	}
	s.host = u.Hostname()
	if s.host == "" {
		return smtpServer{}, fmt.Errorf("%w: no host; %s", ErrBadSMTPURL, usage)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return smtpServer{}, fmt.Errorf("%w: port %q", ErrBadSMTPURL, p)
		}
		s.port = n
	}
	if u.User != nil {
		s.user = u.User.Username()
		s.pass, _ = u.User.Password()
	}
	if u.Path != "" && u.Path != "/" {
		return smtpServer{}, fmt.Errorf("%w: unexpected path; %s", ErrBadSMTPURL, usage)
	}
	for key, vals := range u.Query() {
		if key != "tls" || len(vals) != 1 {
			return smtpServer{}, fmt.Errorf("%w: unknown option %q (only tls=starttls|opportunistic|none)", ErrBadSMTPURL, key)
		}
		if s.implicitTLS {
			return smtpServer{}, fmt.Errorf("%w: smtps:// always uses TLS; tls= is for smtp://", ErrBadSMTPURL)
		}
		switch strings.ToLower(vals[0]) {
		case "starttls", "required":
			s.startTLS = gomail.TLSMandatory
		case "opportunistic":
			s.startTLS = gomail.TLSOpportunistic
		case "none":
			s.startTLS = gomail.NoTLS
		default:
			return smtpServer{}, fmt.Errorf("%w: tls=%q (want starttls, opportunistic or none)", ErrBadSMTPURL, vals[0])
		}
	}
	return s, nil
}

// addr is host:port, for messages; it holds no secret.
func (s smtpServer) addr() string { return net.JoinHostPort(s.host, strconv.Itoa(s.port)) }
