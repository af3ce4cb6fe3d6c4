package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/eventstore/natsembed"
	"github.com/watchpost/watchpost/eventstore/pgcluster"
)

// childEnv marks the process the benchmark starts as its server.
const childEnv = "WATCHPOST_BENCH_SERVER"

// benchPolicy is the server's policy during a run: a one-day response
// deadline, so the cases left after referral come due at the first
// midnight of the run.
func benchPolicy() deadline.Policy {
	p := deadline.DefaultPolicy()
	p.ResponseDays = 1
	return p
}

// benchZone is the service's time zone.
var benchZone = time.FixedZone("CST", 8*3600)

// midnight is the instant the benchmark server's clock reaches in the
// middle of the load phase: the start of Wednesday 25 November 2026, a
// working day after a working day.
var midnight = time.Date(2026, 11, 25, 0, 0, 0, 0, benchZone)

// target is the server under test and the connections the benchmark reads
// it with.
type target struct {
	url, adminToken string
	pid             int
	pgData          string // the server's PostgreSQL data directory, when the benchmark started it
	nc              *nats.Conn
	pool            *pgxpool.Pool
	stop            func()
}

// cpu is the meter of the processes under test (nothing to read with -url).
func (t *target) cpu() *cpuMeter { return &cpuMeter{server: t.pid, pgData: t.pgData} }

func (t *target) close() {
	if t.nc != nil {
		t.nc.Close()
	}
	if t.pool != nil {
		t.pool.Close()
	}
	if t.stop != nil {
		t.stop()
	}
}

// startTarget starts the server as a child process (or connects to the one
// named by -url) and opens the benchmark's own connections.
func startTarget(ctx context.Context, s *settings, token, natsURL, dbURL string, stderr io.Writer) (*target, error) {
	t := &target{}
	s.Policy = fmt.Sprintf("response %d, closure %d, flag after %d working days", benchPolicy().ResponseDays,
		benchPolicy().ClosureDays, benchPolicy().FlagAfter)
	if s.URL != "" {
		t.url, t.adminToken = s.URL, token
		s.NATS, s.Postgres = "external", "external"
		var err error
		if natsURL != "" {
			if t.nc, err = nats.Connect(natsURL); err != nil {
				return nil, err
			}
		}
		if dbURL != "" {
			if t.pool, err = app.NewPool(ctx, dbURL); err != nil {
				return nil, err
			}
		}
		return t, nil
	}
	s.NATS = "embedded, file storage, fsync before every acknowledgement"
	s.Postgres = "private cluster, default durability"
	dir := s.Data
	if dir == "" {
		tmp, err := os.MkdirTemp("", "watchpost-bench-")
		if err != nil {
			return nil, err
		}
		dir = tmp
		if err := os.Chmod(dir, 0o755); err != nil {
			return nil, err
		}
	}
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	// The server's clock reads midnight half-way through the load phase.
	offset := time.Until(midnight.Add(-s.Duration / 2))
	cmd := exec.Command(self, "-data", dir, "-clock-offset", offset.String())
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	t.pid = cmd.Process.Pid
	t.pgData = filepath.Join(dir, "postgres", "data")
	t.stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
		}
		if s.Data == "" {
			_ = os.RemoveAll(dir)
		}
	}
	lines := bufio.NewScanner(out)
	for t.adminToken == "" && lines.Scan() {
		line := lines.Text()
		if v, ok := strings.CutPrefix(line, "url: "); ok {
			t.url = v
		}
		if v, ok := strings.CutPrefix(line, "admin token: "); ok {
			t.adminToken = v
		}
	}
	if t.url == "" || t.adminToken == "" {
		t.stop()
		return nil, errors.New("the benchmark server did not start")
	}
	go func() { _, _ = io.Copy(io.Discard, out) }()
	nc, ok, err := natsembed.Attach(filepath.Join(dir, "nats"), "watchpost-bench")
	if err != nil || !ok {
		t.stop()
		return nil, fmt.Errorf("reach the server's NATS: %v", err)
	}
	t.nc = nc
	c, ok, err := pgcluster.Attach(filepath.Join(dir, "postgres"))
	if err != nil || !ok {
		t.close()
		return nil, fmt.Errorf("reach the server's PostgreSQL: %v", err)
	}
	if t.pool, err = app.NewPool(ctx, c.URL("watchpost")); err != nil {
		t.close()
		return nil, err
	}
	return t, nil
}

// runChild is the benchmark's server: watchpost serve with a moved clock and
// the benchmark's policy.
func runChild(args []string) error {
	var dir, offset string
	for i := 0; i+1 < len(args); i += 2 {
		switch args[i] {
		case "-data":
			dir = args[i+1]
		case "-clock-offset":
			offset = args[i+1]
		}
	}
	d, err := time.ParseDuration(offset)
	if err != nil || dir == "" {
		return fmt.Errorf("bad arguments %q", args)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if path := os.Getenv("WATCHPOST_BENCH_CPUPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	m := app.NewMain(app.Config{
		Addr:     "127.0.0.1:0",
		DataDir:  dir,
		Replicas: 1,
		TimeZone: benchZone,
		Policy:   benchPolicy(),
		Logger:   slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Clock:    func() time.Time { return time.Now().Add(d).UTC().Truncate(time.Microsecond) },
	})
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Printf("url: %s\nadmin token: %s\n", m.URL, m.AdminToken)
	select {
	case <-ctx.Done():
	case err := <-m.Done():
		m.Close()
		return err
	}
	if path := os.Getenv("WATCHPOST_BENCH_HEAPPROFILE"); path != "" {
		// What the server holds at the end of the run.
		if err := writeHeapProfile(path); err != nil {
			fmt.Fprintln(os.Stderr, "heap profile:", err)
		}
	}
	m.Close()
	return nil
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
