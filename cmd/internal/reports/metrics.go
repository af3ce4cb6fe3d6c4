package reports

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/watchpost/watchpost/domain/report"
	"github.com/watchpost/watchpost/domain/trend"
	"github.com/watchpost/watchpost/projections"
)

var (
	openFindingsDesc = prometheus.NewDesc("watchpost_trend_findings_open", "Open trend findings, by kind.", []string{"kind"}, nil)
	reportsDesc      = prometheus.NewDesc("watchpost_special_reports", "Special reports, by state.", []string{"state"}, nil)
)

// gauges counts the open findings and the reports at scrape time.
type gauges struct{ s *Service }

func (g gauges) Describe(ch chan<- *prometheus.Desc) {
	ch <- openFindingsDesc
	ch <- reportsDesc
}

func (g gauges) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if open, err := projections.OpenFindingsByKind(ctx, g.s.d.Pool); err != nil {
		ch <- prometheus.NewInvalidMetric(openFindingsDesc, err)
	} else {
		for _, k := range []trend.Kind{trend.Tendency, trend.Widespread, trend.Emerging} {
			ch <- prometheus.MustNewConstMetric(openFindingsDesc, prometheus.GaugeValue, float64(open[k]), string(k))
		}
	}
	if byStatus, err := projections.SpecialReportsByStatus(ctx, g.s.d.Pool); err != nil {
		ch <- prometheus.NewInvalidMetric(reportsDesc, err)
	} else {
		for _, st := range report.Statuses() {
			ch <- prometheus.MustNewConstMetric(reportsDesc, prometheus.GaugeValue, float64(byStatus[st]), string(st))
		}
	}
}
