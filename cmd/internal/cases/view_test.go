package cases

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/projections"
)

// leaf is one field of complaint.Case (or of a struct inside it) that holds
// a value: its path and how to find it in a view.
type leaf struct {
	path   string // "Title", "Extensions.Reason", "Complainant.Name"
	marker string // the text its value shows as in JSON; "" for booleans
}

// fill gives every field of v a distinct value and returns the leaves: a
// string holds its own path, a number and a time a value no other field has,
// a boolean true. Slices get one element, pointers a value. A field added to
// complaint.Case is filled too, without changing this test.
func fill(v reflect.Value, path string, n *int, out *[]leaf) {
	switch v.Kind() {
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			*n++
			t := time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(*n) * 7919 * time.Second)
			v.Set(reflect.ValueOf(t))
			*out = append(*out, leaf{path, t.Format(time.RFC3339)})
			return
		}
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if !f.IsExported() {
				continue
			}
			p := f.Name
			if path != "" {
				p = path + "." + f.Name
			}
			fill(v.Field(i), p, n, out)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0), path, n, out)
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem(), path, n, out)
	case reflect.String:
		marker := "«" + path + "»"
		v.SetString(marker)
		*out = append(*out, leaf{path, marker})
	case reflect.Int, reflect.Int64:
		*n++
		x := 700000 + *n*13
		v.SetInt(int64(x))
		*out = append(*out, leaf{path, fmt.Sprint(x)})
	case reflect.Bool:
		v.SetBool(true)
		*out = append(*out, leaf{path, ""})
	default:
		panic("fill: a field of kind " + v.Kind().String() + " at " + path + ": teach this test its kind")
	}
}

// reached lists the leaves of a filled case that the view built by build
// shows: a leaf with a marker when the marker is in the JSON, a boolean
// when flipping it changes the JSON.
func reached(t *testing.T, base complaint.Case, leaves []leaf, build func(complaint.Case) View) []string {
	t.Helper()
	render := func(c complaint.Case) string {
		b, err := json.Marshal(build(c))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	full := render(base)
	var out []string
	for _, l := range leaves {
		if l.marker != "" {
			if strings.Contains(full, l.marker) {
				out = append(out, l.path)
			}
			continue
		}
		flipped := base
		flip(reflect.ValueOf(&flipped).Elem(), strings.Split(l.path, "."))
		if render(flipped) != full {
			out = append(out, l.path)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// flip negates the boolean at a path (through the one-element slices and
// the pointers fill made), copying them so the base is not changed.
func flip(v reflect.Value, path []string) {
	switch v.Kind() {
	case reflect.Pointer:
		c := reflect.New(v.Type().Elem())
		c.Elem().Set(v.Elem())
		v.Set(c)
		flip(c.Elem(), path)
		return
	case reflect.Slice:
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		reflect.Copy(c, v)
		v.Set(c)
		flip(c.Index(0), path)
		return
	}
	if len(path) == 0 {
		v.SetBool(!v.Bool())
		return
	}
	flip(v.FieldByName(path[0]), path[1:])
}

// TestViewsAreAllowLists fills every field of a case, also fields added
// after this test was written, and checks which reach each audience: exactly
// those on its list. A department never gets the complainant's personal data
// nor, without consent, the reporting point; a point never the internals of
// the handling.
func TestViewsAreAllowLists(t *testing.T) {
	t.Parallel()
	var (
		c      complaint.Case
		leaves []leaf
		n      int
	)
	fill(reflect.ValueOf(&c).Elem(), "", &n, &leaves)
	center := access.Principal{Role: access.RoleHandler}
	dept := access.Principal{Role: access.RoleDepartment, DepartmentID: c.DepartmentID}
	point := access.Principal{Role: access.RolePoint, PointID: c.MonitoringPointID}
	view := func(p access.Principal) func(complaint.Case) View {
		return func(c complaint.Case) View { return viewOf(p, projections.CaseRow{Case: c}) }
	}
	// The complainant's flags the views show (whether anonymous, whether
	// they consented), never their personal data.
	flags := []string{"Complainant.Anonymous", "Complainant.ConsentToDisclose"}
	shared := []string{"AcceptedAt", "AcknowledgedAt", "Categories", "Channel", "ClosedAt", "DepartmentID", "Description",
		"FiledAt", "Finding", "FindingAt", "HandledBy", "ID", "IssueTypes", "Mode", "PersonalDataRemoved", "ReceivedAt",
		"ReferredAt", "RepliedAt", "RespondedAt", "RespondentDepartmentID", "Reopens", "ReopenedAt", "Satisfaction",
		"SatisfactionAt", "Status", "SuspendedAt", "Title", "UpdatedAt", "Version", "ExtendedDueDate"}
	handling := []string{"Accountabilities.At", "Accountabilities.Measure", "Accountabilities.Subject", "Escalations",
		"Extensions.DecidedAt", "Extensions.DenialReason", "Extensions.DepartmentID", "Extensions.GrantedDueDate",
		"Extensions.Reason", "Extensions.RequestID", "Extensions.RequestedAt", "Extensions.RequestedDueDate", "Extensions.Status",
		"Rectifications.DueDate", "Rectifications.ID", "Rectifications.Items",
		"Rectifications.Rejections", "Rectifications.ReportedAt", "Rectifications.RequiredAt", "Rectifications.Status",
		"Rectifications.VerifiedAt", "Referrals", "Resolution.At", "Resolution.Outcome", "Resolution.Summary",
		"ResumeStatus", "ReturnedAt", "ReturnedBy", "Returns", "SupervisionLevel", "Supervisions", "Suspensions"}
	list := func(parts ...[]string) []string {
		var out []string
		for _, p := range parts {
			out = append(out, p...)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	for _, tt := range []struct {
		name    string
		consent bool
		build   func(complaint.Case) View
		want    []string
	}{
		{"center", false, view(center), list(flags, shared, handling,
			[]string{"MonitoringPointID", "NotAcceptedReason", "ReplyMethod", "VisitID"})},
		{"department without consent", false, view(dept), list(flags, shared, handling)},
		{"department with consent", true, view(dept), list(flags, shared, handling, []string{"MonitoringPointID"})},
		{"point", false, view(point), list(flags, shared,
			[]string{"MonitoringPointID", "NotAcceptedReason", "Resolution.At", "Resolution.Outcome"})},
	} {
		base := c
		base.Complainant.ConsentToDisclose = tt.consent
		got := reached(t, base, leaves, tt.build)
		if !slices.Equal(got, tt.want) {
			var extra, missing []string
			for _, f := range got {
				if !slices.Contains(tt.want, f) {
					extra = append(extra, f)
				}
			}
			for _, f := range tt.want {
				if !slices.Contains(got, f) {
					missing = append(missing, f)
				}
			}
			t.Errorf("%s view: reaches %v that are not on its list; misses %v", tt.name, extra, missing)
		}
	}
}
