package web

import (
	"fmt"
	"strconv"
	"time"
)

func itoa(n int) string { return strconv.Itoa(n) }

// rateValue is a rate for a chart (none: 0).
func rateValue(r *float64) float64 {
	if r == nil {
		return 0
	}
	return *r
}

// percentText writes a rate and what it was counted on.
func percentText(r *float64, of int) string {
	if r == nil {
		return "无到期"
	}
	return fmt.Sprintf("%.0f%%（%d 件）", *r*100, of)
}

// monthDay writes a date given as YYYY-MM-DD as 11月24日.
func monthDay(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return fmt.Sprintf("%d月%d日", d.Month(), d.Day())
}
