package testkit

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// SMTPServer is a real SMTP server on 127.0.0.1 that keeps what it receives,
// so mail tests go through the whole path: queue, job, SMTP, MIME.
type SMTPServer struct {
	// Addr is host:port.
	Addr string

	srv      *smtp.Server
	tlsMode  string // "", "starttls" or "implicit"
	user     string
	pass     string
	roots    *x509.CertPool
	mu       sync.Mutex
	received []ReceivedMail
	changed  chan struct{} // closed and replaced whenever a message arrives
	failNext []*smtp.SMTPError
	// stopped silences the server's log once the test is over, when
	// t.Log would panic.
	stopped atomic.Bool
}

// ReceivedMail is one message as the server got it.
type ReceivedMail struct {
	From   string   // envelope sender (MAIL FROM)
	To     []string // envelope recipients (RCPT TO)
	Data   []byte   // the raw message
	Header mail.Header
	// Text and HTML are the decoded bodies: the single part of a plain
	// message, or the parts of a multipart/alternative one.
	Text string
	HTML string
	// ContentType is the top-level media type, e.g. multipart/alternative.
	ContentType string
}

// SMTPOption configures StartSMTP.
type SMTPOption func(*SMTPServer)

// SMTPStartTLS offers STARTTLS with a certificate for 127.0.0.1 that only
// RootCAs trusts.
func SMTPStartTLS() SMTPOption { return func(s *SMTPServer) { s.tlsMode = "starttls" } }

// SMTPImplicitTLS speaks TLS from the first byte (smtps://).
func SMTPImplicitTLS() SMTPOption { return func(s *SMTPServer) { s.tlsMode = "implicit" } }

// SMTPAuth requires AUTH PLAIN with these credentials before MAIL FROM.
func SMTPAuth(user, pass string) SMTPOption {
	return func(s *SMTPServer) { s.user, s.pass = user, pass }
}

// StartSMTP starts a server for the test and stops it when the test ends.
func StartSMTP(t testing.TB, opts ...SMTPOption) *SMTPServer {
	t.Helper()
	s := &SMTPServer{changed: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &smtpSession{s: s}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.MaxMessageBytes = 10 << 20
	srv.AllowInsecureAuth = s.tlsMode == ""
	srv.ErrorLog = log.New(testWriter{t, &s.stopped}, "smtp server: ", 0)
	s.srv = srv

	var ln net.Listener
	var err error
	if s.tlsMode != "" {
		cert, roots, cerr := selfSignedCert()
		if cerr != nil {
			t.Fatalf("smtp test server certificate: %v", cerr)
		}
		s.roots = roots
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if s.tlsMode == "implicit" {
		ln, err = tls.Listen("tcp", "127.0.0.1:0", srv.TLSConfig)
	} else {
		ln, err = net.Listen("tcp", "127.0.0.1:0")
	}
	if err != nil {
		t.Fatalf("smtp test server: %v", err)
	}
	s.Addr = ln.Addr().String()
	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = srv.Serve(ln)
	}()
	t.Cleanup(func() {
		// Shutdown waits for open connections, so none logs after the
		// test. A client that hangs on past the timeout is left behind,
		// silenced.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		s.stopped.Store(true)
		<-served
	})
	return s
}

// URL is the smtp-url a mail sender should use, with the credentials when
// the server requires them.
func (s *SMTPServer) URL() string {
	scheme := "smtp"
	if s.tlsMode == "implicit" {
		scheme = "smtps"
	}
	userinfo := ""
	if s.user != "" {
		userinfo = s.user + ":" + s.pass + "@"
	}
	q := ""
	if s.tlsMode == "starttls" {
		q = "?tls=starttls"
	}
	return scheme + "://" + userinfo + s.Addr + q
}

// RootCAs trusts the server's certificate (nil without TLS).
func (s *SMTPServer) RootCAs() *x509.CertPool { return s.roots }

// FailNext makes the next deliveries fail with the given SMTP codes, one
// per delivery: 4xx for a temporary failure, 5xx for a permanent one.
func (s *SMTPServer) FailNext(codes ...int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range codes {
		enh := smtp.EnhancedCode{4, 3, 0}
		if c >= 500 {
			enh = smtp.EnhancedCode{5, 1, 1}
		}
		s.failNext = append(s.failNext, &smtp.SMTPError{Code: c, EnhancedCode: enh, Message: fmt.Sprintf("test server refuses with %d", c)})
	}
}

// Messages returns what has arrived so far.
func (s *SMTPServer) Messages() []ReceivedMail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ReceivedMail(nil), s.received...)
}

// Wait blocks until at least n messages have arrived and returns them; it
// fails the test if they do not arrive before the test's deadline (or 30s
// when the test has none).
func (s *SMTPServer) Wait(t testing.TB, n int) []ReceivedMail {
	t.Helper()
	timeout := 30 * time.Second
	if d, ok := t.(interface{ Deadline() (time.Time, bool) }); ok {
		if dl, ok := d.Deadline(); ok {
			timeout = time.Until(dl) - time.Second
		}
	}
	expired := time.After(timeout)
	for {
		s.mu.Lock()
		if len(s.received) >= n {
			out := append([]ReceivedMail(nil), s.received...)
			s.mu.Unlock()
			return out
		}
		changed := s.changed
		got := len(s.received)
		s.mu.Unlock()
		select {
		case <-changed:
		case <-expired:
			t.Fatalf("smtp test server: %d of %d messages arrived before the timeout", got, n)
		}
	}
}

func (s *SMTPServer) deliver(m ReceivedMail) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.failNext) > 0 {
		err := s.failNext[0]
		s.failNext = s.failNext[1:]
		return err
	}
	s.received = append(s.received, m)
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

type smtpSession struct {
	s      *SMTPServer
	authed bool
	from   string
	to     []string
}

func (ss *smtpSession) AuthMechanisms() []string {
	if ss.s.user == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != ss.s.user || password != ss.s.pass {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.user != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.from = from
	return nil
}

func (ss *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.to = append(ss.to, to)
	return nil
}

func (ss *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := parseReceived(raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "test server cannot parse the message: " + err.Error()}
	}
	m.From, m.To = ss.from, append([]string(nil), ss.to...)
	return ss.s.deliver(m)
}

func (ss *smtpSession) Reset() { ss.from, ss.to = "", nil }

func (ss *smtpSession) Logout() error { return nil }

// parseReceived reads the headers and decodes the text and HTML bodies.
func parseReceived(raw []byte) (ReceivedMail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return ReceivedMail{}, err
	}
	m := ReceivedMail{Data: raw, Header: msg.Header}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return m, fmt.Errorf("content type: %w", err)
	}
	m.ContentType = mediaType
	if !strings.HasPrefix(mediaType, "multipart/") {
		body, err := decodeBody(msg.Body, msg.Header.Get("Content-Transfer-Encoding"))
		if err != nil {
			return m, err
		}
		m.setPart(mediaType, body)
		return m, nil
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if errors.Is(err, io.EOF) {
			return m, nil
		}
		if err != nil {
			return m, err
		}
		pt, _, err := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if err != nil {
			return m, fmt.Errorf("part content type: %w", err)
		}
		body, err := decodeBody(p, p.Header.Get("Content-Transfer-Encoding"))
		if err != nil {
			return m, err
		}
		m.setPart(pt, body)
	}
}

func (m *ReceivedMail) setPart(mediaType, body string) {
	switch mediaType {
	case "text/plain":
		m.Text = body
	case "text/html":
		m.HTML = body
	}
}

func decodeBody(r io.Reader, encoding string) (string, error) {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r) // it skips line breaks itself
	}
	b, err := io.ReadAll(r)
	return strings.ReplaceAll(string(b), "\r\n", "\n"), err
}

// selfSignedCert makes a short-lived certificate for 127.0.0.1 and a pool
// that trusts it, so TLS is tested for real without files on disk.
func selfSignedCert() (tls.Certificate, *x509.CertPool, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "quorum test smtp"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:              []string{"localhost"},
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool, nil
}

// testWriter sends the server's own error log to the test log.
type testWriter struct {
	t       testing.TB
	stopped *atomic.Bool
}

func (w testWriter) Write(p []byte) (int, error) {
	if !w.stopped.Load() {
		w.t.Log(strings.TrimSpace(string(p)))
	}
	return len(p), nil
}
