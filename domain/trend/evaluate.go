package trend

// numBands is the number of rate bands the outbreak-free false findings
// are broken by; bandFrom gives their lower bounds.
const numBands = 3

// bandFrom returns the lower bound of band b, in cases a day.
func bandFrom(b int) float64 { return [numBands]float64{0, 0.3, 1}[b] }

// tally is what one run adds up to.
type tally struct {
	outbreaks, detected  int
	detectedBy           map[Kind]int
	delays               []float64
	findings, trueOnes   int
	falseBy              map[Kind]int
	falseByMethod        map[Method]int
	cells                int
	years                float64 // measured years per cell
	bandCells, bandFalse [numBands]int
	falseDays            int // cell-days with a finding raised and no outbreak window
}

// window is the span in which a finding on a cell detects an outbreak.
type window struct{ outbreak, from, to int }

// windows returns the detection windows of the outbreaks of s on each
// cell: the cells of their districts and the citywide cell of their type.
func windows(w World, s Stream) map[int][]window {
	wins := map[int][]window{}
	for i, o := range s.Outbreaks {
		win := window{i, o.Start, o.End + detectGrace}
		for _, d := range o.Districts {
			wins[districtCell(w, o.Type, d)] = append(wins[districtCell(w, o.Type, d)], win)
		}
		wins[cityCell(w, o.Type)] = append(wins[cityCell(w, o.Type)], win)
	}
	return wins
}

// evaluate matches the episodes of a run with its outbreaks: a finding
// detects every outbreak in whose window on its cell it was raised, the
// earliest such raise dating the detection.
func evaluate(w World, s Stream, eps []episode) tally {
	wins := windows(w, s)
	t := tally{outbreaks: len(s.Outbreaks), detectedBy: map[Kind]int{}, falseBy: map[Kind]int{}, falseByMethod: map[Method]int{},
		cells: cellsOf(w), years: float64(w.Days) / 365}
	first := make([]int, len(s.Outbreaks))
	by := make([]map[Kind]bool, len(s.Outbreaks))
	for i := range first {
		first[i], by[i] = -1, map[Kind]bool{}
	}
	band := cellBands(w, s)
	raised := map[[2]int]bool{}
	for _, ep := range eps {
		hit := false
		for _, win := range wins[ep.cell] {
			for _, day := range ep.raises {
				if day >= win.from && day <= win.to {
					hit = true
					by[win.outbreak][ep.kind] = true
					if first[win.outbreak] < 0 || day < first[win.outbreak] {
						first[win.outbreak] = day
					}
					break
				}
			}
		}
		for _, day := range ep.raises {
			if !inWindow(wins[ep.cell], day) {
				raised[[2]int{ep.cell, day}] = true
			}
		}
		t.findings++
		if hit {
			t.trueOnes++
		} else {
			t.falseBy[ep.kind]++
			t.falseByMethod[ep.method]++
			t.bandFalse[band[ep.cell]]++
		}
	}
	for i, o := range s.Outbreaks {
		if first[i] >= 0 {
			t.detected++
			t.delays = append(t.delays, float64(first[i]-o.Start))
		}
		for k := range by[i] {
			t.detectedBy[k]++
		}
	}
	for _, b := range band {
		t.bandCells[b]++
	}
	t.falseDays = len(raised)
	return t
}

func inWindow(wins []window, day int) bool {
	for _, win := range wins {
		if day >= win.from && day <= win.to {
			return true
		}
	}
	return false
}

// cellBands returns the rate band of every cell.
func cellBands(w World, s Stream) []int {
	out := make([]int, cellsOf(w))
	for t := range w.Types {
		city := 0.0
		for d := range w.Districts {
			out[districtCell(w, t, d)] = bandOf(s.Rates[t][d])
			city += s.Rates[t][d]
		}
		out[cityCell(w, t)] = bandOf(city)
	}
	return out
}

func bandOf(rate float64) int {
	b := 0
	for i := range numBands {
		if rate >= bandFrom(i) {
			b = i
		}
	}
	return b
}

func (t tally) cellYears() float64 { return float64(t.cells) * t.years }
