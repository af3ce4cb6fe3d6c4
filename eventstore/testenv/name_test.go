package testenv

import (
	"regexp"
	"strings"
	"testing"
)

func TestDatabaseName(t *testing.T) {
	t.Parallel()
	valid := regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)
	for name, want := range map[string]string{
		"TestFoo":                      "testfoo_7",
		"TestFoo/sub_case#01":          "testfoo_sub_case_01_7",
		"TestÜber/--weird--":           "test_ber_weird_7",
		"9lives":                       "t_9lives_7",
		"///":                          "t__7",
		strings.Repeat("TestLong", 20): strings.Repeat("testlong", 5) + "_7",
	} {
		got := databaseName(name, 7)
		if got != want {
			t.Errorf("databaseName(%q) = %q, want %q", name, got, want)
		}
		if !valid.MatchString(got) {
			t.Errorf("databaseName(%q) = %q is not a valid database name", name, got)
		}
	}
}
