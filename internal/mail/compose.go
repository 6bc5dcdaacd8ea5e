package mail

import (
	"errors"
	"fmt"
	"sort"

	gomail "github.com/wneessen/go-mail"

	"quorum/internal/store"
)

// compose builds the MIME message from an outbox row. Date and Message-ID
// come from the row, so every attempt sends the same message.
func compose(o store.OutboxMessage) (*gomail.Msg, error) {
	m := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := m.From(o.From); err != nil {
		return nil, fmt.Errorf("sender: %w", err)
	}
	if err := m.To(o.To); err != nil {
		return nil, errors.New("recipient is not a valid address")
	}
	m.Subject(o.Subject)
	m.SetDateWithValue(o.CreatedAt)
	m.SetMessageIDWithValue(o.MessageID)
	names := make([]string, 0, len(o.Headers))
	for name := range o.Headers {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		m.SetGenHeader(gomail.Header(name), o.Headers[name])
	}
	m.SetBodyString(gomail.TypeTextPlain, o.Text)
	if o.HTML != "" {
		m.AddAlternativeString(gomail.TypeTextHTML, o.HTML)
	}
	return m, nil
}
