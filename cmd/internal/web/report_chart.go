package web

import (
	"fmt"
	"strings"

	"github.com/watchpost/watchpost/cmd/internal/reports"
)

// trendChart is a cell's daily counts as bars (red on the days that were
// findings), its baseline as a line and the level of a finding as a dashed
// line, drawn on the server as SVG (template "trendchart").
type trendChart struct {
	Title                    string
	Width, Height            int
	Left, Right, Top, Bottom float64
	Bars                     []trendBar
	Baseline, Limit          string // polyline points
	XLabels, YLabels         []axisLabel
	Empty                    bool
}

type trendBar struct {
	X, Y, W, H float64
	Fill       string // a colour attribute: the pages' policy allows no inline style
	Label      string // the day and its count, for the bar's title
}

// trendChartOf draws a chart of the service.
func trendChartOf(title string, c reports.Chart) trendChart {
	t := trendChart{Title: title, Width: 640, Height: 240, Left: 40, Right: 620, Top: 16, Bottom: 200, Empty: len(c.Points) == 0}
	if t.Empty {
		return t
	}
	top := 1.0
	for _, p := range c.Points {
		top = max(top, float64(p.Cases), p.Limit)
	}
	top = float64(int(top) + 1)
	step := (t.Right - t.Left) / float64(len(c.Points))
	y := func(v float64) float64 { return t.Bottom - v/top*(t.Bottom-t.Top) }
	var base, limit []string
	for i, p := range c.Points {
		x := t.Left + float64(i)*step
		fill := "#5a7fb8"
		if p.Finding {
			fill = "#c62828"
		}
		if p.Cases > 0 {
			t.Bars = append(t.Bars, trendBar{X: x + step*0.15, Y: y(float64(p.Cases)), W: step * 0.7, H: t.Bottom - y(float64(p.Cases)),
				Fill: fill, Label: fmt.Sprintf("%s：%d 件", p.Day, p.Cases)})
		}
		mid := x + step/2
		base = append(base, fmt.Sprintf("%.1f,%.1f", mid, y(p.Baseline)))
		limit = append(limit, fmt.Sprintf("%.1f,%.1f", mid, y(p.Limit)))
	}
	t.Baseline, t.Limit = strings.Join(base, " "), strings.Join(limit, " ")
	labelStep := max(1, (len(c.Points)+5)/6)
	for i, p := range c.Points {
		if i%labelStep == 0 || i == len(c.Points)-1 {
			_, m, d := p.Day.Civil()
			t.XLabels = append(t.XLabels, axisLabel{X: t.Left + (float64(i)+0.5)*step, Y: t.Bottom + 16, Text: fmt.Sprintf("%d月%d日", m, d)})
		}
	}
	for _, v := range []float64{0, float64(int(top / 2)), top} {
		t.YLabels = append(t.YLabels, axisLabel{X: t.Left - 6, Y: y(v) + 4, Text: fmt.Sprintf("%.0f", v)})
	}
	return t
}
