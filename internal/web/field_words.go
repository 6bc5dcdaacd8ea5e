package web

import "quorum/internal/org"

// The report package says what is wrong with a comment, a sign-up or a
// subscription in English, and the election package what is wrong with a
// tracker to check; the reader is told in their own language. Each message
// is recognised by its words (a test checks that English says them as the
// domain does); one not in the table stays in English.
var fieldWords = map[string]string{
	"Enter your name":                                          "Field.Name",
	"Use at most 100 characters":                               "Field.Max100",
	"Enter an e-mail address, like name@example.org":           "Field.Email",
	"Enter a web address starting https://, or leave it empty": "Field.URL",
	"Write your comment":                                       "Field.Comment",
	"Use at most 5,000 characters":                             "Field.Max5000",
	"Choose what to follow":                                    "Field.Follow",
	// The election package, of a tracker that cannot be one.
	"This is not a tracker code: check it character by character": "Field.Tracker",
}

// fields gives a form's errors in the reader's language.
func (t *translator) fields(fe org.FieldErrors) org.FieldErrors {
	out := make(org.FieldErrors, len(fe))
	for k, msg := range fe {
		if id, ok := fieldWords[msg]; ok {
			msg = t.T(id)
		}
		out[k] = msg
	}
	return out
}

// Labels the report and org packages give in English, by their keys.
var (
	eventKindMessages = map[string]string{
		"hustings": "EventKind.Hustings", "training": "EventKind.Training", "action_day": "EventKind.ActionDay",
		"conference": "EventKind.Conference", "meeting": "EventKind.Meeting", "other": "EventKind.Other",
	}
	unitTypeMessages = map[string]string{
		"nation": "UnitType.Nation", "region": "UnitType.Region", "branch": "UnitType.Branch", "council_group": "UnitType.CouncilGroup",
		"union": "UnitType.Union", "society": "UnitType.Society", "other": "UnitType.Other",
	}
)

// label names a key through a table of messages; a key not in it is
// named by the domain's own words.
func (t *translator) label(table map[string]string, key, fallback string) string {
	if id, ok := table[key]; ok {
		return t.T(id)
	}
	return fallback
}
