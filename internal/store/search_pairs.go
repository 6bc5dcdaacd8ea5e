package store

import "strings"

// A phrase on PostgreSQL is found with the help of a second GIN index, of
// the pairs of words that follow each other in a document. The tsvector
// index can only say which documents hold all the words of a phrase:
// for common words that is most documents, and checking the words'
// positions in each reads its whole tsvector (from the TOAST table),
// 150 ms and more over 10,000 reports. The pairs index names the few
// documents holding each pair of the phrase, and the phrase is checked
// in those only. It is exact for a phrase of two words and narrows the
// candidates of a longer one, whose positions are still checked.
//
// The pairs are taken from the document's tsvector itself (its lexemes
// at positions p and p+1), so they follow exactly the engine's own rules
// for phrases: stemming, stop words (which leave a gap: no pair), the
// title and the text, and the positions a tsvector keeps.
const postgresPairsSchema = `
CREATE OR REPLACE FUNCTION search_pairs_v1(v tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
  SELECT COALESCE(array_to_tsvector(array_agg(DISTINCT a.lexeme || ' ' || b.lexeme)), '')
  FROM (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) a
  JOIN (SELECT lexeme, unnest(positions) AS pos FROM unnest(v)) b ON b.pos = a.pos + 1
  WHERE octet_length(a.lexeme) + octet_length(b.lexeme) < 2000
$$;
CREATE INDEX IF NOT EXISTS search_documents_pairs ON search_documents USING gin (search_pairs_v1(tsv))`

// The COST above tells the planner that computing a document's pairs is
// dear, so it reads them from the index and never computes them row by
// row to filter.

// tsqueryPairs returns a tsquery (as text) of the pairs of words that
// every document matching the tsquery tsq (as PostgreSQL prints it)
// must hold, or "" when there are none to require. Only pairs that the
// query cannot do without count: none when it has an OR, none under a
// NOT.
func tsqueryPairs(tsq string) string {
	toks, ok := tsqueryTokens(tsq)
	if !ok {
		return ""
	}
	for _, t := range toks {
		if t == "|" {
			return ""
		}
	}
	var pairs []string
	var negated []bool // per open bracket: inside a NOT
	under := func() bool { return len(negated) > 0 && negated[len(negated)-1] }
	for i, t := range toks {
		switch t {
		case "(":
			negated = append(negated, under() || i > 0 && toks[i-1] == "!")
			continue
		case ")":
			if len(negated) > 0 {
				negated = negated[:len(negated)-1]
			}
			continue
		}
		// A pair is lexeme <-> lexeme, the first not under a NOT.
		if t != "<->" || i == 0 || i+1 >= len(toks) || under() {
			continue
		}
		left, right := toks[i-1], toks[i+1]
		if !isLexemeToken(left) || !isLexemeToken(right) || i >= 2 && toks[i-2] == "!" {
			continue
		}
		pair := quoteLexeme(left[1:] + " " + right[1:])
		if !containsString(pairs, pair) {
			pairs = append(pairs, pair)
		}
	}
	return strings.Join(pairs, " & ")
}

// tsqueryTokens splits the text of a tsquery into operators, brackets
// and lexemes; a lexeme is returned as "'" followed by its text,
// unescaped. It reports false for anything it does not expect (weights,
// prefixes), and the query then gets no pairs.
func tsqueryTokens(s string) ([]string, bool) {
	var toks []string
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ':
			i++
		case c == '&' || c == '|' || c == '!' || c == '(' || c == ')':
			toks = append(toks, string(c))
			i++
		case c == '<':
			j := strings.IndexByte(s[i:], '>')
			if j < 0 {
				return nil, false
			}
			toks = append(toks, s[i:i+j+1])
			i += j + 1
		case c == '\'':
			var b strings.Builder
			b.WriteByte('\'')
			j := i + 1
			for ; j < len(s); j++ {
				if s[j] == '\\' && j+1 < len(s) {
					j++
					b.WriteByte(s[j])
					continue
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j++
						continue
					}
					break
				}
				b.WriteByte(s[j])
			}
			if j >= len(s) {
				return nil, false
			}
			toks = append(toks, b.String())
			i = j + 1
		default:
			return nil, false // a weight or prefix (:A, :*) or the unknown
		}
	}
	return toks, true
}

func isLexemeToken(t string) bool { return strings.HasPrefix(t, "'") }

// quoteLexeme writes a lexeme as tsquery input reads it.
func quoteLexeme(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `''`).Replace(s) + "'"
}
