// Package calendar counts working days (工作日) on the official schedule of the
// State Council, for the complaint clocks: a department must react to a
// referred case within 2 working days and close it within 7.
//
// # Working days
//
// Monday to Friday are working days and Saturday and Sunday are rest days,
// except for the exceptions the State Council publishes each year: weekday
// public holidays and bridging rest days (isOffDay=true), and weekend make-up
// working days (调休上班, isOffDay=false). A Calendar knows only the years whose
// exceptions have been loaded; asking about any other year is an error
// (*MissingYearError, which matches ErrNoSchedule), never a Mon–Fri guess.
//
// # Days, midnights and deadlines
//
// Every instant is read in the calendar's time zone (by default
// Asia/Shanghai). Day D is the half-open interval [start of D, start of D+1),
// where the start of D is the first instant whose local date is D: local
// midnight, or, in a zone whose clocks jump over midnight, the instant of that
// jump. "The end of day D" is therefore represented as the start of D+1, an
// exclusive bound: a case is on time at any instant strictly before it.
//
// Periods follow the regulations: the day on which a period starts is not
// counted (期间开始的当日不计入), and a period of n working days ends at the end
// of the nth working day after that day. A case referred on Friday at 23:59
// and one referred on Saturday at 00:00 therefore have different start days.
//
// # Immutability
//
// A Calendar is an immutable value, safe for concurrent use. Loading another
// year's schedule (Calendar.With) yields a new Calendar with a new Version, so
// a stored deadline can name the schedule it was computed with.
package calendar
