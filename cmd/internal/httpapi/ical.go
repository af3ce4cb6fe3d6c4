package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/feeds"
	"github.com/watchpost/watchpost/cmd/internal/locale"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
)

// A department's deadline feed: an iCalendar (RFC 5545) document of the
// open deadlines of the cases referred to it, at /feeds/<token>.ics, for a
// calendar program to subscribe to. Each deadline is a VEVENT at its due
// instant whose UID names the clock, so a deadline that moves (a
// suspension, an extension, a new schedule) is the same event with a
// higher SEQUENCE (its version): calendars move it rather than add one.
// The feed shows the cases' titles and deadlines, nothing of the
// complainants; its address is a secret, revoked on its own.

// feedPath is where the feeds are served.
const feedPath = "/feeds/"

// feedRefresh is how often a calendar is asked to fetch the feed again.
const feedRefresh = 15 * time.Minute

type (
	createFeedRequest struct {
		Name string `json:"name" rule:"max=100" desc:"What the address is for, shown in the list" example:"建设局日历"`
	}
	createdFeed struct {
		Token string         `json:"token"` // shown once
		Path  string         `json:"path"`  // the feed's path: /feeds/<token>.ics
		URL   string         `json:"url"`   // the path on the address this request came to
		Feed  feeds.FeedInfo `json:"feed"`
	}
	feedList struct {
		Items []feeds.FeedInfo `json:"items"`
	}
)

func (s *Server) icalRoutes() []route {
	return []route{
		{method: "GET", pattern: feedPath + "{file}", public: s.deadlineFeed,
			doc: doc{summary: "A department's open deadlines as an iCalendar feed (text/calendar): {file} is the feed's token followed by .ics"}},
		{method: "POST", pattern: "/api/v1/departments/{id}/feeds", action: access.ManageFeeds, handle: s.createFeed,
			doc: doc{summary: "Make an address for the department's deadline feed (its token is shown once)", body: createFeedRequest{}, response: createdFeed{}, status: http.StatusCreated}},
		{method: "GET", pattern: "/api/v1/departments/{id}/feeds", action: access.ManageFeeds, handle: s.listFeeds,
			doc: doc{summary: "The department's deadline feed addresses, without their tokens", response: feedList{}}},
		{method: "DELETE", pattern: "/api/v1/departments/{id}/feeds/{feedId}", action: access.ManageFeeds, handle: s.revokeFeed,
			doc: doc{summary: "Revoke a deadline feed address: it answers 404 from now on", status: http.StatusNoContent}},
	}
}

// createFeed: POST /api/v1/departments/{id}/feeds.
func (s *Server) createFeed(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	var req createFeedRequest
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	if err := decodeStrict(body, &req); err != nil {
		return err
	}
	token, info, err := s.Feeds.CreateFeed(r.Context(), p, origin(r), r.PathValue("id"), req.Name)
	if err != nil {
		return err
	}
	path := feedPath + token + ".ics"
	writeJSON(w, http.StatusCreated, createdFeed{Token: token, Path: path, URL: baseURL(r) + path, Feed: info})
	return nil
}

// listFeeds: GET /api/v1/departments/{id}/feeds.
func (s *Server) listFeeds(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	list, err := s.Feeds.Feeds(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, feedList{Items: list})
	return nil
}

// revokeFeed: DELETE /api/v1/departments/{id}/feeds/{feedId}.
func (s *Server) revokeFeed(w http.ResponseWriter, r *http.Request, p access.Principal) error {
	if err := s.Feeds.RevokeFeed(r.Context(), p, origin(r), r.PathValue("id"), r.PathValue("feedId")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// deadlineFeed: GET /feeds/{token}.ics. Written in Chinese unless the
// calendar asks for another language.
func (s *Server) deadlineFeed(w http.ResponseWriter, r *http.Request) {
	token, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok {
		s.writeError(w, r, feeds.ErrNoFeed)
		return
	}
	feed, err := s.Feeds.Deadlines(r.Context(), token)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	lang := locale.Negotiate(r.Header.Get("Accept-Language"), locale.ZH)
	cal := feeds.ICSCalendar{Stamp: s.Clock(), Refresh: feedRefresh,
		Name: s.Catalog.Message(lang, domain.Msg("%s: deadlines", feed.Department.Name))}
	for _, d := range feed.Deadlines {
		kind := s.Catalog.Label(lang, "deadline", d.Kind)
		cal.Events = append(cal.Events, feeds.ICSEvent{
			UID:      d.CaseID + "." + d.ClockID + "@watchpost",
			Sequence: d.Version,
			Start:    d.DueAt,
			Summary:  s.Catalog.Message(lang, domain.Msg("%s deadline: %s", kind, d.Title)),
			Description: s.Catalog.Message(lang, domain.Msg("case %s; started %s; due %s (deadline version %d, calendar %s)",
				d.CaseID, s.Catalog.Time(lang, d.StartedAt), s.Catalog.Time(lang, d.DueAt), d.Version, d.CalendarVersion)),
			Categories: []string{kind},
		})
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if err := cal.Write(w); err != nil {
		s.Logger.WarnContext(r.Context(), "writing a deadline feed", "err", err)
	}
}
