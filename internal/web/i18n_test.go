package web

import (
	"encoding/json"
	"io/fs"
	"net/http/httptest"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"quorum/internal/election"
	"quorum/internal/store"
)

// english is the English translator of the real catalogues.
func english(t testing.TB) *translator {
	t.Helper()
	return realLanguages(t).byCode["en"].tr
}

func realLanguages(t testing.TB) *languages {
	t.Helper()
	ls, err := loadLanguages(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// TestLanguageChoiceOrder: the reader's own choice (the cookie) beats what
// their browser asks for, which beats English.
func TestLanguageChoiceOrder(t *testing.T) {
	ls := realLanguages(t)
	for _, tc := range []struct {
		name, cookie, accept, want string
	}{
		{"nothing said", "", "", "en"},
		{"the browser asks for Welsh", "", "cy-GB,cy;q=0.9,en;q=0.8", "cy"},
		{"the browser prefers English", "", "en-GB,en;q=0.9,cy;q=0.8", "en"},
		{"the browser weights Welsh higher", "", "en;q=0.5, cy;q=0.7", "cy"},
		{"the browser asks for neither", "", "fr-FR,de;q=0.5", "en"},
		{"Welsh refused", "", "cy;q=0", "en"},
		{"the cookie beats the browser", "en", "cy", "en"},
		{"the cookie alone", "cy", "", "cy"},
		{"a cookie for a language not spoken", "fr", "cy", "cy"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		if tc.cookie != "" {
			r.Header.Set("Cookie", langCookie+"="+tc.cookie)
		}
		if tc.accept != "" {
			r.Header.Set("Accept-Language", tc.accept)
		}
		if got := ls.of(r).Code; got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}

// TestMissingWelshFallsBackToEnglish: a message the Welsh catalogue lacks
// is shown in English, never as its ID.
func TestMissingWelshFallsBackToEnglish(t *testing.T) {
	trs, err := loadCatalogues(map[string][]byte{
		"en": []byte(`{"Hello": "Hello", "Greet": "Hello, {{.Name}}", "Seats": {"one": "{{.PluralCount}} seat", "other": "{{.PluralCount}} seats"}, "Both": "Both"}`),
		"cy": []byte(`{"Both": "Y ddau"}`),
	})
	if err != nil {
		t.Fatal(err)
	}
	cy := trs["cy"]
	for got, want := range map[string]string{
		cy.T("Hello"):                "Hello",
		cy.T("Greet", "Name", "Ann"): "Hello, Ann",
		cy.N("Seats", 2):             "2 seats",
		cy.T("Both"):                 "Y ddau",
	} {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

// TestBrokenCataloguesFailTheStart: a catalogue that does not parse, names
// a message English lacks, or changes a message's placeholders is refused.
func TestBrokenCataloguesFailTheStart(t *testing.T) {
	en := `{"Greet": "Hello, {{.Name}}", "Seats": {"one": "{{.PluralCount}} seat", "other": "{{.PluralCount}} seats"}}`
	for name, cy := range map[string]string{
		"not JSON":              `{"Greet": `,
		"unknown message":       `{"Hwyl": "Hwyl"}`,
		"placeholder renamed":   `{"Greet": "Helo, {{.Enw}}"}`,
		"placeholder dropped":   `{"Greet": "Helo"}`,
		"broken template":       `{"Greet": "Helo, {{.Name"}`,
		"plural forms lost":     `{"Seats": "{{.PluralCount}} sedd"}`,
		"a form's placeholders": `{"Seats": {"one": "{{.PluralCount}} sedd {{.Extra}}", "other": "{{.PluralCount}} sedd"}}`,
	} {
		if _, err := loadCatalogues(map[string][]byte{"en": []byte(en), "cy": []byte(cy)}); err == nil {
			t.Errorf("%s: the catalogue is accepted", name)
		}
	}
}

// TestWelshHasEnglishPlaceholders checks the real catalogues: every Welsh
// message is one English has, with the same placeholders in every form.
func TestWelshHasEnglishPlaceholders(t *testing.T) {
	en, cy := readCatalogue(t, "en"), readCatalogue(t, "cy")
	ph := regexp.MustCompile(`{{\s*\.(\w+)\s*}}`)
	names := func(v any) map[string]bool {
		out := map[string]bool{}
		var texts []string
		switch v := v.(type) {
		case string:
			texts = []string{v}
		case map[string]any:
			for _, s := range v {
				texts = append(texts, s.(string))
			}
		}
		for _, s := range texts {
			for _, m := range ph.FindAllStringSubmatch(s, -1) {
				out[m[1]] = true
			}
		}
		return out
	}
	for id, v := range cy {
		ev, ok := en[id]
		if !ok {
			t.Errorf("%s is in Welsh only", id)
			continue
		}
		got, want := names(v), names(ev)
		if len(got) != len(want) {
			t.Errorf("%s: Welsh uses %v, English %v", id, got, want)
		}
		for k := range want {
			if !got[k] {
				t.Errorf("%s: Welsh lacks {{.%s}}", id, k)
			}
		}
	}
	if len(cy) < len(en)*9/10 {
		t.Errorf("Welsh has %d messages of English's %d", len(cy), len(en))
	}
}

func readCatalogue(t *testing.T, code string) map[string]any {
	t.Helper()
	b, err := os.ReadFile("locales/active." + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestEveryMessageIDExists: every message the templates and handlers ask
// for is in the English catalogue, so no reader ever sees an ID.
func TestEveryMessageIDExists(t *testing.T) {
	en := readCatalogue(t, "en")
	used := map[string]string{} // id → where
	inTemplates := regexp.MustCompile(`\b(?:t|tn|th)\s+"([^"]+)"`)
	err := fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFiles.ReadFile(p)
		for _, m := range inTemplates.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	inGo := regexp.MustCompile(`\.T\("([^"]+)"`)
	files, _ := fs.Glob(os.DirFS("."), "*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range inGo.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = f
		}
	}
	for _, e := range errorTexts {
		used[e.title], used[e.text] = "errorTexts", "errorTexts"
	}
	for _, a := range errorAnswers {
		if a.say != "" {
			used[a.say] = "errorAnswers"
		}
	}
	for _, id := range statusMessages {
		used[id] = "statusMessages"
	}
	for _, id := range milestoneMessages {
		used[id] = "milestoneMessages"
	}
	for _, br := range ballotReasons {
		used[br.id] = "ballotReasons"
	}
	for _, table := range []map[string]string{fieldWords, eventKindMessages, unitTypeMessages} {
		for _, id := range table {
			used[id] = "domain words"
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d message IDs in use: is the pattern right?", len(used))
	}
	for id, where := range used {
		if _, ok := en[id]; !ok {
			t.Errorf("%s (%s) is not in the English catalogue", id, where)
		}
	}
}

// TestErrorWordsMatchTheDomains: the English words of a refusal are the
// domain's own, so the two cannot drift apart.
func TestErrorWordsMatchTheDomains(t *testing.T) {
	en := english(t)
	for _, a := range errorAnswers {
		if a.say == "" {
			continue
		}
		want := a.err.Error()
		want = strings.ToUpper(want[:1]) + want[1:]
		if got := en.T(a.say); got != want {
			t.Errorf("%s says %q, the domain %q", a.say, got, want)
		}
	}
}

// TestBallotProblemsInWelsh drives every reason the election package gives
// for refusing a ballot and checks that each is told in Welsh, and in
// English in the words the election package uses.
func TestBallotProblemsInWelsh(t *testing.T) {
	ls := realLanguages(t)
	cands := []store.Candidate{{ID: 1}, {ID: 2}, {ID: 3, Withdrawn: true}}
	var problems []*election.InvalidBallotError
	collect := func(err error) {
		ib, ok := err.(*election.InvalidBallotError)
		if !ok {
			t.Fatalf("not a refused ballot: %v", err)
		}
		problems = append(problems, ib)
	}
	for _, numbers := range []map[int64]int{
		{}, {1: 1, 2: 1}, {1: 2}, {1: 1, 2: 3}, {1: -1},
	} {
		_, err := election.RankingFromNumbers(numbers)
		collect(err)
	}
	for _, ranking := range [][]int64{{}, {1, 2, 3, 4}, {9}, {3}, {1, 1}} {
		collect(election.ValidateRanking(ranking, cands))
	}
	seen := map[string]bool{}
	for _, ib := range problems {
		en, cy := ballotProblem(ls.byCode["en"].tr, ib), ballotProblem(ls.byCode["cy"].tr, ib)
		old := ib.Reason
		if ib.Choice > 0 {
			old = "choice " + itoa(ib.Choice) + " " + old
		}
		old = strings.ToUpper(old[:1]) + old[1:] + "."
		if en != old {
			t.Errorf("%q is told in English as %q", old, en)
		}
		if cy == en {
			t.Errorf("%q is not told in Welsh", en)
		}
		seen[ib.Reason] = true
	}
	if len(seen) != len(ballotReasons) {
		t.Errorf("%d reasons driven, %d in the table", len(seen), len(ballotReasons))
	}
}
