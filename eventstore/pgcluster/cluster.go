package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	stopTimeout = 60 * time.Second // fast shutdown, before escalating
	pollPeriod  = 50 * time.Millisecond
)

// Cluster is a running PostgreSQL server, either started by Start or found
// by Attach. Its methods are safe for concurrent use.
type Cluster struct {
	dir      string
	port     int
	password string
	logger   *slog.Logger

	// The rest is unset for attached clusters.
	s          *setup
	lock       *os.File      // held while this process owns the cluster
	stopCh     chan struct{} // closed by Stop
	supervised chan struct{} // closed once the supervisor has stopped postgres for good
	stopOnce   sync.Once
	stopErr    error // set by the supervisor before it closes supervised
}

// postmaster is one run of the postgres server process. A cluster started
// with Options.Restart has a new one after each restart.
type postmaster struct {
	proc    *os.Process
	done    chan struct{} // closed when postgres has exited
	waitErr error         // postgres's exit status; read after done is closed
	readyAt time.Time     // when it first accepted a connection
}

// URL returns the connection URL of database as the superuser, in the form
// postgres://watchpost:PASSWORD@127.0.0.1:PORT/DATABASE?sslmode=disable.
// It stays the same across restarts.
func (c *Cluster) URL(database string) string {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(superuser, c.password),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)),
		Path:     "/" + database,
		RawQuery: "sslmode=disable",
	}
	return u.String()
}

// CreateDatabase creates an empty database. The name must match
// [a-z_][a-z0-9_]{0,62}.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	if !validDatabaseName(name) {
		return fmt.Errorf("pgcluster: invalid database name %q: want [a-z_][a-z0-9_]{0,62}", name)
	}
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: connecting to create database %s: %w", name, err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return fmt.Errorf("pgcluster: creating database %s: %w", name, err)
	}
	return nil
}

func validDatabaseName(name string) bool {
	if name == "" || len(name) > 63 {
		return false
	}
	for i, r := range name {
		switch {
		case r == '_', r >= 'a' && r <= 'z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Stop shuts PostgreSQL down (fast shutdown: running transactions are
// aborted), waits for it to exit and ends its supervision: a pending
// restart is abandoned. It is idempotent, and a no-op for a cluster
// returned by Attach.
func (c *Cluster) Stop() error {
	if c.s == nil {
		return nil
	}
	c.stopOnce.Do(func() {
		close(c.stopCh)
		<-c.supervised
		c.s.logFile.Close()
		c.lock.Close() // releases the lock only now that postgres is gone
	})
	return c.stopErr
}

// supervise waits for postgres to exit. On Stop it shuts postgres down; on
// an unexpected exit it restarts it (with Options.Restart) or leaves it
// down until Stop.
func (c *Cluster) supervise(pm *postmaster) {
	defer close(c.supervised)
	failures := 0 // exits and failed starts since postgres last ran stably
	for {
		select {
		case <-c.stopCh:
			c.stopErr = c.shutdown(pm)
			return
		case <-pm.done:
		}
		select {
		case <-c.stopCh:
			// Exited just as Stop was called.
			c.stopErr = c.shutdown(pm)
			return
		default:
		}
		c.logger.Error("PostgreSQL exited unexpectedly", "dir", c.dir, "pid", pm.proc.Pid, "err", pm.waitErr,
			"log", c.s.logPath())
		if !c.s.opt.Restart {
			<-c.stopCh
			c.stopErr = fmt.Errorf("pgcluster: postgres had already exited: %w", pm.waitErr)
			return
		}
		if time.Since(pm.readyAt) >= c.s.backoff().stableAfter {
			failures = 0
		}
		next, err := c.restart(&failures)
		if next == nil {
			if err != nil {
				<-c.stopCh // gave up: stay down until Stop
			}
			c.stopErr = err
			return
		}
		pm = next
	}
}

// backoff is how a cluster started with Options.Restart retries.
type backoff struct {
	// attempts bounds the restarts in a row that do not give a server
	// running for stableAfter.
	attempts    int
	first, max  time.Duration // the second attempt's delay, and the largest
	stableAfter time.Duration
}

var defaultBackoff = backoff{attempts: 10, first: 250 * time.Millisecond, max: 8 * time.Second, stableAfter: time.Minute}

// delay is the wait before the nth restart attempt in a row: none before
// the first (PostgreSQL's crash recovery makes an immediate start safe),
// then doubling from b.first up to b.max.
func (b backoff) delay(n int) time.Duration {
	if n <= 1 {
		return 0
	}
	d := b.first
	for i := 2; i < n && d < b.max; i++ {
		d *= 2
	}
	return min(d, b.max)
}

// restart starts postgres again on the same port, retrying with backoff. It
// returns nil and no error if Stop was called meanwhile, and nil and an
// error once it gives up.
func (c *Cluster) restart(failures *int) (*postmaster, error) {
	exited := time.Now()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		select {
		case <-c.stopCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	b := c.s.backoff()
	for {
		*failures++
		if *failures > b.attempts {
			err := fmt.Errorf("pgcluster: PostgreSQL on %s exited or failed to start %d times in a row; no longer restarting it (see %s)",
				c.dir, b.attempts, c.s.logPath())
			c.logger.Error("giving up restarting PostgreSQL", "dir", c.dir, "attempts", b.attempts, "log", c.s.logPath())
			return nil, err
		}
		delay := b.delay(*failures)
		c.logger.Warn("restarting PostgreSQL", "dir", c.dir, "port", c.port, "attempt", *failures, "of", b.attempts, "delay", delay)
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(delay):
		}
		for {
			pm, failure, err := c.s.launch(ctx, c.port)
			if err == nil {
				c.logger.Warn("PostgreSQL restarted", "dir", c.dir, "port", c.port, "pid", pm.proc.Pid,
					"attempt", *failures, "down", time.Since(exited).Round(time.Millisecond))
				return pm, nil
			}
			if ctx.Err() != nil {
				return nil, nil
			}
			if failure == memoryInUse && time.Since(exited) < busyTimeout {
				// The killed server's backends are still exiting (they
				// notice the postmaster's death within moments): not a
				// failed attempt, try again shortly.
				c.logger.Info("processes of the killed PostgreSQL are still exiting; trying again", "dir", c.dir, "attempt", *failures)
				select {
				case <-ctx.Done():
					return nil, nil
				case <-time.After(busyRetry):
				}
				continue
			}
			c.logger.Warn("PostgreSQL restart failed", "dir", c.dir, "attempt", *failures, "err", err)
			break
		}
	}
}

// shutdown stops pm for good.
func (c *Cluster) shutdown(pm *postmaster) error {
	select {
	case <-pm.done:
		if pm.waitErr != nil {
			return fmt.Errorf("pgcluster: postgres had already exited: %w", pm.waitErr)
		}
		return nil
	default:
	}
	c.logger.Info("stopping PostgreSQL", "dir", c.dir, "pid", pm.proc.Pid)
	if err := pm.terminate(c.logger); err != nil {
		return err
	}
	if pm.waitErr != nil {
		return fmt.Errorf("pgcluster: postgres exited with %w (see %s)", pm.waitErr, c.s.logPath())
	}
	c.logger.Info("PostgreSQL stopped", "dir", c.dir)
	return nil
}

// terminate asks postgres for a fast shutdown and waits for it to exit,
// escalating to an immediate shutdown and then to SIGKILL if it takes too
// long.
func (pm *postmaster) terminate(logger *slog.Logger) error {
	if err := pm.proc.Signal(syscall.SIGINT); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("pgcluster: signalling postgres: %w", err)
	}
	select {
	case <-pm.done:
	case <-time.After(stopTimeout):
		logger.Warn("PostgreSQL did not stop in time; forcing an immediate shutdown", "pid", pm.proc.Pid)
		_ = pm.proc.Signal(syscall.SIGQUIT)
		select {
		case <-pm.done:
		case <-time.After(10 * time.Second):
			_ = pm.proc.Kill()
			<-pm.done
		}
	}
	return nil
}

// run starts cmd and waits for it, on a goroutine locked to its OS thread
// for the whole life of the child: the parent-death signal fires when the
// thread that forked the child exits, and an unlocked thread may be retired
// by the Go runtime at any time.
func (pm *postmaster) run(cmd *exec.Cmd, started chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		started <- err
		return
	}
	pm.proc = cmd.Process
	started <- nil
	pm.waitErr = cmd.Wait()
	close(pm.done)
}

// waitReady polls until postgres accepts a connection. If postgres exits or
// ctx ends (bounded by readyTimeout) first, it returns an error, having
// stopped postgres if it still runs; the caller adds the log tail.
func (s *setup) waitReady(ctx context.Context, pm *postmaster, url string) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	// Abandon a pending connection attempt as soon as postgres exits.
	go func() {
		select {
		case <-pm.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		pm.terminate(s.logger)
		return fmt.Errorf("pgcluster: %w", err)
	}
	cfg.ConnectTimeout = 2 * time.Second
	for {
		conn, err := pgx.ConnectConfig(ctx, cfg)
		if err == nil {
			conn.Close(ctx)
			return nil
		}
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && (pgErr.Code == "28P01" || pgErr.Code == "28000") {
			pm.terminate(s.logger)
			return fmt.Errorf("pgcluster: PostgreSQL rejected the password in %s: %w", s.passwordPath(), err)
		}
		select {
		case <-time.After(pollPeriod):
			continue
		case <-ctx.Done():
		}
		// ctx ended: postgres exited, time ran out or the caller gave up.
		select {
		case <-pm.done:
			return fmt.Errorf("pgcluster: postgres exited during startup (%v)", pm.waitErr)
		default:
			pm.terminate(s.logger)
			return fmt.Errorf("pgcluster: PostgreSQL did not accept connections: %w (last attempt: %v)", ctx.Err(), err)
		}
	}
}

// Attach returns the cluster running on dir if a live postmaster runs there
// (its postmaster.pid names a live PostgreSQL process). It is meant for a
// process that finds the cluster already started by another process; the
// returned Cluster's Stop does nothing, and it is never restarted by this
// process. The server may still be starting up. ok is false if no server
// is running on dir.
func Attach(dir string) (c *Cluster, ok bool, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, false, fmt.Errorf("pgcluster: %w", err)
	}
	// <dir>/data may be a link to the data directory elsewhere (see
	// Options.Fallback); reading through it finds the postmaster.pid.
	pf, running, err := runningPostmaster(filepath.Join(dir, "data"))
	if err != nil || !running {
		return nil, false, err
	}
	if pf.port <= 0 {
		return nil, false, fmt.Errorf("pgcluster: no port in %s", filepath.Join(dir, "data", "postmaster.pid"))
	}
	password, err := readPassword(dir)
	if err != nil {
		return nil, false, err
	}
	return &Cluster{dir: dir, port: pf.port, password: password, logger: slog.New(slog.DiscardHandler)}, true, nil
}
