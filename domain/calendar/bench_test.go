package calendar_test

import (
	"testing"
	"time"
)

func BenchmarkDeadline7(b *testing.B) {
	c := official(b)
	start := at(2026, 2, 13, 10, 0) // across the Spring Festival
	for b.Loop() {
		if _, err := c.Deadline(start, 7); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWorkingTime4Weeks(b *testing.B) {
	c := official(b)
	from, to := at(2026, 2, 10, 10, 0), at(2026, 3, 10, 10, 0)
	for b.Loop() {
		if _, err := c.WorkingTime(from, to); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAddWorkingTime(b *testing.B) {
	c := official(b)
	from := at(2026, 2, 10, 10, 0)
	for b.Loop() {
		if _, err := c.AddWorkingTime(from, 10*24*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWorkdaysBetweenYear(b *testing.B) {
	c := official(b)
	from, to := at(2025, 12, 31, 10, 0), at(2026, 12, 31, 10, 0)
	for b.Loop() {
		if _, err := c.WorkdaysBetween(from, to); err != nil {
			b.Fatal(err)
		}
	}
}
