package reports

import (
	"strings"
)

// The Chinese font of the PDFs (Debian's DroidSansFallback) holds the CJK
// characters only: digits, Latin letters and Western punctuation are
// drawn in the PDF's built-in Helvetica instead, run by run, and lines are
// wrapped here, since fpdf wraps a text in one font only.

// latinFont is the built-in font of the characters the Chinese font lacks.
const latinFont = "Helvetica"

// pageBottom is where the text of a page ends (an A4 page's 297 mm less
// the bottom margin).
const pageBottom = 297 - 20

// latinRune reports whether r is drawn in the Latin font: everything before
// the CJK blocks (Latin, general punctuation such as “ ” — …), except the
// full-width forms, which the Chinese font has.
func latinRune(r rune) bool { return r < 0x2E80 }

// run is a piece of a line in one font.
type run struct {
	latin bool
	text  string
}

// runsOf splits a line into runs of one font.
func runsOf(line []rune) []run {
	var out []run
	for i := 0; i < len(line); {
		j := i
		for j < len(line) && latinRune(line[j]) == latinRune(line[i]) {
			j++
		}
		out = append(out, run{latin: latinRune(line[i]), text: string(line[i:j])})
		i = j
	}
	return out
}

// font sets the font of a run.
func (p page) font(latin bool, size float64) {
	if latin {
		p.SetFont(latinFont, "", size)
		return
	}
	p.SetFont(pdfFont, "", size)
}

// encoded is a run's text as its font takes it: the built-in font takes
// Windows-1252.
func (p page) encoded(r run) string {
	if r.latin {
		return p.tr(r.text)
	}
	return r.text
}

// width is the width of a line at a size.
func (p page) width(line []rune, size float64) float64 {
	w := 0.0
	for _, r := range runsOf(line) {
		p.font(r.latin, size)
		w += p.GetStringWidth(p.encoded(r))
	}
	return w
}

// wrap breaks a text into lines no wider than width: between Chinese
// characters, at spaces, and within a Latin word only when the word is
// longer than a line. Line breaks in the text are kept.
func (p page) wrap(text string, size, width float64) [][]rune {
	var out [][]rune
	for _, para := range strings.Split(text, "\n") {
		rs := []rune(para)
		start, lastBreak := 0, -1
		for i := range rs {
			if i > start && p.width(rs[start:i+1], size) > width {
				cut := i
				if lastBreak > start {
					cut = lastBreak
				}
				out = append(out, []rune(strings.TrimRight(string(rs[start:cut]), " ")))
				start = cut
				for start < i && rs[start] == ' ' {
					start++
				}
				lastBreak = -1
			}
			if rs[i] == ' ' || !latinRune(rs[i]) || i+1 < len(rs) && !latinRune(rs[i+1]) {
				lastBreak = i + 1
			}
		}
		out = append(out, rs[start:])
	}
	return out
}

// write draws a text between the margins, wrapped and aligned (L, C or
// R), lh millimetres a line, starting a page when one is full.
func (p page) write(text string, size, lh float64, align string) {
	for _, line := range p.wrap(text, size, pdfWidth) {
		if p.GetY()+lh > pageBottom {
			p.AddPage()
		}
		p.line(line, size, lh, align)
	}
}

// line draws one line between the margins and moves to the next.
func (p page) line(line []rune, size, lh float64, align string) {
	left, _, _, _ := p.GetMargins()
	x := left
	switch align {
	case "C":
		x += (pdfWidth - p.width(line, size)) / 2
	case "R":
		x += pdfWidth - p.width(line, size)
	}
	p.SetX(x)
	for _, r := range runsOf(line) {
		p.font(r.latin, size)
		s := p.encoded(r)
		p.CellFormat(p.GetStringWidth(s), lh, s, "", 0, "L", false, 0, "")
	}
	p.Ln(lh)
	p.SetX(left)
}

// cell draws a text in a box of width w at the current position, cut to
// the box, and moves right.
func (p page) cell(w, h float64, text string, size float64, fill bool) {
	x, y := p.GetXY()
	style := "D"
	if fill {
		style = "FD"
	}
	p.Rect(x, y, w, h, style)
	rs := []rune(text)
	for len(rs) > 1 && p.width(rs, size) > w-2 {
		rs = append(rs[:len(rs)-2], '…')
	}
	p.SetX(x + 1)
	for _, r := range runsOf(rs) {
		p.font(r.latin, size)
		s := p.encoded(r)
		p.CellFormat(p.GetStringWidth(s), h, s, "", 0, "L", false, 0, "")
	}
	p.SetXY(x+w, y)
}

// textAt draws a text with its baseline at (x, y).
func (p page) textAt(x, y float64, text string, size float64) {
	for _, r := range runsOf([]rune(text)) {
		p.font(r.latin, size)
		s := p.encoded(r)
		p.Text(x, y, s)
		x += p.GetStringWidth(s)
	}
}
