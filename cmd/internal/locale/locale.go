// Package locale writes messages and labels in the reader's language: a
// catalog per language (zh_CN.json; English is the catalog's keys), chosen
// by Accept-Language. Messages come from the domain as an English format and
// arguments (domain.Message); codes stay English in the API, people read
// Chinese in the pages.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/ladder"
)

// Lang is a language the catalog speaks.
type Lang string

// The languages.
const (
	ZH Lang = "zh-CN"
	EN Lang = "en"
)

// The Chinese catalog is zh_CN.json and any zh_CN_<capability>.json beside
// it (one per capability, so each is kept with its own work); no key may be
// in two of them.
//
//go:embed zh_CN*.json
var files embed.FS

// Catalog holds the translations and the zone dates are shown in.
type Catalog struct {
	zone *time.Location
	// messages maps an English message format to its Chinese format.
	messages map[string]string
	// labels maps "kind.code" to the Chinese name of a code.
	labels map[string]string
}

// catalogFile is the shape of zh_CN.json.
type catalogFile struct {
	Messages map[string]string `json:"messages"`
	Labels   map[string]string `json:"labels"`
}

// New reads the catalog; dates are shown in zone.
func New(zone *time.Location) (*Catalog, error) {
	names, err := fs.Glob(files, "zh_CN*.json")
	if err != nil {
		return nil, fmt.Errorf("locale: %w", err)
	}
	c := &Catalog{zone: zone, messages: map[string]string{}, labels: map[string]string{}}
	for _, name := range names {
		raw, err := files.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("locale: %w", err)
		}
		var f catalogFile
		if err := json.Unmarshal(raw, &f); err != nil {
			return nil, fmt.Errorf("locale: %s: %w", name, err)
		}
		for _, part := range []struct{ from, to map[string]string }{{f.Messages, c.messages}, {f.Labels, c.labels}} {
			for k, v := range part.from {
				if _, dup := part.to[k]; dup {
					return nil, fmt.Errorf("locale: %s: %q is in another catalog file too", name, k)
				}
				part.to[k] = v
			}
		}
	}
	return c, nil
}

// Negotiate picks the language of an Accept-Language header: Chinese when
// the reader prefers it to English, English when they prefer that, and
// fallback when the header names neither.
func Negotiate(header string, fallback Lang) Lang {
	best, bestQ := fallback, -1.0
	for _, part := range strings.Split(header, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		tag = strings.ToLower(tag)
		var lang Lang
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			lang = ZH
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			lang = EN
		default:
			continue
		}
		if q > bestQ {
			best, bestQ = lang, q
		}
	}
	if bestQ <= 0 {
		return fallback
	}
	return best
}

// Message writes a domain message in lang.
func (c *Catalog) Message(lang Lang, m domain.Message) string {
	format := m.Format
	if lang == ZH {
		if zh, ok := c.messages[m.Format]; ok {
			format = zh
		}
	}
	if len(m.Args) == 0 {
		return format
	}
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = c.arg(lang, a)
	}
	return fmt.Sprintf(format, args...)
}

// arg writes one argument of a message in lang: days as dates in the
// service's zone, codes of the vocabulary as their names.
func (c *Catalog) arg(lang Lang, a any) any {
	switch a := a.(type) {
	case domain.Day:
		return c.Date(lang, a.Time)
	case domain.Term:
		if lang == ZH {
			return a.ZH
		}
		return a.EN
	case complaint.Status:
		return c.Label(lang, "status", string(a))
	case complaint.Step:
		return c.Label(lang, "step", string(a))
	case access.Role:
		return c.Label(lang, "role", string(a))
	case access.Action:
		return c.Label(lang, "action", string(a))
	case ladder.Step:
		if lang == ZH {
			return a.Label()
		}
		return string(a)
	}
	return a
}

// Label names a code of a kind ("status", "step", "role", ...) in lang;
// without a name, the code itself.
func (c *Catalog) Label(lang Lang, kind, code string) string {
	if lang == ZH {
		if l, ok := c.labels[kind+"."+code]; ok {
			return l
		}
	}
	return code
}

// Date writes the calendar day of an instant in the service's zone:
// 2026年12月1日, or 2026-12-01 in English.
func (c *Catalog) Date(lang Lang, t time.Time) string {
	t = t.In(c.zone)
	if lang == ZH {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	}
	return t.Format(time.DateOnly)
}

// Time writes an instant in the service's zone: 2026年12月1日 09:30.
func (c *Catalog) Time(lang Lang, t time.Time) string {
	return c.Date(lang, t) + " " + t.In(c.zone).Format("15:04")
}

// Zone is the zone dates are shown in.
func (c *Catalog) Zone() *time.Location { return c.zone }
