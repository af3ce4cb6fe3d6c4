package eventstore

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The rule for migrations: they only add. A release's migrations may create
// tables, columns (nullable, or with a default), indexes, functions and
// triggers, and fill what they add; they may not drop, rename or retype
// anything, make a column NOT NULL, or delete rows. During a rolling
// upgrade the previous release's replicas run against the new schema until
// they are replaced, and a release rolled back runs against it for good:
// everything the previous release reads and writes must still be there, of
// the same type, accepting what it writes. What a release no longer uses is
// left in place (a later release may drop it once no release that uses it
// can run: that is a migration reviewed on its own, listed in allowed
// below with the reason).

// allowed are migrations that break the rule on purpose, with the reason.
var allowed = map[string]string{}

// forbidden are the statements that do not only add, with what is wrong
// with each.
var forbidden = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`(?i)\bdrop\b`), "drops something"},
	{regexp.MustCompile(`(?i)\brename\b`), "renames something"},
	{regexp.MustCompile(`(?i)\balter\s+column\s+\S+\s+(set\s+data\s+)?type\b`), "changes a column's type"},
	{regexp.MustCompile(`(?i)\bset\s+not\s+null\b`), "makes a column NOT NULL"},
	{regexp.MustCompile(`(?i)(?:^|;)\s*truncate\b[^;]*`), "empties a table"},
	{regexp.MustCompile(`(?i)(?:^|;)\s*delete\s+from\b[^;]*`), "deletes rows"},
	{regexp.MustCompile(`(?i)\badd\s+column\s+(if\s+not\s+exists\s+)?\S+\s+[^,;]*\bnot\s+null\b[^,;]*`), ""}, // checked below: needs a default
}

// sqlNoise are comments and quoted text, which say nothing about what a
// migration does to the schema.
var sqlNoise = regexp.MustCompile(`(?s)--[^\n]*|/\*.*?\*/|'(?:[^']|'')*'`)

// dollarBody is a function's body: what it does when it runs, not a change
// to the schema.
var dollarBody = regexp.MustCompile(`(?s)\$([A-Za-z_]*)\$.*?\$([A-Za-z_]*)\$`)

// migrationProblems lists what in a migration's SQL does not only add.
func migrationProblems(sql string) []string {
	sql = dollarBody.ReplaceAllString(sql, " ")
	sql = sqlNoise.ReplaceAllString(sql, " ")
	var out []string
	for _, f := range forbidden {
		for _, m := range f.re.FindAllString(sql, -1) {
			what := f.what
			if what == "" {
				if regexp.MustCompile(`(?i)\bdefault\b`).MatchString(m) {
					continue
				}
				what = "adds a NOT NULL column without a default"
			}
			out = append(out, what+": "+strings.Join(strings.Fields(strings.TrimLeft(m, "; \n")), " "))
		}
	}
	return out
}

// migrationSets finds every set of migrations in the module: a directory
// migrations/ of .sql files that its package embeds.
func migrationSets(t *testing.T, root string) map[string][]string {
	t.Helper()
	sets := map[string][]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if !d.IsDir() || d.Name() != "migrations" {
			return nil
		}
		pkg := filepath.Dir(path)
		embedded := false
		goFiles, _ := filepath.Glob(filepath.Join(pkg, "*.go"))
		for _, g := range goFiles {
			b, _ := os.ReadFile(g)
			if strings.Contains(string(b), "//go:embed migrations/*.sql") {
				embedded = true
			}
		}
		sqls, _ := filepath.Glob(filepath.Join(path, "*.sql"))
		if embedded && len(sqls) > 0 {
			rel, _ := filepath.Rel(root, pkg)
			sets[rel] = sqls
		}
		return filepath.SkipDir
	})
	if err != nil {
		t.Fatal(err)
	}
	return sets
}

// TestMigrationsOnlyAdd holds every migration of every set to the rule.
func TestMigrationsOnlyAdd(t *testing.T) {
	sets := migrationSets(t, "..")
	for _, want := range []string{"eventstore", "projections", "cmd/internal/auth", "cmd/internal/privacy"} {
		if _, ok := sets[filepath.FromSlash(want)]; !ok {
			t.Errorf("no migration set found in %s: the scan is broken (found %v)", want, sets)
		}
	}
	checked := 0
	for set, files := range sets {
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			name := filepath.ToSlash(filepath.Join(set, filepath.Base(f)))
			if _, ok := allowed[name]; ok {
				continue
			}
			for _, p := range migrationProblems(string(b)) {
				t.Errorf("%s %s: a migration only adds (see the rule in this file)", name, p)
			}
		}
	}
	t.Logf("%d migrations in %d sets only add", checked, len(sets))
}

// TestMigrationRuleBites: what the rule refuses is reported, what it
// allows is not.
func TestMigrationRuleBites(t *testing.T) {
	for _, c := range []struct {
		sql  string
		want string // "" for none
	}{
		{`ALTER TABLE proj.cases DROP COLUMN title;`, "drops something"},
		{`DROP INDEX proj.cases_status;`, "drops something"},
		{`ALTER TABLE proj.cases RENAME COLUMN title TO subject;`, "renames something"},
		{`ALTER TABLE proj.cases ALTER COLUMN seq TYPE integer;`, "changes a column's type"},
		{`ALTER TABLE proj.cases ALTER COLUMN seq SET DATA TYPE integer;`, "changes a column's type"},
		{`ALTER TABLE proj.cases ALTER COLUMN title SET NOT NULL;`, "makes a column NOT NULL"},
		{`ALTER TABLE proj.cases ADD COLUMN origin text NOT NULL;`, "adds a NOT NULL column without a default"},
		{`DELETE FROM api_tokens;`, "deletes rows"},
		{`TRUNCATE proj.cases;`, "empties a table"},
		{`ALTER TABLE proj.cases ADD COLUMN origin text NOT NULL DEFAULT 'deadline';`, ""},
		{`ALTER TABLE proj.cases ADD COLUMN tracking_hash text; CREATE INDEX x ON proj.cases (tracking_hash);`, ""},
		{"-- we do not drop anything here\nCREATE TABLE t (id int PRIMARY KEY, note text DEFAULT 'drop me');", ""},
		{"CREATE TRIGGER no_truncate BEFORE TRUNCATE ON events FOR EACH STATEMENT EXECUTE FUNCTION f();", ""},
		{"CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DELETE FROM x; RETURN NULL; END $$;", ""},
	} {
		got := migrationProblems(c.sql)
		switch {
		case c.want == "" && len(got) > 0:
			t.Errorf("%q: reported %v", c.sql, got)
		case c.want != "" && (len(got) == 0 || !strings.HasPrefix(got[0], c.want)):
			t.Errorf("%q: reported %v, want %q", c.sql, got, c.want)
		}
	}
}
