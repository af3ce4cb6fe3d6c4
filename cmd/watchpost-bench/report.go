package main

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
)

func (r *results) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func num(v *float64, format string) string {
	if v == nil {
		return "-"
	}
	return fmt.Sprintf(format, *v)
}

// write prints the rebuild's rate, then each projection's.
func (r rebuildResults) write(tw io.Writer, title string) {
	events := ""
	if r.RebuildEvents != nil {
		events = fmt.Sprintf("(%d events)", *r.RebuildEvents)
	}
	fmt.Fprintf(tw, "%s\t%s\t%s\n", title, num(r.RebuildEventsPerSec, "%.0f"), events)
	names := slices.Sorted(maps.Keys(r.RebuildPerProjection))
	slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(r.RebuildPerProjection[a], r.RebuildPerProjection[b]) })
	for _, name := range names {
		fmt.Fprintf(tw, "  %s\t%.0f events/s\t(of its own time)\n", name, r.RebuildPerProjection[name])
	}
}

func (r *results) writeTable(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "commands/s\t%.0f\t(%d commands, %d errors, %d cases)\n", r.CommandsPerSec, r.Commands, r.CommandErrors, r.Cases)
	fmt.Fprintf(tw, "events/s\t%.0f\t(%d events)\n", r.EventsPerSec, r.Events)
	fmt.Fprintf(tw, "raw publishes/s\t%s\t\n", num(r.RawPublishPerSec, "%.0f"))
	fmt.Fprintf(tw, "ratio vs raw\t%s\t(events/s over raw JetStream publishes/s: one durable write each)\n", num(r.RatioVsRaw, "%.2f"))
	fmt.Fprintf(tw, "PostgreSQL appends/s\t%s\t\n", num(r.PgAppendPerSec, "%.0f"))
	fmt.Fprintf(tw, "ratio vs PostgreSQL append\t%s\t(events/s over single-row inserts/s with a version key)\n", num(r.RatioVsPgAppend, "%.2f"))
	fmt.Fprintf(tw, "command latency ms\tp50 %s  p95 %s  p99 %s\t\n", num(r.CommandLatencyMS.P50, "%.1f"), num(r.CommandLatencyMS.P95, "%.1f"), num(r.CommandLatencyMS.P99, "%.1f"))
	fmt.Fprintf(tw, "projection lag ms\tp50 %s  p99 %s\t\n", num(r.ProjectionLagMS.P50, "%.1f"), num(r.ProjectionLagMS.P99, "%.1f"))
	fmt.Fprintf(tw, "escalation lag ms\tp50 %s  p99 %s\t(%d raised)\n", num(r.EscalationLagMS.P50, "%.1f"), num(r.EscalationLagMS.P99, "%.1f"), r.Escalations)
	r.rebuildResults.write(tw, "rebuild events/s")
	fmt.Fprintf(tw, "server RSS MiB\t%s\t\n", num(r.ServerRSSMB, "%.0f"))
	if c := r.CPUPerCommand; c != nil {
		fmt.Fprintf(tw, "CPU ms per command\tserver %.2f  postgres %.2f  generator %.2f\t(server includes the embedded NATS)\n", c.Server, c.Postgres, c.Generator)
	}
	if c := r.CPUPerRawPublish; c != nil {
		fmt.Fprintf(tw, "CPU ms per raw publish\tNATS %.3f  generator %.3f\t\n", c.Server, c.Generator)
	}
	if c := r.CPUPerPgAppend; c != nil {
		fmt.Fprintf(tw, "CPU ms per PostgreSQL append\tpostgres %.3f  generator %.3f\t\n", c.Postgres, c.Generator)
	}
	if s := r.Seed; s != nil {
		fmt.Fprintf(tw, "seeded\t%d cases, %d events\t(import %.0f events/s, archive %.0f events/s)\n", s.Cases, s.Events, s.ImportPerSec, s.ArchivePerSec)
		fmt.Fprintf(tw, "case list ms\tp50 %s  p99 %s\t\n", num(s.CaseListMS.P50, "%.1f"), num(s.CaseListMS.P99, "%.1f"))
		fmt.Fprintf(tw, "filtered list ms\tp50 %s  p99 %s\t\n", num(s.FilteredListMS.P50, "%.1f"), num(s.FilteredListMS.P99, "%.1f"))
		fmt.Fprintf(tw, "escalation board ms\tp50 %s  p99 %s\t(%d open)\n", num(s.EscalationsMS.P50, "%.1f"), num(s.EscalationsMS.P99, "%.1f"), s.OpenEscalations)
		for _, q := range []struct {
			name string
			p    percentiles
		}{{"rankings ms", s.RankingsMS}, {"network overdue reports ms", s.NetworkOverdueMS}, {"trend run ms", s.TrendRunMS},
			{"worklist page ms", s.WorklistPageMS}, {"board page ms", s.BoardPageMS}} {
			fmt.Fprintf(tw, "%s\tp50 %s  p99 %s\t\n", q.name, num(q.p.P50, "%.1f"), num(q.p.P99, "%.1f"))
		}
		fmt.Fprintf(tw, "server RSS MiB after seeding\t%s\t\n", num(s.ServerRSSMB, "%.0f"))
		s.rebuildResults.write(tw, "rebuild of the seeded archive events/s")
	}
	fmt.Fprintf(tw, "settings\t%d users, %.0fs, rate %d/s, %.0f%% untouched\t\n", r.Settings.Users, r.Settings.DurationS, r.Settings.Rate, r.Settings.Untouched*100)
	if r.FirstError != "" {
		fmt.Fprintf(tw, "first error\t%s\t\n", r.FirstError)
	}
	fmt.Fprintln(tw)
	for _, t := range r.Targets {
		state := "not measured"
		if t.Met != nil && *t.Met {
			state = "met"
		} else if t.Met != nil {
			state = "MISSED"
		}
		fmt.Fprintf(tw, "target %s\t%s\tgot %s: %s\n", t.Name, t.Want, num(t.Got, "%.2f"), state)
	}
	tw.Flush()
}

// targets compares the results with the project's targets.
func targets(r *results) []targetLine {
	atMost := func(name, want string, got *float64, limit float64, where string) targetLine {
		l := targetLine{Name: name, Want: want, Got: got, Where: where}
		if got != nil {
			met := *got <= limit
			l.Met = &met
		}
		return l
	}
	atLeast := func(name, want string, got *float64, limit float64) targetLine {
		l := targetLine{Name: name, Want: want, Got: got}
		if got != nil {
			met := *got >= limit
			l.Met = &met
		}
		return l
	}
	out := []targetLine{
		atLeast("ratio_vs_raw", ">= 0.35", r.RatioVsRaw, 0.35),
		atMost("command_latency_p99_ms", "<= 25 at 500 commands/s", r.CommandLatencyMS.P99, 25, fmt.Sprintf("at %.0f commands/s", r.CommandsPerSec)),
		atMost("projection_lag_p99_ms", "<= 100 at 1000 events/s", r.ProjectionLagMS.P99, 100, fmt.Sprintf("at %.0f events/s", r.EventsPerSec)),
		atMost("escalation_lag_p99_ms", "<= 1000", r.EscalationLagMS.P99, 1000, ""),
		atLeast("rebuild_events_per_sec", ">= 100000", r.RebuildEventsPerSec, 100000),
	}
	if r.Seed != nil {
		out = append(out,
			atMost("case_list_p99_ms", "<= 50 with 1,000,000 cases", r.Seed.CaseListMS.P99, 50, fmt.Sprintf("with %d cases", r.Seed.Cases)),
			atMost("escalation_board_p99_ms", "<= 50 with 1,000,000 cases", r.Seed.EscalationsMS.P99, 50, fmt.Sprintf("with %d cases", r.Seed.Cases)),
			atMost("rankings_p99_ms", "<= 50 with 1,000,000 cases", r.Seed.RankingsMS.P99, 50, fmt.Sprintf("with %d cases", r.Seed.Cases)),
			atMost("network_overdue_reports_p99_ms", "<= 50 with 1,000,000 cases", r.Seed.NetworkOverdueMS.P99, 50, fmt.Sprintf("with %d cases", r.Seed.Cases)),
			atMost("trend_run_p99_ms", "<= 50 with 1,000,000 cases", r.Seed.TrendRunMS.P99, 50, fmt.Sprintf("with %d cases", r.Seed.Cases)),
			atMost("worklist_page_p99_ms", "<= 50 with 1,000,000 cases", r.Seed.WorklistPageMS.P99, 50, fmt.Sprintf("with %d cases", r.Seed.Cases)),
			atMost("board_page_p99_ms", "<= 50 with 1,000,000 cases", r.Seed.BoardPageMS.P99, 50, fmt.Sprintf("with %d cases", r.Seed.Cases)),
			atMost("server_rss_mb_seeded", "<= 300 with 1,000,000 cases", r.Seed.ServerRSSMB, 300, fmt.Sprintf("with %d cases", r.Seed.Cases)),
			atLeast("rebuild_events_per_sec_seeded", ">= 100000 with 1,000,000 cases", r.Seed.RebuildEventsPerSec, 100000))
	}
	return out
}
