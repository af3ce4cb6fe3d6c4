package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
)

// seedResults are the query latencies over a large archive.
type seedResults struct {
	Cases            int         `json:"cases"`
	Events           int         `json:"events"`
	ImportPerSec     float64     `json:"import_events_per_sec"`
	ArchivePerSec    float64     `json:"archive_events_per_sec"`
	CaseListMS       percentiles `json:"case_list_ms"`
	FilteredListMS   percentiles `json:"filtered_case_list_ms"`
	EscalationsMS    percentiles `json:"escalation_board_ms"`
	RankingsMS       percentiles `json:"rankings_ms"`
	NetworkOverdueMS percentiles `json:"network_overdue_reports_ms"`
	TrendRunMS       percentiles `json:"trend_run_ms"` // a detector run over the counts (fewer samples)
	WorklistPageMS   percentiles `json:"worklist_page_ms"`
	BoardPageMS      percentiles `json:"board_page_ms"`
	ServerRSSMB      *float64    `json:"server_rss_mb"`
	OpenEscalations  int         `json:"open_escalations"`
	QueriesPerSample int         `json:"queries_per_sample"`
	rebuildResults               // over the whole seeded archive
}

// overdueShare of the seeded cases was referred weeks ago and never
// answered: they fill the escalation board.
const overdueShare = 200 // one in 200

// seedAndQuery imports n cases through the log (atomic batches), waits for
// the archive, and measures the case list and the board.
func seedAndQuery(ctx context.Context, t *target, pp people, n int, stderr io.Writer) (*seedResults, error) {
	log, err := eventstore.OpenLog(ctx, t.nc, eventstore.LogConfig{}, nil, nil)
	if err != nil {
		return nil, err
	}
	sr := &seedResults{Cases: n, QueriesPerSample: 200}
	tax := complaint.DefaultTaxonomy()
	// Received in the days before the load's midnight, on the server's
	// clock, so that the counts the detectors read hold them.
	now := midnight.UTC()
	start := time.Now()
	var batch []eventstore.NewAggregate
	flush := func() error {
		imported, err := log.Import(ctx, batch)
		sr.Events += imported
		batch = batch[:0]
		return err
	}
	for i := range n {
		at := now.Add(-time.Duration(n-i) * time.Second)
		var referAt *time.Time
		if i%overdueShare == 0 {
			weeksAgo := at.AddDate(0, 0, -21)
			referAt = &weeksAgo
		}
		agg, err := seededCase(tax, i, fmt.Sprintf("seeded case %d", i), at, referAt)
		if err != nil {
			return nil, err
		}
		batch = append(batch, agg)
		if len(batch) == 200 {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if i > 0 && i%100000 == 0 {
			fmt.Fprintf(stderr, "seed: %d cases imported\n", i)
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	sr.ImportPerSec = float64(sr.Events) / time.Since(start).Seconds()
	last, err := t.lastSeq(ctx)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "seed: %d events imported; waiting for the archive\n", sr.Events)
	archiveStart := time.Now()
	if err := t.waitArchivedFor(ctx, last, time.Hour, stderr); err != nil {
		return nil, err
	}
	sr.ArchivePerSec = float64(sr.Events) / time.Since(archiveStart).Seconds()
	// The trend run and the rankings read asynchronous read models: sample
	// them once those have caught up.
	fmt.Fprintf(stderr, "seed: archived; waiting for the asynchronous read models\n")
	if err := t.waitAsyncFor(ctx, last, time.Hour, stderr); err != nil {
		return nil, err
	}
	// Let the escalation process raise the ladder of the overdue share.
	time.Sleep(5 * time.Second)

	sampleN := func(n int, call func() (time.Duration, error)) (percentiles, error) {
		var lat []float64
		for range n {
			took, err := call()
			if err != nil {
				return percentiles{}, err
			}
			lat = append(lat, ms(took))
		}
		slices.Sort(lat)
		return percentiles{P50: pct(lat, .5), P95: pct(lat, .95), P99: pct(lat, .99)}, nil
	}
	sample := func(a api, path string) (percentiles, error) {
		return sampleN(sr.QueriesPerSample, func() (time.Duration, error) {
			return a.call(ctx, "GET", path, nil, http.StatusOK, nil)
		})
	}
	if sr.CaseListMS, err = sample(pp.handler, "/api/v1/cases?limit=50"); err != nil {
		return nil, err
	}
	if sr.FilteredListMS, err = sample(pp.handler, "/api/v1/cases?status=filed&category=efficiency&limit=50"); err != nil {
		return nil, err
	}
	if sr.EscalationsMS, err = sample(pp.supervisor, "/api/v1/escalations?limit=50"); err != nil {
		return nil, err
	}
	if sr.RankingsMS, err = sample(pp.supervisor, "/api/v1/ratings/rankings?period="+midnight.Format("2006-01")); err != nil {
		return nil, err
	}
	if sr.NetworkOverdueMS, err = sample(pp.supervisor, "/api/v1/network/reports?status=overdue"); err != nil {
		return nil, err
	}
	if sr.TrendRunMS, err = sampleN(20, func() (time.Duration, error) {
		return pp.supervisor.call(ctx, "POST", "/api/v1/trend-runs", map[string]any{}, http.StatusOK, nil)
	}); err != nil {
		return nil, err
	}
	for _, pg := range []struct {
		who  api
		path string
		to   *percentiles
	}{{pp.handler, "/cases", &sr.WorklistPageMS}, {pp.supervisor, "/board", &sr.BoardPageMS}} {
		b, err := login(ctx, t.url, pg.who.token)
		if err != nil {
			return nil, err
		}
		if *pg.to, err = sampleN(sr.QueriesPerSample, func() (time.Duration, error) { return b.get(ctx, pg.path) }); err != nil {
			return nil, err
		}
	}
	sr.ServerRSSMB = rss(t.pid)
	if err := t.pool.QueryRow(ctx, `SELECT count(*) FROM proj.deadlines d WHERE open AND EXISTS (SELECT 1 FROM proj.alarms a
		WHERE a.case_id = d.case_id AND a.clock_id = d.clock_id AND a.raised_seq IS NOT NULL AND a.level <> 'approaching')`).Scan(&sr.OpenEscalations); err != nil {
		return nil, err
	}
	fmt.Fprintln(stderr, "seed: rebuilding the read models from the whole archive")
	if sr.rebuildResults, err = measureRebuild(ctx, t); err != nil {
		return nil, err
	}
	return sr, nil
}

// waitArchivedFor waits, with progress, until the archive holds seq.
func (t *target) waitArchivedFor(ctx context.Context, seq uint64, limit time.Duration, stderr io.Writer) error {
	return pollFor(limit, stderr, func() (string, error) {
		var at int64
		if err := t.pool.QueryRow(ctx, `SELECT seq FROM archive_state`).Scan(&at); err != nil {
			return "", err
		}
		if uint64(at) >= seq {
			return "", nil
		}
		return fmt.Sprintf("the archive at %d of %d", at, seq), nil
	})
}

// waitAsyncFor waits, with progress, until every asynchronous projection's
// checkpoint has reached seq.
func (t *target) waitAsyncFor(ctx context.Context, seq uint64, limit time.Duration, stderr io.Writer) error {
	var names []string
	for _, p := range app.Projections(benchZone, benchPolicy()).Async {
		names = append(names, p.Name())
	}
	return pollFor(limit, stderr, func() (string, error) {
		var behind []string
		if err := t.pool.QueryRow(ctx, `SELECT coalesce(array_agg(n ORDER BY n), '{}') FROM unnest($1::text[]) n
			WHERE NOT EXISTS (SELECT 1 FROM proj.checkpoints c WHERE c.name = n AND c.seq >= $2)`, names, int64(seq)).Scan(&behind); err != nil {
			return "", err
		}
		if len(behind) == 0 {
			return "", nil
		}
		return fmt.Sprintf("%v behind %d", behind, seq), nil
	})
}

// pollFor asks check every 200 ms until it reports no wait left (an empty
// string), printing what it waits for every 10 s, for at most limit.
func pollFor(limit time.Duration, stderr io.Writer, check func() (string, error)) error {
	deadline := time.Now().Add(limit)
	lastReport := time.Now()
	for {
		waiting, err := check()
		if err != nil || waiting == "" {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still %s after %s", waiting, limit)
		}
		if time.Since(lastReport) > 10*time.Second {
			fmt.Fprintln(stderr, waiting)
			lastReport = time.Now()
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// seedDue imports n cases filed and referred at the instant at (on the
// working day before the load's midnight), left unanswered so that their
// response deadlines all fall due at that midnight while the load runs,
// and waits until the archive holds them.
func seedDue(ctx context.Context, t *target, n int, at time.Time, stderr io.Writer) error {
	if t.nc == nil || t.pool == nil {
		return fmt.Errorf("needs the server's NATS and PostgreSQL")
	}
	log, err := eventstore.OpenLog(ctx, t.nc, eventstore.LogConfig{}, nil, nil)
	if err != nil {
		return err
	}
	tax := complaint.DefaultTaxonomy()
	at = at.UTC().Truncate(time.Microsecond)
	var batch []eventstore.NewAggregate
	for i := range n {
		agg, err := seededCase(tax, i, fmt.Sprintf("due at midnight %d", i), at, &at)
		if err != nil {
			return err
		}
		batch = append(batch, agg)
		if len(batch) == 200 || i == n-1 {
			if _, err := log.Import(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	last, err := t.lastSeq(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "due: %d referred cases imported, due at %s; waiting for the archive\n", n, midnight.Format(time.RFC3339))
	return t.waitArchivedFor(ctx, last, 10*time.Minute, stderr)
}

// seededCase is the i-th imported case: filed at at, and referred at
// referAt when that is given.
func seededCase(tax complaint.Taxonomy, i int, title string, at time.Time, referAt *time.Time) (eventstore.NewAggregate, error) {
	uid, err := uuid.NewV7()
	if err != nil {
		return eventstore.NewAggregate{}, err
	}
	id := uid.String()
	c := &complaint.Case{}
	events, err := c.File(id, complaint.FileComplaint{
		Channel: tax.Channels[i%len(tax.Channels)].Code, Categories: []string{tax.Categories[i%len(tax.Categories)].Code},
		IssueTypes: []string{tax.IssueTypes[i%len(tax.IssueTypes)].Code}, Complainant: complaint.Complainant{Anonymous: true},
		Title: title, Description: "imported for the benchmark", ReceivedAt: at,
	}, tax, at)
	if err != nil {
		return eventstore.NewAggregate{}, err
	}
	if referAt != nil {
		for _, e := range events {
			if err := c.Apply(e); err != nil {
				return eventstore.NewAggregate{}, err
			}
		}
		refer, err := c.Refer(complaint.Refer{DepartmentID: departments[i%len(departments)]}, *referAt)
		if err != nil {
			return eventstore.NewAggregate{}, err
		}
		events = append(events, refer...)
	}
	pending, err := command.Encode(events, complaint.SchemaVersion, at)
	if err != nil {
		return eventstore.NewAggregate{}, err
	}
	return eventstore.NewAggregate{Type: complaint.AggregateType, ID: id,
		Meta: eventstore.Metadata{Actor: "watchpost-bench", ActorRole: "system", CommandID: "seed-" + id}, Events: pending}, nil
}
