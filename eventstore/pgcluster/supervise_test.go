package pgcluster_test

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/watchpost/watchpost/eventstore/pgcluster"
)

// logRecorder is a logger that writes to the test's output and lets the
// test wait for a message.
type logRecorder struct {
	slog.Handler
	mu      *sync.Mutex
	msgs    *[]string
	changed *chan struct{} // closed and replaced at each record
}

func newLogRecorder(t *testing.T) (*slog.Logger, *logRecorder) {
	ch := make(chan struct{})
	r := &logRecorder{Handler: slog.NewTextHandler(t.Output(), nil), mu: &sync.Mutex{}, msgs: &[]string{}, changed: &ch}
	return slog.New(r), r
}

func (r *logRecorder) Handle(ctx context.Context, rec slog.Record) error {
	r.mu.Lock()
	*r.msgs = append(*r.msgs, rec.Message)
	close(*r.changed)
	*r.changed = make(chan struct{})
	r.mu.Unlock()
	return r.Handler.Handle(ctx, rec)
}

func (r *logRecorder) WithAttrs(as []slog.Attr) slog.Handler {
	return &logRecorder{Handler: r.Handler.WithAttrs(as), mu: r.mu, msgs: r.msgs, changed: r.changed}
}

func (r *logRecorder) WithGroup(name string) slog.Handler {
	return &logRecorder{Handler: r.Handler.WithGroup(name), mu: r.mu, msgs: r.msgs, changed: r.changed}
}

// count counts the records with message msg.
func (r *logRecorder) count(msg string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, m := range *r.msgs {
		if m == msg {
			n++
		}
	}
	return n
}

// waitCount waits until n records with message msg have been logged.
func (r *logRecorder) waitCount(t *testing.T, msg string, n int, within time.Duration) {
	t.Helper()
	deadline := time.After(within)
	for {
		r.mu.Lock()
		changed := *r.changed
		r.mu.Unlock()
		if r.count(msg) >= n {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("%q logged %d times within %s, want %d", msg, r.count(msg), within, n)
		}
	}
}

// postmasterPid reads the pid of the postmaster running on dir.
func postmasterPid(t *testing.T, dir string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// TestRestartAfterPostmasterKilled kills the postmaster with SIGKILL: the
// process that started the cluster starts it again on the same port, and
// the committed data survives (crash recovery), twice in a row.
func TestRestartAfterPostmasterKilled(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	logger, rec := newLogRecorder(t)
	c := start(t, pgcluster.Options{Dir: dir, Durable: true, Restart: true, Logger: logger})
	ctx := t.Context()
	if err := c.CreateDatabase(ctx, "app"); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, c.URL("app"))
	if _, err := conn.Exec(ctx, "CREATE TABLE events (id int); INSERT INTO events VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	pids := []int{postmasterPid(t, dir)}
	for round := 1; round <= 2; round++ {
		killed := time.Now()
		if err := syscall.Kill(pids[len(pids)-1], syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// Another process cannot start a server of its own meanwhile.
		if _, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir}); !errors.Is(err, pgcluster.ErrAlreadyRunning) {
			t.Fatalf("Start while the owner restarts the cluster = %v, want ErrAlreadyRunning", err)
		}
		rec.waitCount(t, "PostgreSQL restarted", round, 30*time.Second)
		t.Logf("round %d: PostgreSQL accepted connections again %s after the kill", round, time.Since(killed).Round(time.Millisecond))

		conn := connect(t, c.URL("app")) // the same URL: the same port
		if got := queryString(t, conn, "SELECT id::text FROM events"); got != "42" {
			t.Errorf("after the restart: id = %q, want 42", got)
		}
		if _, err := conn.Exec(ctx, "INSERT INTO events VALUES ($1)", 42+round); err != nil {
			t.Fatal(err)
		}
		conn.Close(ctx)
		pid := postmasterPid(t, dir)
		if slices.Contains(pids, pid) {
			t.Fatalf("postmaster pid %d after the restart, want a new one (had %v)", pid, pids)
		}
		pids = append(pids, pid)
	}
	for _, msg := range []string{"PostgreSQL exited unexpectedly", "restarting PostgreSQL"} {
		if n := rec.count(msg); n != 2 {
			t.Errorf("%q logged %d times, want 2", msg, n)
		}
	}
	if n := rec.count("PostgreSQL restart failed"); n != 0 {
		t.Errorf("%d restart attempts failed, want none", n)
	}

	if err := c.Stop(); err != nil {
		t.Fatalf("Stop after restarts: %v", err)
	}
	if _, ok, err := pgcluster.Attach(dir); ok || err != nil {
		t.Fatalf("Attach after Stop = %v, %v; want false, nil", ok, err)
	}
	// Stop released the directory.
	c = start(t, pgcluster.Options{Dir: dir, Durable: true})
	conn = connect(t, c.URL("app"))
	if got := queryString(t, conn, "SELECT count(*)::text FROM events"); got != "3" {
		t.Errorf("rows after the restarts = %s, want 3", got)
	}
}

// TestRestartGivesUp: when postgres cannot start again, the retries are
// bounded, each is logged, and Stop reports it.
func TestRestartGivesUp(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	logger, rec := newLogRecorder(t)
	opt := pgcluster.WithBackoff(pgcluster.Options{Dir: dir, Restart: true, Logger: logger}, 3, 10*time.Millisecond, 20*time.Millisecond)
	c, err := pgcluster.Start(t.Context(), opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop() })

	// Without PG_VERSION postgres refuses to start; the running server
	// does not notice.
	version := filepath.Join(dir, "data", "PG_VERSION")
	if err := os.Rename(version, version+".moved"); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(postmasterPid(t, dir), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	rec.waitCount(t, "giving up restarting PostgreSQL", 1, 30*time.Second)
	if n, f := rec.count("restarting PostgreSQL"), rec.count("PostgreSQL restart failed"); n != 3 || f != 3 {
		t.Errorf("%d restart attempts and %d failures logged, want 3 and 3", n, f)
	}
	if err := c.Stop(); err == nil || !strings.Contains(err.Error(), "no longer restarting") {
		t.Errorf("Stop = %v, want the reason it is down", err)
	}

	if err := os.Rename(version+".moved", version); err != nil {
		t.Fatal(err)
	}
	c = start(t, pgcluster.Options{Dir: dir})
	connect(t, c.URL("postgres"))
}

// TestStopWhileRestarting: Stop called just as the postmaster dies ends
// the supervision; nothing runs afterwards.
func TestStopWhileRestarting(t *testing.T) {
	t.Parallel()
	dir := clusterDir(t)
	c, err := pgcluster.Start(t.Context(), pgcluster.Options{Dir: dir, Restart: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(postmasterPid(t, dir), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = c.Stop() // an error if Stop saw the kill before the supervisor did
	t.Logf("Stop: %v", err)
	if _, ok, err := pgcluster.Attach(dir); ok || err != nil {
		t.Fatalf("Attach after Stop = %v, %v; want false, nil", ok, err)
	}
	c = start(t, pgcluster.Options{Dir: dir})
	connect(t, c.URL("postgres"))
}

func TestRestartDelays(t *testing.T) {
	t.Parallel()
	got := pgcluster.RestartDelays()
	want := []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, time.Second, 2 * time.Second,
		4 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second, 8 * time.Second}
	if !slices.Equal(got, want) {
		t.Errorf("restart delays = %v, want %v", got, want)
	}
}
