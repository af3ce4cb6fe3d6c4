package rating

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/watchpost/watchpost/domain"
)

// The scheme book: which scheme version scores each kind of unit. Until an
// administrator adopts one, departments and offices are scored by the 002
// scheme (UnitAssessment) and service windows by the 003 one for windows
// (PublicReviewWindows). Adopting a scheme is an event; a version, once
// adopted, never changes (a revision is a new version), and periods closed
// before keep the scheme they were scored with.

// DefaultScheme is the scheme in force for a kind of unit before any is
// adopted.
func DefaultScheme(k UnitKind) Scheme {
	if k == UnitWindow {
		return PublicReviewWindows()
	}
	return UnitAssessment()
}

// UnitKinds lists the kinds of rated unit.
func UnitKinds() []UnitKind { return []UnitKind{UnitDepartment, UnitOffice, UnitWindow} }

// Book is the state of the scheme book.
type Book struct {
	Version int `json:"version"`
	// Versions are every scheme version ever adopted, by id and version.
	Versions map[Ref]Scheme `json:"-"`
	// Current is the scheme in force per kind, when one was adopted.
	Current map[UnitKind]Scheme `json:"current"`
}

// Apply moves the book by one recorded event.
func (b *Book) Apply(e Event) error {
	switch e := e.(type) {
	case SchemeAdopted:
		b.Versions = maps.Clone(b.Versions)
		b.Current = maps.Clone(b.Current)
		if b.Versions == nil {
			b.Versions = map[Ref]Scheme{}
		}
		if b.Current == nil {
			b.Current = map[UnitKind]Scheme{}
		}
		b.Versions[e.Scheme.Ref()] = e.Scheme
		for _, k := range e.Kinds {
			b.Current[k] = e.Scheme
		}
	default:
		return fmt.Errorf("scheme book: cannot apply %T", e)
	}
	b.Version++
	return nil
}

// InForce is the scheme that scores units of kind k.
func (b *Book) InForce(k UnitKind) Scheme {
	if s, ok := b.Current[k]; ok {
		return s
	}
	return DefaultScheme(k)
}

// InForceAll is the scheme in force for each kind.
func (b *Book) InForceAll() map[UnitKind]Scheme {
	out := map[UnitKind]Scheme{}
	for _, k := range UnitKinds() {
		out[k] = b.InForce(k)
	}
	return out
}

// Adopt returns the events of putting scheme s in force for kinds. A
// version adopted before may be adopted again only unchanged; a version
// that already is in force for every kind named changes nothing.
func (b *Book) Adopt(s Scheme, kinds []UnitKind, now time.Time) ([]Event, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if len(kinds) == 0 {
		return nil, domain.Invalid("kinds", "name the kinds of unit the scheme scores from now on: department, office and/or window")
	}
	for i, k := range kinds {
		f := fmt.Sprintf("kinds[%d]", i)
		if err := k.Validate(f); err != nil {
			return nil, err
		}
		if !s.Covers(k) {
			return nil, domain.Invalid(f, "scheme %s does not apply to units of kind %q", s.Ref(), string(k))
		}
		if slices.Contains(kinds[:i], k) {
			return nil, domain.Invalid(f, "%q is listed twice", string(k))
		}
	}
	if prev, ok := b.Versions[s.Ref()]; ok && !sameScheme(prev, s) {
		return nil, domain.StateConflict("scheme %s was adopted before with other content: a revision is a new version", s.Ref())
	}
	if prev, ok := b.Versions[s.Ref()]; !ok {
		for ref := range b.Versions {
			if ref.ID == s.ID && ref.Version > s.Version {
				return nil, domain.StateConflict("scheme %s is older than %s, adopted before: a revision takes a higher version", s.Ref(), ref)
			}
		}
	} else {
		unchanged := true
		for _, k := range kinds {
			if cur, ok := b.Current[k]; !ok || !sameScheme(cur, prev) {
				unchanged = false
			}
		}
		if unchanged {
			return nil, nil
		}
	}
	return []Event{SchemeAdopted{Scheme: s, Kinds: slices.Clone(kinds), At: now}}, nil
}

func sameScheme(a, b Scheme) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && string(ja) == string(jb)
}
