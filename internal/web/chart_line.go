package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"quorum/internal/store"
)

// membershipChart draws members per month as an accessible SVG line chart.
// It is drawn on the server so the page needs no JavaScript.
// describe says it in words (nil: in English).
func membershipChart(title string, points []store.MonthCount, describe func(first, last store.MonthCount, highest int) string) template.HTML {
	if len(points) < 2 {
		return ""
	}
	const w, h, left, right, top, bottom = 720.0, 260.0, 64.0, 16.0, 16.0, 36.0
	maxV := 0
	for _, p := range points {
		maxV = max(maxV, p.Members)
	}
	step := niceStep(maxV)
	top5 := step * ((maxV + step - 1) / step)
	if top5 == 0 {
		top5 = 1
	}
	x := func(i int) float64 { return left + float64(i)*(w-left-right)/float64(len(points)-1) }
	y := func(v int) float64 { return top + (h-top-bottom)*(1-float64(v)/float64(top5)) }
	var b strings.Builder
	first, last := points[0], points[len(points)-1]
	var desc string
	if describe != nil {
		desc = describe(first, last, maxV)
	} else {
		desc = fmt.Sprintf("Members at the end of each month from %s to %s: %s at the start, %s at the end, highest %s.",
			first.Month.Format("January 2006"), last.Month.Format("January 2006"), thousands(first.Members), thousands(last.Members), thousands(maxV))
	}
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`, w, h)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title><desc id="chart-desc">%s</desc>`, template.HTMLEscapeString(title), template.HTMLEscapeString(desc))
	for v := 0; v <= top5; v += step {
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, left, w-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`, left-6, y(v)+4, thousands(v))
	}
	for i, p := range points {
		if p.Month.Month() == 1 || i == 0 {
			fmt.Fprintf(&b, `<line class="axis" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, x(i), x(i), h-bottom, h-bottom+4)
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%d</text>`, x(i), h-bottom+18, p.Month.Year())
		}
	}
	b.WriteString(`<polyline class="line" points="`)
	for i, p := range points {
		fmt.Fprintf(&b, "%.1f,%.1f ", x(i), y(p.Members))
	}
	b.WriteString(`"/>`)
	fmt.Fprintf(&b, `<line class="axis" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, left, w-right, h-bottom, h-bottom)
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // built from numbers and escaped text only
}

// niceStep picks a grid step of 1, 2 or 5 times a power of ten giving about five lines.
func niceStep(maxV int) int {
	if maxV <= 5 {
		return 1
	}
	raw := maxV / 5
	pow := 1
	for pow*10 <= raw {
		pow *= 10
	}
	for _, m := range []int{1, 2, 5, 10} {
		if m*pow >= raw {
			return m * pow
		}
	}
	return 10 * pow
}

// chartWords describes the membership chart in the reader's language.
func (s *Server) chartWords(r *http.Request) func(first, last store.MonthCount, highest int) string {
	lang := s.langs.of(r)
	month := func(t time.Time) string {
		if lang.Code == "cy" {
			return welshMonths[t.Month()] + " " + strconv.Itoa(t.Year())
		}
		return t.Format("January 2006")
	}
	return func(first, last store.MonthCount, highest int) string {
		return lang.tr.T("Home.ChartDescription", "From", month(first.Month), "To", month(last.Month),
			"First", thousands(first.Members), "Last", thousands(last.Members), "Highest", thousands(highest))
	}
}
