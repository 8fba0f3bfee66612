package report

import (
	"bytes"
	"fmt"
	"html"
	"math"
)

// Plot is a latency-by-percentile chart in HdrHistogram's style: the x
// axis spreads the tail (50 %, 90 %, 99 %, 99.9 % equally apart), the y
// axis is logarithmic, so that a 40 µs median and a 4 ms tail fit one
// chart.
type Plot struct {
	Title  string
	Curves []Curve
}

// Curve is one series of a Plot.
type Curve struct {
	Label  string
	Color  string // an SVG color, such as "#1f77b4"
	Dashed bool
	Points []Point
}

// Point is a latency at a quantile.
type Point struct {
	Q      float64 // 0 to 1
	Micros float64 // latency in microseconds, above 0
}

// SpectrumQuantiles are the quantiles to sample for a Plot: evenly spaced
// on its x axis, from 0 to 99.9 %.
func SpectrumQuantiles() []float64 {
	var qs []float64
	for x := 0.0; x <= maxNines+1e-9; x += 0.05 {
		qs = append(qs, 1-math.Pow(10, -x))
	}
	return qs
}

// maxNines is the right end of the x axis: 99.9 %.
const maxNines = 3

// Chart geometry, in SVG user units.
const (
	width, height             = 760.0, 420.0
	left, right, top, bottom  = 70.0, 200.0, 40.0, 50.0
	plotWidth, plotHeight     = width - left - right, height - top - bottom
	fontStyle                 = `font-family="sans-serif" font-size="12"`
	titleStyle                = `font-family="sans-serif" font-size="14" font-weight="bold"`
	gridColor, axisColor      = "#dddddd", "#444444"
	legendRowHeight, legendX0 = 20.0, width - right + 20
)

// SVG renders the plot as a standalone SVG document.
func (p *Plot) SVG() []byte {
	lo, hi := p.yRange()
	ly, hy := math.Log10(lo), math.Log10(hi)
	xOf := func(q float64) float64 { return left + nines(q)/maxNines*plotWidth }
	yOf := func(us float64) float64 {
		return top + plotHeight - (math.Log10(us)-ly)/(hy-ly)*plotHeight
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g">`+"\n",
		width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%g" y="24" %s>%s</text>`+"\n",
		left, titleStyle, html.EscapeString(p.Title))

	for _, t := range []struct {
		q     float64
		label string
	}{{0, "0%"}, {0.5, "50%"}, {0.9, "90%"}, {0.99, "99%"}, {0.999, "99.9%"}} {
		x := xOf(t.q)
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%g" x2="%.1f" y2="%g" stroke="%s"/>`+"\n",
			x, top, x, top+plotHeight, gridColor)
		fmt.Fprintf(&b, `<text x="%.1f" y="%g" %s text-anchor="middle">%s</text>`+"\n",
			x, top+plotHeight+18, fontStyle, t.label)
	}
	for _, v := range yTicks(lo, hi) {
		y := yOf(v)
		fmt.Fprintf(&b, `<line x1="%g" y1="%.1f" x2="%g" y2="%.1f" stroke="%s"/>`+"\n",
			left, y, left+plotWidth, y, gridColor)
		fmt.Fprintf(&b, `<text x="%g" y="%.1f" %s text-anchor="end">%s</text>`+"\n",
			left-6, y+4, fontStyle, micros(v))
	}
	fmt.Fprintf(&b, `<rect x="%g" y="%g" width="%g" height="%g" fill="none" stroke="%s"/>`+"\n",
		left, top, plotWidth, plotHeight, axisColor)
	fmt.Fprintf(&b, `<text x="%g" y="%g" %s text-anchor="middle">percentile</text>`+"\n",
		left+plotWidth/2, height-10, fontStyle)
	fmt.Fprintf(&b, `<text transform="translate(16 %g) rotate(-90)" %s text-anchor="middle">latency</text>`+"\n",
		top+plotHeight/2, fontStyle)

	for i, c := range p.Curves {
		dash := ""
		if c.Dashed {
			dash = ` stroke-dasharray="6 4"`
		}
		b.WriteString(`<polyline fill="none" stroke-width="2" stroke="` + c.Color + `"` + dash + ` points="`)
		for j, pt := range c.Points {
			if j > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%.1f,%.1f", xOf(pt.Q), yOf(max(pt.Micros, lo)))
		}
		b.WriteString(`"/>` + "\n")
		y := top + 10 + float64(i)*legendRowHeight
		fmt.Fprintf(&b, `<line x1="%g" y1="%g" x2="%g" y2="%g" stroke-width="2" stroke="%s"%s/>`+"\n",
			legendX0, y, legendX0+28, y, c.Color, dash)
		fmt.Fprintf(&b, `<text x="%g" y="%g" %s>%s</text>`+"\n",
			legendX0+36, y+4, fontStyle, html.EscapeString(c.Label))
	}
	b.WriteString("</svg>\n")
	return b.Bytes()
}

// nines maps a quantile to the x axis: 0 for 0, 1 for 90 %, 2 for 99 %.
func nines(q float64) float64 {
	return min(-math.Log10(1-min(q, 0.999999)), maxNines)
}

// yRange returns the decades that hold every point.
func (p *Plot) yRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, c := range p.Curves {
		for _, pt := range c.Points {
			if pt.Micros > 0 {
				lo, hi = min(lo, pt.Micros), max(hi, pt.Micros)
			}
		}
	}
	if math.IsInf(lo, 1) {
		return 1, 1000
	}
	lo = math.Pow(10, math.Floor(math.Log10(lo)))
	hi = math.Pow(10, math.Ceil(math.Log10(hi)))
	if hi <= lo {
		hi = lo * 10
	}
	return lo, hi
}

// yTicks returns 1, 2 and 5 times each power of ten from lo to hi.
func yTicks(lo, hi float64) []float64 {
	var ts []float64
	for d := lo; d <= hi*1.0001; d *= 10 {
		for _, m := range []float64{1, 2, 5} {
			if v := d * m; v <= hi*1.0001 {
				ts = append(ts, v)
			}
		}
	}
	return ts
}

// micros formats a tick label: µs below a millisecond, ms up to a second.
func micros(us float64) string {
	switch {
	case us >= 1e6:
		return fmt.Sprintf("%g s", us/1e6)
	case us >= 1e3:
		return fmt.Sprintf("%g ms", us/1e3)
	}
	return fmt.Sprintf("%g µs", us)
}
