package ratings

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/rating"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Rated is what a command on a sheet answers: the record's id and where it
// stands in the log.
type Rated struct {
	ID       string `json:"id"`
	Position uint64 `json:"position"`
	Period   string `json:"period"`
}

// Sheet is what a rater states on a sheet: what it rates and the grades.
type Sheet struct {
	DepartmentID string
	OfficeID     string
	Window       string
	Grades       rating.Sheet
	Comment      string
}

// RateDealing is a point's rating of a dealing.
type RateDealing struct {
	Sheet
	DealingRef string
	Dealing    string
	Kind       string
	DealtOn    string
}

// checkPoint refuses a point token without a point, or a point the
// network's register does not hold as active.
func (s *Service) checkPoint(ctx context.Context, p access.Principal) error {
	if p.PointID == "" {
		return domain.Forbidden("the token names no monitoring point")
	}
	if s.d.ActivePoint != nil {
		return s.d.ActivePoint(ctx, "pointId", p.PointID)
	}
	return nil
}

// Rate records a point's rating of one dealing (一事一评议). The dealing is
// rated once: the record's id follows from the point and the dealing's
// reference, and a second rating of it is refused.
//
// Who: a monitoring point, for itself (the point of its token).
func (s *Service) Rate(ctx context.Context, p access.Principal, meta eventstore.Metadata, cmd RateDealing) (Rated, error) {
	if err := permit(p, access.RateDealing); err != nil {
		return Rated{}, err
	}
	if err := s.checkPoint(ctx, p); err != nil {
		return Rated{}, err
	}
	t, err := s.target(ctx, "", cmd.DepartmentID, cmd.OfficeID, cmd.Window)
	if err != nil {
		return Rated{}, err
	}
	ref := strings.TrimSpace(cmd.DealingRef)
	if ref == "" {
		return Rated{}, domain.Invalid("dealingRef", "is required")
	}
	id := rating.RatingIDFor(p.PointID, ref)
	var month rating.Period
	res, err := s.execute(ctx, "rate_dealing", rating.AggregateRating, id, meta, func() state { return &rating.Rating{} },
		func(st state, closed []rating.Period, now time.Time) ([]rating.Event, error) {
			events, err := st.(*rating.Rating).Rate(rating.RateDealing{PointID: p.PointID, DealingRef: ref, Target: t, Dealing: cmd.Dealing,
				Kind: cmd.Kind, DealtOn: cmd.DealtOn, Sheet: cmd.Grades, Comment: cmd.Comment}, closed, s.d.Loc, now)
			if err == nil {
				month = events[0].(rating.DealingRated).Month
			}
			return events, err
		})
	return rated(id, month, res, err)
}

func rated(id string, month rating.Period, res eventstore.Result, err error) (Rated, error) {
	out := Rated{ID: id, Position: res.LastSeq}
	if month.Kind != "" {
		out.Period = month.String()
	}
	return out, err
}

// Summarize records a point's summary of a unit for a month (综合测评).
//
// Who: a monitoring point, for itself.
func (s *Service) Summarize(ctx context.Context, p access.Principal, meta eventstore.Metadata, month string, sh Sheet) (Rated, error) {
	if err := permit(p, access.RateDealing); err != nil {
		return Rated{}, err
	}
	if err := s.checkPoint(ctx, p); err != nil {
		return Rated{}, err
	}
	m, err := parseMonth("month", month)
	if err != nil {
		return Rated{}, err
	}
	t, err := s.target(ctx, "", sh.DepartmentID, sh.OfficeID, sh.Window)
	if err != nil {
		return Rated{}, err
	}
	id := rating.SummaryIDFor(p.PointID, t.Unit().ID, m)
	res, err := s.execute(ctx, "summarize_month", rating.AggregateSummary, id, meta, func() state { return &rating.Summary{} },
		func(st state, closed []rating.Period, now time.Time) ([]rating.Event, error) {
			return st.(*rating.Summary).Summarize(rating.SummarizeMonth{PointID: p.PointID, Target: t, Month: m, Sheet: sh.Grades, Comment: sh.Comment},
				closed, s.d.Loc, now)
		})
	return rated(id, m, res, err)
}

// Inspection is what an inspection records.
type Inspection struct {
	Sheet
	InspectedOn     string
	Mode            string
	Findings        string
	Violations      int
	ViolationAmount string
	Lapses          int
}

// RecordInspection records an inspection (明察暗访).
//
// Who: handlers and supervisors.
func (s *Service) RecordInspection(ctx context.Context, p access.Principal, meta eventstore.Metadata, in Inspection) (Rated, error) {
	if err := permit(p, access.RecordInspection); err != nil {
		return Rated{}, err
	}
	t, err := s.target(ctx, "", in.DepartmentID, in.OfficeID, in.Window)
	if err != nil {
		return Rated{}, err
	}
	var amount rating.Number
	if in.ViolationAmount != "" {
		if amount, err = rating.ParseNumber(in.ViolationAmount); err != nil {
			return Rated{}, domain.Invalid("violationAmount", "is not a number, like 0.5")
		}
	}
	id := derivedID("insp-", meta)
	var month rating.Period
	inspector := p.Name
	if inspector == "" {
		inspector = p.TokenID
	}
	res, err := s.execute(ctx, "record_inspection", rating.AggregateInspection, id, meta, func() state { return &rating.Inspection{} },
		func(st state, closed []rating.Period, now time.Time) ([]rating.Event, error) {
			events, err := st.(*rating.Inspection).Record(rating.RecordInspection{ID: id, Target: t, InspectedOn: in.InspectedOn, Mode: in.Mode,
				Findings: in.Findings, Sheet: in.Grades, Violations: in.Violations, ViolationAmount: amount, Lapses: in.Lapses,
				Inspector: inspector}, closed, s.d.Loc, now)
			if err == nil {
				month = events[0].(rating.InspectionRecorded).Month
			}
			return events, err
		})
	return rated(id, month, res, err)
}

// Survey is what a survey's result records.
type Survey struct {
	DepartmentID string
	OfficeID     string
	Window       string
	Method       string
	Month        string
	Tally        rating.Tally
	Source       string
}

// RecordSurvey records the result of a sampling survey or an online vote
// (003).
//
// Who: handlers.
func (s *Service) RecordSurvey(ctx context.Context, p access.Principal, meta eventstore.Metadata, in Survey) (Rated, error) {
	if err := permit(p, access.RecordSurvey); err != nil {
		return Rated{}, err
	}
	m, err := parseMonth("month", in.Month)
	if err != nil {
		return Rated{}, err
	}
	t, err := s.target(ctx, "", in.DepartmentID, in.OfficeID, in.Window)
	if err != nil {
		return Rated{}, err
	}
	id := derivedID("survey-", meta)
	res, err := s.execute(ctx, "record_survey", rating.AggregateSurvey, id, meta, func() state { return &rating.Survey{} },
		func(st state, closed []rating.Period, now time.Time) ([]rating.Event, error) {
			return st.(*rating.Survey).Record(rating.RecordSurvey{ID: id, Method: rating.Method(in.Method), Target: t, Month: m,
				Tally: in.Tally, Source: in.Source}, closed, s.d.Loc, now)
		})
	return rated(id, m, res, err)
}

// SessionUnit is a unit a session assesses.
type SessionUnit struct {
	DepartmentID string
	OfficeID     string
	Window       string
}

// OpenSession opens a central assessment session (集中测评).
//
// Who (for this and the session's ballots and closing): handlers.
func (s *Service) OpenSession(ctx context.Context, p access.Principal, meta eventstore.Metadata, heldOn, title string, groups []string,
	units []SessionUnit) (projections.RatingSession, error) {
	if err := permit(p, access.RunSession); err != nil {
		return projections.RatingSession{}, err
	}
	targets := make([]rating.Target, len(units))
	for i, u := range units {
		t, err := s.target(ctx, "units["+strconv.Itoa(i)+"].", u.DepartmentID, u.OfficeID, u.Window)
		if err != nil {
			return projections.RatingSession{}, err
		}
		targets[i] = t
	}
	id := derivedID("ses-", meta)
	_, err := s.execute(ctx, "open_session", rating.AggregateSession, id, meta, func() state { return &rating.Session{} },
		func(st state, closed []rating.Period, now time.Time) ([]rating.Event, error) {
			return st.(*rating.Session).Open(rating.OpenSession{ID: id, HeldOn: heldOn, Title: title, Groups: groups, Units: targets},
				closed, s.d.Loc, now)
		})
	if err != nil {
		return projections.RatingSession{}, err
	}
	return s.session(ctx, id)
}

// CastBallots enters ballots of a session.
func (s *Service) CastBallots(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string, ballots []rating.Ballot) (projections.RatingSession, error) {
	if err := permit(p, access.RunSession); err != nil {
		return projections.RatingSession{}, err
	}
	_, err := s.execute(ctx, "cast_ballots", rating.AggregateSession, id, meta, func() state { return &rating.Session{} },
		func(st state, closed []rating.Period, now time.Time) ([]rating.Event, error) {
			return st.(*rating.Session).CastBallots(ballots, closed, now)
		})
	if err != nil {
		return projections.RatingSession{}, err
	}
	return s.session(ctx, id)
}

// CloseSession closes a session: its ballots count from then on.
func (s *Service) CloseSession(ctx context.Context, p access.Principal, meta eventstore.Metadata, id string) (projections.RatingSession, error) {
	if err := permit(p, access.RunSession); err != nil {
		return projections.RatingSession{}, err
	}
	_, err := s.execute(ctx, "close_session", rating.AggregateSession, id, meta, func() state { return &rating.Session{} },
		func(st state, closed []rating.Period, now time.Time) ([]rating.Event, error) {
			return st.(*rating.Session).CloseSession(closed, now)
		})
	if err != nil {
		return projections.RatingSession{}, err
	}
	return s.session(ctx, id)
}

// Session reads a session with its ballots counted per group.
//
// Who: handlers, supervisors and leaders.
func (s *Service) Session(ctx context.Context, p access.Principal, id string) (projections.RatingSession, error) {
	if err := permit(p, access.ReadSessions); err != nil {
		return projections.RatingSession{}, err
	}
	return s.session(ctx, id)
}

func (s *Service) session(ctx context.Context, id string) (projections.RatingSession, error) {
	v, ok, err := projections.GetRatingSession(ctx, s.d.Pool, id)
	if err != nil {
		return v, err
	}
	if !ok {
		return v, domain.NotFound("id", "no such session")
	}
	return v, nil
}

// AdoptScheme puts a scheme version in force for kinds of unit.
//
// Who: administrators.
func (s *Service) AdoptScheme(ctx context.Context, p access.Principal, meta eventstore.Metadata, sc rating.Scheme, kinds []rating.UnitKind) (SchemesView, error) {
	if err := permit(p, access.ManageSchemes); err != nil {
		return SchemesView{}, err
	}
	_, err := s.execute(ctx, "adopt_scheme", rating.AggregateSchemes, rating.SchemeBookID, meta, func() state { return &rating.Book{} },
		func(st state, _ []rating.Period, now time.Time) ([]rating.Event, error) {
			return st.(*rating.Book).Adopt(sc, kinds, now)
		})
	if err != nil {
		return SchemesView{}, err
	}
	return s.schemes(ctx)
}

// parseMonth reads a month ("2026-11").
func parseMonth(field, v string) (rating.Period, error) {
	if v == "" {
		return rating.Period{}, domain.Invalid(field, "is required: a month, like 2026-11")
	}
	m, err := rating.ParsePeriod(field, v)
	if err != nil {
		return m, err
	}
	if m.Kind != rating.PeriodMonth {
		return m, domain.Invalid(field, "must be a month, like 2026-11 (got %s)", m)
	}
	return m, nil
}
