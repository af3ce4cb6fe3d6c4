package pgcluster

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// postmasterPid describes the lines of <data>/postmaster.pid that matter here.
type postmasterPid struct {
	pid  int
	port int
}

// pidState classifies the process named by a postmaster.pid file.
type pidState int

const (
	pidGone     pidState = iota // no such process: the file is stale
	pidPostgres                 // a live PostgreSQL postmaster
	pidReused                   // a live process that is not PostgreSQL
)

// readPostmasterPid parses <dataDir>/postmaster.pid. It returns an error
// wrapping fs.ErrNotExist if there is none.
func readPostmasterPid(dataDir string) (postmasterPid, error) {
	path := filepath.Join(dataDir, "postmaster.pid")
	b, err := os.ReadFile(path)
	if err != nil {
		return postmasterPid{}, fmt.Errorf("pgcluster: %w", err)
	}
	// Line 1 is the pid (negative for a single-user backend), line 4 the port.
	lines := strings.Split(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || pid == 0 {
		return postmasterPid{}, fmt.Errorf("pgcluster: malformed %s: bad pid line %q", path, lines[0])
	}
	pf := postmasterPid{pid: max(pid, -pid)}
	if len(lines) >= 4 {
		pf.port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	}
	return pf, nil
}

// runningPostmaster returns the postmaster running on dataDir, if any.
func runningPostmaster(dataDir string) (postmasterPid, bool, error) {
	pf, err := readPostmasterPid(dataDir)
	if errors.Is(err, fs.ErrNotExist) {
		return postmasterPid{}, false, nil
	}
	if err != nil {
		return postmasterPid{}, false, err
	}
	return pf, processState(pf.pid) == pidPostgres, nil
}

// processState reports whether pid is alive and, where /proc tells, whether
// it is a PostgreSQL process. PIDs are reused (often after a container
// restart), so a live pid alone does not prove that PostgreSQL is running.
func processState(pid int) pidState {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return pidGone
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		// No /proc (not Linux) or the process just exited: trust kill.
		return pidPostgres
	}
	name := strings.TrimSpace(string(comm))
	if strings.HasPrefix(name, "postgres") || strings.HasPrefix(name, "postmaster") {
		return pidPostgres
	}
	return pidReused
}

// removeReusedPidFile deletes a postmaster.pid whose pid now belongs to an
// unrelated live process. PostgreSQL would otherwise refuse to start when
// that process belongs to the same user. A file naming a dead process is
// left alone: PostgreSQL removes it itself after checking that no orphaned
// backend still uses the old shared memory.
func removeReusedPidFile(dataDir string) (removed bool, err error) {
	pf, err := readPostmasterPid(dataDir)
	if err != nil {
		return false, nil
	}
	if processState(pf.pid) != pidReused {
		return false, nil
	}
	if err := os.Remove(filepath.Join(dataDir, "postmaster.pid")); err != nil {
		return false, fmt.Errorf("pgcluster: removing stale postmaster.pid: %w", err)
	}
	return true, nil
}
