package projections

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/eventstore"
)

// Reader is implemented by a projection that reads other projections'
// tables while it applies events (by their names). A rebuild replays it
// together with them, on one connection, in the set's order.
type Reader interface {
	Reads() []string
}

// lane is a group of projections a rebuild replays on one connection: a
// projection and those it reads, in the set's order.
type lane struct {
	members []member
}

type member struct {
	p     Projection
	async bool
}

// members lists the set's projections, the inline ones first.
func members(set Set) []member {
	var all []member
	for _, p := range set.Inline {
		all = append(all, member{p: p})
	}
	for _, p := range set.Async {
		all = append(all, member{p: p, async: true})
	}
	return all
}

// lanes groups the set's projections: those that read each other share a
// lane, every other projection has one of its own.
func lanes(set Set) []lane {
	all := members(set)
	group := make([]int, len(all)) // union-find over the members
	for i := range group {
		group[i] = i
	}
	root := func(i int) int {
		for group[i] != i {
			i = group[i]
		}
		return i
	}
	for i, m := range all {
		r, ok := m.p.(Reader)
		if !ok {
			continue
		}
		for j, other := range all {
			if slices.Contains(r.Reads(), other.p.Name()) {
				group[root(j)] = root(i)
			}
		}
	}
	var out []lane
	index := map[int]int{}
	for i, m := range all {
		g := root(i)
		k, ok := index[g]
		if !ok {
			k = len(out)
			index[g] = k
			out = append(out, lane{})
		}
		out[k].members = append(out[k].members, m)
	}
	return out
}

// replayLanes replays the archive up to the target into the rebuild
// schema: one reader hands each batch to every lane, and each lane applies
// it to its projections in a transaction of its own, beside the others.
// It returns the number of events read, and adds the time each projection
// spent applying them to spent.
func replayLanes(ctx context.Context, pool *pgxpool.Pool, set Set, to target, done *replayed, batch int, spent spending) (int, error) {
	ls := lanes(set)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	feeds := make([]chan []eventstore.Event, len(ls))
	for i := range feeds {
		feeds[i] = make(chan []eventstore.Event, 2)
	}
	var (
		wg    sync.WaitGroup
		total int    // events read
		last  uint64 // the last sequence read
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer func() {
			for _, f := range feeds {
				close(f)
			}
		}()
		from := done.archive
		defer func() { last = from }()
		for from < to.archive {
			events, err := eventstore.ReadArchive(ctx, pool, from, to.archive, batch)
			if err != nil {
				cancel(fmt.Errorf("read the archive after %d: %w", from, err))
				return
			}
			if len(events) == 0 {
				return
			}
			for _, f := range feeds {
				select {
				case f <- events:
				case <-ctx.Done():
					return
				}
			}
			from = events[len(events)-1].Seq
			total += len(events)
		}
	}()
	asyncDone := make([]map[string]uint64, len(ls))
	laneSpent := make([]spending, len(ls))
	for i, l := range ls {
		asyncDone[i], laneSpent[i] = map[string]uint64{}, spending{}
		for _, m := range l.members {
			if m.async {
				asyncDone[i][m.p.Name()] = done.async[m.p.Name()]
			}
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for events := range feeds[i] {
				if ctx.Err() != nil {
					continue // drain, so the reader never blocks
				}
				if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					return l.apply(ctx, tx, events, to, asyncDone[i], laneSpent[i])
				}); err != nil {
					cancel(err)
				}
			}
		}()
	}
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return 0, err
	}
	for i, m := range asyncDone {
		for name, seq := range m {
			done.async[name] = seq
		}
		spent.add(laneSpent[i])
	}
	done.archive = last
	return total, nil
}

// spending is the time each projection spent applying events, and how many.
type spending map[string]ProjectionTime

func (s spending) add(o spending) {
	for name, t := range o {
		sum := s[name]
		sum.Name, sum.Events, sum.Spent = name, sum.Events+t.Events, sum.Spent+t.Spent
		s[name] = sum
	}
}

// apply applies a batch to the lane's projections: all of it to the inline
// ones, and to each asynchronous one what lies up to its target.
func (l lane) apply(ctx context.Context, tx pgx.Tx, events []eventstore.Event, to target, asyncDone map[string]uint64, spent spending) error {
	if err := setSearchPath(ctx, tx, rebuildSchema); err != nil {
		return err
	}
	for _, m := range l.members {
		name := m.p.Name()
		batch := events
		if m.async {
			batch = nil
			for _, e := range events {
				if e.Seq > asyncDone[name] && e.Seq <= to.async[name] {
					batch = append(batch, e)
				}
			}
			if len(batch) == 0 {
				continue
			}
		}
		began := time.Now()
		if err := m.p.Apply(ctx, tx, batch); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		spent.add(spending{name: {Events: len(batch), Spent: time.Since(began)}})
		if m.async {
			asyncDone[name] = batch[len(batch)-1].Seq
		}
	}
	return nil
}
