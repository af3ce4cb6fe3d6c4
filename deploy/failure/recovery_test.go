package failure

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/watchpost/watchpost/eventstore/pgcluster"
)

// The recovery tests lose a part for good and bring the service back from
// the other: PostgreSQL from the stream (and from a pg_dump backup), the
// stream from the PostgreSQL archive (watchpost restore).

// externalPG starts a PostgreSQL cluster of its own in dir with an empty
// database watchpost, as an operator's server would be.
func externalPG(t *testing.T, dir string) (*pgcluster.Cluster, string) {
	t.Helper()
	c, err := pgcluster.Start(context.Background(), pgcluster.Options{Dir: dir, Durable: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })
	if err := c.CreateDatabase(context.Background(), "watchpost"); err != nil {
		t.Fatal(err)
	}
	return c, c.URL("watchpost")
}

// fileNamed files a complaint with the complainant's name (sealed with the
// case's key) and returns the case id.
func fileNamed(t *testing.T, url, token, key, name string) string {
	t.Helper()
	var out struct {
		ID string `json:"id"`
	}
	body := map[string]any{"channel": "web", "categories": []string{"efficiency"}, "title": "recovery " + key,
		"description": "a permit waits", "complainant": map[string]any{"name": name, "phone": "13800000000"}}
	if _, _, err := call(context.Background(), "POST", url+"/api/v1/cases", token, key, body, &out); err != nil {
		t.Fatal(err)
	}
	return out.ID
}

// disclose asks for a case's complainant and returns the status and body.
func disclose(t *testing.T, url, token, id string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", url+"/api/v1/cases/"+id+"/complainant/disclosure", strings.NewReader(`{"reason":"回访"}`))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

// getStatus is the answer's status to a GET with token.
func getStatus(t *testing.T, url, token string) int {
	t.Helper()
	code, _, _ := call(context.Background(), "GET", url, token, "", nil, nil)
	return code
}

// archivedEvents counts the archive's events.
func archivedEvents(t *testing.T, dbURL string) int {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var n int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM events`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// runTool runs a program and fails the test if it fails.
func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestPostgresLost: PostgreSQL is lost entirely, disk and all. A server
// started against an empty database archives the whole stream again, the
// read models equal a rebuild, every acknowledged command is there once, and
// the service runs on (with new tokens: they lived only in the lost
// database, as did the case keys, so the complainants' personal data is
// unreadable). Then the same from a pg_dump taken before the loss: the
// server archives what came after the dump from the stream, and the tokens
// and case keys the dump holds work again; those made after it do not.
func TestPostgresLost(t *testing.T) {
	t.Parallel()
	data := sharedDir(t)
	natsPort := freePort(t)
	nats := natsNode(t, "nats-pglost", data, natsPort, 0, nil)
	nats.start()
	waitTCP(t, natsPort, 10*time.Second)
	natsURL := fmt.Sprintf("nats://127.0.0.1:%d", natsPort)

	pgA, dbA := externalPG(t, filepath.Join(data, "pg-a"))
	s := newService(t, data, natsURL, dbA)
	s.start()
	l := setupPeople(t, s)
	oldHandler := l.handler
	beforeBackup := fileNamed(t, s.url, l.handler, "named-before", "张三")
	l.prefix = "a1-"
	underLoad(t, l, func() {})
	waitArchived(t, s.url)

	// The backup: a dump in PostgreSQL's custom format, taken while the
	// server runs.
	dump := filepath.Join(data, "watchpost.dump")
	t0 := time.Now()
	runTool(t, "pg_dump", "--format=custom", "--file="+dump, "--dbname="+dbA)
	dumpTook := time.Since(t0)
	fi, err := os.Stat(dump)
	if err != nil {
		t.Fatal(err)
	}
	afterBackup := fileNamed(t, s.url, l.handler, "named-after", "李四")
	l.prefix = "a2-"
	underLoad(t, l, func() {})
	waitArchived(t, s.url)
	s.proc.stop()
	streamed := archivedEvents(t, dbA)

	// The database is lost: server, data directory and all.
	if err := pgA.Stop(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(data, "pg-a")); err != nil {
		t.Fatal(err)
	}

	// An empty database: the server archives the whole stream.
	_, dbB := externalPG(t, filepath.Join(data, "pg-b"))
	s2 := newService(t, data, natsURL, dbB)
	t0 = time.Now()
	s2.start()
	waitArchived(t, s2.url)
	rearchiveTook := time.Since(t0)
	if got := archivedEvents(t, dbB); got < streamed {
		t.Fatalf("the empty database archived %d events, the stream held %d", got, streamed)
	}
	rearchived := archivedEvents(t, dbB)
	check(t, s2, l, dbB)
	if code := getStatus(t, s2.url+"/api/v1/whoami", oldHandler); code != http.StatusUnauthorized {
		t.Errorf("a token made before the loss answered %d, want 401 (tokens live only in PostgreSQL)", code)
	}
	l.url, l.admin, l.handler = s2.url, s2.token("--role", "admin"), s2.token("--role", "handler")
	l.dept = s2.token("--role", "department", "--department", "failure-dept")
	if code := getStatus(t, s2.url+"/api/v1/cases/"+beforeBackup, l.handler); code != http.StatusOK {
		t.Errorf("a case from before the loss: %d", code)
	}
	for _, id := range []string{beforeBackup, afterBackup} {
		if code, body := disclose(t, s2.url, l.handler, id); code != http.StatusGone || strings.Contains(body, "张三") || strings.Contains(body, "李四") {
			t.Errorf("disclosure without the case's key: %d %s, want 410", code, body)
		}
	}
	l.prefix = "b-"
	underLoad(t, l, func() {}) // the service runs on
	waitArchived(t, s2.url)
	check(t, s2, l, dbB)
	s2.proc.stop()

	// From the backup instead: the dump restored into an empty database;
	// the server archives what the stream holds beyond it.
	_, dbC := externalPG(t, filepath.Join(data, "pg-c"))
	t0 = time.Now()
	runTool(t, "pg_restore", "--no-owner", "--no-acl", "--exit-on-error", "--dbname="+dbC, dump)
	restoreTook := time.Since(t0)
	dumped := archivedEvents(t, dbC)
	s3 := newService(t, data, natsURL, dbC)
	t0 = time.Now()
	s3.start()
	waitArchived(t, s3.url)
	catchUpTook := time.Since(t0)
	final := archivedEvents(t, dbC)
	check(t, s3, l, dbC)
	if code := getStatus(t, s3.url+"/api/v1/whoami", oldHandler); code != http.StatusOK {
		t.Errorf("a token in the backup answered %d, want 200", code)
	}
	if code := getStatus(t, s3.url+"/api/v1/whoami", l.handler); code != http.StatusUnauthorized {
		t.Errorf("a token made after the backup answered %d, want 401", code)
	}
	if code, body := disclose(t, s3.url, oldHandler, beforeBackup); code != http.StatusOK || !strings.Contains(body, "张三") {
		t.Errorf("disclosure of a case whose key is in the backup: %d %s", code, body)
	}
	if code, _ := disclose(t, s3.url, oldHandler, afterBackup); code != http.StatusGone {
		t.Errorf("disclosure of a case filed after the backup: %d, want 410", code)
	}
	t.Logf("re-archived %d events into an empty database in %s; dump of %d events (%d bytes) in %s, restored in %s, %d events caught up from the stream in %s",
		rearchived, rearchiveTook.Round(time.Millisecond), dumped, fi.Size(), dumpTook.Round(time.Millisecond),
		restoreTook.Round(time.Millisecond), final-dumped, catchUpTook.Round(time.Millisecond))
	fmt.Printf("TestPostgresLost: re-archived %d events into an empty database in %s (server start to lag 0); from a pg_dump of %d events: restored in %s, the last %d archived from the stream in %s; acknowledged=%d lost=0\n",
		rearchived, rearchiveTook.Round(time.Millisecond), dumped, restoreTook.Round(time.Millisecond), final-dumped,
		catchUpTook.Round(time.Millisecond), len(l.acked))
}

// restoredLine is what watchpost restore prints when it is done.
var restoredLine = regexp.MustCompile(`restored (\d+) events into stream \S+ \(last sequence (\d+)\) in (\S+)`)

// TestStreamLost: the disk of the only NATS node is lost under load (the
// node killed, its store removed, started empty). With the replicas
// stopped, watchpost restore republishes the archive into the empty stream;
// watchpost verify passes; the server runs on with the old cases (a step on
// one of them, an old command sent again is still recognised), and every
// command acknowledged before or after the loss is there exactly once.
func TestStreamLost(t *testing.T) {
	t.Parallel()
	data := sharedDir(t)
	natsPort := freePort(t)
	nats := natsNode(t, "nats-streamlost", data, natsPort, 0, nil)
	nats.start()
	waitTCP(t, natsPort, 10*time.Second)
	s := newService(t, data, fmt.Sprintf("nats://127.0.0.1:%d", natsPort), "")
	s.start()
	l := setupPeople(t, s)
	l.prefix = "before-"

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.run(ctx, 6)
	}()
	waitAcknowledged(t, l, 300, 60*time.Second)
	ackedBefore := l.acknowledged()
	nats.kill()
	if err := os.RemoveAll(filepath.Join(data, "nats-streamlost")); err != nil {
		t.Fatal(err)
	}
	nats.start()
	waitTCP(t, natsPort, 10*time.Second)
	// The load runs on against a log that is gone, until it has been
	// refused a few times.
	l.mu.Lock()
	refusedBefore := l.errorsDuringOutage
	l.mu.Unlock()
	for deadline := time.Now().Add(30 * time.Second); ; {
		l.mu.Lock()
		refused := l.errorsDuringOutage - refusedBefore
		l.mu.Unlock()
		if refused >= 6 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the load was not refused while the stream was gone")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	<-done
	s.proc.stop()
	if len(l.internal) > 0 {
		t.Errorf("answers 5xx other than 503 while the stream was gone: %v", l.internal[:min(3, len(l.internal))])
	}

	out, err := s.cli("restore")
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	m := restoredLine.FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "no differences") {
		t.Fatalf("restore said:\n%s", out)
	}
	restored, _ := strconv.Atoi(m[1])
	if out, err := s.cli("restore"); err != nil || !strings.Contains(out, "restored 0 events") {
		t.Errorf("restore run again on the restored stream: %v %s", err, out)
	}
	if out, err := s.cli("verify"); err != nil || !strings.Contains(out, fmt.Sprintf("verified %d events against its hash chain and the stream", restored)) {
		t.Fatalf("verify after the restore: %v %s", err, out)
	}

	s.start()
	waitReadyz(t, s.url, 30*time.Second)
	// An old case takes its next step; an old command sent again is the
	// same command.
	var resolved, filed command
	for _, c := range l.acked {
		if c.event == "CaseResolved" && resolved.key == "" {
			resolved = c
		}
		if c.event == "ComplaintFiled" && filed.key == "" {
			filed = c
		}
	}
	if resolved.key == "" || filed.key == "" {
		t.Fatal("no case was resolved before the loss")
	}
	reply := command{path: "/api/v1/cases/" + resolved.caseID + "/replies", key: "after-reply", token: l.handler, want: 200,
		caseID: resolved.caseID, event: "ComplainantReplied", body: map[string]any{"message": "已办结", "method": "phone"}}
	if _, ok := l.send(context.Background(), reply); !ok {
		t.Fatalf("a step on a case from before the loss was not acknowledged: %v", l.pending)
	}
	var again struct {
		ID string `json:"id"`
	}
	if code, _, err := call(context.Background(), "POST", s.url+filed.path, filed.token, filed.key, filed.body, &again); err != nil || again.ID != filed.caseID {
		t.Errorf("an old filing sent again: %d %v, case %s, want %s", code, err, again.ID, filed.caseID)
	}
	// What was not acknowledged is sent again, then the load runs on.
	l.resend(t)
	l.prefix = "after-"
	underLoad(t, l, func() {})
	waitArchived(t, s.url)
	c := check(t, s, l, postgresURL(t, data))
	fmt.Printf("TestStreamLost: acknowledged before the loss %d; restored %d events in %s; acknowledged in all %d, archived %d, lost %d, duplicates %d\n",
		ackedBefore, restored, m[3], c.acknowledged, c.archived, c.lost, c.duplicates)
}
