package network

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/network"
	"github.com/watchpost/watchpost/projections"
	"github.com/xuri/excelize/v2"
)

// The titles of the seeds' forms.
const (
	form1Title = "衢州市经济发展软环境监测月报表"
	form2Title = "衢州市入点检查收费罚款登记表"
)

var (
	kindNames  = map[network.ItemKind]string{network.ItemOpinion: "意见", network.ItemSuggestion: "建议", network.ItemComplaint: "投诉"}
	entryNames = map[network.EntryKind]string{network.EntryInspection: "检查", network.EntryFee: "收费", network.EntryFine: "罚款"}
	sideNames  = map[network.Side]string{network.SideDepartment: "部门（单位）", network.SidePoint: "监测点"}
	pointKinds = func() map[network.PointKind]string {
		out := map[network.PointKind]string{}
		for _, t := range network.PointKinds() {
			out[network.PointKind(t.Code)] = t.ZH
		}
		return out
	}()
)

// monthName writes 2026-11 as 2026年11月.
func monthName(m network.Month) string { return fmt.Sprintf("%d年%d月", m.Year(), m.Number()) }

// sheet writes rows of cells into a workbook's only sheet, named name,
// with a title row merged over the table's width.
type sheet struct {
	f     *excelize.File
	name  string
	width int
	row   int
	err   error
}

func newSheet(name string, width int) *sheet {
	f := excelize.NewFile()
	s := &sheet{f: f, name: name, width: width}
	s.err = f.SetSheetName("Sheet1", name)
	return s
}

func (s *sheet) put(values ...any) {
	if s.err != nil {
		return
	}
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err == nil {
		err = s.f.SetSheetRow(s.name, cell, &values)
	}
	s.err = err
}

// title writes a row merged over the table's width, in bold.
func (s *sheet) title(text string, size float64) {
	s.put(text)
	if s.err != nil {
		return
	}
	from, _ := excelize.CoordinatesToCellName(1, s.row)
	to, _ := excelize.CoordinatesToCellName(s.width, s.row)
	if s.err = s.f.MergeCell(s.name, from, to); s.err != nil {
		return
	}
	style, err := s.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: size}, Alignment: &excelize.Alignment{Horizontal: "center"}})
	if err == nil {
		err = s.f.SetCellStyle(s.name, from, to, style)
	}
	s.err = err
}

func (s *sheet) bytes() ([]byte, error) {
	if s.err != nil {
		return nil, s.err
	}
	for c := 1; c <= s.width; c++ {
		col, _ := excelize.ColumnNumberToName(c)
		if err := s.f.SetColWidth(s.name, col, col, 16); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if err := s.f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), s.f.Close()
}

// ExportReport writes a workstation's monthly report in the layout of
// 附表一: per point the opinions, suggestions and complaints raised, then
// the items; "零报告" when nothing was raised.
//
// Who: the center (a supervisor for the workstations they look after).
func (s *Service) ExportReport(ctx context.Context, p access.Principal, workstationID string, m network.Month) ([]byte, error) {
	if err := access.Permit(p, access.ExportNetwork); err != nil {
		return nil, err
	}
	v, err := s.Report(ctx, p, workstationID, m)
	if err != nil {
		return nil, err
	}
	w, err := projections.GetWorkstation(ctx, s.d.Pool, workstationID)
	if err != nil {
		return nil, err
	}
	names := map[string]ReportPoint{}
	for _, pt := range v.Points {
		names[pt.ID] = pt
	}
	sh := newSheet("附表一", 8)
	sh.title(form1Title, 16)
	sh.put("工作站", w.Name, "建站单位", w.HostUnit, "月份", monthName(m), "报送状态", reportState(v))
	sh.put("分管领导", w.Leader, "责任处室", w.Office, "报送时间", submitted(v, s), "截止时间", v.DueAt.In(s.d.Policy.Loc).Format("2006-01-02 15:04"))
	sh.put("序号", "监测点", "类型", "意见（条）", "建议（条）", "投诉（件）", "合计", "备注")
	var sum network.Tally
	for i, t := range v.Tallies {
		pt := names[t.PointID]
		name := pt.Name
		if name == "" {
			name = t.PointID
		}
		note := ""
		if t.Opinions+t.Suggestions+t.Complaints == 0 {
			note = "无"
		}
		sh.put(i+1, name, pointKinds[pt.Kind], t.Opinions, t.Suggestions, t.Complaints, t.Opinions+t.Suggestions+t.Complaints, note)
		sum.Opinions, sum.Suggestions, sum.Complaints = sum.Opinions+t.Opinions, sum.Suggestions+t.Suggestions, sum.Complaints+t.Complaints
	}
	total := sum.Opinions + sum.Suggestions + sum.Complaints
	note := ""
	if v.Zero || total == 0 {
		note = "零报告"
	}
	sh.put("合计", "", "", sum.Opinions, sum.Suggestions, sum.Complaints, total, note)
	sh.put()
	sh.put("反映事项明细")
	sh.put("序号", "监测点", "类别", "主要内容", "涉及部门", "次数", "投诉件编号", "")
	items := v.Items
	if v.Status != network.StatusSubmitted {
		items = v.Listed
	}
	for i, it := range items {
		name := names[it.PointID].Name
		if name == "" {
			name = it.PointID
		}
		sh.put(i+1, name, kindNames[it.Kind], it.Text, it.DepartmentID, max(it.Count, 1), it.CaseID, "")
	}
	return sh.bytes()
}

func reportState(v ReportView) string {
	switch {
	case v.Status == network.StatusSubmitted && v.Late:
		return "逾期报送"
	case v.Status == network.StatusSubmitted:
		return "按时报送"
	case v.Status == network.StatusOverdue:
		return "逾期未报"
	}
	return "未报送"
}

func submitted(v ReportView, s *Service) string {
	if v.SubmittedAt.IsZero() {
		return ""
	}
	return v.SubmittedAt.In(s.d.Policy.Loc).Format("2006-01-02 15:04")
}

// ExportEntries writes the month's two-way registration records (of one
// point, when set) in the layout of 附表二, both sides, with how each was
// matched.
//
// Who: the center (a supervisor for the points they look after).
func (s *Service) ExportEntries(ctx context.Context, p access.Principal, m network.Month, pointID string) ([]byte, error) {
	if err := access.Permit(p, access.ExportNetwork); err != nil {
		return nil, err
	}
	if pointID != "" && !network.ValidID(pointID) {
		return nil, domain.Invalid("point", "%q is not a point id", pointID)
	}
	list, err := s.Entries(ctx, p, EntryQuery{PointID: pointID, Month: m})
	if err != nil {
		return nil, err
	}
	points, err := projections.ListPoints(ctx, s.d.Pool, "")
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, pt := range points {
		names[pt.ID] = pt.Name
	}
	sh := newSheet("附表二", 12)
	sh.title(form2Title, 16)
	scope := "全部监测点"
	if pointID != "" {
		scope = names[pointID]
	}
	sh.put("月份", monthName(m), "监测点", scope)
	sh.put("序号", "日期", "监测点", "部门（单位）", "公务人员", "事项", "依据", "金额（元）", "文书编号", "登记方", "核对情况", "投诉件编号")
	for i, e := range list {
		sh.put(i+1, e.OccurredAt.In(s.d.Policy.Loc).Format("2006-01-02 15:04"), names[e.PointID], e.DepartmentID, e.Officer,
			entryNames[e.Kind], e.LegalBasis, e.Amount, e.DocumentNo, sideNames[e.Side], matchState(e), e.CaseID)
	}
	return sh.bytes()
}

func matchState(e EntryView) string {
	switch {
	case e.Paired:
		return "双方一致"
	case e.Flag == network.FlagNotRegistered:
		return "部门未登记"
	case e.Flag == network.FlagNotConfirmed:
		return "监测点未确认"
	}
	return "待核对"
}

// ExportName is the file name of an export.
func ExportName(form string, parts ...string) string {
	return form + "-" + strings.Join(parts, "-") + ".xlsx"
}
