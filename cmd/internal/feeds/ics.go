package feeds

import (
	"bufio"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// An iCalendar (RFC 5545) writer for the deadline feeds: a VCALENDAR of
// VEVENTs, UTC times, escaped text, lines folded at 75 octets, CRLF line
// ends.

// ICSEvent is one VEVENT.
type ICSEvent struct {
	// UID names the event for good: a calendar that sees the same UID with a
	// higher SEQUENCE moves the event it has instead of adding one.
	UID         string
	Sequence    int
	Start       time.Time // DTSTART; no DTEND: the event is the instant
	Summary     string
	Description string
	Categories  []string
}

// ICSCalendar is a VCALENDAR.
type ICSCalendar struct {
	Name    string    // NAME and X-WR-CALNAME
	Stamp   time.Time // DTSTAMP of every event: when the feed was made
	Refresh time.Duration
	Events  []ICSEvent
}

// icsTime writes a UTC date-time (RFC 5545 §3.3.5, form 2).
func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value (RFC 5545 §3.3.11).
func icsText(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`).Replace(s)
}

// icsDuration writes a whole number of seconds as a DURATION (§3.3.6).
func icsDuration(d time.Duration) string {
	return "PT" + strconv.Itoa(int(d.Seconds())) + "S"
}

// Write writes the calendar.
func (c ICSCalendar) Write(w io.Writer) error {
	bw := bufio.NewWriter(w)
	line := func(name, value string) { writeFolded(bw, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("VERSION", "2.0")
	line("PRODID", "-//Watchpost//Deadline feed//ZH")
	line("CALSCALE", "GREGORIAN")
	line("METHOD", "PUBLISH")
	if c.Name != "" {
		line("NAME", icsText(c.Name))
		line("X-WR-CALNAME", icsText(c.Name))
	}
	if c.Refresh > 0 {
		line("REFRESH-INTERVAL;VALUE=DURATION", icsDuration(c.Refresh))
		line("X-PUBLISHED-TTL", icsDuration(c.Refresh))
	}
	for _, e := range c.Events {
		line("BEGIN", "VEVENT")
		line("UID", icsText(e.UID))
		line("SEQUENCE", strconv.Itoa(e.Sequence))
		line("DTSTAMP", icsTime(c.Stamp))
		line("DTSTART", icsTime(e.Start))
		line("SUMMARY", icsText(e.Summary))
		if e.Description != "" {
			line("DESCRIPTION", icsText(e.Description))
		}
		if len(e.Categories) > 0 {
			cats := make([]string, len(e.Categories))
			for i, cat := range e.Categories {
				cats[i] = icsText(cat)
			}
			line("CATEGORIES", strings.Join(cats, ","))
		}
		line("STATUS", "CONFIRMED")
		line("TRANSP", "TRANSPARENT")
		line("END", "VEVENT")
	}
	line("END", "VCALENDAR")
	return bw.Flush()
}

// writeFolded writes a content line, folded so that no line is longer than
// 75 octets (the continuation lines start with a space), never inside a
// UTF-8 sequence (§3.1).
func writeFolded(w *bufio.Writer, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		w.WriteString(s[:cut])
		w.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	w.WriteString(s)
	w.WriteString("\r\n")
}
