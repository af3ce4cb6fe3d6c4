package reports

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/watchpost/watchpost/cmd/internal/locale"
	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/finding"
	"github.com/watchpost/watchpost/domain/trend"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/projections"
)

// pdfCases bounds the cases the PDF lists one by one.
const pdfCases = 300

// PDF draws an issued report as a PDF with its text in Chinese (the font
// embedded, only the characters used), for a leader to read, print and
// forward. A leader's first download is its read receipt, as a reading
// is. It returns the document and a file name.
func (s *Service) PDF(ctx context.Context, p access.Principal, id string) ([]byte, string, error) {
	if err := access.Permit(p, access.ReadSpecialReports); err != nil {
		return nil, "", err
	}
	r, err := s.opened(ctx, p, id)
	if err != nil {
		return nil, "", err
	}
	if !r.Status.Issued() {
		return nil, "", domain.StateConflict("report %s has not been issued; an issued report has a PDF", id)
	}
	v, err := s.view(ctx, p, r, true)
	if err != nil {
		return nil, "", err
	}
	font, err := s.fontBytes()
	if err != nil {
		return nil, "", err
	}
	names, err := s.names(ctx)
	if err != nil {
		return nil, "", err
	}
	doc, err := drawReport(v, font, names, s.catalog)
	if err != nil {
		return nil, "", err
	}
	return doc, id + ".pdf", nil
}

// fontBytes reads the PDF font once.
func (s *Service) fontBytes() ([]byte, error) {
	s.fontOnce.Do(func() {
		s.font, s.fontErr = os.ReadFile(s.d.Font)
	})
	if s.fontErr != nil {
		// A deployment without the font cannot draw the PDF; nothing the
		// caller sent is wrong.
		return nil, fmt.Errorf("%w: the PDF font %s cannot be read (install fonts-droid-fallback or set WATCHPOST_PDF_FONT): %w",
			eventstore.ErrUnavailable, s.d.Font, s.fontErr)
	}
	return s.font, nil
}

// labels are the Chinese names a PDF shows for codes.
type labels struct {
	departments, issueTypes, categories map[string]string
}

func (s *Service) names(ctx context.Context) (labels, error) {
	out := labels{departments: map[string]string{}, issueTypes: map[string]string{}, categories: map[string]string{}}
	deps, err := projections.ListDepartments(ctx, s.d.Pool, true)
	if err != nil {
		return out, err
	}
	for _, d := range deps {
		out.departments[d.ID] = d.Name
	}
	tax, err := s.d.Taxonomy(ctx)
	if err != nil {
		return out, err
	}
	for _, t := range tax.IssueTypes {
		out.issueTypes[t.Code] = t.Label
	}
	for _, t := range tax.Categories {
		out.categories[t.Code] = t.Label
	}
	return out, nil
}

// or is the name of a code, or the code itself.
func or(m map[string]string, code string) string {
	if n, ok := m[code]; ok && n != "" {
		return n
	}
	return code
}

// cellName writes a cell in words: 市住建局 × 慢作为.
func (l labels) cellName(c finding.Cell) string {
	var parts []string
	if c.Department != "" {
		parts = append(parts, or(l.departments, c.Department))
	}
	if c.IssueType != "" {
		parts = append(parts, or(l.issueTypes, c.IssueType))
	}
	if c.Category != "" {
		parts = append(parts, or(l.categories, c.Category))
	}
	if c.District != "" {
		parts = append(parts, c.District)
	}
	if c.PointType != "" {
		parts = append(parts, "监测点类型 "+c.PointType)
	}
	if c.Dimension == finding.Issue {
		parts = append(parts, "全市")
	}
	return strings.Join(parts, " × ")
}

// page is the PDF being drawn and what it draws with.
type page struct {
	*fpdf.Fpdf
	cat *locale.Catalog
	l   labels
	tr  func(string) string // UTF-8 to the built-in font's Windows-1252
}

const (
	pdfFont  = "cjk"
	pdfWidth = 170.0 // mm between the margins of an A4 page
)

// drawReport draws the report.
func drawReport(v ReportView, font []byte, l labels, cat *locale.Catalog) ([]byte, error) {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(pdfFont, "", font)
	f.SetTitle(v.Title, true)
	f.SetSubject("专报", true)
	f.SetCreator("Watchpost", true)
	// A fixed creation date keeps the same report the same document.
	f.SetCreationDate(v.UpdatedAt)
	f.SetModificationDate(v.UpdatedAt)
	f.SetMargins(20, 20, 20)
	f.SetAutoPageBreak(true, 20)
	pg := page{Fpdf: f, cat: cat, l: l, tr: f.UnicodeTranslatorFromDescriptor("")}
	f.SetFooterFunc(func() {
		f.SetY(-14)
		f.SetTextColor(110, 110, 110)
		pg.line([]rune(fmt.Sprintf("第 %d 页", f.PageNo())), 9, 6, "C")
	})
	f.AddPage()

	// The head of a 专报: its name in red over a red rule, the title.
	f.SetTextColor(190, 20, 20)
	pg.write("专  报", 26, 14, "C")
	issued := ""
	if v.IssuedAt != nil {
		issued = cat.Date(locale.ZH, *v.IssuedAt)
	}
	y := f.GetY()
	pg.write("编号："+v.ID, 10, 6, "L")
	f.SetY(y)
	pg.write("签发："+issued, 10, 6, "R")
	f.SetDrawColor(190, 20, 20)
	f.SetLineWidth(0.8)
	y = f.GetY() + 1
	f.Line(20, y, 20+pdfWidth, y)
	f.SetY(y + 5)
	f.SetTextColor(0, 0, 0)
	pg.write(v.Title, 17, 9, "C")
	f.Ln(2)
	var to []string
	for _, r := range v.Recipients {
		to = append(to, nameOr(r.Name, r.ID))
	}
	pg.paragraph("报送：" + strings.Join(to, "、"))

	pg.section("一、摘要")
	pg.paragraph(v.Summary)
	if v.Analysis != "" {
		pg.section("二、分析")
		pg.paragraph(v.Analysis)
	}
	if v.Recommendations != "" {
		pg.section("三、建议")
		pg.paragraph(v.Recommendations)
	}
	if len(v.Findings) > 0 {
		pg.section("四、趋势发现")
		for i, fv := range v.Findings {
			pg.findingBlock(i+1, fv)
			for _, c := range v.Charts {
				if c.FindingID == fv.ID {
					pg.chart(c)
				}
			}
		}
	}
	pg.section(fmt.Sprintf("五、涉及案件（%d 件）", v.CaseCount))
	pg.cases(v.Cases)
	if len(v.Instructions) > 0 {
		pg.section("六、领导批示")
		for _, in := range v.Instructions {
			who := nameOr(in.LeaderName, in.LeaderID)
			pg.paragraph(fmt.Sprintf("%s（%s）：%s", who, cat.Time(locale.ZH, in.GivenAt), in.Text))
			if in.Supervision != "" {
				pg.paragraph(fmt.Sprintf("督办：%s，已对 %d 件案件下达督办。", cat.Label(locale.ZH, "supervision_level", in.Supervision), in.Ordered))
			}
			if fu := in.FollowUp; fu != nil {
				who := or(l.departments, fu.DepartmentID)
				if fu.SupervisorID != "" {
					who = "效能监督员"
				}
				// The due date is the end of its last working day.
				line := fmt.Sprintf("跟踪落实：%s，%d 个工作日内（%s 前）反馈。", who, fu.Workdays, cat.Date(locale.ZH, fu.DueAt.Add(-time.Nanosecond)))
				if in.Reported != nil {
					line += "已反馈：" + in.Reported.Summary
				}
				pg.paragraph(line)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("reports: draw the PDF: %w", err)
	}
	return buf.Bytes(), nil
}

func nameOr(name, id string) string {
	if name != "" {
		return name
	}
	return id
}

func (p page) section(title string) {
	p.Ln(3)
	p.SetTextColor(0, 0, 0)
	p.write(title, 13, 8, "L")
}

func (p page) paragraph(text string) {
	p.SetTextColor(0, 0, 0)
	p.write(text, 11, 6.5, "L")
}

func (p page) findingBlock(n int, f FindingView) {
	kind := p.cat.Label(locale.ZH, "trend_kind", string(f.Kind))
	method := p.cat.Label(locale.ZH, "trend_method", string(f.Signal.Method))
	p.write(fmt.Sprintf("%d. %s：%s", n, kind, p.l.cellName(f.Cell)), 11, 6.5, "L")
	p.SetTextColor(60, 60, 60)
	stat := fmt.Sprintf("方法：%s；时段：%s 至 %s；%s", method, dateZH(f.From), dateZH(f.To), measure(f.Signal))
	p.write(stat, 10, 5.5, "L")
	p.write(fmt.Sprintf("涉及案件 %d 件；状态：%s", f.CaseCount, p.cat.Label(locale.ZH, "trend_status", string(f.Status))), 10, 5.5, "L")
	p.SetTextColor(0, 0, 0)
}

// measure writes what a rule measured.
func measure(s SignalView) string {
	out := fmt.Sprintf("观测 %.0f，基线 %.2f", s.Observed, s.Expected)
	if s.PValue != nil {
		out += fmt.Sprintf("，p = %.1e", *s.PValue)
	} else {
		out += fmt.Sprintf("，统计量 %.2f（阈值 %.2f）", s.Statistic, s.Threshold)
	}
	return out
}

func dateZH(d trend.Date) string {
	y, m, day := d.Civil()
	return fmt.Sprintf("%d年%d月%d日", y, m, day)
}

// chart draws a cell's daily counts as bars, the baseline as a line and
// the level of a finding as a dashed line.
func (p page) chart(c Chart) {
	if len(c.Points) == 0 {
		return
	}
	const h = 40.0
	if p.GetY()+h+12 > 277 {
		p.AddPage()
	}
	x0, y0 := 28.0, p.GetY()+2
	w := pdfWidth - 8
	top := 1.0
	for _, pt := range c.Points {
		top = max(top, float64(pt.Cases), pt.Limit)
	}
	top = float64(int(top) + 1)
	yOf := func(v float64) float64 { return y0 + h - h*v/top }
	step := w / float64(len(c.Points))
	p.SetDrawColor(150, 150, 150)
	p.SetLineWidth(0.2)
	p.Line(x0, y0+h, x0+w, y0+h)
	p.Line(x0, y0, x0, y0+h)
	p.SetTextColor(90, 90, 90)
	p.textAt(x0-6, y0+2, fmt.Sprintf("%.0f", top), 7)
	p.textAt(x0-4, y0+h, "0", 7)
	for i, pt := range c.Points {
		x := x0 + float64(i)*step
		if pt.Finding {
			p.SetFillColor(200, 40, 40)
		} else {
			p.SetFillColor(90, 120, 180)
		}
		if pt.Cases > 0 {
			p.Rect(x+step*0.15, yOf(float64(pt.Cases)), step*0.7, h*float64(pt.Cases)/top, "F")
		}
		if i > 0 {
			prev := c.Points[i-1]
			p.SetDrawColor(40, 40, 40)
			p.SetLineWidth(0.4)
			p.Line(x-step/2, yOf(prev.Baseline), x+step/2, yOf(pt.Baseline))
			p.SetDrawColor(220, 120, 0)
			p.SetLineWidth(0.2)
			p.SetDashPattern([]float64{1, 1}, 0)
			p.Line(x-step/2, yOf(prev.Limit), x+step/2, yOf(pt.Limit))
			p.SetDashPattern(nil, 0)
		}
	}
	first, last := c.Points[0].Day, c.Points[len(c.Points)-1].Day
	p.textAt(x0, y0+h+4, dateZH(first), 7)
	p.textAt(x0+w-22, y0+h+4, dateZH(last), 7)
	p.SetY(y0 + h + 6)
	p.write("柱：每日案件数（红色为发现日）；实线：基线；虚线：发现阈值", 8, 5, "L")
	p.SetTextColor(0, 0, 0)
}

func (p page) cases(lines []CaseLine) {
	widths := []float64{62, 52, 28, 28}
	head := []string{"标题", "被投诉部门", "受理日期", "状态"}
	p.SetFillColor(235, 235, 235)
	p.SetDrawColor(120, 120, 120)
	p.SetLineWidth(0.2)
	row := func(cells []string, fill bool) {
		if p.GetY()+6 > pageBottom {
			p.AddPage()
		}
		for j, text := range cells {
			p.cell(widths[j], 6, text, 9, fill)
		}
		p.Ln(6)
	}
	row(head, true)
	for i, c := range lines {
		if i == pdfCases {
			p.write(fmt.Sprintf("另有 %d 件，见系统。", len(lines)-pdfCases), 9, 6, "L")
			break
		}
		row([]string{c.Title, or(p.l.departments, c.DepartmentID), p.cat.Date(locale.ZH, c.ReceivedAt), p.cat.Label(locale.ZH, "status", c.Status)}, false)
	}
}
