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
	"sync/atomic"
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
	proc     *os.Process
	logFile  *os.File
	done     chan struct{} // closed when postgres has exited
	waitErr  error         // postgres's exit status; read after done is closed
	ready    atomic.Bool   // set once postgres accepted a connection
	stopping atomic.Bool
	stopOnce sync.Once
	stopErr  error
}

// URL returns the connection URL of database as the superuser, in the form
// postgres://watchpost:PASSWORD@127.0.0.1:PORT/DATABASE?sslmode=disable.
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
// aborted) and waits for it to exit. It is idempotent, and a no-op for a
// cluster returned by Attach.
func (c *Cluster) Stop() error {
	if c.proc == nil {
		return nil
	}
	c.stopOnce.Do(func() {
		c.stopErr = c.stop()
		c.logFile.Close()
	})
	return c.stopErr
}

func (c *Cluster) stop() error {
	c.stopping.Store(true)
	select {
	case <-c.done:
		if c.waitErr != nil {
			return fmt.Errorf("pgcluster: postgres had already exited: %w", c.waitErr)
		}
		return nil
	default:
	}

	c.logger.Info("stopping PostgreSQL", "dir", c.dir, "pid", c.proc.Pid)
	if err := c.proc.Signal(syscall.SIGINT); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("pgcluster: signalling postgres: %w", err)
	}
	select {
	case <-c.done:
	case <-time.After(stopTimeout):
		c.logger.Warn("PostgreSQL did not stop in time; forcing an immediate shutdown", "pid", c.proc.Pid)
		_ = c.proc.Signal(syscall.SIGQUIT)
		select {
		case <-c.done:
		case <-time.After(10 * time.Second):
			_ = c.proc.Kill()
			<-c.done
		}
	}
	if c.waitErr != nil {
		return fmt.Errorf("pgcluster: postgres exited with %w (see %s)", c.waitErr, filepath.Join(c.dir, "postgres.log"))
	}
	c.logger.Info("PostgreSQL stopped", "dir", c.dir)
	return nil
}

// run starts cmd and waits for it, on a goroutine locked to its OS thread
// for the whole life of the child: the parent-death signal fires when the
// thread that forked the child exits, and an unlocked thread may be retired
// by the Go runtime at any time.
func (c *Cluster) run(cmd *exec.Cmd, started chan<- error) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := cmd.Start(); err != nil {
		started <- err
		return
	}
	c.proc = cmd.Process
	started <- nil
	c.waitErr = cmd.Wait()
	close(c.done)
	if c.ready.Load() && !c.stopping.Load() {
		c.logger.Error("PostgreSQL exited unexpectedly", "dir", c.dir, "err", c.waitErr,
			"log", filepath.Join(c.dir, "postgres.log"))
	}
}

// waitReady polls until postgres accepts a connection. If postgres exits or
// ctx ends (bounded by readyTimeout) first, it returns an error; the caller
// adds the log tail.
func (c *Cluster) waitReady(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	// Abandon a pending connection attempt as soon as postgres exits.
	go func() {
		select {
		case <-c.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	cfg, err := pgx.ParseConfig(c.URL("postgres"))
	if err != nil {
		c.stop()
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
			c.stop()
			return fmt.Errorf("pgcluster: PostgreSQL rejected the password in %s: %w", filepath.Join(c.dir, "password"), err)
		}
		select {
		case <-time.After(pollPeriod):
			continue
		case <-ctx.Done():
		}
		// ctx ended: either postgres exited or time ran out.
		select {
		case <-c.done:
			return fmt.Errorf("pgcluster: postgres exited during startup (%v)", c.waitErr)
		default:
			c.stop()
			return fmt.Errorf("pgcluster: PostgreSQL did not accept connections: %w (last attempt: %v)", ctx.Err(), err)
		}
	}
}

// Attach returns the cluster running on dir if a live postmaster runs there
// (its postmaster.pid names a live PostgreSQL process). It is meant for a
// process that finds the cluster already started by another process; the
// returned Cluster's Stop does nothing. The server may still be starting up.
// ok is false if no server is running on dir.
func Attach(dir string) (c *Cluster, ok bool, err error) {
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, false, fmt.Errorf("pgcluster: %w", err)
	}
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
