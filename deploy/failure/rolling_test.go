package failure

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// backend is one replica behind the test's load balancer.
type backend struct {
	name     string
	url      string
	ready    atomic.Bool // its /readyz answered 200 at the last look
	stopping atomic.Bool // the test is restarting it: from SIGTERM until it is ready again
	// draining counts the /readyz answers 503 while it was stopping: it said
	// it was going before it stopped accepting.
	draining atomic.Int32
}

// balancer is a load balancer as the deployments assume one: it sends each
// request to a replica whose /readyz answers 200, in turn, and sends a
// request that got a 503 or no answer to the next replica (every command
// carries its Idempotency-Key, so resending it is safe). It records what
// each replica answered.
type balancer struct {
	backends []*backend
	client   *http.Client
	next     atomic.Uint64

	mu         sync.Mutex
	answers    map[string]int // "replica status" (status 0: no answer)
	retried    int            // requests sent to another replica after a 503 or no answer
	unanswered []string       // requests a replica did not answer, and why
	violations []string       // 5xx other than a stopping replica's 503
}

func newBalancer(backends ...*backend) *balancer {
	return &balancer{backends: backends, client: &http.Client{Timeout: 30 * time.Second}, answers: map[string]int{}}
}

// watch polls every replica's /readyz until ctx ends, as a load balancer's
// health check does.
func (b *balancer) watch(ctx context.Context) {
	c := &http.Client{Timeout: time.Second}
	for ctx.Err() == nil {
		for _, be := range b.backends {
			res, err := c.Get(be.url + "/readyz")
			ok := err == nil && res.StatusCode == http.StatusOK
			if err == nil {
				if res.StatusCode == http.StatusServiceUnavailable && be.stopping.Load() {
					be.draining.Add(1)
				}
				res.Body.Close()
			}
			be.ready.Store(ok)
		}
		select {
		case <-ctx.Done():
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (b *balancer) record(be *backend, status int, path string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.answers[fmt.Sprintf("%s %d", be.name, status)]++
	if status >= 500 && !(status == http.StatusServiceUnavailable && be.stopping.Load()) {
		b.violations = append(b.violations, fmt.Sprintf("%s answered %d to %s (stopping: %v)", be.name, status, path, be.stopping.Load()))
	}
}

func (b *balancer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	// The ready replicas first, in turn; the others only if none is.
	start := int(b.next.Add(1))
	var order []*backend
	for pass := range 2 {
		for i := range b.backends {
			be := b.backends[(start+i)%len(b.backends)]
			if be.ready.Load() == (pass == 0) {
				order = append(order, be)
			}
		}
	}
	for i, be := range order {
		if i > 0 {
			b.mu.Lock()
			b.retried++
			b.mu.Unlock()
		}
		req, err := http.NewRequestWithContext(r.Context(), r.Method, be.url+r.URL.RequestURI(), bytes.NewReader(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for _, h := range []string{"Authorization", "Content-Type", "Idempotency-Key", "Accept-Language", "X-Request-Id"} {
			if v := r.Header.Get(h); v != "" {
				req.Header.Set(h, v)
			}
		}
		wasReady, wasStopping := be.ready.Load(), be.stopping.Load()
		res, err := b.client.Do(req)
		if err != nil && r.Context().Err() != nil {
			return // the client went away (the load ends)
		}
		if err != nil {
			b.record(be, 0, r.URL.Path)
			b.mu.Lock()
			b.unanswered = append(b.unanswered, fmt.Sprintf("%s (ready %v, stopping %v): %v", be.name, wasReady, wasStopping, err))
			b.mu.Unlock()
			continue
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		b.record(be, res.StatusCode, r.URL.Path)
		if res.StatusCode == http.StatusServiceUnavailable {
			continue
		}
		for k, vs := range res.Header {
			if k != "Connection" && k != "Content-Length" {
				w.Header()[k] = vs
			}
		}
		w.WriteHeader(res.StatusCode)
		_, _ = w.Write(raw)
		return
	}
	// No replica answered: the client sees a 503 and sends it again later.
	http.Error(w, `{"error":{"code":"unavailable","message":"no replica answered"}}`, http.StatusServiceUnavailable)
}

// TestRollingRestart restarts the two replicas of one service in turn under
// load, behind a load balancer: each is sent SIGTERM (it answers /readyz 503
// at once, serves on for its shutdown grace, then stops accepting and
// finishes the requests in flight) and started again. No acknowledged
// command is lost or applied twice, and no request is answered 5xx except
// 503s by the replica that is shutting down, which the balancer sends to
// the other.
func TestRollingRestart(t *testing.T) {
	t.Parallel()
	data := sharedDir(t)
	natsPort := freePort(t)
	nats := natsNode(t, "nats-rolling", data, natsPort, 0, nil)
	nats.start()
	waitTCP(t, natsPort, 10*time.Second)
	natsURL := fmt.Sprintf("nats://127.0.0.1:%d", natsPort)
	_, db := externalPG(t, filepath.Join(data, "pg"))

	var replicas []*service
	var backends []*backend
	for i := range 2 {
		s := newService(t, filepath.Join(data, fmt.Sprintf("r%d", i+1)), natsURL, db)
		s.proc.name += fmt.Sprintf("-%d", i+1)
		s.proc.args = append(s.proc.args, "--shutdown-grace", "1s")
		s.start()
		replicas = append(replicas, s)
		backends = append(backends, &backend{name: fmt.Sprintf("replica-%d", i+1), url: s.url})
	}
	for _, s := range replicas {
		waitReadyz(t, s.url, 30*time.Second)
	}
	lb := newBalancer(backends...)
	watchCtx, stopWatch := context.WithCancel(context.Background())
	defer stopWatch()
	go lb.watch(watchCtx)
	front := httptest.NewServer(lb)
	defer front.Close()

	l := setupPeople(t, replicas[0])
	l.url = front.URL
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		l.run(ctx, 6)
	}()
	waitAcknowledged(t, l, 100, 60*time.Second)
	var report []string
	for i, s := range replicas {
		be := backends[i]
		be.stopping.Store(true)
		t0 := time.Now()
		s.proc.stop()
		stopped := time.Since(t0)
		s.start()
		waitReadyz(t, s.url, 60*time.Second)
		ready := time.Since(t0)
		be.stopping.Store(false)
		if be.draining.Load() == 0 {
			t.Errorf("%s never answered /readyz 503 between SIGTERM and its exit", be.name)
		}
		report = append(report, fmt.Sprintf("%s: /readyz 503 at %d health checks, exited %s after SIGTERM, ready again after %s",
			be.name, be.draining.Load(), stopped.Round(time.Millisecond), ready.Round(time.Millisecond)))
		waitAcknowledged(t, l, l.acknowledged()+100, 60*time.Second)
	}
	cancel()
	<-done
	l.resend(t)
	waitArchived(t, replicas[0].url)
	c := check(t, replicas[0], l, db)

	lb.mu.Lock()
	defer lb.mu.Unlock()
	for _, v := range lb.violations[:min(5, len(lb.violations))] {
		t.Error(v)
	}
	if n := len(lb.violations); n > 0 {
		t.Errorf("%d answers were 5xx other than a stopping replica's 503", n)
	}
	for _, u := range lb.unanswered[:min(3, len(lb.unanswered))] {
		t.Logf("not answered: %s", u)
	}
	var answers []string
	for k, n := range lb.answers {
		answers = append(answers, fmt.Sprintf("%s×%d", k, n))
	}
	sort.Strings(answers)
	t.Logf("%s; answers %s; %d requests sent to the other replica", strings.Join(report, "; "), strings.Join(answers, " "), lb.retried)
	fmt.Printf("TestRollingRestart: %s; answers by replica and status: %s; %d requests retried on the other replica; acknowledged=%d archived=%d duplicates=%d lost=%d\n",
		strings.Join(report, "; "), strings.Join(answers, " "), lb.retried, c.acknowledged, c.archived, c.duplicates, c.lost)
}
