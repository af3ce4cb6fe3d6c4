package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockDir takes an exclusive lock on <dir>/lock, held for as long as this
// process owns the cluster (from Start to the end of Stop, or the death of
// the process, when the kernel releases it). While the server restarts
// after a crash, the lock tells other processes that its owner is bringing
// it back, so that they do not start a server of their own on the
// directory. postgres does not inherit the lock: Go opens files
// close-on-exec.
func lockDir(dir string) (*os.File, error) {
	path := filepath.Join(dir, "lock")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	raw, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	var lockErr error
	if err := raw.Control(func(fd uintptr) {
		lockErr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB)
	}); err != nil {
		lockErr = err
	}
	if lockErr != nil {
		f.Close()
		if errors.Is(lockErr, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w on %s: another process started it and restarts it if it stops; use Attach once it runs", ErrAlreadyRunning, dir)
		}
		return nil, fmt.Errorf("pgcluster: locking %s: %w", path, lockErr)
	}
	return f, nil
}
