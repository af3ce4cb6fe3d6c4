package trend

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
)

// episode is one finding as the service keeps it: a cell and kind, opened
// on the first day a rule raised it, continued by every raise within
// EndAfter days of the previous one.
type episode struct {
	cell   int
	kind   Kind
	method Method // the rule that opened it
	raises []int  // day indexes on which a rule of the kind raised it
}

// cellsOf numbers the cells of a stream: district cell (t, d) is
// t·(D+1) + d, the citywide cell of type t is t·(D+1) + D.
func cellsOf(w World) int { return w.Types * (w.Districts + 1) }

func districtCell(w World, t, d int) int { return t*(w.Districts+1) + d }

func cityCell(w World, t int) int { return t*(w.Districts+1) + w.Districts }

// histories builds the days of every cell: district cells hold case counts,
// citywide cells the sum over districts and the districts and monitoring
// points behind it.
func histories(w World, s Stream) [][]Day {
	names := make([]string, w.Districts)
	points := make([][]string, w.Districts)
	for d := range names {
		names[d] = "district-" + strconv.Itoa(d)
		for p := range w.PointsPerDistrict {
			points[d] = append(points[d], "point-"+strconv.Itoa(d)+"-"+strconv.Itoa(p))
		}
	}
	n := w.Warmup + w.Days
	out := make([][]Day, cellsOf(w))
	for t := range w.Types {
		city := make([]Day, n)
		for d := range w.Districts {
			days := make([]Day, n)
			for i, c := range s.Counts[t][d] {
				days[i].Cases = c
				if c > 0 {
					city[i].Cases += c
					city[i].Districts = append(city[i].Districts, names[d])
					city[i].Points = appendPoints(city[i].Points, points[d], t, d, i, c)
				}
			}
			out[districtCell(w, t, d)] = days
		}
		out[cityCell(w, t)] = city
	}
	return out
}

// appendPoints adds the distinct monitoring points that reported the c
// cases of cell (t, d) on day i: each case comes from one of the district's
// points, chosen by a hash of the case, so the choice is fixed by the
// stream.
func appendPoints(points, district []string, t, d, i, c int) []string {
	for j := range c {
		h := mix(uint64(t)<<48 ^ uint64(d)<<40 ^ uint64(i)<<20 ^ uint64(j))
		p := district[h%uint64(len(district))]
		if !slices.Contains(points, p) {
			points = append(points, p)
		}
	}
	return points
}

// mix is the finalizer of SplitMix64: a bijection that scrambles bits.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}

// runCells runs the detector on every cell as the service would: on each
// measured day, over the history up to that day only. Cells are
// independent, so they are shared among workers goroutines; the episodes
// come back in cell order whatever the number of workers.
func runCells(det *Detector, w World, s Stream, workers int) ([]episode, error) {
	all := histories(w, s)
	perCell := make([][]episode, len(all))
	errs := make([]error, len(all))
	var wg sync.WaitGroup
	next := make(chan int)
	for range max(1, workers) {
		wg.Go(func() {
			for cell := range next {
				perCell[cell], errs[cell] = runCell(det, cell, all[cell], s.Start, w.Warmup)
			}
		})
	}
	for cell := range all {
		next <- cell
	}
	close(next)
	wg.Wait()
	var out []episode
	for cell, eps := range perCell {
		if errs[cell] != nil {
			return nil, fmt.Errorf("cell %d: %w", cell, errs[cell])
		}
		out = append(out, eps...)
	}
	return out, nil
}

func runCell(det *Detector, cell int, days []Day, start Date, from int) ([]episode, error) {
	var done []episode
	open := map[Kind]*episode{}
	for e := from; e < len(days); e++ {
		findings, err := det.Detect(History{Start: start, Days: days[:e+1]})
		if err != nil {
			return nil, err
		}
		for _, f := range findings {
			ep := open[f.Kind]
			if ep != nil && e-ep.raises[len(ep.raises)-1] <= det.cfg.EndAfter {
				if ep.raises[len(ep.raises)-1] != e {
					ep.raises = append(ep.raises, e)
				}
				continue
			}
			if ep != nil {
				done = append(done, *ep)
			}
			open[f.Kind] = &episode{cell: cell, kind: f.Kind, method: f.Method, raises: []int{e}}
		}
	}
	for _, k := range []Kind{Tendency, Widespread, Emerging} {
		if ep := open[k]; ep != nil {
			done = append(done, *ep)
		}
	}
	return done, nil
}
