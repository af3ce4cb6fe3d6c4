package pgcluster

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNotInstalled is returned when the PostgreSQL server binaries cannot be
// found. Its message says what to install.
var ErrNotInstalled = errors.New("PostgreSQL server binaries (initdb, postgres) not found on PATH or under /usr/lib/postgresql/*/bin: install PostgreSQL 15 or newer (Debian: apt-get install postgresql)")

// debianVersionsRoot is where Debian and Ubuntu install one directory per
// PostgreSQL major version.
const debianVersionsRoot = "/usr/lib/postgresql"

// FindBinaries returns the directory holding the initdb and postgres
// binaries: the real directory (symlinks resolved) of the first initdb on
// PATH, else the highest version under /usr/lib/postgresql/*/bin. It returns
// ErrNotInstalled if there is none.
func FindBinaries() (dir string, err error) {
	return findBinaries(exec.LookPath, debianVersionsRoot)
}

func findBinaries(lookPath func(string) (string, error), versionsRoot string) (string, error) {
	if p, err := lookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && hasServerBinaries(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if hasServerBinaries(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}

	entries, err := os.ReadDir(versionsRoot)
	if err != nil {
		return "", ErrNotInstalled
	}
	var best string
	var bestVersion []int
	for _, e := range entries {
		v, ok := parseVersion(e.Name())
		if !ok {
			continue
		}
		dir := filepath.Join(versionsRoot, e.Name(), "bin")
		if !hasServerBinaries(dir) {
			continue
		}
		if best == "" || slices.Compare(v, bestVersion) > 0 {
			best, bestVersion = dir, v
		}
	}
	if best == "" {
		return "", ErrNotInstalled
	}
	return best, nil
}

// parseVersion parses a version directory name such as "15" or "9.6".
func parseVersion(name string) ([]int, bool) {
	var v []int
	for part := range strings.SplitSeq(name, ".") {
		n, err := strconv.Atoi(part)
		if err != nil || n < 0 {
			return nil, false
		}
		v = append(v, n)
	}
	return v, true
}

func hasServerBinaries(dir string) bool {
	return isExecutable(filepath.Join(dir, "initdb")) && isExecutable(filepath.Join(dir, "postgres"))
}

func isExecutable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode().Perm()&0o111 != 0
}
