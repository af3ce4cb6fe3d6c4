package pgcluster_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/watchpost/watchpost/eventstore/pgcluster"
)

func TestFallbackName(t *testing.T) {
	t.Parallel()
	name := pgcluster.FallbackName("/root/watchpost/var/postgres")
	if !regexp.MustCompile(`^root-watchpost-var-postgres-[0-9a-f]{12}$`).MatchString(name) {
		t.Errorf("FallbackName = %q, want root-watchpost-var-postgres-<hash>", name)
	}
	if other := pgcluster.FallbackName("/root/watchpost-var/postgres"); other == name {
		t.Errorf("two directories share the name %q", name)
	}
	long := pgcluster.FallbackName("/" + strings.Repeat("very long directory name/", 10) + "var/postgres")
	if len(long) > 64+13 || !strings.HasSuffix(long[:len(long)-13], "var-postgres") {
		t.Errorf("a long path gives %q: want its end, at most 64 characters, and the hash", long)
	}
	if odd := pgcluster.FallbackName("/home/ä b/.x"); !regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`).MatchString(odd) {
		t.Errorf("FallbackName gives %q", odd)
	}
}

// TestStartUnderPrivateDirectory is a clone in /root run as root: the
// cluster directory lies under a mode-0700 directory that the PostgreSQL
// user cannot enter. The data directory goes to the fallback location,
// durably, and every later start on the directory finds it.
func TestStartUnderPrivateDirectory(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("only applies when running as root: PostgreSQL then runs as another user")
	}
	home, err := os.MkdirTemp("", "pgcluster-home-") // mode 0700, as /root is
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	fallback := filepath.Join(filepath.Dir(clusterDir(t)), "lib", "watchpost") // created by Start
	dir := filepath.Join(home, "watchpost", "var", "postgres")
	opt := pgcluster.Options{Dir: dir, Fallback: fallback, Durable: true}

	c := start(t, opt)
	ctx := t.Context()
	if err := c.CreateDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	app := connect(t, c.URL("app"))
	if _, err := app.Exec(ctx, "CREATE TABLE events (id int); INSERT INTO events VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	if got := queryString(t, app, "SHOW fsync"); got != "on" {
		t.Errorf("fsync = %q, want on", got)
	}
	app.Close(ctx)

	location := filepath.Join(fallback, pgcluster.FallbackName(dir))
	checkRelocated(t, home, dir, location)
	if a, ok, err := pgcluster.Attach(dir); err != nil || !ok || a.URL("app") != c.URL("app") {
		t.Fatalf("Attach = %v, %v; want the running cluster", ok, err)
	}

	// Stopped and started again, with and without the fallback (the link is
	// what later starts follow): the data is there.
	for _, again := range []pgcluster.Options{opt, {Dir: dir, Durable: true}} {
		if err := c.Stop(); err != nil {
			t.Fatalf("Stop: %v", err)
		}
		c = start(t, again)
		app := connect(t, c.URL("app"))
		if got := queryString(t, app, "SELECT id::text FROM events"); got != "42" {
			t.Errorf("after restart: id = %q, want 42", got)
		}
		app.Close(ctx)
		checkRelocated(t, home, dir, location)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}

	// The data directory is deleted and made again at the same path: the
	// new cluster gets a location of its own and the old one is left alone.
	if err := os.RemoveAll(filepath.Join(home, "watchpost")); err != nil {
		t.Fatal(err)
	}
	c = start(t, opt)
	checkRelocated(t, home, dir, location+"-2")
	if _, err := os.Stat(filepath.Join(location, "data", "PG_VERSION")); err != nil {
		t.Errorf("the earlier cluster's data is gone: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}

	// The location is deleted behind the link's back: Start says so
	// rather than making a new cluster there.
	if err := os.RemoveAll(location + "-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := pgcluster.Start(t.Context(), opt); err == nil || !strings.Contains(err.Error(), "links to the data directory") {
		t.Errorf("Start with a dangling link = %v, want an error naming the link", err)
	}
}

// checkRelocated checks the layout of a cluster directory whose data lives
// in location.
func checkRelocated(t *testing.T, home, dir, location string) {
	t.Helper()
	for _, d := range []string{home, filepath.Join(home, "watchpost"), dir} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("%s has mode %v, want 0700: nothing on the way to the data is opened up", d, fi.Mode())
		}
	}
	link := filepath.Join(dir, "data")
	target, err := os.Readlink(link)
	if err != nil {
		t.Fatalf("%s should link to the data directory: %v", link, err)
	}
	if want := filepath.Join(location, "data"); target != want {
		t.Errorf("%s links to %s, want %s", link, target, want)
	}
	fi, err := os.Stat(filepath.Join(location, "data"))
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid == 0 || fi.Mode().Perm() != 0o700 {
		t.Errorf("data directory: uid %d, mode %v; want the PostgreSQL user's, 0700", st.Uid, fi.Mode())
	}
	fi, err = os.Stat(location)
	if err != nil {
		t.Fatal(err)
	}
	if st := fi.Sys().(*syscall.Stat_t); st.Uid != 0 || fi.Mode().Perm() != 0o711 {
		t.Errorf("%s: uid %d, mode %v; want root's, 0711", location, st.Uid, fi.Mode())
	}
	if b, err := os.ReadFile(filepath.Join(location, "origin")); err != nil || strings.TrimSpace(string(b)) != dir {
		t.Errorf("origin = %q, %v; want %s", b, err, dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch e.Name() {
		case "data", "password", "postgres.log", "lock":
		default:
			t.Errorf("layout: unexpected %s in %s", e.Name(), dir)
		}
	}
}

func TestStartRefusesUnsafeFallback(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("only applies when running as root")
	}
	home, err := os.MkdirTemp("", "pgcluster-home-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(home) })
	fallback := filepath.Join(filepath.Dir(clusterDir(t)), "open")
	if err := os.Mkdir(fallback, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(fallback, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err = pgcluster.Start(t.Context(), pgcluster.Options{Dir: filepath.Join(home, "var", "postgres"), Fallback: fallback})
	if err == nil || !strings.Contains(err.Error(), "owned by root that no one else can write to") {
		t.Fatalf("Start with a world-writable fallback = %v, want a refusal", err)
	}
}
