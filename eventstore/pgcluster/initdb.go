package pgcluster

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// superuser is the name of the PostgreSQL superuser created by initdb.
const superuser = "watchpost"

// initCluster runs initdb as the PostgreSQL user into <data>.init next to
// the data directory and, once it succeeded, stores the superuser password
// in <Dir>/password and renames <data>.init to the data directory.
func (s *setup) initCluster(ctx context.Context) error {
	tmp := s.pgdata + ".init"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("pgcluster: removing leftover %s: %w", tmp, err)
	}
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if err := s.chown(tmp); err != nil {
		return err
	}

	password, err := randomPassword()
	if err != nil {
		return err
	}
	pwfile, err := s.writeInitdbPwfile(password)
	if err != nil {
		return err
	}
	defer os.Remove(pwfile)

	args := []string{
		"-D", tmp,
		"-U", superuser,
		"-E", "UTF8",
		"--no-locale",
		"--auth=scram-sha-256",
		"--pwfile=" + pwfile,
	}
	if !s.opt.Durable {
		args = append(args, "--no-sync")
	}
	cmd := exec.CommandContext(ctx, filepath.Join(s.binDir, "initdb"), args...)
	s.configure(cmd)

	s.logger.Info("initializing PostgreSQL cluster", "dir", s.dir, "data", s.pgdata, "user", s.user.name)
	offset := logSize(s.logFile)
	if err := runLocked(cmd); err != nil {
		return fmt.Errorf("pgcluster: initdb failed: %w; last lines of %s:\n%s", err, s.logPath(), tailLog(s.logPath(), offset))
	}

	if err := writeFileAtomic(s.passwordPath(), []byte(password+"\n")); err != nil {
		return err
	}
	if err := os.Rename(tmp, s.pgdata); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}

// writeInitdbPwfile writes password to a temporary file next to the data
// directory that the PostgreSQL user can read, for initdb --pwfile.
func (s *setup) writeInitdbPwfile(password string) (string, error) {
	f, err := os.CreateTemp(s.workDir(), ".initdb-pw-*")
	if err != nil {
		return "", fmt.Errorf("pgcluster: %w", err)
	}
	_, werr := f.WriteString(password + "\n")
	if err := errors.Join(werr, f.Close()); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("pgcluster: writing initdb password file: %w", err)
	}
	if err := s.chown(f.Name()); err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

// configure sets what initdb and postgres have in common: the user to run
// as, process attributes, working directory, environment and log output.
func (s *setup) configure(cmd *exec.Cmd) {
	cmd.Dir = s.workDir()
	cmd.Env = serverEnv()
	cmd.Stdout = s.logFile
	cmd.Stderr = s.logFile
	cmd.SysProcAttr = sysProcAttr(s.user.cred)
}

// runLocked runs cmd from a goroutine locked to its OS thread: the
// parent-death signal fires when the thread that forked the child exits,
// and the Go runtime may otherwise retire that thread at any time.
func runLocked(cmd *exec.Cmd) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return cmd.Run()
}

// serverEnv returns the environment without PG* variables, which would
// otherwise change how initdb and postgres behave.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

func randomPassword() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("pgcluster: generating password: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// readPassword reads the superuser password stored in <dir>/password.
func readPassword(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "password"))
	if err != nil {
		return "", fmt.Errorf("pgcluster: reading superuser password: %w", err)
	}
	pw := strings.TrimSpace(string(b))
	if pw == "" {
		return "", fmt.Errorf("pgcluster: %s is empty", filepath.Join(dir, "password"))
	}
	return pw, nil
}

// writeFileAtomic writes data to path with mode 0600 via a rename.
func writeFileAtomic(path string, data []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("pgcluster: %w", err)
	}
	return nil
}
