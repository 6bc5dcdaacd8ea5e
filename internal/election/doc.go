// Package election runs elections with secret online ballots: set-up by the
// returning officer (settings, timetable, candidates, electorate rules, the
// election key and its trustees), the voter roll taken at the freeze date,
// casting into sealed envelopes, live turnout, the close and the count by
// the trustees' shares, the scrutineer's recount and sign-off, the declared
// result and the public bulletin board, and candidates' mailings to the
// electorate. docs/elections.md describes the model; package ballot holds
// the cryptography and package count the counting rules.
//
// Secrecy rests on three habits kept everywhere in this package: a ranking
// exists in the clear only in memory (while it is sealed at casting, and
// after the close once the ballots are shuffled and cut from their voters);
// no error, log line or audit entry carries a ranking, tracker, share,
// passphrase or token; and nothing written while voting is open records
// when a voter voted next to what they voted.
package election
