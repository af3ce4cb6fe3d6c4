package locale

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/domain"
	"github.com/watchpost/watchpost/domain/complaint"
)

// messageCalls are the functions whose argument at the index is a message
// format, and what is put before it (a guard's refusal begins with the
// lifecycle's words).
var messageCalls = map[string]struct {
	arg    int
	prefix string
}{
	"Invalid": {1, ""}, "NotFound": {1, ""}, "StateConflict": {0, ""}, "Forbidden": {0, ""},
	"Msg": {0, ""}, "m": {0, ""}, "badRequest": {0, ""}, "badParam": {1, ""},
	"conflict": {1, "cannot %s a case that is %s: "}, "p": {2, ""},
}

// sourceMessages finds every message format written in the program's
// source (tests aside).
func sourceMessages(t *testing.T) map[string]string {
	t.Helper()
	root := filepath.Join("..", "..", "..")
	found := map[string]string{}
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			var name string
			switch fn := call.Fun.(type) {
			case *ast.Ident:
				name = fn.Name
			case *ast.SelectorExpr:
				name = fn.Sel.Name
			}
			mc, ok := messageCalls[name]
			if !ok || len(call.Args) <= mc.arg {
				return true
			}
			lit, ok := call.Args[mc.arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			// A format of verbs alone ("%s", "%v") passes a text through:
			// it has no words to translate.
			if err != nil || strings.TrimSpace(verbs.ReplaceAllString(s, "")) == "" {
				return true
			}
			found[mc.prefix+s] = fset.Position(lit.Pos()).String()
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// TestEveryMessageIsTranslated: every message the program can show has a
// Chinese form in zh_CN.json.
func TestEveryMessageIsTranslated(t *testing.T) {
	t.Parallel()
	c, err := New(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	found := sourceMessages(t)
	if len(found) < 100 {
		t.Fatalf("found only %d messages in the source: the scan is broken", len(found))
	}
	var missing []string
	for format, where := range found {
		if _, ok := c.messages[format]; !ok {
			missing = append(missing, strconv.Quote(format)+"  // "+where)
		}
	}
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("%d of %d messages have no Chinese form in zh_CN.json:\n%s", len(missing), len(found), strings.Join(missing, "\n"))
	}
}

// verbs are the formatting verbs of a format, in order.
var verbs = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// TestTranslationsKeepTheirArguments: a Chinese format takes the arguments
// of its English one, in the same order, and has no leftover English.
func TestTranslationsKeepTheirArguments(t *testing.T) {
	t.Parallel()
	c, err := New(time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	for en, zh := range c.messages {
		if !slices.Equal(verbs.FindAllString(en, -1), verbs.FindAllString(zh, -1)) {
			t.Errorf("%q and %q take different arguments", en, zh)
		}
		if zh == en {
			t.Errorf("%q is not translated", en)
		}
	}
	found := sourceMessages(t)
	for en := range c.messages {
		if _, ok := found[en]; !ok {
			t.Errorf("zh_CN.json translates %q, which the program no longer says", en)
		}
	}
}

// TestMessages: arguments are written in the reader's language.
func TestMessages(t *testing.T) {
	t.Parallel()
	shanghai := time.FixedZone("CST", 8*3600)
	c, err := New(shanghai)
	if err != nil {
		t.Fatal(err)
	}
	day := domain.Day{Time: time.Date(2026, 11, 30, 16, 30, 0, 0, time.UTC)} // 1 December in Beijing
	for _, tt := range []struct {
		lang Lang
		m    domain.Message
		want string
	}{
		{EN, domain.Msg("no case %s", "c-1"), "no case c-1"},
		{ZH, domain.Msg("no case %s", "c-1"), "没有案件 c-1"},
		{ZH, domain.Msg("the role %s may not %s", "leader", "step:accept"), "leader无权step:accept"},
		{EN, domain.Msg("due %s", day), "due 2026-12-01"},
		{ZH, domain.Msg("due %s", day), "due 2026年12月1日"},
		{ZH, domain.Msg("%s", complaint.StatusInProgress), "办理中"},
		{EN, domain.Msg("%s", complaint.StatusInProgress), "in_progress"},
		{ZH, domain.Msg("via %s", domain.Term{Code: "phone", ZH: "电话", EN: "by phone"}), "via 电话"},
		{EN, domain.Msg("an unknown format %d", 3), "an unknown format 3"},
	} {
		if got := c.Message(tt.lang, tt.m); got != tt.want {
			t.Errorf("%s %q: %q, want %q", tt.lang, tt.m.Format, got, tt.want)
		}
	}
}

// TestNegotiate reads Accept-Language as browsers and clients send it.
func TestNegotiate(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		header string
		want   Lang
	}{
		{"", EN}, {"zh-CN,zh;q=0.9,en;q=0.8", ZH}, {"en-US,en;q=0.9", EN}, {"en;q=0.5, zh-TW;q=0.8", ZH},
		{"fr-FR", EN}, {"zh", ZH}, {"*", EN}, {"zh;q=0", EN}, {"zh;q=bad, en", EN},
	} {
		if got := Negotiate(tt.header, EN); got != tt.want {
			t.Errorf("Negotiate(%q) = %s, want %s", tt.header, got, tt.want)
		}
	}
	if Negotiate("", ZH) != ZH {
		t.Error("the fallback is not used without a header")
	}
}
