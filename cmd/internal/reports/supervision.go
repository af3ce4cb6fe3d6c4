package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/report"
	"github.com/watchpost/watchpost/projections"
)

// supervisionNote is the note of a supervision order a leader's
// instruction puts on a case. The department reads it: it says where the
// order comes from and names no report and no finding.
const supervisionNote = "根据市领导批示督办"

// dispatchers is how many cases one instruction orders supervision on at
// once.
const dispatchers = 8

// dispatch puts the supervision an instruction ordered on every case
// behind its report that it can be put on, as the system acting on the
// leader's instruction, and records that it is done. The order on a case
// has a command id derived from the report, the instruction and the case,
// so each case gets it once however often dispatch runs, on however many
// replicas. A case whose state allows no supervision (closed, not
// accepted, still waiting at intake) is skipped with the reason. It
// reports whether it recorded the dispatch.
func (s *Service) dispatch(ctx context.Context, reportID, instructionID string) (bool, error) {
	r, err := projections.GetSpecialReport(ctx, s.d.Pool, reportID)
	if err != nil {
		return false, err
	}
	in, ok := r.Instruction(instructionID)
	if !ok || in.Supervision == "" || in.Dispatched {
		return false, nil
	}
	actor := access.Principal{TokenID: "system", Role: access.RoleSupervisor, Name: "special report " + reportID}
	causation := reportID + "/" + instructionID
	var (
		mu      sync.Mutex
		ordered []string
		skipped []report.Skipped
		failed  error
		wg      sync.WaitGroup
		next    = make(chan string)
	)
	for range min(dispatchers, len(r.Cases)) {
		wg.Go(func() {
			for caseID := range next {
				meta := system("report-supervision:"+reportID+":"+instructionID+":"+caseID, causation, reportID)
				_, err := s.d.Cases.Take(ctx, actor, meta, caseID, complaint.OrderSupervision{Level: in.Supervision, Note: supervisionNote})
				mu.Lock()
				switch code := domain.ErrorCode(err); {
				case err == nil || stored(err):
					ordered = append(ordered, caseID)
				case code == domain.CodeStateConflict, code == domain.CodeNotFound, code == domain.CodeInvalid, code == domain.CodeForbidden:
					skipped = append(skipped, report.Skipped{CaseID: caseID, Reason: err.Error()})
				default:
					failed = fmt.Errorf("order supervision on case %s: %w", caseID, err)
				}
				mu.Unlock()
			}
		})
	}
	for _, id := range r.Cases {
		next <- id
	}
	close(next)
	wg.Wait()
	if failed != nil {
		return false, failed
	}
	slices.Sort(ordered)
	slices.SortFunc(skipped, func(a, b report.Skipped) int { return strings.Compare(a.CaseID, b.CaseID) })
	meta := system("report-dispatched:"+reportID+":"+instructionID, causation, reportID)
	res, err := s.execReport(ctx, "dispatch_supervision", reportID, meta, func(st *report.State, now time.Time) ([]report.Event, error) {
		return st.Dispatch(instructionID, ordered, skipped, now)
	})
	if err != nil {
		return false, err
	}
	if err := s.d.Run.Settle(ctx, res.LastSeq); err != nil {
		return false, err
	}
	return len(res.Events) > 0 && !res.Duplicate, nil
}

// markOverdue records that an instruction's follow-up was not reported by
// its due date, once. It reports whether it recorded it.
func (s *Service) markOverdue(ctx context.Context, reportID, instructionID string) (bool, error) {
	meta := system("report-overdue:"+reportID+":"+instructionID, reportID+"/"+instructionID, reportID)
	res, err := s.execReport(ctx, "follow_up_overdue", reportID, meta, func(st *report.State, now time.Time) ([]report.Event, error) {
		return st.Overdue(instructionID, now)
	})
	if err != nil {
		return false, err
	}
	if err := s.d.Run.Settle(ctx, res.LastSeq); err != nil {
		return false, err
	}
	return len(res.Events) > 0 && !res.Duplicate, nil
}
