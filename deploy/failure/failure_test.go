package failure

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/eventstore/pgcluster"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "wpfail-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if err := buildBinaries(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	defer os.RemoveAll(dir)
	testenv.Main(m)
}

// setupPeople registers the department and makes the tokens the load uses
// (a department's token names a registered department).
func setupPeople(t *testing.T, s *service) *load {
	t.Helper()
	l := &load{url: s.url, admin: s.token("--role", "admin"), handler: s.token("--role", "handler")}
	if _, _, err := call(context.Background(), "POST", s.url+"/api/v1/departments", l.admin, "",
		map[string]any{"id": "failure-dept", "name": "failure dept", "category": "management"}, nil); err != nil {
		t.Fatal(err)
	}
	// The registration may answer 202 (stored, not yet in the register the
	// token's check reads): wait until the register shows it.
	waitUntil(t, "the department in the register", 30*time.Second, func() bool {
		status, _, _ := call(context.Background(), "GET", s.url+"/api/v1/departments/failure-dept", l.admin, "", nil, nil)
		return status == http.StatusOK
	})
	l.dept = s.token("--role", "department", "--department", "failure-dept")
	return l
}

// underLoad runs the load while fail happens, then resends what was not
// acknowledged.
func underLoad(t *testing.T, l *load, fail func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.run(ctx, 6)
	}()
	// The failure strikes a load in full swing: after two seconds and at
	// least 50 acknowledged commands (or 30 seconds on a slow machine).
	time.Sleep(2 * time.Second)
	for start := time.Now(); l.acknowledged() < 50 && time.Since(start) < 30*time.Second; {
		time.Sleep(100 * time.Millisecond)
	}
	fail()
	time.Sleep(2 * time.Second)
	cancel()
	<-done
	l.resend(t)
	if len(l.acked) == 0 {
		t.Fatal("the load got nothing acknowledged")
	}
}

// outage keeps a dependency down for a while, checking that the API
// answers quickly meanwhile.
func outage(t *testing.T, url, token string, down, up func(), d time.Duration) {
	t.Helper()
	down()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	slowest, statuses := probe(ctx, url, token)
	cancel()
	up()
	t.Logf("while down: answers %v, slowest %s", statuses, slowest)
	if slowest > 5*time.Second {
		t.Errorf("an answer took %s while a dependency was down", slowest)
	}
	if statuses[http.StatusServiceUnavailable] == 0 {
		t.Errorf("no 503 while a dependency was down: %v", statuses)
	}
}

// waitArchived waits until the archive holds all the stream holds, from
// the server's own metric.
func waitArchived(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(url + "/metrics")
		if err == nil {
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			if strings.Contains(string(b), "\nwatchpost_archive_lag_events 0\n") {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatal("the archive did not catch up with the stream")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestServerKilled: the server (with its embedded NATS and PostgreSQL) is
// killed with SIGKILL under load and started again on the same data.
func TestServerKilled(t *testing.T) {
	t.Parallel()
	data := sharedDir(t)
	s := newService(t, data, "", "")
	s.start()
	l := setupPeople(t, s)
	underLoad(t, l, func() {
		s.proc.kill()
		time.Sleep(500 * time.Millisecond)
		s.start()
	})
	waitArchived(t, s.url)
	check(t, s, l, postgresURL(t, data))
}

// postgresURL is the URL of the development PostgreSQL under a data
// directory.
func postgresURL(t *testing.T, data string) string {
	t.Helper()
	c, ok, err := pgcluster.Attach(filepath.Join(data, "postgres"))
	if err != nil || !ok {
		t.Fatalf("the server's PostgreSQL is not running: %v", err)
	}
	return c.URL("watchpost")
}

// TestNATSRestarted: an external NATS server is stopped under load and
// started again.
func TestNATSRestarted(t *testing.T) {
	t.Parallel()
	data := sharedDir(t)
	port := freePort(t)
	nats := natsNode(t, "nats-single", data, port, 0, nil)
	nats.start()
	waitTCP(t, port, 10*time.Second)
	s := newService(t, data, fmt.Sprintf("nats://127.0.0.1:%d", port), "")
	s.start()
	l := setupPeople(t, s)
	underLoad(t, l, func() {
		outage(t, s.url, l.handler, nats.stop, func() { nats.start(); waitTCP(t, port, 10*time.Second) }, 3*time.Second)
	})
	waitArchived(t, s.url)
	check(t, s, l, postgresURL(t, data))
}

// TestPostgresRestarted: an external PostgreSQL is stopped under load and
// started again.
func TestPostgresRestarted(t *testing.T) {
	t.Parallel()
	data := sharedDir(t)
	pgDir := filepath.Join(data, "external-postgres")
	port := freePort(t)
	startPG := func() *pgcluster.Cluster {
		c, err := pgcluster.Start(context.Background(), pgcluster.Options{Dir: pgDir, Durable: true, Port: port})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	pg := startPG()
	t.Cleanup(func() { _ = pg.Stop() })
	if err := pg.CreateDatabase(context.Background(), "watchpost"); err != nil {
		t.Fatal(err)
	}
	db := pg.URL("watchpost")
	s := newService(t, data, "", db)
	s.start()
	l := setupPeople(t, s)
	underLoad(t, l, func() {
		outage(t, s.url, l.handler, func() { _ = pg.Stop() }, func() { pg = startPG() }, 3*time.Second)
	})
	waitArchived(t, s.url)
	check(t, s, l, db)
}

// TestClusterNodeKilled: one node of a three-node NATS cluster (the stream
// replicated on all three) is killed under load and brought back.
func TestClusterNodeKilled(t *testing.T) {
	t.Parallel()
	data := sharedDir(t)
	ports := []int{freePort(t), freePort(t), freePort(t)}
	routes := []int{freePort(t), freePort(t), freePort(t)}
	var nodes []*proc
	var urls []string
	for i := range 3 {
		n := natsNode(t, fmt.Sprintf("node%d", i+1), data, ports[i], routes[i], routes)
		n.start()
		nodes = append(nodes, n)
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", ports[i]))
	}
	for _, p := range ports {
		waitTCP(t, p, 10*time.Second)
	}
	// No wait for the cluster to elect its leaders: the server waits for
	// JetStream to become available itself.
	s := newService(t, data, strings.Join(urls, ","), "", "WATCHPOST_STREAM_REPLICAS=3")
	s.start()
	l := setupPeople(t, s)
	underLoad(t, l, func() {
		nodes[0].kill()
		time.Sleep(3 * time.Second)
		nodes[0].start()
		waitTCP(t, ports[0], 10*time.Second)
	})
	waitArchived(t, s.url)
	check(t, s, l, postgresURL(t, data))
}
