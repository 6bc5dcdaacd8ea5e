package mail

import (
	"errors"
	"testing"
)

func TestMessageValidate(t *testing.T) {
	ok := Message{To: "ada@example.org", Subject: "Hello", Text: "Body"}
	cases := []struct {
		name   string
		change func(*Message)
		valid  bool
	}{
		{"plain", func(*Message) {}, true},
		{"named recipient", func(m *Message) { m.To = "Ada Lovelace <ada@example.org>" }, true},
		{"unsubscribe headers", func(m *Message) {
			m.Headers = map[string]string{"List-Unsubscribe": "<https://x.example/u/1>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
		}, true},
		{"no recipient", func(m *Message) { m.To = "" }, false},
		{"two recipients", func(m *Message) { m.To = "a@example.org, b@example.org" }, false},
		{"not an address", func(m *Message) { m.To = "ada" }, false},
		{"empty subject", func(m *Message) { m.Subject = " " }, false},
		{"subject injects a header", func(m *Message) { m.Subject = "Hi\r\nBcc: all@example.org" }, false},
		{"empty text", func(m *Message) { m.Text = "" }, false},
		{"header value injects a header", func(m *Message) { m.Headers = map[string]string{"X-Campaign": "a\nBcc: x@example.org"} }, false},
		{"header name with colon", func(m *Message) { m.Headers = map[string]string{"X-A:B": "v"} }, false},
		{"header name with space", func(m *Message) { m.Headers = map[string]string{"X A": "v"} }, false},
		{"reserved header", func(m *Message) { m.Headers = map[string]string{"bcc": "x@example.org"} }, false},
		{"reserved Message-ID", func(m *Message) { m.Headers = map[string]string{"Message-ID": "<x@y>"} }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := ok
			c.change(&m)
			err := m.validate()
			if c.valid && err != nil {
				t.Fatalf("rejected: %v", err)
			}
			if !c.valid && !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
		})
	}
}
