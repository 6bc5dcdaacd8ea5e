// Package mail sends Quorum's e-mail. A message is stored in the outbox
// table and a job delivers it through SMTP, so that a mail server outage
// delays mail instead of losing it, and so that a message is queued in the
// same transaction as the change that caused it.
package mail

import (
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
)

// ErrInvalid is returned for a message that cannot be sent as it is.
var ErrInvalid = errors.New("invalid e-mail message")

// Message is one e-mail to one person. There is a single recipient on
// purpose: mail to many members is many messages, so that no member's
// address is ever shown to another.
type Message struct {
	To      string // "ada@example.org" or "Ada Lovelace <ada@example.org>"
	Subject string
	Text    string // always sent; the whole message for text-only readers
	HTML    string // optional; when set, sent as multipart/alternative with Text
	// Headers are extra header fields, e.g. List-Unsubscribe and
	// List-Unsubscribe-Post for one-click unsubscribe (RFC 8058).
	Headers map[string]string
}

// reservedHeaders are written by the mail package itself; letting a caller
// set them would produce a message that lies about itself.
var reservedHeaders = map[string]bool{
	"from": true, "sender": true, "to": true, "cc": true, "bcc": true, "subject": true, "date": true,
	"message-id": true, "mime-version": true, "content-type": true, "content-transfer-encoding": true,
	"return-path": true,
}

func (m Message) validate() error {
	if _, err := netmail.ParseAddress(m.To); err != nil {
		return fmt.Errorf("%w: recipient is not an e-mail address", ErrInvalid)
	}
	if strings.TrimSpace(m.Subject) == "" {
		return fmt.Errorf("%w: subject is empty", ErrInvalid)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return fmt.Errorf("%w: subject has a line break", ErrInvalid)
	}
	if strings.TrimSpace(m.Text) == "" {
		return fmt.Errorf("%w: text body is empty", ErrInvalid)
	}
	for name, value := range m.Headers {
		if !validHeaderName(name) {
			return fmt.Errorf("%w: header name %q", ErrInvalid, name)
		}
		if reservedHeaders[strings.ToLower(name)] {
			return fmt.Errorf("%w: header %s is set by Quorum itself", ErrInvalid, name)
		}
		// A line break in a value would let it add headers of its own.
		if strings.ContainsAny(value, "\r\n\x00") {
			return fmt.Errorf("%w: header %s has a line break", ErrInvalid, name)
		}
	}
	return nil
}

// validHeaderName follows RFC 5322: printable ASCII except the colon.
func validHeaderName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if r < 33 || r > 126 || r == ':' {
			return false
		}
	}
	return true
}
