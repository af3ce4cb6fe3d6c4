package registry

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Taxonomies serves the classification complaints are filed under: the
// defaults and what administrators added.
type Taxonomies struct {
	run  *command.Runner
	pool querier

	mu      sync.Mutex
	cached  complaint.Taxonomy
	seq     uint64
	loaded  bool
	checked time.Time // when the cached classification was last known current
}

// NewTaxonomies returns the service.
func NewTaxonomies(run *command.Runner, pool querier) *Taxonomies {
	return &Taxonomies{run: run, pool: pool}
}

// Current returns the classification in force.
func (t *Taxonomies) Current(ctx context.Context) (complaint.Taxonomy, error) {
	t.mu.Lock()
	if t.loaded && time.Since(t.checked) < freshFor {
		defer t.mu.Unlock()
		return t.cached, nil
	}
	t.mu.Unlock()
	var seq int64
	rows, err := t.pool.Query(ctx, `SELECT coalesce(max(seq), 0) FROM proj.taxonomy_terms`)
	if err != nil {
		return complaint.Taxonomy{}, fmt.Errorf("%w: %w", eventstore.ErrUnavailable, err)
	}
	for rows.Next() {
		if err := rows.Scan(&seq); err != nil {
			rows.Close()
			return complaint.Taxonomy{}, err
		}
	}
	rows.Close()
	t.mu.Lock()
	if t.loaded && t.seq == uint64(seq) {
		t.checked = time.Now()
		defer t.mu.Unlock()
		return t.cached, nil
	}
	t.mu.Unlock()
	tax, at, err := projections.ReadTaxonomy(ctx, t.pool)
	if err != nil {
		return tax, err
	}
	t.mu.Lock()
	t.cached, t.seq, t.loaded, t.checked = tax, at, true, time.Now()
	t.mu.Unlock()
	return tax, nil
}

// AddTerm adds a term to one list of the classification.
//
// Who: administrators.
func (t *Taxonomies) AddTerm(ctx context.Context, p access.Principal, meta eventstore.Metadata, kind, code, label string) (complaint.Taxonomy, error) {
	if err := access.Permit(p, access.ManageTaxonomy); err != nil {
		return complaint.Taxonomy{}, err
	}
	res, err := t.run.Execute(ctx, "add_taxonomy_term", complaint.TaxonomyAggregateType, complaint.TaxonomyID, meta,
		func(history []eventstore.Event, now time.Time) ([]eventstore.Pending, error) {
			tax := complaint.DefaultTaxonomy()
			if err := command.Fold(history, complaint.DecodeTermAdded, tax.ApplyTerm); err != nil {
				return nil, err
			}
			events, err := tax.AddTerm(kind, code, label, now)
			if err != nil {
				return nil, err
			}
			return command.Encode(events, complaint.SchemaVersion, now)
		})
	if err != nil {
		return complaint.Taxonomy{}, err
	}
	if err := t.run.Settle(ctx, res.LastSeq); err != nil {
		return complaint.Taxonomy{}, err
	}
	t.mu.Lock()
	t.checked = time.Time{} // look again now
	t.mu.Unlock()
	return t.Current(ctx)
}
