package mail

import (
	"errors"
	"strings"
	"testing"

	gomail "github.com/wneessen/go-mail"
)

func TestParseSMTPURL(t *testing.T) {
	cases := []struct {
		url  string
		want smtpServer
	}{
		{"smtp://mail.example.org", smtpServer{host: "mail.example.org", port: 587, startTLS: gomail.TLSOpportunistic}},
		{"smtp://127.0.0.1:2525?tls=none", smtpServer{host: "127.0.0.1", port: 2525, startTLS: gomail.NoTLS}},
		{"smtp://u%40x:p%3Aw@mail.example.org:25?tls=starttls", smtpServer{host: "mail.example.org", port: 25, startTLS: gomail.TLSMandatory, user: "u@x", pass: "p:w"}},
		{"smtps://quorum:pw@mail.example.org", smtpServer{host: "mail.example.org", port: 465, implicitTLS: true, startTLS: gomail.TLSOpportunistic, user: "quorum", pass: "pw"}},
		{"smtps://[::1]:4650", smtpServer{host: "::1", port: 4650, implicitTLS: true, startTLS: gomail.TLSOpportunistic}},
	}
	for _, c := range cases {
		t.Run(c.url, func(t *testing.T) {
			got, err := parseSMTPURL(c.url)
			if err != nil || got != c.want {
				t.Fatalf("got %+v, %v; want %+v", got, err, c.want)
			}
		})
	}
}

func TestParseSMTPURLErrorsHideThePassword(t *testing.T) {
	for _, raw := range []string{
		"http://u:topsecret@mail.example.org",
		"smtp://u:topsecret@mail.example.org:99999",
		"smtp://u:topsecret@mail.example.org:port",
		"smtp://u:topsecret@:25",
		"smtp://u:topsecret@mail.example.org?tls=maybe",
		"smtp://u:topsecret@mail.example.org?starttls=1",
		"smtps://u:topsecret@mail.example.org?tls=none",
		"smtp://u:topsecret@mail.example.org/path",
		"smtp://u:topsecret@mail.example.org:25\x7f",
	} {
		_, err := parseSMTPURL(raw)
		if !errors.Is(err, ErrBadSMTPURL) {
			t.Errorf("%q: err = %v, want ErrBadSMTPURL", raw, err)
			continue
		}
		if strings.Contains(err.Error(), "topsecret") {
			t.Errorf("%q: the error shows the password: %v", raw, err)
		}
	}
}

func TestDescribeHidesAddresses(t *testing.T) {
	err := errors.New(`smtp 127.0.0.1:25: send failed: SMTP RCPT TO failed: 550 5.1.1 <ada@example.org>: unknown, affected recipient(s): <ada@example.org>, bob@example.org`)
	got := describe(err)
	if strings.Contains(got, "@example.org") || !strings.Contains(got, "550 5.1.1") || !strings.Contains(got, "127.0.0.1:25") {
		t.Fatalf("describe = %q", got)
	}
}
