package pgcluster

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
)

// pgUser is the operating-system user that initdb and postgres run as.
type pgUser struct {
	name     string
	uid, gid int
	// cred is nil when running as the current user.
	cred *syscall.Credential
}

// resolveUser picks the user to run PostgreSQL as. Unless the process runs
// as root, that is the current user. As root it is the owner of an existing
// data directory, else "postgres", else "nobody".
func resolveUser(dataDir string) (pgUser, error) {
	if os.Geteuid() != 0 {
		u := pgUser{name: strconv.Itoa(os.Geteuid()), uid: os.Geteuid(), gid: os.Getegid()}
		if cur, err := user.Current(); err == nil {
			u.name = cur.Username
		}
		return u, nil
	}
	if fi, err := os.Stat(dataDir); err == nil {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			name := strconv.Itoa(int(st.Uid))
			if u, err := user.LookupId(name); err == nil {
				name = u.Username
			}
			return newPgUser(name, int(st.Uid), int(st.Gid)), nil
		}
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, err1 := strconv.Atoi(u.Uid)
		gid, err2 := strconv.Atoi(u.Gid)
		if err1 != nil || err2 != nil {
			continue
		}
		return newPgUser(name, uid, gid), nil
	}
	return pgUser{}, errors.New(`pgcluster: running as root, but there is no unprivileged user ("postgres" or "nobody") to run PostgreSQL as`)
}

func newPgUser(name string, uid, gid int) pgUser {
	return pgUser{
		name: name,
		uid:  uid,
		gid:  gid,
		// Empty Groups drops root's supplementary groups.
		cred: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)},
	}
}

// checkReachable reports an error if u cannot search one of the existing
// ancestors of dir (and dir itself when includeDir is set). Ancestors that
// do not exist yet are skipped: they are created later, with known modes.
func checkReachable(dir string, u pgUser, includeDir bool) error {
	var chain []string
	if includeDir {
		chain = append(chain, dir)
	}
	for p := dir; filepath.Dir(p) != p; {
		p = filepath.Dir(p)
		chain = append(chain, p)
	}
	// Walk from the root down so the error names the first blocking directory.
	for i := len(chain) - 1; i >= 0; i-- {
		p := chain[i]
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("pgcluster: %w", err)
		}
		if !searchable(fi, u) {
			return &unreachableError{user: u.name, blocking: p, mode: fi.Mode(), target: dir}
		}
	}
	return nil
}

// unreachableError says that the PostgreSQL user cannot enter a directory
// on the way to the one it needs.
type unreachableError struct {
	user     string
	blocking string // the first directory it cannot enter
	mode     fs.FileMode
	target   string
}

func (e *unreachableError) Error() string {
	return fmt.Sprintf("pgcluster: PostgreSQL runs as user %q, which cannot enter directory %s (mode %s) and so cannot reach %s: "+
		"choose another --data location that %q can reach (for example under /var/lib or /srv)",
		e.user, e.blocking, e.mode, e.target, e.user)
}

// searchable reports whether u has the execute (search) bit on directory fi.
// Only the primary group is considered because supplementary groups are
// dropped when switching users; ACLs are not considered.
func searchable(fi fs.FileInfo, u pgUser) bool {
	perm := fi.Mode().Perm()
	st, ok := fi.Sys().(*syscall.Stat_t)
	switch {
	case !ok:
		return perm&0o001 != 0
	case int(st.Uid) == u.uid:
		return perm&0o100 != 0
	case int(st.Gid) == u.gid:
		return perm&0o010 != 0
	default:
		return perm&0o001 != 0
	}
}
