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
// by another process is already running on the directory, or when another
// process owns the directory (it started the server there and restarts it
// when it dies); use Attach then, once the server runs.
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
	// at the first start. Restarts reuse the port of the first start.
	Port int
	// Fallback, when set, is an absolute directory (such as
	// /var/lib/watchpost) under which the data directory of a new cluster
	// is kept when the process runs as root and the PostgreSQL user cannot
	// reach Dir (it lies under a private home directory, say). Dir then
	// holds a symbolic link to it; see the package documentation. When
	// empty, Start fails in that case.
	Fallback string
	// Restart makes this process restart PostgreSQL when it exits other
	// than by Stop, with PostgreSQL's crash recovery, retrying with
	// backoff. The server keeps its port, so connection URLs stay valid.
	Restart bool

	backoff backoff // zero: defaultBackoff; tests shorten it
}

// setup holds what Start has worked out before launching postgres.
type setup struct {
	opt     Options
	dir     string // absolute Options.Dir
	pgdata  string // the data directory postgres runs on: <dir>/data, or where that link points
	binDir  string
	user    pgUser
	logger  *slog.Logger
	logFile *os.File

	relocate bool // the data directory is to be created under Options.Fallback
	password string
}

func (s *setup) backoff() backoff {
	if s.opt.backoff.attempts == 0 {
		return defaultBackoff
	}
	return s.opt.backoff
}

// linkPath is <Dir>/data: the data directory or a link to it.
func (s *setup) linkPath() string     { return filepath.Join(s.dir, "data") }
func (s *setup) logPath() string      { return filepath.Join(s.dir, "postgres.log") }
func (s *setup) passwordPath() string { return filepath.Join(s.dir, "password") }

// workDir is where initdb and postgres run: the directory that holds the
// data directory, which the PostgreSQL user can enter.
func (s *setup) workDir() string { return filepath.Dir(s.pgdata) }

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
// and returns once it accepts connections. The process owns the cluster
// until Stop: another Start on the same directory fails meanwhile, even
// while the server is down. The caller must call Stop.
//
// It returns ErrNotInstalled if the server binaries are missing and an
// error wrapping ErrAlreadyRunning if a live postmaster already runs on the
// directory or another process owns it.
func Start(ctx context.Context, opt Options) (*Cluster, error) {
	if opt.Dir == "" {
		return nil, errors.New("pgcluster: Options.Dir is empty")
	}
	if opt.Fallback != "" && !filepath.IsAbs(opt.Fallback) {
		return nil, fmt.Errorf("pgcluster: Options.Fallback %q is not an absolute path", opt.Fallback)
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

	if err := s.checkNotRunning(); err != nil {
		return nil, err
	}
	if s.user, err = resolveUser(s.linkPath()); err != nil {
		return nil, err
	}
	if err := s.prepareDir(); err != nil {
		return nil, err
	}
	lock, err := lockDir(s.dir)
	if err != nil {
		return nil, err
	}
	c, err := s.startLocked(ctx, lock)
	if err != nil {
		lock.Close()
		return nil, err
	}
	return c, nil
}

// startLocked goes on with Start once this process holds the lock on Dir.
func (s *setup) startLocked(ctx context.Context, lock *os.File) (*Cluster, error) {
	// Checked again now that no other process can be starting one.
	if err := s.checkNotRunning(); err != nil {
		return nil, err
	}
	if s.relocate {
		if err := s.relocateData(); err != nil {
			return nil, err
		}
	}
	var err error
	if s.logFile, err = openLog(s.logPath()); err != nil {
		return nil, err
	}
	c, err := s.start(ctx, lock)
	if err != nil {
		s.logFile.Close()
		return nil, err
	}
	return c, nil
}

func (s *setup) checkNotRunning() error {
	pf, running, err := runningPostmaster(s.linkPath())
	if err != nil {
		return err
	}
	if running {
		return fmt.Errorf("%w on %s (pid %d); use Attach to connect to it", ErrAlreadyRunning, s.dir, pf.pid)
	}
	return nil
}

// prepareDir works out where the data directory is, creates Dir and, as
// root, makes sure the PostgreSQL user can reach the data directory. It
// checks ancestors before creating anything so that an unusable location
// leaves no trace.
func (s *setup) prepareDir() error {
	target, isLink, err := readDataLink(s.linkPath())
	if err != nil {
		return err
	}
	s.pgdata = s.linkPath()
	if isLink {
		s.pgdata = target
		if _, err := os.Stat(filepath.Dir(s.pgdata)); err != nil {
			return fmt.Errorf("pgcluster: %s links to the data directory %s, but its directory is gone (%w); remove the link to start afresh",
				s.linkPath(), s.pgdata, err)
		}
	}
	if s.user.cred == nil {
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		return nil
	}
	if isLink {
		// Only the data directory's location must be reachable; Dir stays
		// private.
		if err := checkReachable(s.pgdata, s.user, false); err != nil {
			return err
		}
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		return nil
	}
	if err := checkReachable(s.dir, s.user, false); err != nil {
		var unreachable *unreachableError
		if s.opt.Fallback == "" || !errors.As(err, &unreachable) || exists(s.linkPath()) {
			return err
		}
		if err := checkReachable(s.opt.Fallback, s.user, false); err != nil {
			return fmt.Errorf("pgcluster: %s cannot hold the data directory either: %w", s.opt.Fallback, err)
		}
		s.relocate = true
		if err := os.MkdirAll(s.dir, 0o700); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		return nil
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

// exists reports whether something (a link included) is at path; when in
// doubt it says yes, so that nothing is put in its place.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return !errors.Is(err, fs.ErrNotExist)
}

// start initializes the cluster if needed, launches postgres and hands it
// to a supervisor.
func (s *setup) start(ctx context.Context, lock *os.File) (*Cluster, error) {
	_, err := os.Stat(filepath.Join(s.pgdata, "PG_VERSION"))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := s.initCluster(ctx); err != nil {
			return nil, err
		}
	case err != nil:
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if s.password, err = readPassword(s.dir); err != nil {
		return nil, err
	}
	if removed, err := removeReusedPidFile(s.pgdata); err != nil {
		return nil, err
	} else if removed {
		s.logger.Warn("removed postmaster.pid naming a process that is not PostgreSQL", "dir", s.dir)
	}

	port := s.opt.Port
	portAttempts, busyUntil := 1, time.Now().Add(busyTimeout)
	for {
		if s.opt.Port == 0 && port == 0 {
			if port, err = freePort(); err != nil {
				return nil, err
			}
		}
		pm, failure, err := s.launch(ctx, port)
		switch {
		case err == nil:
			c := &Cluster{
				dir:        s.dir,
				port:       port,
				password:   s.password,
				logger:     s.logger,
				s:          s,
				lock:       lock,
				stopCh:     make(chan struct{}),
				supervised: make(chan struct{}),
			}
			go c.supervise(pm)
			return c, nil
		case failure == portTaken && s.opt.Port == 0 && portAttempts < maxStartAttempts:
			s.logger.Warn("PostgreSQL could not bind its port; retrying with another", "port", port)
			portAttempts++
			port = 0
		case failure == memoryInUse && time.Now().Before(busyUntil):
			// Backends of a server that was killed are still exiting.
			s.logger.Warn("processes of an earlier PostgreSQL on the directory are still exiting; retrying", "dir", s.dir)
			select {
			case <-ctx.Done():
				return nil, fmt.Errorf("pgcluster: %w (waiting for an earlier server's processes: %w)", ctx.Err(), err)
			case <-time.After(busyRetry):
			}
		default:
			return nil, err
		}
	}
}

// startFailure classifies why postgres did not start, for the retries.
type startFailure int

const (
	otherFailure startFailure = iota
	portTaken                 // the port was taken
	memoryInUse               // processes of a killed server still hold its shared memory
)

const (
	busyTimeout = 15 * time.Second // how long Start waits for an earlier server's processes to exit
	busyRetry   = 100 * time.Millisecond
)

// launch runs postgres on port and waits until it accepts connections. On
// failure it says whether a retry may succeed.
func (s *setup) launch(ctx context.Context, port int) (pm *postmaster, failure startFailure, err error) {
	args := []string{
		"-D", s.pgdata,
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=127.0.0.1",
		"-c", "unix_socket_directories=",
	}
	if !s.opt.Durable {
		args = append(args, "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off")
	}
	cmd := exec.Command(filepath.Join(s.binDir, "postgres"), args...)
	s.configure(cmd)

	pm = &postmaster{done: make(chan struct{})}
	offset := logSize(s.logFile)
	started := make(chan error, 1)
	go pm.run(cmd, started)
	if err := <-started; err != nil {
		return nil, otherFailure, fmt.Errorf("pgcluster: starting postgres: %w", err)
	}
	url := (&Cluster{port: port, password: s.password}).URL("postgres")
	if err := s.waitReady(ctx, pm, url); err != nil {
		tail := tailLog(s.logPath(), offset)
		failure := otherFailure
		switch {
		case strings.Contains(tail, "could not bind") || strings.Contains(tail, "could not create any TCP/IP sockets"):
			failure = portTaken
		case strings.Contains(tail, "pre-existing shared memory block") && strings.Contains(tail, "is still in use"):
			failure = memoryInUse
		}
		return nil, failure, fmt.Errorf("%w; last lines of %s:\n%s", err, s.logPath(), tail)
	}
	pm.readyAt = time.Now()
	s.logger.Info("PostgreSQL started", "dir", s.dir, "port", port, "pid", pm.proc.Pid, "user", s.user.name)
	return pm, otherFailure, nil
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
