package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/projections"
)

// percentiles in milliseconds.
type percentiles struct {
	P50 *float64 `json:"p50"`
	P95 *float64 `json:"p95,omitempty"`
	P99 *float64 `json:"p99"`
}

// results is the report of a run.
type results struct {
	CommandsPerSec   float64     `json:"commands_per_sec"`
	EventsPerSec     float64     `json:"events_per_sec"`
	RawPublishPerSec *float64    `json:"raw_publish_per_sec"`
	RatioVsRaw       *float64    `json:"ratio_vs_raw"`
	PgAppendPerSec   *float64    `json:"pg_append_per_sec"`
	RatioVsPgAppend  *float64    `json:"ratio_vs_pg_append"`
	CommandLatencyMS percentiles `json:"command_latency_ms"`
	ProjectionLagMS  percentiles `json:"projection_lag_ms"`
	EscalationLagMS  percentiles `json:"escalation_lag_ms"`
	Escalations      int         `json:"escalations_raised"`
	rebuildResults
	ServerRSSMB *float64 `json:"server_rss_mb"`
	// CPU time used during the load and the raw baseline, in all and per
	// command or raw publish (absent when the processes cannot be read:
	// with -url).
	CPULoad          *cpuUse      `json:"cpu_ms_load,omitempty"`
	CPUPerCommand    *cpuUse      `json:"cpu_ms_per_command,omitempty"`
	CPURaw           *cpuUse      `json:"cpu_ms_raw,omitempty"`
	CPUPerRawPublish *cpuUse      `json:"cpu_ms_per_raw_publish,omitempty"`
	CPUPerPgAppend   *cpuUse      `json:"cpu_ms_per_pg_append,omitempty"`
	Commands         int          `json:"commands"`
	CommandErrors    int          `json:"command_errors"`
	FirstError       string       `json:"first_error,omitempty"`
	Cases            int          `json:"cases"`
	UntouchedCases   int          `json:"untouched_cases"`
	Events           uint64       `json:"events"`
	Seed             *seedResults `json:"seed,omitempty"`
	Machine          string       `json:"machine"`
	Settings         settings     `json:"settings"`
	Targets          []targetLine `json:"targets"`
}

// targetLine says whether one of the project's targets was met.
type targetLine struct {
	Name  string   `json:"name"`
	Want  string   `json:"want"`
	Got   *float64 `json:"got"`
	Met   *bool    `json:"met"`
	Where string   `json:"where,omitempty"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func pct(sorted []float64, p float64) *float64 {
	if len(sorted) == 0 {
		return nil
	}
	i := int(p*float64(len(sorted)-1) + 0.5)
	v := sorted[i]
	return &v
}

func measure(ctx context.Context, s settings, t *target, stderr io.Writer) (*results, error) {
	res := &results{Settings: s, Machine: fmt.Sprintf("%d CPUs, %s/%s", runtime.NumCPU(), runtime.GOOS, runtime.GOARCH)}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: s.Users * 2}, Timeout: 30 * time.Second}
	pp, err := setup(ctx, t, client)
	if err != nil {
		return nil, fmt.Errorf("setup: %w", err)
	}
	if s.Due > 0 {
		// Referred before the server's clock started, on the working day
		// whose end is the load's midnight.
		if err := seedDue(ctx, t, s.Due, midnight.Add(-s.Duration/2-time.Minute), stderr); err != nil {
			return nil, fmt.Errorf("-due: %w", err)
		}
	}
	startSeq, err := t.lastSeq(ctx)
	if err != nil {
		return nil, err
	}

	// The load: users walking lifecycles.
	fmt.Fprintf(stderr, "load: %d users for %s\n", s.Users, s.Duration)
	lctx, cancel := context.WithTimeout(ctx, s.Duration)
	st := &loadStats{}
	pace := newPacer(lctx, s.Rate)
	var wg sync.WaitGroup
	meter := t.cpu()
	before := meter.sample()
	began := time.Now()
	for u := range s.Users {
		wg.Go(func() { user(lctx, u, pp, s.Untouched, pace, st) })
	}
	wg.Wait()
	cancel()
	elapsed := time.Since(began)
	res.CPULoad = meter.sample().since(before)
	res.CPUPerCommand = res.CPULoad.per(st.commands)
	endSeq, err := t.lastSeq(ctx)
	if err != nil {
		return nil, err
	}
	res.Commands, res.CommandErrors, res.Cases, res.UntouchedCases = st.commands, st.errors, st.cases, st.untouched
	if st.firstErr != nil {
		res.FirstError = st.firstErr.Error()
	}
	res.Events = endSeq - startSeq
	res.CommandsPerSec = float64(st.commands) / elapsed.Seconds()
	res.EventsPerSec = float64(res.Events) / elapsed.Seconds()
	lat := make([]float64, len(st.latencies))
	for i, d := range st.latencies {
		lat[i] = ms(d)
	}
	slices.Sort(lat)
	res.CommandLatencyMS = percentiles{P50: pct(lat, .5), P95: pct(lat, .95), P99: pct(lat, .99)}

	// The deadlines that came due at midnight are raised within a second;
	// give the archive and the escalation process a moment.
	time.Sleep(3 * time.Second)

	if t.pool != nil {
		if err := t.waitArchived(ctx, endSeq); err != nil {
			return nil, err
		}
		if res.ProjectionLagMS, err = t.projectionLag(ctx, startSeq, endSeq); err != nil {
			return nil, err
		}
		if res.EscalationLagMS, res.Escalations, err = t.escalationLag(ctx, startSeq); err != nil {
			return nil, err
		}
	}
	res.ServerRSSMB = rss(t.pid)

	if t.nc != nil && s.RawDuration > 0 {
		fmt.Fprintf(stderr, "raw baseline: %d publishers for %s\n", s.Users, s.RawDuration)
		rawBefore := meter.sample()
		raw, published, err := rawBaseline(ctx, t.nc, s.Users, s.RawDuration)
		if err != nil {
			return nil, err
		}
		res.CPURaw = meter.sample().since(rawBefore)
		res.CPUPerRawPublish = res.CPURaw.per(published)
		ratio := res.EventsPerSec / raw
		res.RawPublishPerSec, res.RatioVsRaw = &raw, &ratio
	}
	if t.pool != nil && s.RawDuration > 0 {
		fmt.Fprintf(stderr, "PostgreSQL append baseline: %d writers for %s\n", s.Users, s.RawDuration)
		pgBefore := meter.sample()
		pgRate, appended, err := pgAppendBaseline(ctx, t.pool, s.Users, s.RawDuration)
		if err != nil {
			return nil, err
		}
		res.CPUPerPgAppend = meter.sample().since(pgBefore).per(appended)
		ratio := res.EventsPerSec / pgRate
		res.PgAppendPerSec, res.RatioVsPgAppend = &pgRate, &ratio
	}

	if t.pool != nil {
		fmt.Fprintln(stderr, "rebuild: replaying the archive into fresh read models")
		if res.rebuildResults, err = measureRebuild(ctx, t); err != nil {
			return nil, err
		}
	}

	if s.Seed > 0 {
		if t.nc == nil || t.pool == nil {
			return nil, fmt.Errorf("-seed needs the server's NATS and PostgreSQL")
		}
		if res.Seed, err = seedAndQuery(ctx, t, pp, s.Seed, stderr); err != nil {
			return nil, err
		}
	}
	res.Targets = targets(res)
	return res, nil
}

// rebuildResults are a rebuild of the read models from the archive.
type rebuildResults struct {
	RebuildEvents       *int     `json:"rebuild_events"`
	RebuildEventsPerSec *float64 `json:"rebuild_events_per_sec"`
	RebuildDifferences  *int     `json:"rebuild_differences"`
	// Events per second of its own time for each projection in the
	// rebuild (the lanes run side by side).
	RebuildPerProjection map[string]float64 `json:"rebuild_events_per_sec_by_projection,omitempty"`
}

// measureRebuild rebuilds the read models from the whole archive beside
// the live ones and compares them.
func measureRebuild(ctx context.Context, t *target) (rebuildResults, error) {
	rep, err := projections.Rebuild(ctx, t.pool, app.Projections(benchZone, benchPolicy()), projections.RebuildOptions{})
	if err != nil {
		return rebuildResults{}, err
	}
	rate := float64(rep.Events) / rep.Elapsed.Seconds()
	diff := rep.Differences()
	out := rebuildResults{RebuildEvents: &rep.Events, RebuildEventsPerSec: &rate, RebuildDifferences: &diff, RebuildPerProjection: map[string]float64{}}
	for _, p := range rep.Projections {
		out.RebuildPerProjection[p.Name] = p.PerSec()
	}
	return out, nil
}

// lastSeq is the event log's last sequence.
func (t *target) lastSeq(ctx context.Context) (uint64, error) {
	if t.nc == nil {
		return 0, nil
	}
	js, err := jetstream.New(t.nc)
	if err != nil {
		return 0, err
	}
	st, err := js.Stream(ctx, "WATCHPOST")
	if err != nil {
		return 0, err
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, err
	}
	return info.State.LastSeq, nil
}

func (t *target) waitArchived(ctx context.Context, seq uint64) error {
	return t.waitArchivedFor(ctx, seq, 2*time.Minute, io.Discard)
}

// projectionLag is the time from an event's append (the stream's timestamp)
// to its archiving with the read models (the same transaction).
func (t *target) projectionLag(ctx context.Context, from, to uint64) (percentiles, error) {
	var p50, p99 *float64
	err := t.pool.QueryRow(ctx, `SELECT
			percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM archived_at - recorded_at)) * 1000,
			percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM archived_at - recorded_at)) * 1000
		FROM events WHERE seq > $1 AND seq <= $2`, int64(from), int64(to)).Scan(&p50, &p99)
	return percentiles{P50: p50, P99: p99}, err
}

// escalationLag is the time from the moment a deadline step fell due to the
// moment it was raised, for the steps raised during the run.
func (t *target) escalationLag(ctx context.Context, from uint64) (percentiles, int, error) {
	var (
		p50, p99 *float64
		n        int
	)
	err := t.pool.QueryRow(ctx, `SELECT
			percentile_cont(0.5) WITHIN GROUP (ORDER BY lag), percentile_cont(0.99) WITHIN GROUP (ORDER BY lag), count(*)
		FROM (SELECT extract(epoch FROM (data->>'at')::timestamptz - (data->>'fallsDueAt')::timestamptz) * 1000 AS lag
			FROM events WHERE seq > $1 AND event_type IN ('DeadlineApproaching', 'ResponseOverdue', 'ClosureOverdue', 'RectificationOverdue')) l`,
		int64(from)).Scan(&p50, &p99, &n)
	return percentiles{P50: p50, P99: p99}, n, err
}

// rss is the resident memory of a process, in MiB.
func rss(pid int) *float64 {
	if pid == 0 {
		return nil
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, err := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			if err != nil {
				return nil
			}
			mb := float64(kb) / 1024
			return &mb
		}
	}
	return nil
}
