package pgcluster

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// maxLocations bounds the names tried under Options.Fallback for one
// cluster directory.
const maxLocations = 100

// originFile, in a location under Options.Fallback, names the cluster
// directory the location was made for.
const originFile = "origin"

// readDataLink reports whether path (<Dir>/data) is a symbolic link and, if
// so, the data directory it points to (relative targets are taken from
// Dir). The link may dangle: it is made before initdb fills its target.
func readDataLink(path string) (target string, isLink bool, err error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("pgcluster: %w", err)
	}
	if fi.Mode()&fs.ModeSymlink == 0 {
		return "", false, nil
	}
	target, err = os.Readlink(path)
	if err != nil {
		return "", false, fmt.Errorf("pgcluster: %w", err)
	}
	if !filepath.IsAbs(target) {
		target = filepath.Join(filepath.Dir(path), target)
	}
	return filepath.Clean(target), true, nil
}

// fallbackName is the name, under Options.Fallback, of the location that
// keeps the data directory of cluster directory dir: the end of dir's path
// made into one readable name, and a hash of the whole path so that
// distinct directories get distinct names.
func fallbackName(dir string) string {
	sum := sha256.Sum256([]byte(dir))
	var b strings.Builder
	for _, r := range strings.Trim(dir, "/") {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	readable := b.String()
	if len(readable) > 64 {
		readable = readable[len(readable)-64:]
	}
	readable = strings.TrimLeft(readable, "-.")
	if readable == "" {
		readable = "cluster"
	}
	return readable + "-" + hex.EncodeToString(sum[:6])
}

// relocateData makes the location under Options.Fallback that will hold the
// data directory and links <Dir>/data to it, before initdb runs, so that an
// interrupted initialization resumes in the same place. The location is
// <Fallback>/<fallbackName(Dir)>, owned by root with mode 0711 (the
// PostgreSQL user can pass through but not list or change it); the data
// directory in it is made by initCluster, owned by the PostgreSQL user with
// mode 0700. A location that already holds a data directory belongs to an
// earlier cluster directory of the same path (deleted or moved away, its
// link still pointing there): it is left alone, and the next free name
// (-2, -3, ...) is used.
func (s *setup) relocateData() error {
	root := filepath.Clean(s.opt.Fallback)
	if err := s.prepareFallback(root); err != nil {
		return err
	}
	base := fallbackName(s.dir)
	for i := 1; i <= maxLocations; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s-%d", base, i)
		}
		loc := filepath.Join(root, name)
		err := os.Mkdir(loc, 0o711)
		switch {
		case err == nil:
			if err := os.Chmod(loc, 0o711); err != nil { // the umask may have taken bits
				return fmt.Errorf("pgcluster: %w", err)
			}
			if err := writeFileAtomic(filepath.Join(loc, originFile), []byte(s.dir+"\n")); err != nil {
				return err
			}
		case errors.Is(err, fs.ErrExist):
			if !s.resumable(loc) {
				s.logger.Warn("a PostgreSQL location for this data directory is taken, probably by the data of an earlier directory at the same path; leaving it alone (remove it if it is no longer needed)",
					"dir", s.dir, "location", loc)
				continue
			}
		default:
			return fmt.Errorf("pgcluster: %w", err)
		}
		pgdata := filepath.Join(loc, "data")
		if err := os.Symlink(pgdata, s.linkPath()); err != nil {
			return fmt.Errorf("pgcluster: linking %s to %s: %w", s.linkPath(), pgdata, err)
		}
		s.pgdata = pgdata
		s.logger.Info("the PostgreSQL user cannot reach the data directory; keeping PostgreSQL's data elsewhere",
			"dir", s.dir, "user", s.user.name, "location", pgdata)
		return checkReachable(s.pgdata, s.user, false)
	}
	return fmt.Errorf("pgcluster: no free location for the data of %s under %s (tried %d names)", s.dir, root, maxLocations)
}

// resumable reports whether loc was made for this cluster directory by an
// initialization that stopped before linking to it: it names Dir as its
// origin and holds no data directory yet.
func (s *setup) resumable(loc string) bool {
	b, err := os.ReadFile(filepath.Join(loc, originFile))
	if err != nil || strings.TrimSpace(string(b)) != s.dir {
		return false
	}
	return !exists(filepath.Join(loc, "data"))
}

// prepareFallback creates the fallback root (mode 0711) if needed and checks
// that it is a directory that only root can change and that the PostgreSQL
// user can pass through.
func (s *setup) prepareFallback(root string) error {
	if _, err := os.Stat(root); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(root, 0o711); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if err := os.Chmod(root, 0o711); err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
	}
	fi, err := os.Stat(root)
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || !ok || int(st.Uid) != os.Geteuid() || fi.Mode().Perm()&0o022 != 0 {
		return fmt.Errorf("pgcluster: %s (mode %s) must be a directory owned by root that no one else can write to", root, fi.Mode())
	}
	return checkReachable(root, s.user, true)
}
