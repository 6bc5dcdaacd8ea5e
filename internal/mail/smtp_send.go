package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"regexp"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// smtpTimeout bounds one delivery: dial, TLS, AUTH and DATA.
const smtpTimeout = 30 * time.Second

// smtpSender delivers through one SMTP server, a connection per message.
type smtpSender struct {
	server smtpServer
	tls    *tls.Config
}

func newSMTPSender(server smtpServer, base *tls.Config) *smtpSender {
	var conf *tls.Config
	if base != nil {
		conf = base.Clone()
	} else {
		conf = &tls.Config{}
	}
	if conf.ServerName == "" {
		conf.ServerName = server.host
	}
	if conf.MinVersion == 0 {
		conf.MinVersion = tls.VersionTLS12
	}
	return &smtpSender{server: server, tls: conf}
}

func (s *smtpSender) send(ctx context.Context, msg *gomail.Msg) error {
	opts := []gomail.Option{
		gomail.WithPort(s.server.port),
		gomail.WithTimeout(smtpTimeout),
		gomail.WithTLSConfig(s.tls),
		gomail.WithTLSPolicy(s.server.startTLS),
	}
	if s.server.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	}
	if s.server.user != "" {
		// Auto-discovery never sends a password in clear: without TLS it
		// only picks challenge-response mechanisms.
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.server.user), gomail.WithPassword(s.server.pass))
	}
	client, err := gomail.NewClient(s.server.host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client for %s: %w", s.server.addr(), err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("smtp %s: %w", s.server.addr(), err)
	}
	return nil
}

// refusedForGood reports a 5xx refusal of this message (its recipient or
// its content). Other failures, including a refused login or sender, are
// the server's or the configuration's and may be fixed, so they are retried.
func refusedForGood(err error) bool {
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

var addressPattern = regexp.MustCompile(`[^\s<>,;:"'()\[\]]+@[^\s<>,;:"'()\[\]]+`)

// describe turns a delivery error into text for the outbox page and the
// log: the mail library and servers name the recipient in their errors,
// and addresses must not reach the log.
func describe(err error) string {
	return addressPattern.ReplaceAllString(err.Error(), "<address>")
}
