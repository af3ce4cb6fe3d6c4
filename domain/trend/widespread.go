package trend

// spreadDimension is one dimension the widespread rule counts sources in.
type spreadDimension struct {
	dim     Dimension
	least   int
	sources func(Day) []string
}

// widespreadFindings applies the 普遍性 rule to each dimension and returns
// the strongest finding (the smallest p-value), if any.
//
// Its statistic is the number of distinct sources (points, districts or
// departments) in the last Window days. The usual number is the mean of the
// same count over the Baseline windows that end on consecutive days before
// the current window begins. A finding needs at least the dimension's
// minimum of sources and P(Poisson(usual) ≥ observed) below Alpha; it is
// red when that probability is below a tenth of Alpha.
func (d *Detector) widespreadFindings(h History) []Finding {
	c := d.cfg.Widespread
	need := 2*c.Window + c.Baseline - 1
	if len(h.Days) < need {
		return nil
	}
	days := h.Days[len(h.Days)-need:]
	dims := []spreadDimension{
		{Points, c.MinSources, func(d Day) []string { return d.Points }},
		{Districts, c.MinSources, func(d Day) []string { return d.Districts }},
		{Departments, c.MinDepartments, func(d Day) []string { return d.Departments }},
	}
	var best *Finding
	for _, dim := range dims {
		f, ok := d.spread(days, dim, h.Last())
		if ok && (best == nil || *f.PValue < *best.PValue) {
			best = &f
		}
	}
	if best == nil {
		return nil
	}
	return []Finding{*best}
}

func (d *Detector) spread(days []Day, dim spreadDimension, last Date) (Finding, bool) {
	c := d.cfg.Widespread
	entries := 0
	for _, day := range days[len(days)-c.Window:] {
		entries += len(dim.sources(day))
	}
	if entries < dim.least {
		return Finding{}, false // the usual case, decided cheaply
	}
	counts := distinctInWindows(days, dim.sources, c.Window)
	now := counts[len(counts)-1]
	if now < dim.least {
		return Finding{}, false
	}
	usual := 0.0
	for _, n := range counts[:c.Baseline] {
		usual += float64(n)
	}
	usual /= float64(c.Baseline)
	p := poissonAtLeast(now, max(usual, c.MinUsual))
	if p >= c.Alpha {
		return Finding{}, false
	}
	return Finding{
		Kind:      Widespread,
		Method:    MethodSpread,
		Severity:  severityOf(p, c.Alpha/10),
		Day:       last,
		From:      last - Date(c.Window-1),
		To:        last,
		Statistic: float64(now),
		PValue:    ptr(p),
		Threshold: float64(dim.least),
		Observed:  float64(now),
		Expected:  usual,
		Dimension: dim.dim,
	}, true
}

// distinctInWindows returns, for each window of w days ending on days[e]
// (e from w−1 to the last), the number of distinct sources in it.
func distinctInWindows(days []Day, sources func(Day) []string, w int) []int {
	total := 0
	for _, day := range days {
		total += len(sources(day))
	}
	ids := make(map[string]int, min(total, 64))
	flat := make([]int, 0, total)  // the source ids of every day, one day after another
	ends := make([]int, len(days)) // ends[i]: end of day i's ids in flat
	for i, day := range days {
		for _, s := range sources(day) {
			id, ok := ids[s]
			if !ok {
				id = len(ids)
				ids[s] = id
			}
			flat = append(flat, id)
		}
		ends[i] = len(flat)
	}
	dayIDs := func(i int) []int {
		if i == 0 {
			return flat[:ends[0]]
		}
		return flat[ends[i-1]:ends[i]]
	}
	inWindow := make([]int, len(ids)) // days of the window each source appears on
	distinct := 0
	out := make([]int, 0, len(days)-w+1)
	for e := range days {
		for _, id := range dayIDs(e) {
			if inWindow[id] == 0 {
				distinct++
			}
			inWindow[id]++
		}
		if old := e - w; old >= 0 {
			for _, id := range dayIDs(old) {
				inWindow[id]--
				if inWindow[id] == 0 {
					distinct--
				}
			}
		}
		if e >= w-1 {
			out = append(out, distinct)
		}
	}
	return out
}
