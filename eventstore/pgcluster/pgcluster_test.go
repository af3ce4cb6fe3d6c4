package pgcluster_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/watchpost/watchpost/eventstore/pgcluster"
)

// clusterDir returns a not-yet-existing cluster directory inside a fresh
// temporary directory that the PostgreSQL user can traverse. (t.TempDir
// lives under a 0700 directory, which that user cannot enter when the tests
// run as root.)
func clusterDir(t *testing.T) string {
	t.Helper()
	base, err := os.MkdirTemp("", "pgcluster-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o711); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(base, "cluster")
}

func start(t *testing.T, opt pgcluster.Options) *pgcluster.Cluster {
	t.Helper()
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.NewTextHandler(t.Output(), nil))
	}
	c, err := pgcluster.Start(t.Context(), opt)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Stop(); err != nil {
			t.Errorf("Stop: %v", err)
		}
	})
	return c
}

func connect(t *testing.T, url string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func queryString(t *testing.T, conn *pgx.Conn, sql string) string {
	t.Helper()
	var s string
	if err := conn.QueryRow(t.Context(), sql).Scan(&s); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return s
}

func TestStartCreateDatabaseRestart(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	c := start(t, pgcluster.Options{Dir: dir})

	conn := connect(t, c.URL("postgres"))
	for sql, want := range map[string]string{
		"SELECT current_user":                  "watchpost",
		"SHOW listen_addresses":                "127.0.0.1",
		"SHOW unix_socket_directories":         "",
		"SHOW fsync":                           "off",
		"SHOW synchronous_commit":              "off",
		"SHOW full_page_writes":                "off",
		"SHOW server_encoding":                 "UTF8",
		"SHOW password_encryption":             "scram-sha-256",
		"SELECT current_setting('lc_collate')": "C",
	} {
		if got := queryString(t, conn, sql); got != want {
			t.Errorf("%s = %q, want %q", sql, got, want)
		}
	}
	if os.Geteuid() == 0 {
		var pid int
		if err := conn.QueryRow(t.Context(), "SELECT pg_backend_pid()").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(fmt.Sprintf("/proc/%d", pid))
		if err != nil {
			t.Fatal(err)
		}
		if uid := fi.Sys().(*syscall.Stat_t).Uid; uid == 0 {
			t.Errorf("PostgreSQL backend runs as root")
		}
	}

	// A wrong password is rejected.
	bad := strings.Replace(c.URL("postgres"), "watchpost:", "watchpost:x", 1)
	if conn, err := pgx.Connect(t.Context(), bad); err == nil {
		conn.Close(t.Context())
		t.Error("connecting with a wrong password succeeded")
	}

	ctx := t.Context()
	if err := c.CreateDatabase(ctx, "app"); err != nil {
		t.Fatalf("CreateDatabase: %v", err)
	}
	if err := c.CreateDatabase(ctx, "app"); err == nil {
		t.Error("creating an existing database succeeded")
	}
	for _, name := range []string{"", "App", `app"; DROP DATABASE app; --`, strings.Repeat("x", 64)} {
		if err := c.CreateDatabase(ctx, name); err == nil || !strings.Contains(err.Error(), "invalid database name") {
			t.Errorf("CreateDatabase(%q) = %v, want invalid name error", name, err)
		}
	}
	app := connect(t, c.URL("app"))
	if _, err := app.Exec(ctx, "CREATE TABLE events (id int); INSERT INTO events VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	app.Close(ctx)

	checkLayout(t, dir)

	if err := c.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := c.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if conn, err := pgx.Connect(ctx, c.URL("postgres")); err == nil {
		conn.Close(ctx)
		t.Fatal("connected after Stop")
	}

	// Restart on the same directory, durable this time: data persists.
	c2 := start(t, pgcluster.Options{Dir: dir, Durable: true})
	app2 := connect(t, c2.URL("app"))
	if got := queryString(t, app2, "SELECT id::text FROM events"); got != "42" {
		t.Errorf("after restart: id = %q, want 42", got)
	}
	if got := queryString(t, app2, "SHOW fsync"); got != "on" {
		t.Errorf("durable: fsync = %q, want on", got)
	}
}

// checkLayout verifies the documented on-disk layout.
func checkLayout(t *testing.T, dir string) {
	t.Helper()
	wantModes := map[string]os.FileMode{
		"password":     0o600,
		"postgres.log": 0o600,
		"data":         os.ModeDir | 0o700,
		"lock":         0o600,
	}
	if os.Geteuid() == 0 {
		wantModes["."] = os.ModeDir | 0o711
	}
	for name, want := range wantModes {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Errorf("layout: %v", err)
			continue
		}
		if got := fi.Mode() & (os.ModeDir | os.ModePerm); got != want {
			t.Errorf("layout: %s has mode %v, want %v", name, got, want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "PG_VERSION")); err != nil {
		t.Errorf("layout: %v", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		switch e.Name() {
		case "data", "password", "postgres.log", "lock":
		default:
			t.Errorf("layout: unexpected leftover %s", e.Name())
		}
	}
}

func TestAttach(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	if a, ok, err := pgcluster.Attach(dir); ok || err != nil || a != nil {
		t.Fatalf("Attach before start = %v, %v, %v; want nil, false, nil", a, ok, err)
	}

	c := start(t, pgcluster.Options{Dir: dir})
	a, ok, err := pgcluster.Attach(dir)
	if err != nil || !ok {
		t.Fatalf("Attach = %v, %v; want a cluster", ok, err)
	}
	if a.URL("x") != c.URL("x") {
		t.Errorf("Attach URL = %s, want %s", a.URL("x"), c.URL("x"))
	}
	if err := a.Stop(); err != nil {
		t.Errorf("attached Stop: %v", err)
	}
	conn := connect(t, a.URL("postgres")) // still running after the no-op Stop
	if err := conn.Ping(t.Context()); err != nil {
		t.Fatal(err)
	}

	_, err = pgcluster.Start(t.Context(), pgcluster.Options{Dir: dir})
	if !errors.Is(err, pgcluster.ErrAlreadyRunning) || !strings.Contains(err.Error(), "pid ") {
		t.Fatalf("second Start = %v, want ErrAlreadyRunning naming the pid", err)
	}
	t.Log(err)

	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := pgcluster.Attach(dir); ok || err != nil {
		t.Fatalf("Attach after Stop = %v, %v; want false, nil", ok, err)
	}
}

func TestStartAfterStalePostmasterPid(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	dataDir := filepath.Join(dir, "data")
	pidPath := filepath.Join(dataDir, "postmaster.pid")

	c := start(t, pgcluster.Options{Dir: dir})
	pidFile, err := os.ReadFile(pidPath)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	// writePidFile plants a postmaster.pid naming pid, owned like the data
	// directory so that PostgreSQL can read it.
	writePidFile := func(pid int) {
		t.Helper()
		lines := strings.SplitN(string(pidFile), "\n", 2)
		if err := os.WriteFile(pidPath, []byte(fmt.Sprintf("%d\n%s", pid, lines[1])), 0o600); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(dataDir)
		if err != nil {
			t.Fatal(err)
		}
		st := fi.Sys().(*syscall.Stat_t)
		if err := os.Chown(pidPath, int(st.Uid), int(st.Gid)); err != nil {
			t.Fatal(err)
		}
	}

	// The old postmaster is gone.
	writePidFile(deadPid(t))
	c = start(t, pgcluster.Options{Dir: dir})
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}

	// The pid was reused by a process that is not PostgreSQL (this one).
	writePidFile(os.Getpid())
	if _, ok, err := pgcluster.Attach(dir); ok || err != nil {
		t.Fatalf("Attach with reused pid = %v, %v; want false, nil", ok, err)
	}
	c = start(t, pgcluster.Options{Dir: dir})
	connect(t, c.URL("postgres"))
}

// deadPid returns the pid of a process that has exited.
func deadPid(t *testing.T) int {
	t.Helper()
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestStartFailsWhenParentNotTraversable(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("only applies when running as root: PostgreSQL then runs as another user that must traverse Dir's parents")
	}
	locked, err := os.MkdirTemp("", "pgcluster-locked-") // mode 0700
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(locked) })
	dir := filepath.Join(locked, "sub", "cluster")

	_, err = pgcluster.Start(t.Context(), pgcluster.Options{Dir: dir})
	if err == nil {
		t.Fatal("Start succeeded under a 0700 directory")
	}
	t.Log(err)
	if msg := err.Error(); !strings.Contains(msg, "directory "+locked+" ") || !strings.Contains(msg, "--data") {
		t.Errorf("error should name %s and suggest another --data location: %v", locked, err)
	}
	if _, err := os.Stat(filepath.Join(locked, "sub")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Start created directories before failing: %v", err)
	}
}

func TestStartFailsWhenPortTaken(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port

	dir := clusterDir(t)
	_, err = pgcluster.Start(t.Context(), pgcluster.Options{Dir: dir, Port: port})
	if err == nil {
		t.Fatal("Start succeeded on a taken port")
	}
	t.Log(err)
	if !strings.Contains(err.Error(), "could not bind") {
		t.Errorf("error should include the postgres log tail: %v", err)
	}
	if _, ok, err := pgcluster.Attach(dir); ok || err != nil {
		t.Errorf("Attach after failed Start = %v, %v; want false, nil", ok, err)
	}
}

// helperEnv makes the test binary act as a separate process that starts a
// cluster on the given directory and then waits to be killed.
const helperEnv = "PGCLUSTER_TEST_HELPER_DIR"

func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("helper process for TestOtherProcessCluster")
	}
	if _, err := pgcluster.Start(context.Background(), pgcluster.Options{Dir: dir}); err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Println("ready")
	select {}
}

// TestOtherProcessCluster attaches to a cluster started by another process
// and checks that the cluster shuts down when that process is killed.
func TestOtherProcessCluster(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
	cmd.Env = append(os.Environ(), helperEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}

	a, ok, err := pgcluster.Attach(dir)
	if err != nil || !ok {
		t.Fatalf("Attach = %v, %v; want a cluster", ok, err)
	}
	conn := connect(t, a.URL("postgres"))
	if got := queryString(t, conn, "SELECT current_user"); got != "watchpost" {
		t.Errorf("current_user = %q", got)
	}
	conn.Close(t.Context())

	// SIGKILL gives the helper no chance to call Stop: the parent-death
	// signal must shut PostgreSQL down.
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, ok, err := pgcluster.Attach(dir)
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("PostgreSQL still running 15s after its parent was killed")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
