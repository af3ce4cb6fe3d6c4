package trend

import (
	"math"
	"math/rand/v2"
)

// detectGrace is how many days after an outbreak's last day a finding
// still counts as detecting it.
const detectGrace = 2

// outbreaks places the outbreaks of sc (any shape but Fresh) in s: one per
// district cell for spikes, ramps and steps, PerType per issue type for
// waves, each starting at a random day of the measured year.
func (w World) outbreaks(r *rand.Rand, sc *Scenario, s Stream) []Outbreak {
	var out []Outbreak
	for t := range w.Types {
		if sc.Shape == Wave {
			for k := range sc.PerType {
				districts := r.Perm(w.Districts)[:min(sc.Spread, w.Districts)]
				out = append(out, w.outbreak(r, sc, s, t, districts, w.segmentStart(r, sc, k)))
			}
			continue
		}
		for d := range w.Districts {
			out = append(out, w.outbreak(r, sc, s, t, []int{d}, w.segmentStart(r, sc, 0)))
		}
	}
	return out
}

// segmentStart draws a start day in the k-th of the PerType equal parts of
// the measured year (the whole year when PerType is 0 or 1), leaving room
// for the outbreak and the grace days after it.
func (w World) segmentStart(r *rand.Rand, sc *Scenario, k int) int {
	parts := max(1, sc.PerType)
	length := w.Days / parts
	room := max(1, length-sc.Days-detectGrace+1)
	return w.Warmup + k*length + r.IntN(room)
}

// outbreak sizes and spreads one outbreak over the given districts of
// issue type t: each cell gets at least (Ratio − 1) times its expected
// count over the outbreak's days, and the outbreak at least MinExtra extra
// cases, shared out evenly between its cells.
func (w World) outbreak(r *rand.Rand, sc *Scenario, s Stream, t int, districts []int, start int) Outbreak {
	o := Outbreak{Type: t, Districts: districts, Start: start, End: start + sc.Days - 1}
	least := (sc.MinExtra + len(districts) - 1) / len(districts)
	weights := shapeWeights(sc.Shape, sc.Days)
	for _, d := range districts {
		exp := w.expected(s.Start, s.Rates[t][d], o.Start, o.End)
		n := max(least, int(math.Ceil((sc.Ratio-1)*exp-1e-9)))
		o.Extra = append(o.Extra, allocate(r, n, weights))
		o.Total += n
	}
	return o
}

// freshOutbreaks picks PerType district cells of every issue type, makes
// them empty (rate 0, a combination never seen) and gives each MinExtra
// cases spread over the outbreak's days.
func (w World) freshOutbreaks(r *rand.Rand, sc *Scenario, rates [][]float64) []Outbreak {
	var out []Outbreak
	weights := shapeWeights(Fresh, sc.Days)
	for t := range w.Types {
		cells := r.Perm(w.Districts)
		for k := range min(max(1, sc.PerType), w.Districts) {
			d := cells[k]
			rates[t][d] = 0
			start := w.segmentStart(r, sc, k)
			out = append(out, Outbreak{Type: t, Districts: []int{d}, Start: start,
				End: start + sc.Days - 1, Extra: [][]int{allocate(r, sc.MinExtra, weights)}, Total: sc.MinExtra})
		}
	}
	return out
}

// shapeWeights returns the relative share of each day of an outbreak.
func shapeWeights(shape Shape, days int) []float64 {
	w := make([]float64, days)
	for i := range w {
		switch shape {
		case Ramp:
			w[i] = float64(i + 1)
		default:
			w[i] = 1
		}
	}
	return w
}

// allocate places n cases on days at random with the given weights.
func allocate(r *rand.Rand, n int, weights []float64) []int {
	total := 0.0
	for _, x := range weights {
		total += x
	}
	out := make([]int, len(weights))
	for range n {
		u := r.Float64() * total
		i := 0
		for ; i < len(weights)-1 && u >= weights[i]; i++ {
			u -= weights[i]
		}
		out[i]++
	}
	return out
}
