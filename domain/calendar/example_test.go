package calendar_test

import (
	"fmt"
	"time"

	"github.com/watchpost/watchpost/domain/calendar"
)

func ExampleCalendar_Deadline() {
	c, err := calendar.Default(nil) // Asia/Shanghai
	if err != nil {
		panic(err)
	}
	// Referred on the Friday before the 2026 Spring Festival. Saturday 14
	// February and Saturday 28 February are make-up working days.
	referred := time.Date(2026, time.February, 13, 16, 45, 0, 0, c.Location())
	react, _ := c.Deadline(referred, 2)
	closeBy, _ := c.Deadline(referred, 7)
	const layout = "Mon 2006-01-02 15:04"
	fmt.Println("react before", react.Format(layout))
	fmt.Println("close before", closeBy.Format(layout))
	// Output:
	// react before Wed 2026-02-25 00:00
	// close before Tue 2026-03-03 00:00
}

func ExampleCalendar_With() {
	c, _ := calendar.Default(nil)
	start := time.Date(2026, time.December, 30, 9, 0, 0, 0, c.Location())
	_, err := c.Deadline(start, 2)
	fmt.Println(err)

	// An administrator loads the 2027 schedule once it is published.
	next, _ := c.With(calendar.Year{Year: 2027, Days: []calendar.Day{
		{Date: "2027-01-01", IsOffDay: true, Name: "元旦"},
	}})
	due, _ := next.Deadline(start, 2)
	fmt.Println(next.Years(), due.Format("2006-01-02 15:04"), next.Version() != c.Version())
	// Output:
	// calendar: no working-day schedule loaded for year 2027
	// [2024 2025 2026 2027] 2027-01-05 00:00 true
}

func ExampleCalendar_WorkdaysLate() {
	c, _ := calendar.Default(nil)
	due := time.Date(2026, time.March, 10, 0, 0, 0, 0, c.Location()) // the end of Monday 9 March
	for _, now := range []time.Time{
		due,
		due.Add(10 * time.Hour),
		due.Add(24 * time.Hour),
		due.Add(24*time.Hour + time.Nanosecond),
	} {
		late, _ := c.WorkdaysLate(due, now)
		fmt.Println(now.Format("Mon 15:04:05.000000000"), late)
	}
	// Output:
	// Tue 00:00:00.000000000 0
	// Tue 10:00:00.000000000 1
	// Wed 00:00:00.000000000 1
	// Wed 00:00:00.000000001 2
}
