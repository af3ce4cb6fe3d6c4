package web

import (
	"github.com/watchpost/watchpost/domain/access"
	"strings"

	"github.com/watchpost/watchpost/domain/complaint"
	"github.com/watchpost/watchpost/domain/department"
)

// fieldData is one form field as the templates of forms.html draw it: a
// label, the control, the value sent before and the message about it.
type fieldData struct {
	ID, Name, Label, Value, Error, Type, Hint string
	Values                                    []string
	Choices                                   []choice
	Required                                  bool
}

// Typed gives an input another type (date, datetime-local, tel, ...).
func (f fieldData) Typed(t string) fieldData { f.Type = t; return f }

// Hinted adds a line of help under the field.
func (f fieldData) Hinted(h string) fieldData { f.Hint = h; return f }

// Valued fills a field that was not sent (a default).
func (f fieldData) Valued(v string) fieldData {
	if f.Value == "" {
		f.Value = v
	}
	return f
}

// Selected reports whether a choice was sent.
func (f fieldData) Selected(code string) bool {
	if f.Value == code {
		return true
	}
	for _, v := range f.Values {
		if v == code {
			return true
		}
	}
	return false
}

// F is a field of the page's form.
func (v *view) F(name, label string, choices []choice, required bool) fieldData {
	return fieldData{ID: "f-" + name, Name: name, Label: label, Value: v.Val(name), Values: v.Vals(name),
		Error: v.Err(name), Choices: choices, Required: required, Type: "text"}
}

// stepForm is the form of one step on the case page.
type stepForm struct {
	Step complaint.Step
	V    *view
	P    casePage
	C    caseModel
}

// StepForm is the form of a step of the page's case.
func (v *view) StepForm(step complaint.Step) stepForm {
	p, _ := v.Body.(casePage)
	return stepForm{Step: step, V: v, P: p, C: p.Case}
}

// Open: the form was sent and refused, so it is shown open with its values.
func (f stepForm) Open() bool { return f.P.OpenStep == string(f.Step) }

// Field is a field of the step's form.
func (f stepForm) Field(name, label string, choices []choice, required bool) fieldData {
	fd := fieldData{ID: string(f.Step) + "-" + name, Name: name, Label: label, Choices: choices, Required: required, Type: "text"}
	if f.Open() {
		fd.Value, fd.Values, fd.Error = f.V.Val(name), f.V.Vals(name), f.V.Err(name)
	}
	return fd
}

// termChoices are terms of the classification as choices.
func termChoices(terms []complaint.Term) []choice {
	out := make([]choice, len(terms))
	for i, t := range terms {
		out[i] = choice{t.Code, t.Label}
	}
	return out
}

// departmentChoices are departments as choices.
func departmentChoices(ds []department.Department) []choice {
	out := make([]choice, len(ds))
	for i, d := range ds {
		out[i] = choice{d.ID, d.Name}
	}
	return out
}

// Choices makes choices of "code:label" pairs (yes and no of a decision).
func (f stepForm) Choices(pairs ...string) []choice {
	out := make([]choice, 0, len(pairs))
	for _, p := range pairs {
		code, label, _ := strings.Cut(p, ":")
		out = append(out, choice{code, label})
	}
	return out
}

// Choices makes choices of "code:label" pairs.
func (v *view) Choices(pairs ...string) []choice { return stepForm{}.Choices(pairs...) }

// RoleChoices are the roles, named in Chinese.
func (v *view) RoleChoices(roles []access.Role) []choice {
	out := make([]choice, len(roles))
	for i, r := range roles {
		out[i] = choice{string(r), v.roleName(r)}
	}
	return out
}

// blank is an empty field (of a form that was not the one sent).
func blank(id, name, label string) fieldData {
	return fieldData{ID: "f-" + id, Name: name, Label: label, Required: true, Type: "text"}
}

// termList is a titled list of terms, for the taxonomy page.
type termList struct {
	Title string
	Terms []complaint.Term
}
