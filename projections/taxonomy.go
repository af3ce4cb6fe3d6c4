package projections

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
)

// TaxonomyTerms keeps proj.taxonomy_terms, the terms added to the default
// classification.
type TaxonomyTerms struct{}

// Name implements Projection.
func (TaxonomyTerms) Name() string { return "taxonomy_terms" }

// Apply implements Projection.
func (TaxonomyTerms) Apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event) error {
	for _, e := range events {
		if e.AggregateType != complaint.TaxonomyAggregateType {
			continue
		}
		t, err := complaint.DecodeTermAdded(e.Type, e.Data)
		if err != nil {
			return fmt.Errorf("event %d: %w", e.Seq, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO taxonomy_terms (kind, code, label, seq) VALUES ($1, $2, $3, $4)
			ON CONFLICT DO NOTHING`, t.Kind, t.Code, t.Label, int64(e.Seq)); err != nil {
			return err
		}
	}
	return nil
}

// ReadTaxonomy returns the default classification with the added terms, and
// the position of the latest addition.
func ReadTaxonomy(ctx context.Context, q eventstore.Querier) (complaint.Taxonomy, uint64, error) {
	tax := complaint.DefaultTaxonomy()
	rows, err := q.Query(ctx, `SELECT kind, code, label, seq FROM proj.taxonomy_terms ORDER BY seq`)
	if err != nil {
		return tax, 0, eventstore.Database("projections: taxonomy", err)
	}
	defer rows.Close()
	var last uint64
	for rows.Next() {
		var (
			t   complaint.TermAdded
			seq int64
		)
		if err := rows.Scan(&t.Kind, &t.Code, &t.Label, &seq); err != nil {
			return tax, 0, err
		}
		if err := tax.ApplyTerm(t); err != nil {
			return tax, 0, err
		}
		last = uint64(seq)
	}
	return tax, last, rows.Err()
}
