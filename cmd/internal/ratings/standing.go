package ratings

import (
	"cmp"
	"context"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/domain/rating"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// periodData is a period's standing as one snapshot of the read models
// gives it: drawn live from the sheets for an open period, as its closing
// fixed it for a closed one.
type periodData struct {
	period   rating.Period
	closed   *projections.ClosedRatingPeriod
	asOf     uint64
	register map[string]department.Department
	schemes  map[rating.UnitKind]rating.Scheme
	scores   map[string]rating.Score
	results  map[string]rating.Result
	left     map[string][]string
	rankings []rating.Ranking
}

// read draws a period's standing in tx.
func (s *Service) read(ctx context.Context, tx pgx.Tx, p rating.Period) (*periodData, error) {
	d := &periodData{period: p, scores: map[string]rating.Score{}, results: map[string]rating.Result{}, left: map[string][]string{}}
	var err error
	if d.asOf, err = projections.RatingsPosition(ctx, tx); err != nil {
		return nil, err
	}
	if d.register, err = s.register(ctx, tx); err != nil {
		return nil, err
	}
	closed, ok, err := projections.GetClosedRatingPeriod(ctx, tx, p)
	if err != nil {
		return nil, err
	}
	if ok {
		d.closed, d.asOf = &closed, closed.AsOf
		d.schemes = rating.SchemesOf(closed.Schemes)
		results, err := projections.RatingResults(ctx, tx, p, "")
		if err != nil {
			return nil, err
		}
		for _, r := range results {
			d.scores[r.UnitID] = r.Score
			d.results[r.UnitID] = rating.Result{UnitID: r.UnitID, Scored: r.Scored, Total: r.Total, Ranked: r.Ranked,
				NotRanked: r.NotRanked, Place: r.Place, Tied: r.Tied, Outcome: r.Outcome}
			if len(r.Left) > 0 {
				d.left[r.UnitID] = r.Left
			}
		}
		d.rankings = rankingsOf(p, d.schemes, results)
		return d, nil
	}
	if d.schemes, err = s.schemesInForce(ctx, tx); err != nil {
		return nil, err
	}
	closedList, err := projections.ClosedRatingPeriods(ctx, tx)
	if err != nil {
		return nil, err
	}
	inputs, err := s.inputs(ctx, tx, p, closedList, d.register)
	if err != nil {
		return nil, err
	}
	st, err := rating.Stand(p, d.schemes, inputs)
	if err != nil {
		return nil, err
	}
	for _, sc := range st.Scores {
		d.scores[sc.Unit.ID] = sc
	}
	for _, r := range st.Results() {
		d.results[r.UnitID] = r
	}
	d.left = st.Left
	d.rankings = st.Rankings
	return d, nil
}

// schemesInForce are the schemes adopted per kind, and the defaults for the
// kinds without one.
func (s *Service) schemesInForce(ctx context.Context, q eventstore.Querier) (map[rating.UnitKind]rating.Scheme, error) {
	adopted, err := projections.RatingSchemesInForce(ctx, q)
	if err != nil {
		return nil, err
	}
	out := map[rating.UnitKind]rating.Scheme{}
	for _, k := range rating.UnitKinds() {
		if sc, ok := adopted[k]; ok {
			out[k] = sc
		} else {
			out[k] = rating.DefaultScheme(k)
		}
	}
	return out, nil
}

// unitOf is a rated unit as the register has it now: a department is one
// without a parent, an office one with; its category is its entry's. A
// unit not on the register (a service window) keeps what it is.
func unitOf(id string, register map[string]department.Department, fallback rating.Unit) rating.Unit {
	d, ok := register[id]
	if !ok {
		return fallback
	}
	u := rating.Unit{ID: id, Kind: rating.UnitDepartment, Category: d.Category}
	if d.ParentID != "" {
		u.Kind = rating.UnitOffice
	}
	return u
}

// inputs are the units' inputs for period p: each month's as its closing
// fixed it when it is closed, else drawn from the sheets now, pooled over
// the months of a quarter or a year. Units take their kind and category on
// the register now.
func (s *Service) inputs(ctx context.Context, q eventstore.Querier, p rating.Period, closed []rating.Period,
	register map[string]department.Department) ([]rating.ScoreInput, error) {
	byUnit := map[string][]rating.ScoreInput{}
	for _, m := range p.Months() {
		var month []rating.ScoreInput
		if slices.ContainsFunc(closed, func(c rating.Period) bool { return c.Includes(m) }) {
			results, err := projections.RatingResults(ctx, q, m, "")
			if err != nil {
				return nil, err
			}
			for _, r := range results {
				month = append(month, r.Input)
			}
		} else {
			live, err := s.live(ctx, q, m, register)
			if err != nil {
				return nil, err
			}
			month = live
		}
		for _, in := range month {
			byUnit[in.Unit.ID] = append(byUnit[in.Unit.ID], in)
		}
	}
	var out []rating.ScoreInput
	for _, id := range slices.Sorted(maps.Keys(byUnit)) {
		ins := byUnit[id]
		u := unitOf(id, register, ins[len(ins)-1].Unit)
		for i := range ins {
			ins[i].Unit = u
		}
		if len(ins) == 1 && ins[0].Period == p {
			out = append(out, ins[0])
			continue
		}
		pooled, err := rating.Pool(p, ins)
		if err != nil {
			return nil, err
		}
		out = append(out, pooled)
	}
	return out, nil
}

// live draws a month's inputs from the sheets and the rectification items:
// every unit with something in the month, and every active department.
func (s *Service) live(ctx context.Context, q eventstore.Querier, m rating.Period, register map[string]department.Department) ([]rating.ScoreInput, error) {
	tallies, err := projections.RatingTallies(ctx, q, m)
	if err != nil {
		return nil, err
	}
	daily, err := projections.RatingDaily(ctx, q, m)
	if err != nil {
		return nil, err
	}
	items, err := projections.RatingItems(ctx, q, m)
	if err != nil {
		return nil, err
	}
	ids := map[string]bool{}
	for id := range tallies {
		ids[id] = true
	}
	for id := range daily {
		ids[id] = true
	}
	for id := range items {
		ids[id] = true
	}
	for id, d := range register {
		if d.Active {
			ids[id] = true
		}
	}
	var out []rating.ScoreInput
	for _, id := range slices.Sorted(maps.Keys(ids)) {
		t := tallies[id]
		u := unitOf(id, register, rating.Unit{ID: id, Kind: t.Kind})
		if u.Kind == "" {
			continue // neither on the register nor rated: nothing to score
		}
		in := rating.ScoreInput{Unit: u, Period: m, Tallies: t.Tallies}
		if in.Tallies == nil {
			in.Tallies = map[rating.Method]rating.Tally{}
		}
		in.Deductions = append(rating.RectificationDeductions(items[id]), daily[id]...)
		out = append(out, in)
	}
	return out, nil
}

// rankingsOf draws a closed period's league tables from its results: the
// places and outcomes are the closing's.
func rankingsOf(p rating.Period, schemes map[rating.UnitKind]rating.Scheme, results []projections.RatingResult) []rating.Ranking {
	type group struct {
		kind     rating.UnitKind
		category rating.Category
	}
	groups := map[group][]projections.RatingResult{}
	for _, r := range results {
		g := group{r.Kind, r.Category}
		groups[g] = append(groups[g], r)
	}
	var out []rating.Ranking
	for _, k := range rating.UnitKinds() {
		for _, c := range []rating.Category{rating.CategoryEnforcement, rating.CategoryManagement, ""} {
			rs := groups[group{k, c}]
			if len(rs) == 0 {
				continue
			}
			r := rating.Ranking{Scheme: schemes[k].Ref(), Period: p, Kind: k, Category: c}
			var ranked, unranked []rating.Entry
			for _, res := range rs {
				e := rating.Entry{Unit: res.Input.Unit, Total: res.Total, Ratings: res.Score.Ratings, Ranked: res.Ranked,
					NotRanked: res.NotRanked, Place: res.Place, Tied: res.Tied, Outcome: res.Outcome}
				e.Unit.ID, e.Unit.Kind, e.Unit.Category = res.UnitID, res.Kind, res.Category
				if res.Ranked {
					ranked = append(ranked, e)
				} else {
					unranked = append(unranked, e)
				}
			}
			slices.SortFunc(ranked, func(a, b rating.Entry) int {
				return cmp.Or(cmp.Compare(a.Place, b.Place), cmp.Compare(a.Unit.ID, b.Unit.ID))
			})
			for i := range ranked {
				below := 0
				for _, o := range ranked {
					if o.Total.Cmp(ranked[i].Total) < 0 {
						below++
					}
				}
				ranked[i].PlaceFromBottom = below + 1
			}
			slices.SortFunc(unranked, func(a, b rating.Entry) int { return cmp.Compare(a.Unit.ID, b.Unit.ID) })
			r.Ranked = len(ranked)
			r.Entries = append(ranked, unranked...)
			out = append(out, r)
		}
	}
	return out
}

// archived is how far the archive has come.
func (s *Service) archived(ctx context.Context) (uint64, error) {
	var seq int64
	if err := s.d.Pool.QueryRow(ctx, `SELECT seq FROM public.archive_state`).Scan(&seq); err != nil {
		return 0, eventstore.Database("ratings: archive position", err)
	}
	return uint64(seq), nil
}

// maxClosing bounds a closing event: the log takes a message of at most a
// mebibyte.
const maxClosing = 900 << 10

// ClosePeriod closes a month, a quarter or a year: its scores and ranking
// are then fixed in the closing event (the inputs, the schemes and the
// results), and a sheet for it is refused from then on. A month can be
// closed once it has ended; a quarter or a year once each of its months is
// closed, and they are pooled from the months as closed.
//
// Who: handlers and leaders.
func (s *Service) ClosePeriod(ctx context.Context, p access.Principal, meta eventstore.Metadata, period string) (StandingView, error) {
	if err := permit(p, access.ClosePeriod); err != nil {
		return StandingView{}, err
	}
	per, err := rating.ParsePeriod("period", period)
	if err != nil {
		return StandingView{}, err
	}
	// Everything archived so far is in the ratings' read models before the
	// inputs are read.
	head, err := s.archived(ctx)
	if err != nil {
		return StandingView{}, err
	}
	wctx, cancel := context.WithTimeout(ctx, 2*s.d.Wait)
	err = projections.WaitRatings(wctx, s.d.Pool, head, 10*time.Millisecond)
	cancel()
	if err != nil {
		return StandingView{}, err
	}
	var cmd rating.ClosePeriod
	err = s.snapshot(ctx, func(tx pgx.Tx) error {
		cmd = rating.ClosePeriod{Period: per}
		var err error
		if cmd.AsOf, err = projections.RatingsPosition(ctx, tx); err != nil {
			return err
		}
		register, err := s.register(ctx, tx)
		if err != nil {
			return err
		}
		if cmd.Schemes, err = s.schemesInForce(ctx, tx); err != nil {
			return err
		}
		closed, err := projections.ClosedRatingPeriods(ctx, tx)
		if err != nil {
			return err
		}
		if cmd.Inputs, err = s.inputs(ctx, tx, per, closed, register); err != nil {
			return err
		}
		months := make([]string, 0, 12)
		for _, m := range per.Months() {
			months = append(months, m.String())
		}
		cmd.OpenSessions, err = projections.OpenRatingSessions(ctx, tx, months)
		return err
	})
	if err != nil {
		return StandingView{}, err
	}
	_, err = s.execute(ctx, "close_period", rating.AggregatePeriod, per.String(), meta, func() state { return &rating.PeriodLedger{} },
		func(st state, closed []rating.Period, now time.Time) ([]rating.Event, error) {
			events, err := st.(*rating.PeriodLedger).Close(cmd, closed, s.d.Loc, now)
			if err != nil {
				return nil, err
			}
			raw, err := json.Marshal(events[0])
			if err != nil {
				return nil, err
			}
			if len(raw) > maxClosing {
				return nil, domain.StateConflict("the closing of %s holds %d KiB, more than the log takes in one event", per, len(raw)>>10)
			}
			return events, nil
		})
	if err != nil {
		return StandingView{}, err
	}
	return s.standingView(ctx, p, per)
}
