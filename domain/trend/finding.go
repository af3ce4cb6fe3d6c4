package trend

// Kind is the kind of trend a finding reports (DESIGN §4).
type Kind string

// The kinds of finding.
const (
	Tendency   Kind = "tendency"   // 倾向性: a cell's count rising well above its own baseline
	Widespread Kind = "widespread" // 普遍性: one issue type from many points or districts, or against many departments
	Emerging   Kind = "emerging"   // 苗头性: a new or long-unseen combination recurring, or a burst of a rare one
)

// Method is the rule that raised a finding.
type Method string

// The methods.
const (
	MethodEWMA   Method = "ewma"       // ESSENCE dual EWMA on daily counts (tendency)
	MethodCUSUM  Method = "cusum"      // Poisson CUSUM on weekly counts (tendency)
	MethodSpread Method = "spread"     // distinct points, districts or departments in a window (widespread)
	MethodNovel  Method = "novel"      // a combination unseen for long, appearing again (emerging)
	MethodBurst  Method = "rare_burst" // a burst of a rare combination (emerging)
)

// Severity grades a finding.
type Severity string

// The severities.
const (
	Yellow Severity = "yellow"
	Red    Severity = "red"
)

// Dimension names what the distinct sources of a widespread finding are.
type Dimension string

// The dimensions of the widespread rule.
const (
	Points      Dimension = "points"      // monitoring points
	Districts   Dimension = "districts"   // districts
	Departments Dimension = "departments" // departments complained against
)

// Finding is what a detector found on the tested day. PValue is absent for
// the threshold methods (cusum, novel), which report Statistic against
// Threshold; the others report both, Threshold being the level of the
// statistic at which they raise a finding.
type Finding struct {
	Kind      Kind      `json:"kind"`
	Method    Method    `json:"method"`
	Severity  Severity  `json:"severity"`
	Day       Date      `json:"day"`  // the tested day
	From      Date      `json:"from"` // first day of the period the finding covers
	To        Date      `json:"to"`   // last day of that period (the tested day)
	Statistic float64   `json:"statistic"`
	PValue    *float64  `json:"pValue,omitempty"`
	Threshold float64   `json:"threshold"`
	Observed  float64   `json:"observed"`            // cases (distinct sources for spread) the statistic rests on
	Expected  float64   `json:"expected"`            // what the baseline leads one to expect for Observed
	Dimension Dimension `json:"dimension,omitempty"` // for spread: what the distinct sources are
}

// Day is what one cell saw on one day: its number of cases and, for the
// widespread rule, the distinct monitoring points, districts and
// departments behind them (identifiers of any kind; empty when the cell
// does not span that dimension).
type Day struct {
	Cases       int      `json:"cases"`
	Points      []string `json:"points,omitempty"`
	Districts   []string `json:"districts,omitempty"`
	Departments []string `json:"departments,omitempty"`
}

// History is a cell's days, one per calendar day without gaps (a day
// without cases is a zero Day), from Start to the day to test, which is the
// last one.
type History struct {
	Start Date  `json:"start"`
	Days  []Day `json:"days"`
}

// Counts builds a History of case counts alone.
func Counts(start Date, counts ...int) History {
	h := History{Start: start, Days: make([]Day, len(counts))}
	for i, n := range counts {
		h.Days[i].Cases = n
	}
	return h
}

// Last returns the tested day: the last day of the history.
func (h History) Last() Date { return h.Start + Date(len(h.Days)-1) }

func ptr(x float64) *float64 { return &x }

// severityOf grades a p-value: red below red, else yellow.
func severityOf(p, red float64) Severity {
	if p < red {
		return Red
	}
	return Yellow
}
