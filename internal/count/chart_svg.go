package count

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"strings"
)

// chartPalette: colours distinguishable for common colour-vision
// deficiencies (Okabe–Ito), combined with dash patterns so that no line is
// told apart by colour alone.
var (
	chartPalette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#8C6D31"}
	chartDashes  = []string{"", "6 3", "2 3", "8 3 2 3"}
)

// WriteSVG renders the result as a self-contained SVG line chart: each
// candidate's total at every stage, the quota (or majority) as a dashed
// line, winners labelled. It has a <title> and <desc> for screen readers,
// uses no external resources or scripts, and scales to its container.
func WriteSVG(w io.Writer, r *Result) error {
	const (
		width, height = 960, 420
		left, right   = 70, 300
		top, bottom   = 40, 50
	)
	bw := bufio.NewWriter(w)
	plotW := float64(width - left - right)
	plotH := float64(height - top - bottom)
	var maxV Fixed = 1
	for _, s := range r.Stages {
		for _, v := range s.Tallies {
			maxV = max(maxV, v)
		}
		if r.Method != Block && r.Method != FPTP {
			maxV = max(maxV, s.Quota)
		}
	}
	scale := pow10(r.Decimals)
	x := func(i int) float64 {
		if len(r.Stages) == 1 {
			return float64(left) + plotW/2
		}
		return float64(left) + plotW*float64(i)/float64(len(r.Stages)-1)
	}
	y := func(v Fixed) float64 { return float64(top) + plotH*(1-float64(v)/float64(maxV)) }

	title := methodTitle(r.Method)
	if r.Title != "" {
		title = r.Title + ": " + title
	}
	fmt.Fprintf(bw, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="count-title count-desc" font-family="sans-serif" font-size="12">`+"\n", width, height)
	fmt.Fprintf(bw, "<title id=\"count-title\">%s</title>\n", html.EscapeString(title))
	fmt.Fprintf(bw, "<desc id=\"count-desc\">%s</desc>\n", html.EscapeString(r.summary()))
	fmt.Fprintf(bw, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", width, height)
	// Axes and gridlines at quarters of the largest total.
	for k := 0; k <= 4; k++ {
		v := Fixed(int64(maxV) * int64(k) / 4)
		fmt.Fprintf(bw, `<line x1="%d" y1="%.1f" x2="%.0f" y2="%.1f" stroke="#dddddd"/>`+"\n", left, y(v), float64(left)+plotW, y(v))
		fmt.Fprintf(bw, `<text x="%d" y="%.1f" text-anchor="end" fill="#333333">%d</text>`+"\n", left-6, y(v)+4, int64(v)/scale)
	}
	for i, s := range r.Stages {
		fmt.Fprintf(bw, `<text x="%.1f" y="%d" text-anchor="middle" fill="#333333">%d</text>`+"\n", x(i), height-bottom+18, s.Number)
	}
	fmt.Fprintf(bw, `<text x="%.0f" y="%d" text-anchor="middle" fill="#333333">Stage</text>`+"\n", float64(left)+plotW/2, height-10)
	if r.Method != Block && r.Method != FPTP {
		label := "Quota"
		if r.Method == IRV {
			label = "Majority"
		}
		var pts []string
		for i, s := range r.Stages {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(s.Quota)))
		}
		if len(pts) == 1 {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", float64(left)+plotW, y(r.Stages[0].Quota)))
			pts[0] = fmt.Sprintf("%d,%.1f", left, y(r.Stages[0].Quota))
		}
		last := r.Stages[len(r.Stages)-1].Quota
		fmt.Fprintf(bw, `<g><title>%s %s</title><polyline points="%s" fill="none" stroke="#555555" stroke-width="1.5" stroke-dasharray="4 4"/>`,
			label, FormatFixed(last, r.Decimals), strings.Join(pts, " "))
		fmt.Fprintf(bw, `<text x="%d" y="%.1f" fill="#555555">%s %s</text></g>`+"\n", left+4, y(last)-5, label, FormatFixed(last, r.Decimals))
	}
	// One group per candidate, each with its own title for assistive technology.
	row := 0
	for c, name := range r.Candidates {
		if contains(r.Withdrawn, c) {
			continue
		}
		colour := chartPalette[c%len(chartPalette)]
		dash := chartDashes[(c/len(chartPalette))%len(chartDashes)]
		var pts, vals []string
		for i, s := range r.Stages {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(s.Tallies[c])))
			vals = append(vals, fmt.Sprintf("stage %d: %s", s.Number, FormatFixed(s.Tallies[c], r.Decimals)))
		}
		won := contains(r.Elected, c)
		label := name
		if won {
			label += " (elected)"
		}
		fmt.Fprintf(bw, "<g><title>%s; %s</title>", html.EscapeString(label), strings.Join(vals, ", "))
		strokeW := 2.0
		if won {
			strokeW = 3.5
		}
		if len(pts) > 1 {
			fmt.Fprintf(bw, `<polyline points="%s" fill="none" stroke="%s" stroke-width="%.1f"`, strings.Join(pts, " "), colour, strokeW)
			if dash != "" {
				fmt.Fprintf(bw, ` stroke-dasharray="%s"`, dash)
			}
			bw.WriteString("/>")
		}
		for i, s := range r.Stages {
			fmt.Fprintf(bw, `<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`, x(i), y(s.Tallies[c]), colour)
		}
		// Legend entry beside the plot.
		ly := top + 16*row
		fmt.Fprintf(bw, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="%.1f"`, width-right+10, ly, width-right+34, ly, colour, strokeW)
		if dash != "" {
			fmt.Fprintf(bw, ` stroke-dasharray="%s"`, dash)
		}
		fmt.Fprintf(bw, `/><text x="%d" y="%d" fill="#222222">%s</text></g>`+"\n", width-right+40, ly+4, html.EscapeString(clip(label, 42)))
		row++
	}
	bw.WriteString("</svg>\n")
	return bw.Flush()
}

// summary is the chart's text alternative: who won and how the count went.
func (r *Result) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s for %d seat(s), %d ballots, %d stage(s). ", methodTitle(r.Method), r.Seats, r.Ballots, len(r.Stages))
	if r.Method == ScottishSTV || r.Method == MeekSTV {
		fmt.Fprintf(&b, "Quota %s. ", FormatFixed(r.Quota, r.Decimals))
	}
	fmt.Fprintf(&b, "Elected: %s.", strings.Join(r.ElectedNames(), ", "))
	first := r.Stages[0]
	b.WriteString(" First stage:")
	for c, name := range r.Candidates {
		if !contains(r.Withdrawn, c) {
			fmt.Fprintf(&b, " %s %s;", name, FormatFixed(first.Tallies[c], r.Decimals))
		}
	}
	return strings.TrimSuffix(b.String(), ";") + "."
}
