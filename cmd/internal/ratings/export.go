package ratings

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/department"
	"github.com/watchpost/watchpost/domain/rating"
	"github.com/watchpost/watchpost/projections"
	"github.com/xuri/excelize/v2"
)

// The exports: the league tables and the 测评表 (附表三) as xlsx.

// Export is a workbook to download.
type Export struct {
	Name string // the file's name
	Data []byte
}

// xlsx is a workbook being written, with its styles.
type xlsx struct {
	f             *excelize.File
	title, header int
	sheets        int
}

func newXLSX() (*xlsx, error) {
	x := &xlsx{f: excelize.NewFile()}
	var err error
	if x.title, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center"}}); err != nil {
		return nil, err
	}
	if x.header, err = x.f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Alignment: &excelize.Alignment{Horizontal: "center", WrapText: true},
		Border:    []excelize.Border{{Type: "bottom", Color: "000000", Style: 1}}}); err != nil {
		return nil, err
	}
	return x, nil
}

// sheet adds a worksheet with a title over the columns and a header row.
func (x *xlsx) sheet(name, title, note string, header []string) (string, error) {
	x.sheets++
	if x.sheets == 1 {
		if err := x.f.SetSheetName("Sheet1", name); err != nil {
			return "", err
		}
	} else if _, err := x.f.NewSheet(name); err != nil {
		return "", err
	}
	last, _ := excelize.ColumnNumberToName(len(header))
	if err := x.f.SetCellValue(name, "A1", title); err != nil {
		return "", err
	}
	if err := x.f.MergeCell(name, "A1", last+"1"); err != nil {
		return "", err
	}
	if err := x.f.SetCellStyle(name, "A1", last+"1", x.title); err != nil {
		return "", err
	}
	if err := x.f.SetCellValue(name, "A2", note); err != nil {
		return "", err
	}
	if err := x.f.MergeCell(name, "A2", last+"2"); err != nil {
		return "", err
	}
	row := make([]any, len(header))
	for i, h := range header {
		row[i] = h
	}
	if err := x.f.SetSheetRow(name, "A3", &row); err != nil {
		return "", err
	}
	if err := x.f.SetCellStyle(name, "A3", last+"3", x.header); err != nil {
		return "", err
	}
	if err := x.f.SetColWidth(name, "A", last, 14); err != nil {
		return "", err
	}
	return name, nil
}

// row writes a data row (the first is row 4).
func (x *xlsx) row(sheet string, n int, values []any) error {
	return x.f.SetSheetRow(sheet, "A"+strconv.Itoa(n+4), &values)
}

func (x *xlsx) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := x.f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), x.f.Close()
}

// shown is an exact value as the number a sheet shows: rounded down to two
// decimals.
func shown(n rating.Number) float64 {
	f, _ := strconv.ParseFloat(n.Fixed2(), 64)
	return f
}

func percent(n rating.Number) float64 {
	f, _ := strconv.ParseFloat(n.Percent2(), 64)
	return f
}

// RankingWorkbook is the league tables of a period as xlsx: a worksheet per
// kind of unit and category, each unit with its place, total, the
// satisfaction of each method, the rectification score and what follows.
//
// Who: handlers, supervisors, leaders and departments (like the tables).
func (s *Service) RankingWorkbook(ctx context.Context, p access.Principal, period string) (Export, error) {
	if err := permit(p, access.ReadRankings); err != nil {
		return Export{}, err
	}
	per, err := parsePeriod(period)
	if err != nil {
		return Export{}, err
	}
	var d *periodData
	if err := s.snapshot(ctx, func(tx pgx.Tx) (err error) {
		d, err = s.read(ctx, tx, per)
		return err
	}); err != nil {
		return Export{}, err
	}
	x, err := newXLSX()
	if err != nil {
		return Export{}, err
	}
	state := "未结账，得分随测评变化"
	if d.closed != nil {
		state = "已结账 " + d.closed.ClosedAt.In(s.d.Loc).Format("2006-01-02 15:04")
	}
	if len(d.rankings) == 0 {
		if _, err := x.sheet("排名", per.Label()+" 测评排名", state, []string{"名次", "单位"}); err != nil {
			return Export{}, err
		}
	}
	for _, r := range d.rankings {
		sc := d.schemes[r.Kind]
		group := rating.CategoryLabel(r.Category)
		if group == "" {
			group = r.Kind.Label()
		}
		header := []string{"名次", "单位", "测评得分", "综合满意度(%)"}
		for _, m := range sc.Methods {
			header = append(header, m.Method.Label()+"满意率(%)")
		}
		if sc.Rectification != nil {
			header = append(header, "整改情况得分")
		}
		if len(sc.Daily) > 0 {
			header = append(header, "日常考查扣分")
		}
		header = append(header, "测评次数", "结果运用")
		name, err := x.sheet(r.Kind.Label()+"-"+group, fmt.Sprintf("%s %s测评排名（%s）", per.Label(), r.Kind.Label(), group),
			fmt.Sprintf("测评方案：%s（%s）；%s", sc.Name, sc.Ref(), state), header)
		if err != nil {
			return Export{}, err
		}
		for i, e := range r.Entries {
			score := d.scores[e.Unit.ID]
			place := any("未排名")
			if e.Ranked {
				place = e.Place
				if e.Tied {
					place = fmt.Sprintf("%d（并列）", e.Place)
				}
			}
			row := []any{place, unitName(e.Unit.ID, d.register)}
			if score.Scored {
				row = append(row, shown(score.Total), percent(score.Satisfaction))
			} else {
				row = append(row, "—", "—")
			}
			for _, m := range score.Methods {
				if m.Present {
					row = append(row, percent(m.Satisfaction))
				} else {
					row = append(row, "无测评")
				}
			}
			if sc.Rectification != nil {
				if score.Rectification != nil {
					row = append(row, shown(score.Rectification.Score))
				} else {
					row = append(row, "—")
				}
			}
			if len(sc.Daily) > 0 {
				row = append(row, shown(score.Daily.Total))
			}
			use := strings.Join(consequences(e.Outcome), "；")
			if !e.Ranked {
				use = "未参加排名：" + e.NotRanked
			}
			row = append(row, e.Ratings, use)
			if err := x.row(name, i, row); err != nil {
				return Export{}, err
			}
		}
	}
	data, err := x.bytes()
	if err != nil {
		return Export{}, err
	}
	return Export{Name: "ranking-" + per.String() + ".xlsx", Data: data}, nil
}

// SheetsWorkbook is the 测评表 (附表三) of a period as xlsx: a row per sheet
// with the grade of each aspect, the overall grade and the comment. The
// center's copy names the point, the day and the dealing; a point's copy
// holds its own sheets (both say whether each is counted: a sheet that
// reached the log after its period was closed is not); a department's copy
// holds the counted sheets of its own
// units without the point, the day or the dealing, ordered by unit, method
// and text rather than as they were given.
//
// Who: handlers, supervisors and leaders; points and departments for their
// own.
func (s *Service) SheetsWorkbook(ctx context.Context, p access.Principal, period, departmentID string) (Export, error) {
	if err := permit(p, access.ExportRatings); err != nil {
		return Export{}, err
	}
	point := ""
	if p.Role == access.RolePoint {
		var err error
		if point, err = access.SheetsOf(p, ""); err != nil {
			return Export{}, err
		}
	}
	dept := departmentID
	if p.Role == access.RoleDepartment {
		var err error
		if dept, err = access.ScoresOf(p, departmentID); err != nil {
			return Export{}, err
		}
	}
	per, err := parsePeriod(period)
	if err != nil {
		return Export{}, err
	}
	months := make([]string, 0, 12)
	for _, m := range per.Months() {
		months = append(months, m.String())
	}
	var (
		rows     []projections.RatingSheet
		register map[string]department.Department
	)
	if err := s.snapshot(ctx, func(tx pgx.Tx) error {
		var err error
		if register, err = s.register(ctx, tx); err != nil {
			return err
		}
		rows, err = projections.RatingSheets(ctx, tx, projections.SheetFilter{Months: months, Point: point, Department: dept})
		return err
	}); err != nil {
		return Export{}, err
	}
	anonymous := p.Role == access.RoleDepartment
	if anonymous {
		kept := rows[:0]
		for _, r := range rows {
			if r.Counted && owns(p.DepartmentID, r.UnitID, register) {
				kept = append(kept, r)
			}
		}
		rows = kept
		slices.SortFunc(rows, func(a, b projections.RatingSheet) int {
			return cmp.Or(cmp.Compare(a.UnitID, b.UnitID), cmp.Compare(a.Method, b.Method), cmp.Compare(a.Comment, b.Comment),
				cmp.Compare(gradeLine(a.Grades), gradeLine(b.Grades)))
		})
	}
	x, err := newXLSX()
	if err != nil {
		return Export{}, err
	}
	header := []string{"序号", "被测评单位", "测评方式", "测评月份"}
	if !anonymous {
		header = append(header, "监测点", "办事日期", "办理事项")
	}
	for _, a := range rating.Aspects() {
		header = append(header, a.Label())
	}
	header = append(header, "意见和建议")
	if !anonymous {
		header = append(header, "计入得分")
	}
	note := "无记名测评：优90 良75 一般60 较差45 差30"
	name, err := x.sheet("测评表", "衢州市级单位服务质量测评表（"+per.Label()+"）", note, header)
	if err != nil {
		return Export{}, err
	}
	for i, r := range rows {
		row := []any{i + 1, unitName(r.UnitID, register), r.Method.Label(), monthLabel(r.Period)}
		if !anonymous {
			row = append(row, r.PointID, r.DealtOn, r.Dealing)
		}
		for _, a := range rating.Aspects() {
			row = append(row, r.Grades[a].Label())
		}
		comment := r.Comment
		if r.Findings != "" {
			comment = strings.TrimSpace(r.Findings + " " + comment)
		}
		row = append(row, comment)
		if !anonymous {
			counted := "是"
			if !r.Counted {
				counted = "否（测评期结账后送达）"
			}
			row = append(row, counted)
		}
		if err := x.row(name, i, row); err != nil {
			return Export{}, err
		}
	}
	data, err := x.bytes()
	if err != nil {
		return Export{}, err
	}
	return Export{Name: "rating-sheets-" + per.String() + ".xlsx", Data: data}, nil
}

// gradeLine writes a sheet's grades in the order of the aspects, to order
// sheets by.
func gradeLine(s rating.Sheet) string {
	var b strings.Builder
	for _, a := range rating.Aspects() {
		b.WriteString(string(s[a]) + ",")
	}
	return b.String()
}

func monthLabel(period string) string {
	p, err := rating.ParsePeriod("period", period)
	if err != nil {
		return period
	}
	return p.Label()
}
