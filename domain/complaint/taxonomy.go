package complaint

import "slices"

// Term is one entry of a classification: a stable code and its official
// label.
type Term struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Taxonomy is the classification a complaint is filed under. It is data: an
// administrator can extend it, so validation takes it as an argument.
type Taxonomy struct {
	Channels   []Term `json:"channels"`
	Categories []Term `json:"categories"`
	IssueTypes []Term `json:"issueTypes"`
	Outcomes   []Term `json:"outcomes"`
}

// DefaultTaxonomy is the classification of the monitoring-point rules
// (衢纪发〔2009〕12号 §五, §七.2).
func DefaultTaxonomy() Taxonomy {
	return Taxonomy{
		Channels: []Term{
			{"monitoring_point", "监测点"},
			{"hotline", "热线电话"},
			{"letter", "来信"},
			{"web", "网上投诉"},
			{"walk_in", "来访"},
			{"supervisor_visit", "监督员走访"},
			{"inspection", "明查暗访"},
			{"media", "媒体曝光"},
		},
		Categories: []Term{
			{"lawful_administration", "依法行政"},
			{"efficiency", "办事效率"},
			{"service_attitude", "服务态度"},
			{"transparency", "政务公开"},
			{"integrity", "勤政廉政"},
		},
		IssueTypes: []Term{
			{"arbitrary_inspection", "乱检查"},
			{"arbitrary_fees", "乱收费"},
			{"arbitrary_fines", "乱罚款"},
			{"forced_sponsorship", "乱拉赞助"},
			{"inaction", "不作为"},
			{"slow_action", "慢作为"},
			{"arbitrary_action", "乱作为"},
			{"graft", "吃拿卡要报"},
		},
		Outcomes: []Term{
			{"resolved", "已解决"},
			{"explained", "解释疏导"},
			{"unsubstantiated", "查无实据"},
		},
	}
}

// has reports whether code is one of terms.
func has(terms []Term, code string) bool {
	return slices.ContainsFunc(terms, func(t Term) bool { return t.Code == code })
}

// Label returns the label of code in terms, or the code itself.
func Label(terms []Term, code string) string {
	for _, t := range terms {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}

// termCodes lists the codes of terms.
func termCodes(terms []Term) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = t.Code
	}
	return out
}
