package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	textlang "golang.org/x/text/language"

	"quorum/internal/report"
)

// Pages speak English or Welsh. The words are in message catalogues
// (locales/active.<code>.json), read and checked at start-up so that a
// broken catalogue fails the start, not a reader. Each language has its own
// set of parsed templates whose t, tn and th functions speak it, so that
// choosing the language of a request costs a map look-up and no template
// work: the published report page is served tens of thousands of times a
// second. docs/languages.md says which pages are translated.

//go:embed locales/*.json
var localeFiles embed.FS

const (
	langCookie  = "lang"
	defaultLang = "en"
)

// language is one language the site speaks.
type language struct {
	Code  string // in the cookie and the switch's address: "en", "cy"
	Tag   string // in <html lang>: "en-GB", "cy"
	Name  string // its own name, on the switch: "English", "Cymraeg"
	tr    *translator
	pages *templates
}

// languages are those the site speaks, English first.
type languages struct {
	list   []*language
	byCode map[string]*language
}

var spoken = []struct{ code, tag, name string }{
	{"en", "en-GB", "English"},
	{"cy", "cy", "Cymraeg"},
}

// loadLanguages reads and checks the catalogues and parses the templates
// once for each language.
func loadLanguages(loc *time.Location) (*languages, error) {
	files := map[string][]byte{}
	for _, l := range spoken {
		b, err := localeFiles.ReadFile("locales/active." + l.code + ".json")
		if err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", l.code, err)
		}
		files[l.code] = b
	}
	trs, err := loadCatalogues(files)
	if err != nil {
		return nil, err
	}
	ls := &languages{byCode: map[string]*language{}}
	for _, l := range spoken {
		lang := &language{Code: l.code, Tag: l.tag, Name: l.name, tr: trs[l.code]}
		ls.list = append(ls.list, lang)
		ls.byCode[l.code] = lang
	}
	for _, lang := range ls.list {
		lang.pages, err = parseTemplates(loc, lang, ls.list)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", lang.Code, err)
		}
	}
	return ls, nil
}

// translator gives the words of one language, falling back to English
// for a message the catalogue lacks.
type translator struct {
	loc *i18n.Localizer
	// plain holds every message without placeholders or plural forms,
	// worked out at start-up: most of a page's words cost a map look-up.
	plain map[string]string
}

// loadCatalogues parses the catalogues (by language code; English is the
// reference) and checks them: every message of every language renders,
// none is unknown to English, and each has English's placeholders.
func loadCatalogues(files map[string][]byte) (map[string]*translator, error) {
	bundle := i18n.NewBundle(textlang.BritishEnglish)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	msgs := map[string]map[string]*i18n.Message{}
	for code, b := range files {
		tag := textlang.Make(code)
		if code == defaultLang {
			tag = textlang.BritishEnglish
		}
		mf, err := bundle.ParseMessageFileBytes(b, "active."+tag.String()+".json")
		if err != nil {
			return nil, fmt.Errorf("catalogue %s: %w", code, err)
		}
		msgs[code] = map[string]*i18n.Message{}
		for _, m := range mf.Messages {
			msgs[code][m.ID] = m
		}
	}
	en, ok := msgs[defaultLang]
	if !ok {
		return nil, fmt.Errorf("no English catalogue")
	}
	for code, ms := range msgs {
		for id, m := range ms {
			ref, ok := en[id]
			if !ok {
				return nil, fmt.Errorf("catalogue %s: %s is not in the English catalogue", code, id)
			}
			if err := samePlaceholders(ref, m); err != nil {
				return nil, fmt.Errorf("catalogue %s: %s: %w", code, id, err)
			}
		}
	}
	out := map[string]*translator{}
	for code := range msgs {
		tag := code
		if code == defaultLang {
			tag = "en-GB"
		}
		tr := &translator{loc: i18n.NewLocalizer(bundle, tag), plain: map[string]string{}}
		for id, m := range en {
			data := map[string]any{}
			for _, name := range placeholders(m) {
				data[name] = "x"
			}
			counts := []any{nil}
			if m.One != "" {
				counts = []any{0, 1, 2, 3, 6, 7}
			}
			for _, n := range counts {
				if _, err := tr.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: n}); err != nil && !isMissing(err) {
					return nil, fmt.Errorf("catalogue %s: %s: %w", code, id, err)
				}
			}
			if isPlain(m) && (msgs[code][id] == nil || isPlain(msgs[code][id])) {
				s, err := tr.loc.Localize(&i18n.LocalizeConfig{MessageID: id})
				if err != nil && !isMissing(err) {
					return nil, fmt.Errorf("catalogue %s: %s: %w", code, id, err)
				}
				tr.plain[id] = s
			}
		}
		out[code] = tr
	}
	return out, nil
}

func isMissing(err error) bool {
	_, ok := err.(*i18n.MessageNotFoundErr)
	return ok
}

// forms are a message's texts, one per plural form it has.
func forms(m *i18n.Message) []string {
	var out []string
	for _, s := range []string{m.Zero, m.One, m.Two, m.Few, m.Many, m.Other} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

func isPlain(m *i18n.Message) bool {
	return m.Zero == "" && m.One == "" && m.Two == "" && m.Few == "" && m.Many == "" && !strings.Contains(m.Other, "{{")
}

var placeholderPattern = regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)

// placeholders lists the names a message's texts use, sorted, once each.
func placeholders(m *i18n.Message) []string {
	var names []string
	for _, s := range forms(m) {
		for _, g := range placeholderPattern.FindAllStringSubmatch(s, -1) {
			if !slices.Contains(names, g[1]) {
				names = append(names, g[1])
			}
		}
	}
	slices.Sort(names)
	return names
}

// samePlaceholders checks that every form of a translation uses the
// placeholders of the English message, PluralCount aside (a form may say
// "one" in words).
func samePlaceholders(en, m *i18n.Message) error {
	want := slices.DeleteFunc(placeholders(en), func(s string) bool { return s == "PluralCount" })
	for _, s := range forms(m) {
		got := []string{}
		for _, g := range placeholderPattern.FindAllStringSubmatch(s, -1) {
			if g[1] != "PluralCount" && !slices.Contains(got, g[1]) {
				got = append(got, g[1])
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			return fmt.Errorf("%q uses %v, English uses %v", s, got, want)
		}
	}
	if (en.One != "") != (m.One != "" || m.Zero != "" || m.Two != "" || m.Few != "" || m.Many != "") {
		return fmt.Errorf("plural forms in one language only")
	}
	return nil
}

// T gives a message; kv are its placeholders' names and values in pairs.
// A message missing from every catalogue shows its ID (a test keeps that
// from happening).
func (t *translator) T(id string, kv ...any) string {
	if len(kv) == 0 {
		if s, ok := t.plain[id]; ok {
			return s
		}
	}
	return t.localize(id, nil, kv)
}

// N gives a message whose words depend on a count; the count is the
// placeholder PluralCount.
func (t *translator) N(id string, count int, kv ...any) string {
	return t.localize(id, count, kv)
}

// HTML gives a message that carries its own markup (<strong>, <code>):
// the catalogues are part of the program, and every value put in a
// placeholder is escaped first.
func (t *translator) HTML(id string, kv ...any) template.HTML {
	esc := make([]any, len(kv))
	for i, v := range kv {
		if i%2 == 1 {
			v = template.HTMLEscapeString(fmt.Sprint(v))
		}
		esc[i] = v
	}
	if len(esc) == 0 {
		if s, ok := t.plain[id]; ok {
			return template.HTML(s) //nolint:gosec // our own catalogue
		}
	}
	return template.HTML(t.localize(id, nil, esc)) //nolint:gosec // our own catalogue, values escaped
}

func (t *translator) localize(id string, count any, kv []any) string {
	var data map[string]any
	if len(kv) > 0 || count != nil {
		data = make(map[string]any, len(kv)/2+1)
		for i := 0; i+1 < len(kv); i += 2 {
			if k, ok := kv[i].(string); ok {
				data[k] = kv[i+1]
			}
		}
		if count != nil {
			data["PluralCount"] = count
		}
	}
	s, err := t.loc.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if s == "" && err != nil {
		return id
	}
	return s
}

// of chooses the language of a request: the reader's own choice (the lang
// cookie the switch sets), then what their browser asks for, then English.
func (ls *languages) of(r *http.Request) *language {
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := ls.byCode[c.Value]; ok {
			return l
		}
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		if l := ls.accepted(h); l != nil {
			return l
		}
	}
	return ls.list[0]
}

// accepted picks, from an Accept-Language header, the language spoken here
// with the highest weight (the first listed of equal weights). It reads
// the header in place: this runs for every page.
func (ls *languages) accepted(h string) *language {
	var best *language
	bestQ := 0.0
	for h != "" {
		var part string
		part, h, _ = strings.Cut(h, ",")
		tag, params, _ := strings.Cut(part, ";")
		tag = strings.TrimSpace(tag)
		primary, _, _ := strings.Cut(tag, "-")
		q := 1.0
		if p := strings.TrimSpace(params); strings.HasPrefix(p, "q=") {
			v, err := strconv.ParseFloat(p[2:], 64)
			if err != nil {
				continue
			}
			q = v
		}
		for _, l := range ls.list {
			if q > bestQ && strings.EqualFold(primary, l.Code) {
				best, bestQ = l, q
			}
		}
	}
	return best
}

// tr is the translator of the request's language, for handlers' words.
func (s *Server) tr(r *http.Request) *translator { return s.langs.of(r).tr }

// languageSwitch remembers the reader's choice of language and sends them
// back to the page they were reading. A page answering a form has no
// address of its own to go back to: the nearest address above it that
// answers a GET is used instead.
func (s *Server) languageSwitch(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		lang, ok := s.langs.byCode[r.PathValue("code")]
		if !ok {
			s.renderError(w, r, http.StatusNotFound)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang.Code, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
		back := r.URL.Query().Get("back")
		if back == "" || !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.HasPrefix(back, "/\\") {
			back = "/"
		}
		for back != "/" {
			probe, err := http.NewRequestWithContext(r.Context(), http.MethodGet, back, nil)
			if err != nil {
				back = "/"
				break
			}
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" { // "/" answers what nothing else does: not found
				break
			}
			back = path.Dir(strings.TrimSuffix(probe.URL.Path, "/"))
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
	}
}

// The labels the election package gives in English are named here by
// their keys, so that they can be translated.
var (
	statusMessages = map[string]string{
		"draft": "Election.Status.Draft", "frozen": "Election.Status.Frozen", "open": "Election.Status.Open",
		"closed": "Election.Status.Closed", "counted": "Election.Status.Counted", "declared": "Election.Status.Declared",
	}
	milestoneMessages = map[string]string{
		"nominations_open": "Election.Milestone.NominationsOpen", "nominations_close": "Election.Milestone.NominationsClose",
		"freeze": "Election.Milestone.Freeze", "ballot_open": "Election.Milestone.BallotOpen",
		"ballot_close": "Election.Milestone.BallotClose", "declare": "Election.Milestone.Declare",
	}
)

// languageFuncs are the template functions that speak a language.
func languageFuncs(l *language, all []*language, loc *time.Location) template.FuncMap {
	tr := l.tr
	fm := template.FuncMap{
		"languages": func() []*language { return all },
		"t":         tr.T,
		"tn":        tr.N,
		"th":        tr.HTML,
		"lang":      func() *language { return l },
		"statusLabel": func(status string) string {
			if id, ok := statusMessages[status]; ok {
				return tr.T(id)
			}
			return status
		},
		"eventKind": func(key string) string { return tr.label(eventKindMessages, key, report.EventKindLabel(key)) },
		"milestoneLabel": func(key, label string) string {
			if id, ok := milestoneMessages[key]; ok {
				return tr.T(id)
			}
			return label
		},
	}
	for name, f := range dateFuncs(l.Code, loc) {
		fm[name] = f
	}
	return fm
}
