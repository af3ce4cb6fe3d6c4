package feeds

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/watchpost/watchpost/cmd/internal/cases"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2): the
// services are the taxonomy's issue types; a request is a complaint filed
// on the channel "web", waiting for the center's intake decision like any
// other; its service_request_id is the case's tracking code, so whoever
// holds it (the app that filed it, the complainant) follows the case with
// it, and nobody can list or guess the others'.

// Open311Channel is the channel of a complaint filed through Open311.
const Open311Channel = "web"

// Service311 is a GeoReport v2 service: one issue type.
type Service311 struct {
	Code        string // service_code: the issue type's code
	Name        string // service_name: its label
	Group       string // group: the label of the category it is filed under
	GroupCode   string // that category's code
	Description string
	Keywords    []string
}

// issueCategories is the category each issue type of the default taxonomy
// is filed under (the list of 衢纪发〔2009〕12号 §五): the 四乱 and 乱作为
// are matters of lawful administration, 不作为 and 慢作为 of efficiency,
// 吃拿卡要报 of integrity. An issue type an administrator added later is
// filed under the taxonomy's first category; the handler sees it at
// intake.
var issueCategories = map[string]string{
	"arbitrary_inspection": "lawful_administration",
	"arbitrary_fees":       "lawful_administration",
	"arbitrary_fines":      "lawful_administration",
	"forced_sponsorship":   "lawful_administration",
	"arbitrary_action":     "lawful_administration",
	"inaction":             "efficiency",
	"slow_action":          "efficiency",
	"graft":                "integrity",
}

// Services lists the GeoReport services: the issue types in force.
//
// Who: anyone (GET services needs no key).
func (s *Service) Services(ctx context.Context) ([]Service311, error) {
	tax, err := s.d.Taxonomies.Current(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Service311, 0, len(tax.IssueTypes))
	for _, it := range tax.IssueTypes {
		group := categoryOf(tax, it.Code)
		label := complaint.Label(tax.Categories, group)
		out = append(out, Service311{Code: it.Code, Name: it.Label, Group: label, GroupCode: group,
			Description: label + "：" + it.Label, Keywords: []string{it.Label, label, it.Code}})
	}
	return out, nil
}

func categoryOf(tax complaint.Taxonomy, issueType string) string {
	if c, ok := issueCategories[issueType]; ok && slices.ContainsFunc(tax.Categories, func(t complaint.Term) bool { return t.Code == c }) {
		return c
	}
	if len(tax.Categories) > 0 {
		return tax.Categories[0].Code
	}
	return ""
}

// Request311 is a POST requests form, in the GeoReport field names.
type Request311 struct {
	JurisdictionID string // jurisdiction_id: ignored (one jurisdiction)
	ServiceCode    string // service_code
	Lat, Long      string // lat, long (WGS84)
	AddressString  string // address_string
	AddressID      string // address_id
	Email          string // email
	DeviceID       string // device_id: not kept
	AccountID      string // account_id: not kept
	FirstName      string // first_name
	LastName       string // last_name
	Phone          string // phone
	Description    string // description: at most 4,000 characters
	MediaURL       string // media_url
}

// MaxOpen311Description is the spec's limit on a request's description.
const MaxOpen311Description = 4000

// UnknownServiceError is a service_code that is no issue type (the spec's
// 404).
type UnknownServiceError struct{ Code string }

func (e *UnknownServiceError) Error() string {
	return fmt.Sprintf("feeds: unknown service_code %q", e.Code)
}

// Submitted is a filed request: its service_request_id (the tracking code)
// and the case. Stored means the log holds it but the read models did not
// show it yet (it is not lost).
type Submitted struct {
	ServiceRequestID string
	CaseID           string
	Stored           bool
}

// Submit files an Open311 request as a complaint on the channel "web":
// the issue type is its service, the category its service's group, the
// location and media are written into the description, the submitter (a
// name, phone or email) becomes the complainant, sealed like any other, or
// the complaint is anonymous. It waits for the center's intake decision.
//
// Who: an Open311 key (RoleOpen311). The complaint is filed as the
// center's intake files one; the events name the key as their actor.
func (s *Service) Submit(ctx context.Context, p access.Principal, meta eventstore.Metadata, req Request311) (Submitted, error) {
	if err := access.Permit(p, access.SubmitOpen311); err != nil {
		return Submitted{}, err
	}
	req = trimmed(req)
	if req.ServiceCode == "" {
		return Submitted{}, domain.Invalid("service_code", "service_code was not provided")
	}
	tax, err := s.d.Taxonomies.Current(ctx)
	if err != nil {
		return Submitted{}, err
	}
	issue := complaint.Label(tax.IssueTypes, req.ServiceCode)
	if !slices.ContainsFunc(tax.IssueTypes, func(t complaint.Term) bool { return t.Code == req.ServiceCode }) {
		return Submitted{}, &UnknownServiceError{Code: req.ServiceCode}
	}
	where, err := location(req)
	if err != nil {
		return Submitted{}, err
	}
	if req.Description == "" {
		return Submitted{}, domain.Invalid("description", "a description of the complaint is required")
	}
	if n := utf8.RuneCountInString(req.Description); n > MaxOpen311Description {
		return Submitted{}, domain.Invalid("description", "at most %d characters, not %d", MaxOpen311Description, n)
	}
	description := req.Description
	if where != "" {
		description += "\n\n" + where
	}
	if req.MediaURL != "" {
		description += "\n附件：" + req.MediaURL
	}
	cmd := complaint.FileComplaint{
		Channel:     Open311Channel,
		Categories:  []string{categoryOf(tax, req.ServiceCode)},
		IssueTypes:  []string{req.ServiceCode},
		Title:       title(issue, req.Description),
		Description: description,
		Complainant: complaint.Complainant{Name: fullName(req.FirstName, req.LastName), Phone: req.Phone, Contact: req.Email},
	}
	if cmd.Complainant == (complaint.Complainant{}) {
		cmd.Complainant.Anonymous = true
	}
	intake := access.Principal{TokenID: p.TokenID, Role: access.RoleHandler, Name: p.Name}
	v, err := s.d.Cases.File(ctx, intake, meta, cmd)
	var stored *cases.Stored
	switch {
	case errors.As(err, &stored):
		return Submitted{ServiceRequestID: stored.TrackingCode, CaseID: stored.ID, Stored: true}, nil
	case err != nil:
		return Submitted{}, err
	}
	cv, ok := v.(cases.CenterView)
	if !ok || cv.TrackingCode == "" {
		return Submitted{}, fmt.Errorf("feeds: the filing of case %s answered no tracking code", v.CaseID())
	}
	return Submitted{ServiceRequestID: cv.TrackingCode, CaseID: cv.CaseID()}, nil
}

func trimmed(r Request311) Request311 {
	for _, f := range []*string{&r.JurisdictionID, &r.ServiceCode, &r.Lat, &r.Long, &r.AddressString, &r.AddressID, &r.Email,
		&r.DeviceID, &r.AccountID, &r.FirstName, &r.LastName, &r.Phone, &r.Description, &r.MediaURL} {
		*f = strings.TrimSpace(*f)
	}
	return r
}

// location is the request's location as lines of the description: the
// spec requires lat and long, or address_string, or address_id.
func location(r Request311) (string, error) {
	var lines []string
	if r.AddressString != "" {
		lines = append(lines, "位置："+r.AddressString)
	}
	if r.Lat != "" || r.Long != "" {
		lat, err1 := strconv.ParseFloat(r.Lat, 64)
		long, err2 := strconv.ParseFloat(r.Long, 64)
		if err1 != nil || err2 != nil || lat < -90 || lat > 90 || long < -180 || long > 180 {
			return "", domain.Invalid("lat", "lat and long are both needed, as WGS84 degrees (lat -90 to 90, long -180 to 180)")
		}
		lines = append(lines, "坐标（WGS84）："+strconv.FormatFloat(lat, 'f', -1, 64)+", "+strconv.FormatFloat(long, 'f', -1, 64))
	}
	if r.AddressID != "" {
		lines = append(lines, "地址编码："+r.AddressID)
	}
	if len(lines) == 0 {
		return "", domain.Invalid("address_string", "a location is required: lat and long, address_string or address_id")
	}
	return strings.Join(lines, "\n"), nil
}

// title is the complaint's title: the service's name and the beginning of
// the description's first line.
func title(service, description string) string {
	first, _, _ := strings.Cut(description, "\n")
	t := service + "：" + strings.TrimSpace(first)
	if utf8.RuneCountInString(t) > 60 {
		t = string([]rune(t)[:59]) + "…"
	}
	return t
}

// fullName writes a submitter's name: family name first, as Chinese names
// are written, unless both parts are Latin letters.
func fullName(first, last string) string {
	switch {
	case first == "":
		return last
	case last == "":
		return first
	case latin(first) && latin(last):
		return first + " " + last
	}
	return last + first
}

func latin(s string) bool {
	for _, r := range s {
		if r > unicode.MaxLatin1 {
			return false
		}
	}
	return true
}

// Tracked is a request as its service_request_id shows it: what the
// public tracking page shows, and its service.
type Tracked struct {
	ServiceRequestID string
	Status           complaint.Status
	Closed           bool // GeoReport status closed: resolved, answered, closed, or not accepted
	ServiceCode      string
	ServiceName      string
	RequestedAt      time.Time
	UpdatedAt        time.Time
	ExpectedAt       *time.Time // the closure deadline, while open
	LastReply        string     // the latest answer to the complainant
}

// closedStatuses are the statuses GeoReport calls closed: the case is
// resolved or answered, or the center decided not to accept it.
var closedStatuses = []complaint.Status{complaint.StatusResolved, complaint.StatusReplied, complaint.StatusClosed, complaint.StatusNotAccepted}

// ErrNoRequest: no request has this service_request_id.
var ErrNoRequest = domain.NotFound("service_request_id", "no service request has this service_request_id")

// Request reads one request by its service_request_id.
//
// Who: anyone holding the id (as the public tracking page; the caller
// rate-limits).
func (s *Service) Request(ctx context.Context, code string) (Tracked, error) {
	digest, ok := privacy.TrackingDigest(code)
	if !ok {
		return Tracked{}, ErrNoRequest
	}
	row, err := projections.CaseByTracking(ctx, s.d.Pool, digest)
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return Tracked{}, ErrNoRequest
	}
	if err != nil {
		return Tracked{}, err
	}
	pub, err := s.d.Cases.Public(ctx, code, s.d.Clock())
	if err != nil {
		return Tracked{}, err
	}
	c := row.Case
	t := Tracked{ServiceRequestID: strings.TrimSpace(code), Status: pub.Status, Closed: slices.Contains(closedStatuses, pub.Status),
		RequestedAt: pub.ReceivedAt, UpdatedAt: pub.UpdatedAt, ExpectedAt: pub.DueAt}
	if len(c.IssueTypes) > 0 {
		t.ServiceCode = c.IssueTypes[0]
		if tax, err := s.d.Taxonomies.Current(ctx); err == nil {
			t.ServiceName = complaint.Label(tax.IssueTypes, t.ServiceCode)
		}
	}
	if n := len(pub.Replies); n > 0 {
		t.LastReply = pub.Replies[n-1].Message
	}
	return t, nil
}

// Requests reads the requests whose service_request_ids are given, in
// that order; unknown ones are left out. The spec lets service_request_id
// override every other argument. Watchpost keeps only a digest of each
// tracking code, so it cannot list requests without them.
func (s *Service) Requests(ctx context.Context, codes []string) ([]Tracked, error) {
	out := []Tracked{}
	for _, code := range codes {
		t, err := s.Request(ctx, code)
		if errors.Is(err, ErrNoRequest) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}
