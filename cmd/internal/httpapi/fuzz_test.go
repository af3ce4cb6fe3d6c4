package httpapi

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/access"
)

// bodyTypes are the request body types of every route.
func bodyTypes() []reflect.Type {
	var out []reflect.Type
	for _, rt := range testServer().allRoutes() {
		if rt.doc.body != nil {
			out = append(out, reflect.TypeOf(rt.doc.body))
		}
	}
	return out
}

// FuzzDecodeBody: any body, for any route, is either decoded or refused
// with a 400 that says why; it never panics.
func FuzzDecodeBody(f *testing.F) {
	for _, seed := range []string{
		`{"channel":"hotline","title":"t","description":"d","categories":["efficiency"]}`,
		`{"departmentId":"city-construction","note":"请反馈"}`,
		`{"outcome":"resolved","summary":"已办结"}`, `{}`, `[]`, `null`, `{"x":1}`, `{"title":7}`, "{\"a\":\"\xff\"}",
	} {
		f.Add(uint8(0), []byte(seed))
	}
	types := bodyTypes()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		typ := types[int(which)%len(types)]
		v := reflect.New(typ).Interface()
		err := decodeStrict(body, v)
		var re *requestError
		if err != nil && (!errors.As(err, &re) || re.status != 400 || re.message.Format == "") {
			t.Fatalf("%s: %q: %v", typ, body, err)
		}
	})
}

// FuzzCaseFilter: any query string for the case list is either read or
// refused with a request or domain error.
func FuzzCaseFilter(f *testing.F) {
	for _, seed := range []string{"status=filed&status=referred&limit=10", "sort=-receivedAt&cursor=abc",
		"receivedFrom=2026-11-01T00:00:00Z", "overdue=true", "limit=0", "nope=1", "limit=%zz"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		_, err = caseFilter(q)
		var (
			re *requestError
			de *domain.Error
		)
		if err != nil && !errors.As(err, &re) && !errors.As(err, &de) {
			t.Fatalf("%q: %v", raw, err)
		}
	})
}

// FuzzCommandMeta: any Idempotency-Key either gives a command id or is
// refused; the same key always gives the same id.
func FuzzCommandMeta(f *testing.F) {
	for _, seed := range []string{"", "k1", "a b", "\x00", "very-long-key-0123456789"} {
		f.Add(seed)
	}
	p := access.Principal{TokenID: "t1", Role: access.RoleHandler}
	f.Fuzz(func(t *testing.T, key string) {
		r := httptest.NewRequest("POST", "/api/v1/cases", nil)
		if key != "" {
			r.Header["Idempotency-Key"] = []string{key}
		}
		m1, err := commandMeta(r, p, []byte("{}"))
		if err != nil {
			var re *requestError
			if !errors.As(err, &re) {
				t.Fatalf("%q: %v", key, err)
			}
			return
		}
		if m1.CommandID == "" {
			t.Fatal("no command id")
		}
		if key != "" {
			m2, _ := commandMeta(r, p, []byte("{}"))
			if m1.CommandID != m2.CommandID {
				t.Fatalf("%q gave two ids", key)
			}
		}
	})
}
