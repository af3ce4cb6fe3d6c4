package failure

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/watchpost/watchpost/eventstore/pgcluster"
)

// fallbackRoot is where a server run as root keeps the development
// PostgreSQL's data when the PostgreSQL user cannot reach --data.
const fallbackRoot = "/var/lib/watchpost"

// TestDevPostgresKilled: the private PostgreSQL that serve started in
// development mode is killed with SIGKILL under load. The server restarts
// it and service resumes without restarting the server; a subcommand run
// during the outage attaches to the restarted cluster instead of starting
// its own. As root, --data lies in a mode-0700 directory, as a clone in
// /root does, so this is also the newcomer's setup.
func TestDevPostgresKilled(t *testing.T) {
	t.Parallel()
	data := privateDataDir(t)
	s := newService(t, data, "", "")
	logStart := fileSize(s.proc.logPath())
	s.start()
	server := s.proc.cmd.Process.Pid
	l := setupPeople(t, s)

	var restartedAfter, readyAfter, ackedAfter time.Duration
	underLoad(t, l, func() {
		before := devPostmasterPid(t, data)
		killed := time.Now()
		if err := syscall.Kill(before, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		// A subcommand started during the outage.
		tokenDone := make(chan error, 1)
		go func() {
			_, err := s.cli("token", "create", "--role", "handler", "--name", "during the outage")
			tokenDone <- err
		}()

		// The server says it restarted PostgreSQL, then says it is ready.
		waitLogLine(t, s.proc.logPath(), logStart, `msg="PostgreSQL restarted"`, 60*time.Second)
		restartedAfter = time.Since(killed)
		waitReadyz(t, s.url, 60*time.Second)
		readyAfter = time.Since(killed)
		acked := l.acknowledged()
		waitAcknowledged(t, l, acked+10, 60*time.Second)
		ackedAfter = time.Since(killed)

		select {
		case err := <-tokenDone:
			if err != nil {
				t.Errorf("a subcommand run while PostgreSQL was down: %v", err)
			}
		case <-time.After(90 * time.Second):
			t.Error("a subcommand run while PostgreSQL was down did not finish")
		}
		after := devPostmasterPid(t, data)
		if after == before {
			t.Fatalf("the postmaster still has pid %d", after)
		}
		if ppid := parentPid(t, after); ppid != server {
			t.Errorf("the new postmaster's parent is %d, want the server (%d): someone else started it", ppid, server)
		}
		if s.proc.cmd == nil || s.proc.cmd.Process.Pid != server || syscall.Kill(server, 0) != nil {
			t.Fatal("the server was restarted")
		}
	})
	waitArchived(t, s.url)
	c := check(t, s, l, postgresURL(t, data))

	log := readFrom(t, s.proc.logPath(), logStart)
	for _, want := range []string{"PostgreSQL exited unexpectedly", "restarting PostgreSQL", "PostgreSQL restarted"} {
		if !strings.Contains(log, want) {
			t.Errorf("the server's log does not say %q", want)
		}
	}
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	fmt.Printf("%s: postmaster killed; restarted after %s, /readyz 200 after %s, commands acknowledged again after %s, %d failed requests (slowest %s); acknowledged=%d lost=%d duplicates=%d\n",
		t.Name(), ms(restartedAfter), ms(readyAfter), ms(ackedAfter), l.errorsDuringOutage, ms(l.slowestFailure),
		c.acknowledged, c.lost, c.duplicates)
	if readyAfter > 15*time.Second {
		t.Errorf("ready again only %s after PostgreSQL was killed, want seconds", readyAfter)
	}
}

// privateDataDir is a --data directory. As root it lies in a mode-0700
// directory that the PostgreSQL user cannot enter (like a clone in /root);
// the cluster's location under /var/lib/watchpost is removed at the end.
func privateDataDir(t *testing.T) string {
	t.Helper()
	if os.Geteuid() != 0 {
		return filepath.Join(sharedDir(t), "var")
	}
	home, err := os.MkdirTemp("", "wpfail-home-") // mode 0700
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(home, "watchpost", "var")
	t.Cleanup(func() {
		// Runs after the server is killed (cleanups run last first): wait
		// for its PostgreSQL to go, then remove what it left.
		cluster := filepath.Join(data, "postgres")
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			if _, ok, err := pgcluster.Attach(cluster); err != nil || !ok {
				break
			}
		}
		if target, err := os.Readlink(filepath.Join(cluster, "data")); err == nil {
			if loc := filepath.Dir(target); filepath.Dir(loc) == fallbackRoot {
				os.RemoveAll(loc)
			} else {
				t.Errorf("the data directory is at %s, want it under %s", target, fallbackRoot)
			}
		} else {
			t.Errorf("%s is not a link to the data directory: %v", filepath.Join(cluster, "data"), err)
		}
		os.RemoveAll(home)
	})
	return data
}

// devPostmasterPid reads the pid of the development PostgreSQL's postmaster.
func devPostmasterPid(t *testing.T, data string) int {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "postgres", "data", "postmaster.pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	return pid
}

// parentPid reads a process's parent from /proc.
func parentPid(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// pid (comm) state ppid ...; comm may hold spaces.
	fields := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	ppid, err := strconv.Atoi(fields[1])
	if err != nil {
		t.Fatal(err)
	}
	return ppid
}

// waitReadyz waits until the server answers /readyz with 200.
func waitReadyz(t *testing.T, url string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	last := "no answer"
	for time.Now().Before(deadline) {
		res, err := http.Get(url + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
			last = res.Status
		} else {
			last = err.Error()
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("/readyz not 200 within %s (last: %s)", within, last)
}

// waitLogLine waits until the log at path holds, after offset, a line
// containing want.
func waitLogLine(t *testing.T, path string, offset int64, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(readFrom(t, path, offset), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the log %s does not say %s within %s", path, want, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitAcknowledged waits until the load has n commands acknowledged.
func waitAcknowledged(t *testing.T, l *load, n int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for l.acknowledged() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d commands acknowledged after %s, want %d", l.acknowledged(), within, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// readFrom reads path from offset on.
func readFrom(t *testing.T, path string, offset int64) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if offset > int64(len(b)) {
		offset = 0
	}
	return string(b[offset:])
}
