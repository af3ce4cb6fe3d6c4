// Package network is the monitoring network that feeds the complaint
// center (衢纪发〔2009〕12号 §三, §六, §七.4; the 监测工作意见 §三): the
// workstations (工作站) and the monitoring points (监测点) linked to them,
// the yearly roster of points (一年一调整), the supervisors
// (行风效能监督员) and their monthly visits (一月一走访一反馈), the
// workstations' seminars and the center's quarterly meeting, the
// workstations' monthly reports (附表一, with the zero report 零报告, due
// by a day of the following month) and the two-way registration of
// inspections, fees and fines at a point (附表二), with the rule that pairs
// what a department and the point recorded.
//
// Each of them is an aggregate whose history is an event stream like a
// case's; the types here decide commands and apply events, with the
// standard library only. Personal data (a liaison's contact) reaches these
// types only sealed: the service seals it before deciding.
package network

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/watchpost/watchpost/domain"
)

// SchemaVersion is the version of the payload shapes in this package.
const SchemaVersion = 1

// The aggregate types in the log.
const (
	AggregateWorkstation = "workstation"
	AggregatePoint       = "point"
	AggregateRoster      = "roster"
	AggregateSupervisor  = "supervisor"
	AggregateVisit       = "visit"
	AggregateMeeting     = "meeting"
	AggregateReport      = "monthly_report"
	AggregateLedger      = "point_ledger"
)

// Event is one fact in the history of a network aggregate.
type Event interface{ EventType() string }

// decodeAs reads the payload of an event of type E.
func decodeAs[E Event](data []byte) (Event, error) {
	var v E
	err := json.Unmarshal(data, &v)
	return v, err
}

// Decode turns a stored payload of any network event back into its event.
func Decode(eventType string, data []byte) (Event, error) {
	dec, ok := decoders[eventType]
	if !ok {
		return nil, fmt.Errorf("network: unknown event type %q", eventType)
	}
	e, err := dec(data)
	if err != nil {
		return nil, fmt.Errorf("network: decode %s: %w", eventType, err)
	}
	return e, nil
}

// ValidID reports whether id is an acceptable id of a workstation, a point
// or a supervisor: 2 to 64 lowercase letters, digits and '-', starting with
// a letter.
func ValidID(id string) bool {
	if len(id) < 2 || len(id) > 64 || id[0] < 'a' || id[0] > 'z' {
		return false
	}
	for _, r := range id {
		if !(r == '-' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

func checkID(field, id string) error {
	if !ValidID(id) {
		return domain.Invalid(field, "use 2 to 64 lowercase letters, digits and '-', starting with a letter")
	}
	return nil
}

// text checks and trims a text field.
func text(field, v string, max int, required bool) (string, error) {
	if !utf8.ValidString(v) {
		return "", domain.Invalid(field, "is not valid UTF-8")
	}
	v = strings.TrimSpace(v)
	if v == "" && required {
		return "", domain.Invalid(field, "is required")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return "", domain.Invalid(field, "is %d characters long; at most %d are allowed", n, max)
	}
	if strings.ContainsFunc(v, func(r rune) bool { return (r < 0x20 && r != '\n') || r == 0x7f }) {
		return "", domain.Invalid(field, "contains a control character")
	}
	return v, nil
}

// Contact is a liaison's personal data: who to call at a workstation or a
// point. It is sealed before it is stored and shown only to the center.
type Contact struct {
	Name   string `json:"name,omitempty"`
	Phone  string `json:"phone,omitempty"`
	Office string `json:"office,omitempty"` // 办公地点
}

// Empty reports whether the contact says nothing.
func (c Contact) Empty() bool { return c == Contact{} }

// ValidContact checks a liaison's contact; field prefixes the names of its
// parts in a refusal.
func ValidContact(field string, in Contact) (Contact, error) {
	var (
		out Contact
		err error
	)
	if out.Name, err = text(field+".name", in.Name, 100, false); err != nil {
		return out, err
	}
	if out.Phone, err = text(field+".phone", in.Phone, 40, false); err != nil {
		return out, err
	}
	if out.Office, err = text(field+".office", in.Office, 200, false); err != nil {
		return out, err
	}
	return out, nil
}

// instant checks a reported time: not zero, not in the future (beyond a
// minute of clock skew), not before 2000.
func instant(field string, at, now time.Time) (time.Time, error) {
	switch {
	case at.IsZero():
		return at, domain.Invalid(field, "is required")
	case at.After(now.Add(time.Minute)):
		return at, domain.Invalid(field, "lies in the future")
	case at.Year() < 2000:
		return at, domain.Invalid(field, "lies before 2000, earlier than the network keeps")
	}
	return at.UTC().Truncate(time.Microsecond), nil
}
