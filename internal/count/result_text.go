package count

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// textWidth is the widest line the text report may use.
const textWidth = 100

// WriteText writes the result as a stage-by-stage sheet in the layout of an
// official declaration: one row per candidate, a transfer and a total column
// per stage, then non-transferable papers, fractions lost and the total.
// Stages that do not fit in 100 columns continue in further blocks.
func WriteText(w io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	title := methodTitle(r.Method)
	if r.Title != "" {
		title += " — " + r.Title
	}
	fmt.Fprintln(bw, title)
	fmt.Fprintf(bw, "Seats: %d   Ballots: %d   Valid: %d", r.Seats, r.Ballots, r.Valid)
	if r.Method == ScottishSTV || r.Method == MeekSTV {
		fmt.Fprintf(bw, "   Quota: %s", FormatFixed(r.Quota, r.Decimals))
	}
	fmt.Fprintf(bw, "   Seed: %d\n", r.Seed)
	if len(r.Withdrawn) > 0 {
		fmt.Fprintf(bw, "Withdrawn: %s\n", strings.Join(r.names(r.Withdrawn), ", "))
	}
	for _, q := range r.Rules {
		fmt.Fprintf(bw, "Quota rule: at least %d elected with %s = %s\n", q.Min, q.Attribute, q.Value)
	}
	fmt.Fprintln(bw)
	for _, s := range r.Stages {
		fmt.Fprintf(bw, "Stage %d: %s\n", s.Number, r.describeStage(s))
	}
	fmt.Fprintln(bw)
	r.writeTable(bw)
	fmt.Fprintln(bw, "* elected at this stage   - excluded at this stage")
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, "Elected:")
	for i, c := range r.Elected {
		fmt.Fprintf(bw, "  %d. %s (stage %d)\n", i+1, r.Candidates[c], r.stageElected(c))
	}
	if len(r.Ties) > 0 {
		fmt.Fprintln(bw, "Ties:")
		for _, t := range r.Ties {
			how := "by totals at " + t.How
			switch t.How {
			case "lot":
				how = fmt.Sprintf("by lot (seed %d, draw %#016x)", r.Seed, t.Draw)
			case "tie order":
				how = "by the tie order in the ballot file"
			}
			fmt.Fprintf(bw, "  stage %d, %s between %s: %s, %s\n", t.Stage, t.Purpose,
				strings.Join(r.names(t.Candidates), ", "), r.Candidates[t.Chosen], how)
		}
	}
	return bw.Flush()
}

func methodTitle(m Method) string {
	switch m {
	case FPTP:
		return "First past the post"
	case Block:
		return "Block vote"
	case IRV:
		return "Instant-runoff vote"
	case ScottishSTV:
		return "Single transferable vote (Scottish rules, SSI 2007/42)"
	case MeekSTV:
		return "Single transferable vote (Meek's method)"
	}
	return string(m)
}

func (r *Result) describeStage(s Stage) string {
	var b strings.Builder
	switch s.Kind {
	case StageFirst:
		b.WriteString("first preferences")
		if r.Method == Block {
			fmt.Fprintf(&b, " (up to %d per ballot)", r.Seats)
		}
	case StageSurplus:
		fmt.Fprintf(&b, "surplus of %s transferred (transfer value %s per paper at full value)",
			r.Candidates[s.Subject], FormatFixed(s.TransferValue, r.Decimals))
	case StageExclusion:
		fmt.Fprintf(&b, "%s excluded, papers transferred", r.Candidates[s.Subject])
	case StageQuotaRule:
		fmt.Fprintf(&b, "%s excluded to keep the quota rules achievable", r.Candidates[s.Subject])
	case StageIteration:
		fmt.Fprintf(&b, "keep values recomputed (%d iterations), quota %s", s.Iterations, FormatFixed(s.Quota, r.Decimals))
	}
	if len(s.Elected) > 0 {
		fmt.Fprintf(&b, "; elected: %s", strings.Join(r.names(s.Elected), ", "))
	}
	if len(s.PassedOver) > 0 {
		fmt.Fprintf(&b, "; passed over for the quota rules: %s", strings.Join(r.names(s.PassedOver), ", "))
	}
	return b.String()
}

func (r *Result) stageElected(c int) int {
	for _, s := range r.Stages {
		for _, e := range s.Elected {
			if e == c {
				return s.Number
			}
		}
	}
	return 0
}

// writeTable prints the stages in blocks that fit textWidth.
func (r *Result) writeTable(bw *bufio.Writer) {
	nameW := len("Non-transferable")
	for _, n := range r.Candidates {
		nameW = max(nameW, utf8.RuneCountInString(n))
	}
	nameW = min(nameW, 32)
	valW := 7
	total := Fixed(r.Ballots * pow10(r.Decimals))
	for i, s := range r.Stages {
		for c, v := range s.Tallies {
			valW = max(valW, len(FormatFixed(v, r.Decimals)), len(FormatFixed(r.Transfers(i)[c], r.Decimals))+1)
		}
		valW = max(valW, len(FormatFixed(total, r.Decimals)))
	}
	colW := 2*valW + 4 // " transfer total" plus the status mark
	perBlock := max(1, (textWidth-nameW)/colW)
	for start := 0; start < len(r.Stages); start += perBlock {
		end := min(len(r.Stages), start+perBlock)
		stages := r.Stages[start:end]
		fmt.Fprintf(bw, "%-*s", nameW, "Candidate")
		for _, s := range stages {
			fmt.Fprintf(bw, " %*s", colW-1, fmt.Sprintf("Stage %d", s.Number))
		}
		fmt.Fprintln(bw)
		fmt.Fprintf(bw, "%-*s", nameW, "")
		for range stages {
			fmt.Fprintf(bw, "  %*s %*s ", valW, "transfer", valW, "total")
		}
		fmt.Fprintln(bw)
		for c, name := range r.Candidates {
			fmt.Fprintf(bw, "%-*s", nameW, clip(name, nameW))
			for k, s := range stages {
				tr := r.Transfers(start + k)[c]
				trText := ""
				if s.Number > 1 && tr != 0 {
					trText = signed(tr, r.Decimals)
				}
				mark := " "
				if contains(s.Elected, c) {
					mark = "*"
				} else if contains(s.Excluded, c) {
					mark = "-"
				}
				fmt.Fprintf(bw, "  %*s %*s%s", valW, trText, valW, FormatFixed(s.Tallies[c], r.Decimals), mark)
			}
			fmt.Fprintln(bw)
		}
		r.footerRow(bw, "Non-transferable", nameW, valW, start, stages, func(s Stage) Fixed { return s.Exhausted })
		if r.Method == ScottishSTV {
			r.footerRow(bw, "Fractions lost", nameW, valW, start, stages, func(s Stage) Fixed { return s.Fractions })
		}
		if r.Method == IRV || r.Method == MeekSTV {
			label := "Quota"
			if r.Method == IRV {
				label = "Majority"
			}
			r.footerRow(bw, label, nameW, valW, start, stages, func(s Stage) Fixed { return s.Quota })
		}
		if r.Method != Block {
			r.footerRow(bw, "Total", nameW, valW, start, stages, func(s Stage) Fixed {
				var sum Fixed
				for _, v := range s.Tallies {
					sum += v
				}
				return sum + s.Exhausted + s.Fractions
			})
		}
		fmt.Fprintln(bw)
	}
}

func (r *Result) footerRow(bw *bufio.Writer, label string, nameW, valW, start int, stages []Stage, value func(Stage) Fixed) {
	fmt.Fprintf(bw, "%-*s", nameW, label)
	for k, s := range stages {
		tr := ""
		if s.Number > 1 && label != "Total" && label != "Quota" && label != "Majority" {
			if d := value(s) - value(r.Stages[start+k-1]); d != 0 {
				tr = signed(d, r.Decimals)
			}
		}
		fmt.Fprintf(bw, "  %*s %*s ", valW, tr, valW, FormatFixed(value(s), r.Decimals))
	}
	fmt.Fprintln(bw)
}

func signed(v Fixed, decimals int) string {
	if v > 0 {
		return "+" + FormatFixed(v, decimals)
	}
	return FormatFixed(v, decimals)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func contains(s []int, x int) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}
