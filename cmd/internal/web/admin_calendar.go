package web

import (
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/calendar"
)

// calendarPage is the official schedules loaded, and whether next year's
// is missing when it should be loaded.
type calendarPage struct {
	Version     string
	Zone        string
	Years       []calendarYear
	NextYear    int
	MissingNext bool // from November on, next year's schedule is not loaded
	Key         string
}

type calendarYear struct {
	Year     int
	Notice   string
	LoadedAt time.Time
}

// calendarPage: GET /admin/calendar.
func (s *Server) calendarPage(w http.ResponseWriter, r *http.Request, sess *session) error {
	return s.renderCalendar(w, r, s.view(r, sess, "工作日历"), http.StatusOK)
}

func (s *Server) renderCalendar(w http.ResponseWriter, r *http.Request, v *view, status int) error {
	if err := access.Permit(v.Sess.Principal, access.ManageCalendar); err != nil {
		return err
	}
	lc, err := s.Calendars.Current(r.Context())
	if err != nil {
		return err
	}
	next, missing, err := s.Calendars.NextYearMissing(r.Context(), s.Clock())
	if err != nil {
		return err
	}
	body := calendarPage{Version: lc.Calendar.Version(), Zone: lc.Calendar.Location().String(), NextYear: next, MissingNext: missing, Key: newFormKey()}
	for _, y := range lc.Calendar.Years() {
		body.Years = append(body.Years, calendarYear{Year: y, Notice: lc.Notices[y], LoadedAt: lc.LoadedAt[y]})
	}
	v.Body = body
	s.render(w, r, status, "calendar.html", v)
	return nil
}

// loadCalendar: POST /admin/calendar loads the schedules of the form: a
// file or pasted text, in the reference file's shape (one year, a list of
// years, or the whole document).
func (s *Server) loadCalendar(w http.ResponseWriter, r *http.Request, sess *session) error {
	p := sess.Principal
	v := s.view(r, sess, "工作日历")
	data := []byte(r.PostFormValue("schedule"))
	if f, _, err := r.FormFile("file"); err == nil {
		data, err = io.ReadAll(io.LimitReader(f, maxForm))
		f.Close()
		if err != nil {
			return err
		}
	}
	years, err := calendar.ParseYears(data)
	if err != nil {
		v.Values = r.PostForm
		return s.renderCalendar(w, r, v, s.formError(v, domain.Invalid("schedule", "%v", err), "schedule"))
	}
	meta := commandMeta(r, p)
	for _, y := range years {
		m := meta
		m.CommandID += "/" + strconv.Itoa(y.Year)
		if _, err := s.Calendars.Load(r.Context(), p, m, y); err != nil {
			v.Values = r.PostForm
			if pr := classify(err); pr.status != http.StatusUnprocessableEntity {
				return err
			}
			return s.renderCalendar(w, r, v, s.formError(v, err, "schedule"))
		}
	}
	http.Redirect(w, r, "/admin/calendar", http.StatusSeeOther)
	return nil
}
