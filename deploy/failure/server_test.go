package failure

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// testMasterKey seals personal data in these tests (32 bytes, base64).
const testMasterKey = "d2F0Y2hwb3N0IGZhaWx1cmUgdGVzdHMgbWFzdGVyIGs="

// service is a Watchpost server process and how to reach it.
type service struct {
	t    *testing.T
	proc *proc
	url  string
	env  []string
	data string
}

// newService prepares a server on a fixed port with its configuration.
func newService(t *testing.T, data, natsURL, dbURL string, extraEnv ...string) *service {
	t.Helper()
	port := freePort(t)
	env := append([]string{"WATCHPOST_MASTER_KEY=" + testMasterKey}, extraEnv...)
	if natsURL != "" {
		env = append(env, "WATCHPOST_NATS_URL="+natsURL)
	}
	if dbURL != "" {
		env = append(env, "WATCHPOST_DATABASE_URL="+dbURL)
	}
	s := &service{t: t, env: env, data: data, url: fmt.Sprintf("http://127.0.0.1:%d", port)}
	s.proc = newProc(t, "watchpost-"+strings.ReplaceAll(t.Name(), "/", "-"), env,
		bin.watchpost, "serve", "--data", data, "--addr", fmt.Sprintf("127.0.0.1:%d", port), "--log-level", "warn")
	return s
}

// start starts the server and reads the address it prints.
func (s *service) start() {
	s.t.Helper()
	s.proc.start()
	s.url = s.proc.waitLine("url: ", 90*time.Second)
}

// filing is the body of an anonymous complaint with a title.
func filing(title string) map[string]any {
	return map[string]any{"channel": "web", "categories": []string{"efficiency"}, "title": title,
		"description": "a permit waits", "complainant": map[string]any{"anonymous": true}}
}

// cli runs a watchpost command with the service's configuration.
func (s *service) cli(args ...string) (string, error) {
	cmd := exec.Command(bin.watchpost, append(args, "--data", s.data)...)
	cmd.Env = append(os.Environ(), s.env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if err != nil {
		return out.String(), fmt.Errorf("watchpost %s: %w: %s", strings.Join(args, " "), err, errOut.String())
	}
	return strings.TrimSpace(out.String()), nil
}

func (s *service) token(args ...string) string {
	s.t.Helper()
	tok, err := s.cli(append([]string{"token", "create"}, args...)...)
	if err != nil {
		s.t.Fatal(err)
	}
	return tok
}

// call sends one request; it returns the status (0 when the connection
// failed), the answer and the time it took.
func call(ctx context.Context, method, url, token, key string, body any, out any) (int, time.Duration, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return 0, 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	start := time.Now()
	res, err := httpClient.Do(req)
	took := time.Since(start)
	if err != nil {
		return 0, took, err
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			return res.StatusCode, took, err
		}
	}
	if res.StatusCode >= 300 {
		return res.StatusCode, took, fmt.Errorf("%d %s", res.StatusCode, bytes.TrimSpace(raw))
	}
	return res.StatusCode, took, nil
}

var httpClient = &http.Client{Timeout: 30 * time.Second}

// command is one step a simulated user sends, with its idempotency key.
type command struct {
	path, key, token string
	body             any
	want             int
	caseID           string // known once the filing is acknowledged
	event            string // the event the step records
}

// load walks case lifecycles from several workers, each step with an
// idempotency key, and remembers what the server acknowledged and what it
// did not.
type load struct {
	url                  string
	handler, dept, admin string
	prefix               string // before every idempotency key: a new round of load uses new keys
	mu                   sync.Mutex
	acked                []command
	pending              []command // sent, not acknowledged: to be sent again
	errorsDuringOutage   int
	internal             []string // answers 5xx other than 503: no failure of a dependency may answer them
	slowestFailure       time.Duration
}

func (l *load) run(ctx context.Context, workers int) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				l.lifecycle(ctx, w, i)
			}
		})
	}
	wg.Wait()
}

// lifecycle files a case and takes it to resolution, stopping at the first
// step that is not acknowledged.
func (l *load) lifecycle(ctx context.Context, w, i int) {
	key := fmt.Sprintf("%sw%d-c%d", l.prefix, w, i)
	file := command{path: "/api/v1/cases", key: key + "-file", token: l.handler, want: 201, event: "ComplaintFiled",
		body: filing("failure test " + key)}
	id, ok := l.send(ctx, file)
	if !ok {
		pause(ctx) // a user whose request failed waits a little before the next
		return
	}
	for _, c := range []command{
		{path: "/referrals", key: key + "-refer", token: l.handler, body: map[string]any{"departmentId": "failure-dept"}, event: "CaseReferred"},
		{path: "/acknowledgements", key: key + "-ack", token: l.dept, body: map[string]any{}, event: "ReferralAcknowledged"},
		{path: "/responses", key: key + "-respond", token: l.dept, body: map[string]any{"summary": "on it"}, event: "ResponseRecorded"},
		{path: "/resolution", key: key + "-resolve", token: l.dept, body: map[string]any{"outcome": "resolved", "summary": "done"}, event: "CaseResolved"},
	} {
		c.path, c.caseID, c.want = "/api/v1/cases/"+id+c.path, id, 200
		if _, ok := l.send(ctx, c); !ok {
			pause(ctx)
			return
		}
	}
}

func pause(ctx context.Context) {
	select {
	case <-ctx.Done():
	case <-time.After(200 * time.Millisecond):
	}
}

// attempt sends one command once.
func (l *load) attempt(ctx context.Context, c command) (string, time.Duration, error) {
	var out struct {
		ID string `json:"id"`
	}
	status, took, err := call(ctx, "POST", l.url+c.path, c.token, c.key, c.body, &out)
	if status >= 500 && status != http.StatusServiceUnavailable {
		l.mu.Lock()
		l.internal = append(l.internal, c.path+": "+err.Error())
		l.mu.Unlock()
	}
	if err == nil && status != c.want {
		err = fmt.Errorf("status %d", status)
	}
	if c.caseID == "" {
		c.caseID = out.ID
	}
	return c.caseID, took, err
}

// acknowledged counts the commands acknowledged so far.
func (l *load) acknowledged() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// send sends one command and records the outcome.
func (l *load) send(ctx context.Context, c command) (string, bool) {
	id, took, err := l.attempt(ctx, c)
	l.mu.Lock()
	defer l.mu.Unlock()
	if err != nil {
		l.pending = append(l.pending, c)
		if ctx.Err() == nil {
			l.errorsDuringOutage++
			l.slowestFailure = max(l.slowestFailure, took)
		}
		return "", false
	}
	c.caseID = id
	l.acked = append(l.acked, c)
	return id, true
}

// resend sends the unacknowledged commands again, with their keys, until
// the server acknowledges them (as a client that got no answer would).
func (l *load) resend(t *testing.T) {
	t.Helper()
	l.mu.Lock()
	pending := l.pending
	l.pending = nil
	l.mu.Unlock()
	for _, c := range pending {
		deadline := time.Now().Add(60 * time.Second)
		for {
			id, _, err := l.attempt(context.Background(), c)
			if err == nil {
				c.caseID = id
				l.mu.Lock()
				l.acked = append(l.acked, c)
				l.mu.Unlock()
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s %s is still not acknowledged after the outage: %v", c.path, c.key, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// probe files a case every 100 ms until ctx ends (a write needs both NATS
// and PostgreSQL) and reports the slowest answer and the statuses seen.
func probe(ctx context.Context, url, token string) (slowest time.Duration, statuses map[int]int) {
	statuses = map[int]int{}
	for i := 0; ctx.Err() == nil; i++ {
		status, took, _ := call(context.Background(), "POST", url+"/api/v1/cases", token, fmt.Sprintf("probe-%d-%d", time.Now().UnixNano(), i),
			filing("probe"), nil)
		statuses[status]++
		slowest = max(slowest, took)
		time.Sleep(100 * time.Millisecond)
	}
	return slowest, statuses
}
