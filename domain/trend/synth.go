package trend

import (
	"math"
	"math/rand/v2"
	"time"
)

// Shape is the form of an injected outbreak.
type Shape string

// The shapes of outbreak.
const (
	Spike Shape = "spike" // every extra case on one day
	Ramp  Shape = "ramp"  // extra cases rising linearly over the outbreak's days
	Wave  Shape = "wave"  // extra cases in several districts of one issue type at once
	Step  Shape = "step"  // a constant rise over several weeks
	Fresh Shape = "fresh" // cases of a combination that had none before
)

// World describes a synthetic city: issue types × districts, each cell with
// a daily rate, a day-of-week pattern, Poisson or overdispersed counts.
type World struct {
	Types     int `json:"types"`
	Districts int `json:"districts"`
	// PointsPerDistrict is how many monitoring points each district has;
	// every case is reported through one of them.
	PointsPerDistrict int `json:"points_per_district"`
	Days              int `json:"days"`   // measured days (a year)
	Warmup            int `json:"warmup"` // days of history before them
	// MinRate and MaxRate bound an issue type's citywide cases a day, drawn
	// log-uniformly; its districts share it in proportions drawn from
	// U(0.5, 1.5).
	MinRate float64 `json:"min_rate"`
	MaxRate float64 `json:"max_rate"`
	// Weekend is a weekend day's mean relative to a weekday's.
	Weekend float64 `json:"weekend"`
	// Dispersion makes counts negative binomial with variance μ + D·μ²;
	// 0 is Poisson.
	Dispersion float64 `json:"dispersion"`
}

// DefaultWorld is the city the measurement uses: 40 issue types over 8
// districts of 4 monitoring points each (320 district cells, 90% of them
// under one case a day, and 40 citywide cells), a year measured after
// Lookback days of history, weekends at half a weekday, Poisson counts.
func DefaultWorld(cfg Config) World {
	return World{Types: 40, Districts: 8, PointsPerDistrict: 4, Days: 365, Warmup: cfg.Lookback(),
		MinRate: 0.2, MaxRate: 12, Weekend: 0.5}
}

// Scenario is the kind of outbreak a synthetic run injects.
type Scenario struct {
	Name  string `json:"name"`
	Shape Shape  `json:"shape"`
	Days  int    `json:"days"` // length of each outbreak
	// Ratio and MinExtra size an outbreak: over its days an affected cell
	// gets at least (Ratio − 1) times its expected count in extra cases, and
	// the outbreak at least MinExtra extra cases in all.
	Ratio    float64 `json:"ratio"`
	MinExtra int     `json:"min_extra"`
	Spread   int     `json:"spread,omitempty"`   // districts a wave covers
	PerType  int     `json:"per_type,omitempty"` // waves (or fresh cells) per issue type in the year; other shapes: one per district cell
	Standard bool    `json:"standard"`           // part of the headline figures
}

// Outbreak is one injected outbreak: Extra[j][i] extra cases in the cell of
// issue type Type and district Districts[j] on day Start + i (day indexes
// count from the first day of the stream).
type Outbreak struct {
	Type      int
	Districts []int
	Start     int
	End       int // last day
	Extra     [][]int
	Total     int
}

// Stream is one synthetic run: Counts[type][district][day], with the
// outbreaks injected into it and the base rate of every cell.
type Stream struct {
	Start     Date
	Counts    [][][]int
	Rates     [][]float64
	Outbreaks []Outbreak
}

// streamStart is the first day of every stream: the measured year begins
// on 1 January 2025, after the warm-up.
func streamStart(w World) Date { return DateOf(2025, time.January, 1) - Date(w.Warmup) }

// Generate draws a stream of w with the outbreaks of sc (none for a nil
// sc), deterministically from seed.
func (w World) Generate(sc *Scenario, seed uint64) Stream {
	r := rand.New(rand.NewPCG(seed, 0x7472656e64))
	s := Stream{Start: streamStart(w), Rates: w.rates(r)}
	if sc != nil && sc.Shape == Fresh {
		s.Outbreaks = w.freshOutbreaks(r, sc, s.Rates)
	}
	n := w.Warmup + w.Days
	s.Counts = make([][][]int, w.Types)
	for t := range s.Counts {
		s.Counts[t] = make([][]int, w.Districts)
		for d := range s.Counts[t] {
			c := make([]int, n)
			for i := range c {
				c[i] = w.draw(r, s.Rates[t][d]*w.dayFactor(s.Start+Date(i)))
			}
			s.Counts[t][d] = c
		}
	}
	if sc != nil && sc.Shape != Fresh {
		s.Outbreaks = w.outbreaks(r, sc, s)
	}
	for _, o := range s.Outbreaks {
		for j, d := range o.Districts {
			for i, x := range o.Extra[j] {
				s.Counts[o.Type][d][o.Start+i] += x
			}
		}
	}
	return s
}

// rates draws every cell's mean cases a day.
func (w World) rates(r *rand.Rand) [][]float64 {
	out := make([][]float64, w.Types)
	for t := range out {
		city := w.MinRate * math.Pow(w.MaxRate/w.MinRate, r.Float64())
		shares := make([]float64, w.Districts)
		total := 0.0
		for d := range shares {
			shares[d] = 0.5 + r.Float64()
			total += shares[d]
		}
		out[t] = make([]float64, w.Districts)
		for d := range shares {
			out[t][d] = city * shares[d] / total
		}
	}
	return out
}

// dayFactor is the day-of-week pattern, averaging 1 over a week.
func (w World) dayFactor(d Date) float64 {
	weekday := 7 / (5 + 2*w.Weekend)
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return w.Weekend * weekday
	}
	return weekday
}

// draw samples a count with mean mu: Poisson, or with Dispersion a
// gamma-Poisson mixture (negative binomial).
func (w World) draw(r *rand.Rand, mu float64) int {
	if w.Dispersion > 0 && mu > 0 {
		shape := 1 / w.Dispersion
		mu *= gammaSample(r, shape) / shape
	}
	return poissonSample(r, mu)
}

// expected is the expected count of a cell of rate over days [from, to].
func (w World) expected(start Date, rate float64, from, to int) float64 {
	e := 0.0
	for i := from; i <= to; i++ {
		e += rate * w.dayFactor(start+Date(i))
	}
	return e
}

// poissonSample draws a Poisson count: by multiplying uniforms for small
// means, as a sum of draws of mean at most 10 for larger ones.
func poissonSample(r *rand.Rand, mu float64) int {
	n := 0
	for ; mu > 10; mu -= 10 {
		n += poissonSample(r, 10)
	}
	limit, p := math.Exp(-mu), r.Float64()
	for p > limit {
		n++
		p *= r.Float64()
	}
	return n
}

// gammaSample draws from Gamma(shape, 1) by Marsaglia and Tsang's method
// (with the usual boost for shape < 1).
func gammaSample(r *rand.Rand, shape float64) float64 {
	if shape < 1 {
		return gammaSample(r, shape+1) * math.Pow(r.Float64(), 1/shape)
	}
	d := shape - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if math.Log(u) < 0.5*x*x+d-d*v+d*math.Log(v) {
			return d * v
		}
	}
}
