package web

import (
	"fmt"
	"math"
	"strings"
)

// The charts are drawn on the server as SVG, by the templates of
// charts.html from the geometry computed here: no script draws them, and
// their text is escaped like any other.

// barChart is a horizontal bar chart: one row per label.
type barChart struct {
	Title  string
	Width  int
	Height int
	Rows   []barRow
}

type barRow struct {
	Label      string
	Text       string // the value as written beside the bar
	Y          float64
	BarX, BarW float64
	TextX      float64
	Class      string
}

const (
	barLabelWidth = 170.0
	barRowHeight  = 26.0
	barWidth      = 560
)

// hbars draws values from 0 to max (max 0: the largest value).
func hbars(title string, labels []string, values []float64, texts []string, max float64) barChart {
	if max <= 0 {
		for _, v := range values {
			max = math.Max(max, v)
		}
	}
	if max <= 0 {
		max = 1
	}
	c := barChart{Title: title, Width: barWidth, Height: int(barRowHeight*float64(len(labels))) + 10}
	span := float64(barWidth) - barLabelWidth - 70
	for i, l := range labels {
		w := values[i] / max * span
		c.Rows = append(c.Rows, barRow{Label: l, Text: texts[i], Y: 5 + float64(i)*barRowHeight, BarX: barLabelWidth,
			BarW: math.Max(w, 0), TextX: barLabelWidth + w + 6, Class: fmt.Sprintf("c%d", i%8)})
	}
	return c
}

// lineChart is counts over time: one line per series.
type lineChart struct {
	Title         string
	Width, Height int
	Series        []lineSeries
	XLabels       []axisLabel
	YLabels       []axisLabel
	Left, Bottom  float64
	Right, Top    float64
}

type lineSeries struct {
	Name    string
	Points  string // the polyline's points
	Class   string
	LegendY float64
	Total   int
}

type axisLabel struct {
	X, Y float64
	Text string
}

// lineChartOf draws series of counts, one value per x label.
func lineChartOf(title string, xLabels []string, names []string, values [][]int) lineChart {
	c := lineChart{Title: title, Width: 640, Height: 260, Left: 40, Bottom: 230, Right: 500, Top: 20}
	top := 1
	for _, vs := range values {
		for _, v := range vs {
			top = max(top, v)
		}
	}
	x := func(i int) float64 {
		if len(xLabels) < 2 {
			return c.Left
		}
		return c.Left + float64(i)*(c.Right-c.Left)/float64(len(xLabels)-1)
	}
	y := func(v int) float64 { return c.Bottom - float64(v)/float64(top)*(c.Bottom-c.Top) }
	step := max(1, len(xLabels)/6)
	for i, l := range xLabels {
		if i%step == 0 || i == len(xLabels)-1 {
			c.XLabels = append(c.XLabels, axisLabel{X: x(i), Y: c.Bottom + 16, Text: l})
		}
	}
	for _, v := range []int{0, top / 2, top} {
		c.YLabels = append(c.YLabels, axisLabel{X: c.Left - 6, Y: y(v) + 4, Text: fmt.Sprint(v)})
	}
	for i, name := range names {
		var pts []string
		total := 0
		for j, v := range values[i] {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(j), y(v)))
			total += v
		}
		c.Series = append(c.Series, lineSeries{Name: name, Points: strings.Join(pts, " "), Class: fmt.Sprintf("c%d", i%8),
			LegendY: c.Top + float64(i)*18, Total: total})
	}
	return c
}
