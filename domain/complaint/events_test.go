package complaint

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/watchpost/watchpost/domain/ladder"
)

// leaky is free text that names the complainant, as a reply or a note may.
const leaky = "Dear " + secretName + " (" + secretPhone + ", " + secretID + ", " + secretAddress + ", " + secretContact + ")"

// sampleEvents has one event of every type, every field set, every free
// text naming the complainant.
func sampleEvents() []Event {
	at := t0.Add(90 * time.Minute)
	f := filing()
	return []Event{
		ComplaintFiled{
			CaseID: caseID, Channel: f.Channel, ReceivedAt: t0.Add(-48 * time.Hour), Complainant: f.Complainant,
			MonitoringPointID: f.MonitoringPointID, RespondentDepartmentID: f.RespondentDepartmentID,
			Categories: f.Categories, IssueTypes: f.IssueTypes, Title: f.Title, Description: leaky, At: at,
			SealedComplainant: "v1:sealed", TrackingHash: "digest", VisitID: "visit-1",
		},
		CaseAccepted{Mode: ModeSupervised, Note: leaky, At: at},
		CaseNotAccepted{Reason: leaky, At: at},
		CaseReferred{DepartmentID: dept1, Note: leaky, At: at},
		ReferralAcknowledged{DepartmentID: dept1, At: at},
		ReferralReturned{DepartmentID: dept1, Reason: leaky, At: at},
		ResponseRecorded{Summary: leaky, At: at},
		ExtensionRequested{RequestID: "ext-1", DueDate: date(30), Reason: leaky, At: at},
		ExtensionGranted{RequestID: "ext-1", DueDate: date(28), At: at},
		ExtensionDenied{RequestID: "ext-2", Reason: leaky, At: at},
		CaseSuspended{Reason: leaky, At: at},
		CaseResumed{Note: leaky, At: at},
		SupervisionOrdered{Level: LevelFlag, Note: leaky, Source: SourceEscalation, At: at},
		InvestigationRecorded{Finding: FindingPartly, Summary: leaky, At: at},
		RectificationRequired{RectificationID: "rect-1", Items: []string{leaky, "second"}, DueDate: date(14), At: at},
		RectificationReported{RectificationID: "rect-1", Summary: leaky, At: at},
		RectificationVerified{RectificationID: "rect-1", Accepted: true, Note: leaky, At: at},
		AccountabilityRecorded{Subject: "Section chief Wang", Measure: MeasureDismissal, Note: leaky, At: at},
		CaseResolved{Outcome: "explained", Summary: leaky, At: at},
		ComplainantReplied{Message: leaky, Method: MethodLetter, At: at},
		SatisfactionRecorded{Level: SatisfactionDissatisfied, Note: leaky, At: at},
		CaseReopened{Reason: leaky, At: at},
		CaseClosed{Note: leaky, Reason: leaky, NoFollowUp: NoFollowUpUnreachable, At: at},
		PersonalDataShredded{Reason: leaky, At: at},
		DeadlineApproaching{DeadlineFacts: sampleFacts(ladder.Approaching), At: at},
		ResponseOverdue{DeadlineFacts: sampleFacts(ladder.ResponseOverdue), At: at},
		ClosureOverdue{DeadlineFacts: sampleFacts(ladder.ClosureOverdue), At: at},
		RectificationOverdue{DeadlineFacts: sampleFacts(ladder.RectificationOverdue), At: at},
		Escalated{DeadlineFacts: sampleFacts(ladder.Flagged), At: at},
	}
}

func sampleFacts(alarm ladder.Step) DeadlineFacts {
	return DeadlineFacts{Alarm: alarm, Clock: "closure", Round: 2, Version: 3, DueAt: t0.Add(72 * time.Hour),
		FallsDueAt: t0.Add(72 * time.Hour), DepartmentID: dept1, WorkdaysLate: 2, Level: 2}
}

func TestEventsRoundTrip(t *testing.T) {
	t.Parallel()
	samples := sampleEvents()
	var types []string
	for _, e := range samples {
		types = append(types, e.EventType())
		if !IsEventType(e.EventType()) {
			t.Errorf("IsEventType(%q) = false", e.EventType())
		}
		if !reflect.ValueOf(e).FieldByName("At").IsValid() || hasZeroField(reflect.ValueOf(e)) {
			t.Errorf("%s: the sample leaves a field empty (or has no At): %+v", e.EventType(), e)
		}
		data, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Decode(e.EventType(), data)
		if err != nil {
			t.Fatalf("%s: %v", e.EventType(), err)
		}
		if !reflect.DeepEqual(back, e) {
			t.Errorf("%s: round trip\n%#v\n%#v", e.EventType(), back, e)
		}
		if strings.Contains(string(data), `"At"`) || !strings.Contains(string(data), `"at"`) {
			t.Errorf("%s: JSON names are not camelCase: %s", e.EventType(), data)
		}
	}
	if !slices.Equal(types, EventTypes()) {
		t.Errorf("samples %v\nEventTypes %v", types, EventTypes())
	}
	if len(decoders) != len(EventTypes()) {
		t.Errorf("%d decoders for %d event types", len(decoders), len(EventTypes()))
	}
	for _, bad := range []string{"", "caseResolved", "CaseResolved ", "DeadlineRaised"} {
		if IsEventType(bad) {
			t.Errorf("IsEventType(%q) = true", bad)
		}
		if _, err := Decode(bad, []byte("{}")); err == nil {
			t.Errorf("Decode(%q) succeeded", bad)
		}
	}
	if _, err := Decode(TypeCaseResolved, []byte(`{"outcome": 7}`)); err == nil {
		t.Error("Decode of a mistyped payload succeeded")
	}
}

// hasZeroField reports whether a field of the struct v is its zero value
// (false is allowed: a bool has two values).
func hasZeroField(v reflect.Value) bool {
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() != reflect.Bool && f.IsZero() {
			return true
		}
	}
	return false
}

// TestSummaryKeepsPersonalDataOut: no summary, of the sample events whose
// free text names the complainant or of the events of every scenario of a
// case filed with personal data, contains that data.
func TestSummaryKeepsPersonalDataOut(t *testing.T) {
	t.Parallel()
	tax := DefaultTaxonomy()
	events := sampleEvents()
	for _, s := range scenarios {
		_, history, err := build(s)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, history...)
	}
	seen := map[string]bool{}
	for _, e := range events {
		seen[e.EventType()] = true
		line := Summary(e, tax).String()
		for _, secret := range []string{secretName, secretPhone, secretID, secretAddress, secretContact, "Dear"} {
			if strings.Contains(line, secret) {
				t.Errorf("%s: summary %q contains %q", e.EventType(), line, secret)
			}
		}
		if line == "" || line == e.EventType() {
			t.Errorf("%s: no summary of its own: %q", e.EventType(), line)
		}
		if !strings.ContainsFunc(line, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("%s: summary %q has no Chinese term", e.EventType(), line)
		}
	}
	for _, typ := range EventTypes() {
		if !seen[typ] {
			t.Errorf("no summary checked for %s", typ)
		}
	}
	if got := Summary(CaseAccepted{Mode: ModeDirect}, tax).String(); got != "Accepted (受理) for direct fast handling (直查快办)" {
		t.Errorf("summary of direct handling: %q", got)
	}
	if got := Summary(ReferralReturned{DepartmentID: dept1, Reason: leaky}, tax).String(); got != "Returned by department dept-1 (退单)" {
		t.Errorf("summary of a return: %q", got)
	}
}

// TestApplyRefusesCorruptHistory: an event that cannot belong to the case
// is an error, and the case is left as it was.
func TestApplyRefusesCorruptHistory(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		scenario string
		event    Event
	}{
		{"event before the filing", "none", CaseAccepted{Mode: ModeSelf, At: t0}},
		{"filed twice", "filed", ComplaintFiled{CaseID: "other", At: t0}},
		{"grant of an unknown request", "in_progress/extension_pending", ExtensionGranted{RequestID: "ext-9", DueDate: date(3), At: t0}},
		{"denial of an unknown request", "in_progress/department", ExtensionDenied{RequestID: "ext-1", Reason: "r", At: t0}},
		{"report of an unknown rectification", "in_progress/substantiated", RectificationReported{RectificationID: "rect-1", Summary: "s", At: t0}},
		{"verification of an unknown rectification", "in_progress/rectification_reported", RectificationVerified{RectificationID: "rect-2", Accepted: true, At: t0}},
		{"nil", "filed", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustBuild(t, tt.scenario)
			before := snapshot(t, c)
			if err := c.Apply(tt.event); err == nil {
				t.Fatal("applied")
			}
			if snapshot(t, c) != before {
				t.Error("a refused event changed the case")
			}
		})
	}
}

// TestApplyDoesNotAlias: a copy of a case taken before Apply does not change
// when the case does (Apply copies the lists it changes).
func TestApplyDoesNotAlias(t *testing.T) {
	t.Parallel()
	c := mustBuild(t, "in_progress/rectification_reported")
	do(t, c, later(dept1), RequestExtension{DueDate: date(30), Reason: "r"})
	copied := *c
	before := snapshot(t, &copied)
	do(t, c, later(""), VerifyRectification{RectificationID: "rect-1", Accepted: true})
	do(t, c, later(""), DecideExtension{RequestID: "ext-1", Grant: true})
	if snapshot(t, &copied) != before {
		t.Error("Apply changed a copy of the case through a shared list")
	}
}
