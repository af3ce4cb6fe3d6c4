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

func TestSealAndShred(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 24, 9, 0, 0, 0, time.UTC)
	c := &Case{}
	events, err := c.File("c1", FileComplaint{Channel: "web", Categories: []string{"efficiency"}, Title: "t", Description: "d",
		Complainant: Complainant{Name: "李四", Phone: "139", ConsentToDisclose: true}, TrackingHash: "h"}, DefaultTaxonomy(), now)
	if err != nil {
		t.Fatal(err)
	}
	filed := events[0].(ComplaintFiled).Sealed("v1:ciphertext")
	if filed.Complainant != (Complainant{ConsentToDisclose: true}) || filed.SealedComplainant != "v1:ciphertext" || filed.TrackingHash != "h" {
		t.Fatalf("sealed event %+v", filed)
	}
	if err := c.Apply(filed); err != nil {
		t.Fatal(err)
	}
	if c.Complainant.Name != "" || c.SealedComplainant == "" || !c.Complainant.ConsentToDisclose {
		t.Fatalf("case %+v", c)
	}
	if _, err := c.Shred("", now); domain.ErrorCode(err) != domain.CodeInvalid {
		t.Fatalf("shred without a reason: %v", err)
	}
	shred, err := c.Shred("retention period over", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Apply(shred[0]); err != nil {
		t.Fatal(err)
	}
	if !c.PersonalDataRemoved || c.SealedComplainant != "" {
		t.Fatalf("after shredding %+v", c)
	}
	if _, err := c.Shred("again", now); domain.ErrorCode(err) != domain.CodeStateConflict {
		t.Fatalf("second shred: %v", err)
	}
	if _, err := (&Case{}).Shred("x", now); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("shred of nothing: %v", err)
	}
}
