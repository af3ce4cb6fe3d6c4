package web

import (
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/ladder"
)

// choice is one value of a select, its code and its Chinese name.
type choice struct{ Code, Label string }

// choices are the values of the step forms' selects, named from the
// catalog.
type choices struct {
	Modes, Levels, Findings, Measures, Methods, Satisfaction, NoFollowUp []choice
}

func (s *Server) choices() choices {
	named := func(kind string, codes ...string) []choice {
		out := make([]choice, len(codes))
		for i, c := range codes {
			out[i] = choice{c, s.Catalog.Label(zh, kind, c)}
		}
		return out
	}
	var levels []choice
	for _, l := range ladder.Levels() {
		levels = append(levels, choice{l.Code(), l.Label()})
	}
	return choices{
		Modes:    named("mode", complaint.ModeDirect, complaint.ModeSelf, complaint.ModeReferral, complaint.ModeSupervised),
		Levels:   levels,
		Findings: named("finding", complaint.FindingSubstantiated, complaint.FindingPartly, complaint.FindingUnsubstantiated),
		Measures: named("measure", complaint.MeasureCriticism, complaint.MeasureAdmonition, complaint.MeasureTransfer,
			complaint.MeasureSanction, complaint.MeasureDismissal),
		Methods: named("method", complaint.MethodPhone, complaint.MethodLetter, complaint.MethodSMS, complaint.MethodVisit, complaint.MethodWeb),
		Satisfaction: named("satisfaction", complaint.SatisfactionSatisfied, complaint.SatisfactionBasically,
			complaint.SatisfactionDissatisfied),
		NoFollowUp: named("noFollowUp", complaint.NoFollowUpUnreachable, complaint.NoFollowUpAnonymous, complaint.NoFollowUpDeclined),
	}
}
