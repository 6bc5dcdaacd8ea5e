// Package config holds every setting Quorum reads, in one declarative table.
// The same table drives the flags, the environment variables, `quorum --help`
// and the configuration table in the README, so they cannot drift apart.
package config

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// Setting describes one configuration value.
type Setting struct {
	Name    string // flag name, e.g. "database-url"
	Env     string // environment variable, e.g. QUORUM_DATABASE_URL
	Default string
	Help    string
	Secret  bool // secrets may also be read from the file named by Env+"_FILE"
}

// Settings is the table. Add a row here and the flag, the variable and the
// documentation all follow.
var Settings = []Setting{
	{Name: "database-url", Env: "QUORUM_DATABASE_URL", Default: "sqlite:quorum.db", Secret: true,
		Help: "database to use: sqlite:PATH or postgres://USER:PASS@HOST:PORT/DB"},
	{Name: "listen", Env: "QUORUM_LISTEN", Default: "127.0.0.1:8080",
		Help: "address the web server listens on"},
	{Name: "base-url", Env: "QUORUM_BASE_URL", Default: "http://127.0.0.1:8080",
		Help: "public address of the site, used in e-mailed links and feeds"},
	{Name: "site-name", Env: "QUORUM_SITE_NAME", Default: "Quorum",
		Help: "name shown in the page header and e-mails"},
	{Name: "smtp-url", Env: "QUORUM_SMTP_URL", Default: "", Secret: true,
		Help: "outgoing mail server: smtp://USER:PASS@HOST:PORT (STARTTLS when offered; ?tls=starttls requires it, ?tls=none turns it off) or smtps:// for implicit TLS; empty: mail is kept in the admin outbox only"},
	{Name: "mail-from", Env: "QUORUM_MAIL_FROM", Default: "Quorum <quorum@localhost>",
		Help: "sender address of e-mails"},
	{Name: "time-zone", Env: "QUORUM_TIME_ZONE", Default: "Europe/London",
		Help: "time zone in which dates and times are shown and entered (an IANA name)"},
	{Name: "workers", Env: "QUORUM_WORKERS", Default: "2",
		Help: "number of background job workers in this process"},
	{Name: "secure-cookies", Env: "QUORUM_SECURE_COOKIES", Default: "auto",
		Help: "mark cookies Secure: true, false or auto (true when base-url is https)"},
	{Name: "log-level", Env: "QUORUM_LOG_LEVEL", Default: "info",
		Help: "debug, info, warn or error"},
}

// Config is the parsed configuration.
type Config struct {
	DatabaseURL   string
	Listen        string
	BaseURL       string
	SiteName      string
	SMTPURL       string
	MailFrom      string
	Workers       int
	Location      *time.Location
	SecureCookies bool
	LogLevel      string
}

// Register adds every setting as a flag to fs and returns a function that,
// once fs is parsed, resolves the values: a flag given on the command line
// wins over the environment, which wins over the default.
func Register(fs *flag.FlagSet) func() (Config, error) {
	vals := make(map[string]*string, len(Settings))
	for _, s := range Settings {
		vals[s.Name] = fs.String(s.Name, s.Default, s.Help+" (env "+s.Env+")")
	}
	return func() (Config, error) {
		given := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		raw := map[string]string{}
		for _, s := range Settings {
			v, err := resolve(s, *vals[s.Name], given[s.Name], os.Getenv)
			if err != nil {
				return Config{}, err
			}
			raw[s.Name] = v
		}
		return build(raw)
	}
}

func resolve(s Setting, flagValue string, flagGiven bool, getenv func(string) string) (string, error) {
	if flagGiven {
		return flagValue, nil
	}
	if v := getenv(s.Env); v != "" {
		return v, nil
	}
	if s.Secret {
		if path := getenv(s.Env + "_FILE"); path != "" {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("%s_FILE: %w", s.Env, err)
			}
			return strings.TrimSpace(string(b)), nil
		}
	}
	return s.Default, nil
}

func build(raw map[string]string) (Config, error) {
	c := Config{
		DatabaseURL: raw["database-url"],
		Listen:      raw["listen"],
		BaseURL:     strings.TrimRight(raw["base-url"], "/"),
		SiteName:    raw["site-name"],
		SMTPURL:     raw["smtp-url"],
		MailFrom:    raw["mail-from"],
		LogLevel:    raw["log-level"],
	}
	loc, err := time.LoadLocation(raw["time-zone"])
	if err != nil {
		return c, fmt.Errorf("time-zone: %q is not a known time zone (want a name such as Europe/London)", raw["time-zone"])
	}
	c.Location = loc
	n, err := strconv.Atoi(raw["workers"])
	if err != nil || n < 0 || n > 64 {
		return c, errors.New("workers: want a whole number from 0 to 64")
	}
	c.Workers = n
	switch raw["secure-cookies"] {
	case "true":
		c.SecureCookies = true
	case "false":
	case "auto":
		c.SecureCookies = strings.HasPrefix(c.BaseURL, "https://")
	default:
		return c, errors.New("secure-cookies: want true, false or auto")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return c, errors.New("log-level: want debug, info, warn or error")
	}
	return c, nil
}

// MarkdownTable renders the settings as the README's configuration table.
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| flag | environment | default | meaning |\n| --- | --- | --- | --- |\n")
	for _, s := range Settings {
		env := "`" + s.Env + "`"
		if s.Secret {
			env += " (or `" + s.Env + "_FILE`)"
		}
		def := s.Default
		if def == "" {
			def = "(empty)"
		}
		fmt.Fprintf(&b, "| `--%s` | %s | `%s` | %s |\n", s.Name, env, def, s.Help)
	}
	return b.String()
}

// ShutdownGrace is how long the server waits for requests in flight.
const ShutdownGrace = 10 * time.Second
