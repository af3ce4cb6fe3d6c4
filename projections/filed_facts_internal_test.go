package projections

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain/complaint"
)

// TestFiledFacts: the counts' few fields of a filed complaint decode from
// the event as the domain writes it.
func TestFiledFacts(t *testing.T) {
	at := time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)
	raw, err := json.Marshal(complaint.ComplaintFiled{Channel: "hotline", ReceivedAt: at, MonitoringPointID: "pt-1",
		RespondentDepartmentID: "dept-1", Categories: []string{"efficiency"}, IssueTypes: []string{"slow_action", "inaction"},
		Title: "t", Description: "d"})
	if err != nil {
		t.Fatal(err)
	}
	var f filedFacts
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if f.Channel != "hotline" || !f.ReceivedAt.Equal(at) || f.MonitoringPointID != "pt-1" || f.RespondentDepartmentID != "dept-1" ||
		!slices.Equal(f.Categories, []string{"efficiency"}) || !slices.Equal(f.IssueTypes, []string{"slow_action", "inaction"}) {
		t.Fatalf("decoded %+v", f)
	}
}
