package count

// Result is a complete, reproducible record of one count.
type Result struct {
	Method     Method
	Title      string
	Seats      int
	Candidates []string
	Withdrawn  []int
	// Ballots is every ballot read; Valid those with a usable first
	// preference (a blank ballot, or one naming only withdrawn candidates,
	// is not valid and does not count towards the quota).
	Ballots  int64
	Valid    int64
	Decimals int   // tallies are in units of 10^-Decimals
	Quota    Fixed // STV quota (for Meek, the final quota); 0 for other methods
	Elected  []int // candidate indices in order of election
	Stages   []Stage
	Ties     []Tie
	Seed     uint64
	Rules    []QuotaRule
	// Meek only: the convergence limit and precision used.
	MeekTolerance Fixed
}

// StageKind says what happened at a stage.
type StageKind string

// Stage kinds.
const (
	StageFirst       StageKind = "first-preferences"
	StageSurplus     StageKind = "surplus"
	StageExclusion   StageKind = "exclusion"
	StageQuotaRule   StageKind = "quota-rule-exclusion"
	StageIteration   StageKind = "iteration" // Meek: keep values recomputed
	StageRunoffRound StageKind = "round"
)

// Stage is the state of the count after one step, as on a result sheet.
type Stage struct {
	Number  int
	Kind    StageKind
	Subject int // candidate whose surplus or exclusion this is; -1 if none
	// Tallies are each candidate's total after the stage (elected candidates
	// whose surplus has gone show the quota; excluded candidates show 0).
	Tallies []Fixed
	// Exhausted is the running value of non-transferable papers; Fractions
	// the running value lost by truncating transfer values. Ballots
	// (scaled) = sum(Tallies) + Exhausted + Fractions at every stage.
	Exhausted Fixed
	Fractions Fixed
	Quota     Fixed // quota in force (Meek: varies; IRV: majority of continuing votes)
	// TransferValue is the value of a whole paper passed on at a surplus
	// transfer (surplus/total), for the record.
	TransferValue Fixed
	Elected       []int
	Excluded      []int
	PassedOver    []int   // block vote: skipped to satisfy a quota rule
	KeepValues    []Fixed // Meek only
	Iterations    int     // Meek only
}

// Tie records a tie the count had to break and how.
type Tie struct {
	Stage      int
	Purpose    string // "exclusion", "surplus order", "election order", "seat"
	Candidates []int
	Chosen     int
	// How is "stage N" (settled by totals at an earlier stage), "lot"
	// (seeded draw) or "tie order" (the order given in the ballot file).
	How  string
	Draw uint64 // the raw draw when How is "lot"
}

// ElectedNames returns the winners' names in order of election.
func (r *Result) ElectedNames() []string {
	out := make([]string, len(r.Elected))
	for i, c := range r.Elected {
		out[i] = r.Candidates[c]
	}
	return out
}
