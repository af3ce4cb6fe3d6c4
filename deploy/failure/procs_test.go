package failure

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// bin holds the binaries the tests run, built once per test binary.
var bin struct {
	watchpost, natsServer, bench string
}

// buildBinaries builds the server, the benchmark (whose server runs with a
// moved clock) and a NATS server from the module.
func buildBinaries(dir string) error {
	bin.watchpost = filepath.Join(dir, "watchpost")
	bin.natsServer = filepath.Join(dir, "nats-server")
	bin.bench = filepath.Join(dir, "watchpost-bench")
	for _, b := range []struct{ out, pkg string }{
		{bin.watchpost, "github.com/watchpost/watchpost/cmd/watchpost"},
		{bin.natsServer, "github.com/nats-io/nats-server/v2"},
		{bin.bench, "github.com/watchpost/watchpost/cmd/watchpost-bench"},
	} {
		cmd := exec.Command("go", "build", "-o", b.out, b.pkg)
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("build %s: %w", b.pkg, err)
		}
	}
	return nil
}

// freePort returns a loopback port nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// sharedDir is a temporary directory the PostgreSQL user can reach (the
// server may run it as another user).
func sharedDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "wpfail-")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// proc is a process the test starts, stops, kills and starts again.
type proc struct {
	t    *testing.T
	name string
	args []string
	env  []string
	cmd  *exec.Cmd
	out  chan string
}

func newProc(t *testing.T, name string, env []string, args ...string) *proc {
	p := &proc{t: t, name: name, args: args, env: env}
	t.Cleanup(p.kill)
	return p
}

// start starts the process; its standard output lines come on p.out.
func (p *proc) start() {
	p.t.Helper()
	p.cmd = exec.Command(p.args[0], p.args[1:]...)
	p.cmd.Env = append(os.Environ(), p.env...)
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		p.t.Fatal(err)
	}
	logf, err := os.OpenFile(p.logPath(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		p.t.Fatal(err)
	}
	p.cmd.Stderr = logf
	if err := p.cmd.Start(); err != nil {
		p.t.Fatalf("start %s: %v", p.name, err)
	}
	out := make(chan string, 100)
	p.out = out
	go func() {
		s := bufio.NewScanner(stdout)
		for s.Scan() {
			select {
			case out <- s.Text():
			default:
			}
		}
		logf.Close()
		close(out)
	}()
}

// waitLine waits for a line of output that starts with prefix and returns
// the rest.
func (p *proc) waitLine(prefix string, within time.Duration) string {
	p.t.Helper()
	deadline := time.After(within)
	for {
		select {
		case line, ok := <-p.out:
			if !ok {
				p.t.Fatalf("%s ended before printing %q; its log ends with:\n%s", p.name, prefix, p.logTail())
				return ""
			}
			if v, ok := strings.CutPrefix(line, prefix); ok {
				return v
			}
		case <-deadline:
			p.t.Fatalf("%s did not print %q within %s; its log ends with:\n%s", p.name, prefix, within, p.logTail())
			return ""
		}
	}
}

// logPath is where the process's standard error goes.
func (p *proc) logPath() string { return filepath.Join(os.TempDir(), "wpfail-"+p.name+".log") }

// logTail is the end of the process's log, for a failure message.
func (p *proc) logTail() string {
	b, err := os.ReadFile(p.logPath())
	if err != nil {
		return err.Error()
	}
	const most = 4000
	if len(b) > most {
		b = b[len(b)-most:]
	}
	return string(b)
}

// stop asks the process to end and waits for it.
func (p *proc) stop() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		p.kill()
	}
	p.cmd = nil
}

// kill ends the process at once (kill -9), with its process group.
func (p *proc) kill() {
	if p.cmd == nil || p.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	_ = p.cmd.Wait()
	p.cmd = nil
}

// natsNode writes the configuration of a NATS server (a cluster node when
// routes are given) and returns its process.
func natsNode(t *testing.T, name, dir string, port, clusterPort int, routes []int) *proc {
	t.Helper()
	conf := fmt.Sprintf("server_name: %s\nlisten: 127.0.0.1:%d\njetstream { store_dir: %q, sync_interval: always }\n",
		name, port, filepath.Join(dir, name))
	if clusterPort != 0 {
		var rs []string
		for _, r := range routes {
			rs = append(rs, fmt.Sprintf("nats-route://127.0.0.1:%d", r))
		}
		conf += fmt.Sprintf("cluster { name: wpfail, listen: 127.0.0.1:%d, routes: [%s] }\n", clusterPort, strings.Join(rs, ", "))
	}
	path := filepath.Join(dir, name+".conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return newProc(t, name, nil, bin.natsServer, "-c", path)
}

// waitTCP waits until something listens on port.
func waitTCP(t *testing.T, port int, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), 200*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nothing listens on %d after %s", port, within)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitUntil polls cond until it holds, failing the test after within.
func waitUntil(t *testing.T, what string, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
