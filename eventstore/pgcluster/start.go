package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// ErrAlreadyRunning is returned by Start when a PostgreSQL server started
// by another process is already running on the directory; use Attach then.
var ErrAlreadyRunning = errors.New("pgcluster: PostgreSQL is already running")

const (
	readyTimeout     = 30 * time.Second // upper bound on waiting for readiness
	maxStartAttempts = 3                // with Port 0, retries after a port clash
)

// Options configures Start.
type Options struct {
	// Dir is the cluster directory (see the package documentation for its
	// layout). The cluster is created with initdb if Dir/data has no
	// PG_VERSION file.
	Dir string
	// Logger receives progress messages; nil discards them.
	Logger *slog.Logger
	// Durable keeps PostgreSQL's crash-safety defaults. When false (tests),
	// fsync, synchronous_commit and full_page_writes are turned off and
	// initdb skips syncing, which is much faster but loses data on a crash.
	Durable bool
	// Port is the TCP port to listen on at 127.0.0.1; 0 picks a free port
	// at each start.
	Port int
}

// setup holds what Start has worked out before launching postgres.
type setup struct {
	opt     Options
	dir     string // absolute Options.Dir
	binDir  string
	user    pgUser
	logger  *slog.Logger
	logFile *os.File
}

func (s *setup) dataDir() string      { return filepath.Join(s.dir, "data") }
func (s *setup) logPath() string      { return filepath.Join(s.dir, "postgres.log") }
func (s *setup) passwordPath() string { return filepath.Join(s.dir, "password") }

// chown gives path to the PostgreSQL user when that is not the current user.
func (s *setup) chown(path string) error {
	if s.user.cred == nil {
		return nil
	}
	if err := os.Chown(path, s.user.uid, s.user.gid); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}

// Start starts PostgreSQL on opt.Dir, creating the cluster first if needed,
// and returns once it accepts connections. The caller must call Stop.
//
// It returns ErrNotInstalled if the server binaries are missing and an
// error wrapping ErrAlreadyRunning if a live postmaster already runs on the
// directory.
func Start(ctx context.Context, opt Options) (*Cluster, error) {
	if opt.Dir == "" {
		return nil, errors.New("pgcluster: Options.Dir is empty")
	}
	dir, err := filepath.Abs(opt.Dir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	logger := opt.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	binDir, err := FindBinaries()
	if err != nil {
		return nil, err
	}
	s := &setup{opt: opt, dir: dir, binDir: binDir, logger: logger}

	pf, running, err := runningPostmaster(s.dataDir())
	if err != nil {
		return nil, err
	}
	if running {
		return nil, fmt.Errorf("%w on %s (pid %d); use Attach to connect to it", ErrAlreadyRunning, dir, pf.pid)
	}
	if s.user, err = resolveUser(s.dataDir()); err != nil {
		return nil, err
	}
	if err := s.prepareDir(); err != nil {
		return nil, err
	}
	if s.logFile, err = openLog(s.logPath()); err != nil {
		return nil, err
	}
	c, err := s.start(ctx)
	if err != nil {
		s.logFile.Close()
		return nil, err
	}
	return c, nil
}

// prepareDir creates Dir and, as root, makes sure the PostgreSQL user can
// reach it. It checks ancestors before creating anything so that an
// unusable location leaves no trace.
func (s *setup) prepareDir() error {
	if s.user.cred == nil {
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		return nil
	}
	if err := checkReachable(s.dir, s.user, false); err != nil {
		return err
	}
	if err := os.MkdirAll(s.dir, 0o711); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	fi, err := os.Stat(s.dir)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if !searchable(fi, s.user) {
		if err := os.Chmod(s.dir, 0o711); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
	}
	// Directories MkdirAll just created may have lost bits to the umask.
	return checkReachable(s.dir, s.user, true)
}

// start initializes the cluster if needed and launches postgres.
func (s *setup) start(ctx context.Context) (*Cluster, error) {
	_, err := os.Stat(filepath.Join(s.dataDir(), "PG_VERSION"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := s.initCluster(ctx); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	password, err := readPassword(s.dir)
	if err != nil {
		return nil, err
	}
	if removed, err := removeReusedPidFile(s.dataDir()); err != nil {
		return nil, err
	} else if removed {
		s.logger.Warn("removed postmaster.pid naming a process that is not PostgreSQL", "dir", s.dir)
	}

	for attempt := 1; ; attempt++ {
		port := s.opt.Port
		if port == 0 {
			if port, err = freePort(); err != nil {
				return nil, err
			}
		}
		c, portClash, err := s.launch(ctx, port, password)
		if err == nil {
			return c, nil
		}
		if !portClash || s.opt.Port != 0 || attempt == maxStartAttempts {
			return nil, err
		}
		s.logger.Warn("PostgreSQL could not bind its port; retrying with another", "port", port)
	}
}

// launch runs postgres on port and waits until it accepts connections.
// portClash reports that it failed because the port was taken.
func (s *setup) launch(ctx context.Context, port int, password string) (c *Cluster, portClash bool, err error) {
	args := []string{
		"-D", s.dataDir(),
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
	}
	if !s.opt.Durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(s.binDir, "postgres"), args...)
	s.configure(cmd)

	c = &Cluster{
		dir:      s.dir,
		port:     port,
		password: password,
		logger:   s.logger,
		logFile:  s.logFile,
		done:     make(chan struct{}),
	}
	offset := logSize(s.logFile)
	started := make(chan error, 1)
	go c.run(cmd, started)
	if err := <-started; err != nil {
		return nil, false, fmt.Errorf("pgcluster: starting postgres: %w", err)
	}
	if err := c.waitReady(ctx); err != nil {
		tail := tailLog(s.logPath(), offset)
		clash := strings.Contains(tail, "could not bind") || strings.Contains(tail, "could not create any TCP/IP sockets")
		return nil, clash, fmt.Errorf("%w; last lines of %s:\n%s", err, s.logPath(), tail)
	}
	c.ready.Store(true)
	s.logger.Info("PostgreSQL started", "dir", s.dir, "port", port, "pid", c.proc.Pid, "user", s.user.name)
	return c, false, nil
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgcluster: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
