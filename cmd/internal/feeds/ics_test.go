package feeds

import (
	"strings"
	"testing"
	"time"
)

// TestICSWriter: CRLF line ends, text escaped, long lines folded at 75
// octets without splitting a character, and unfolding gives the text back.
func TestICSWriter(t *testing.T) {
	at := time.Date(2026, 11, 26, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	long := strings.Repeat("营业执照迟迟不批，", 20)
	var b strings.Builder
	err := ICSCalendar{Name: "建设局：办理时限", Stamp: at, Refresh: 15 * time.Minute, Events: []ICSEvent{{
		UID: "c1.response-1@watchpost", Sequence: 3, Start: at, Summary: "a; b, c\\d\ne", Description: long, Categories: []string{"办结", "x,y"},
	}}}.Write(&b)
	if err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", "DTSTART:20261126T013000Z\r\n", "DTSTAMP:20261126T013000Z\r\n",
		"SEQUENCE:3\r\n", `SUMMARY:a\; b\, c\\d\ne` + "\r\n", `CATEGORIES:办结,x\,y` + "\r\n", "REFRESH-INTERVAL;VALUE=DURATION:PT900S\r\n",
		"END:VEVENT\r\nEND:VCALENDAR\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
	for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
		if len(l) > 75 {
			t.Errorf("a line of %d octets", len(l))
		}
		if !strings.ContainsRune(l, ':') && !strings.HasPrefix(l, " ") {
			t.Errorf("a line that is neither a property nor a continuation: %q", l)
		}
	}
	if unfolded := strings.ReplaceAll(out, "\r\n ", ""); !strings.Contains(unfolded, "DESCRIPTION:"+strings.ReplaceAll(long, "，", "，")) {
		t.Error("the folded description does not unfold to the text")
	}
}
