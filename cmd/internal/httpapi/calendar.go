package httpapi

import (
	"net/http"
	"strconv"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/calendar"
)

// calendarView describes the loaded schedules.
type calendarView struct {
	Version string              `json:"version"`
	Zone    string              `json:"zone"`
	Years   []calendarYearEntry `json:"years"`
}

type calendarYearEntry struct {
	Year     int       `json:"year"`
	Notice   string    `json:"notice"`
	LoadedAt time.Time `json:"loadedAt"`
}

// getCalendar: GET /api/v1/calendar.
func (s *Server) getCalendar(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	lc, err := s.Calendars.Current(r.Context())
	if err != nil {
		return err
	}
	v := calendarView{Version: lc.Calendar.Version(), Zone: lc.Calendar.Location().String(), Years: []calendarYearEntry{}}
	for _, y := range lc.Calendar.Years() {
		v.Years = append(v.Years, calendarYearEntry{Year: y, Notice: lc.Notices[y], LoadedAt: lc.LoadedAt[y]})
	}
	writeJSON(w, http.StatusOK, v)
	return nil
}

// loadCalendarYears: POST /api/v1/calendar/years. The body is one year's
// schedule, an array of them, or the reference document.
func (s *Server) loadCalendarYears(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	years, err := calendar.ParseYears(body)
	if err != nil {
		return domain.Invalid("schedule", "%v", err)
	}
	meta, err := commandMeta(r, p, body)
	if err != nil {
		return err
	}
	for i, y := range years {
		m := meta
		m.CommandID += "/" + strconv.Itoa(y.Year)
		if _, err := s.Calendars.Load(r.Context(), p, m, years[i]); err != nil {
			return err
		}
	}
	return s.getCalendar(w, r, p)
}

// dueView answers "what deadline would N working days from this instant
// give".
type dueView struct {
	From            time.Time `json:"from"`
	Workdays        int       `json:"workdays"`
	DueAt           time.Time `json:"dueAt"`   // the end of the last working day (exclusive)
	DueDate         string    `json:"dueDate"` // the last working day
	CalendarVersion string    `json:"calendarVersion"`
}

// calendarDue: GET /api/v1/calendar/due?from=&workdays=.
func (s *Server) calendarDue(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"from": plainText, "workdays": plainText})
	if err != nil {
		return err
	}
	from := s.Clock()
	if q["from"] != "" {
		if from, err = queryTime("from", q["from"]); err != nil {
			return err
		}
	}
	n, err := strconv.Atoi(q["workdays"])
	if err != nil || n < 1 || n > 366 {
		return badRequest("workdays: a whole number from 1 to 366")
	}
	lc, err := s.Calendars.Current(r.Context())
	if err != nil {
		return err
	}
	due, err := lc.Calendar.Deadline(from, n)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, dueView{From: from, Workdays: n, DueAt: due,
		DueDate: due.Add(-time.Nanosecond).Format(time.DateOnly), CalendarVersion: lc.Calendar.Version()})
	return nil
}

// workdaysView counts the working days between two instants.
type workdaysView struct {
	From            time.Time `json:"from"`
	To              time.Time `json:"to"`
	Workdays        int       `json:"workdays"`     // working days after from's day, up to and including to's day
	WorkingHours    float64   `json:"workingHours"` // working time between the two instants
	CalendarVersion string    `json:"calendarVersion"`
}

// calendarWorkdays: GET /api/v1/calendar/workdays?from=&to=.
func (s *Server) calendarWorkdays(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	q, err := queryParams(r, map[string]func(string, string) error{"from": plainText, "to": plainText})
	if err != nil {
		return err
	}
	if q["from"] == "" || q["to"] == "" {
		return badRequest("from and to are required")
	}
	from, err := queryTime("from", q["from"])
	if err != nil {
		return err
	}
	to, err := queryTime("to", q["to"])
	if err != nil {
		return err
	}
	if to.Sub(from) > 5*366*24*time.Hour {
		return domain.Invalid("to", "at most five years after from")
	}
	lc, err := s.Calendars.Current(r.Context())
	if err != nil {
		return err
	}
	n, err := lc.Calendar.WorkdaysBetween(from, to)
	if err != nil {
		return err
	}
	wt, err := lc.Calendar.WorkingTime(from, to)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, workdaysView{From: from, To: to, Workdays: n, WorkingHours: wt.Hours(), CalendarVersion: lc.Calendar.Version()})
	return nil
}
