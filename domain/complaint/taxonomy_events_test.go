package complaint

import (
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
)

func TestTaxonomyExtension(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	tax := DefaultTaxonomy()
	events, err := tax.AddTerm(KindIssueTypes, "delayed_permits", "审批拖延", now)
	if err != nil || len(events) != 1 {
		t.Fatalf("add: %v %v", events, err)
	}
	if err := tax.ApplyTerm(events[0]); err != nil {
		t.Fatal(err)
	}
	if !has(tax.IssueTypes, "delayed_permits") || len(DefaultTaxonomy().IssueTypes) != len(tax.IssueTypes)-1 {
		t.Fatalf("issue types %v", tax.IssueTypes)
	}
	// A case may now be filed under the new type.
	c := &Case{}
	f := FileComplaint{Channel: "web", Complainant: Complainant{Name: "x"}, Categories: []string{"efficiency"},
		IssueTypes: []string{"delayed_permits"}, Title: "t", Description: "d"}
	if _, err := c.File("c1", f, tax, now); err != nil {
		t.Fatal(err)
	}
	if _, err := c.File("c1", f, DefaultTaxonomy(), now); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("the default taxonomy accepted the new code: %v", err)
	}
	for _, tt := range []struct {
		kind, code, label string
		want              domain.Code
	}{
		{KindIssueTypes, "delayed_permits", "again", domain.CodeStateConflict},
		{"outcomes", "forgiven", "宽恕", domain.CodeNotFound},
		{KindChannels, "Bad Code", "x", domain.CodeInvalid},
		{KindChannels, "wechat", "", domain.CodeInvalid},
		{KindChannels, "wechat", "a\x01b", domain.CodeInvalid},
	} {
		if _, err := tax.AddTerm(tt.kind, tt.code, tt.label, now); domain.ErrorCode(err) != tt.want {
			t.Errorf("%s %q %q: %v, want %s", tt.kind, tt.code, tt.label, err, tt.want)
		}
	}
}
