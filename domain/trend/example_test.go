package trend_test

import (
	"fmt"
	"time"

	"github.com/watchpost/watchpost/domain/trend"
)

// A service builds one Detector and, each day, passes every cell's history
// up to that day.
func Example() {
	d, err := trend.New(trend.DefaultConfig())
	if err != nil {
		panic(err)
	}
	// Ninety quiet days of a department × issue type, about one case a day,
	// then eight complaints on 1 April 2025.
	counts := make([]int, 90)
	for i := range counts {
		counts[i] = []int{1, 0, 2, 1, 1, 0, 2}[i%7]
	}
	counts = append(counts, 8)
	start := trend.DateOf(2025, time.January, 1)
	findings, err := d.Detect(trend.Counts(start, counts...))
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		fmt.Printf("%s %s %s on %s: %.0f cases against %.2f, p %.1e\n",
			f.Kind, f.Method, f.Severity, f.Day, f.Observed, f.Expected, *f.PValue)
	}
	// Output:
	// tendency ewma red on 2025-04-01: 8 cases against 1.00, p 1.1e-07
}
