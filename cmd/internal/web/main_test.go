package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/escalation"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/eventstore/testenv"
)

// screenshots is where the browser tests save what they saw; a temporary
// directory (printed) when not given.
var screenshots = flag.String("screenshots", "", "save the browser tests' screenshots in this directory")

// chromium is Debian's browser; nothing downloads one.
const chromium = "/usr/bin/chromium"

func TestMain(m *testing.M) { testenv.Main(m) }

// cst is the zone of the tests' server.
var cst = time.FixedZone("CST", 8*3600)

// testMasterKey is the tests' master key (32 bytes, base64).
const testMasterKey = "d2F0Y2hwb3N0IHRlc3QgbWFzdGVyIGtleSAzMiBieXQ="

// server is a whole Watchpost server with its test clock.
type server struct {
	m       *app.Main
	url     string
	clock   *testenv.Clock
	admin   string // the administrator's token
	stepped chan escalation.Stepped
}

// newServer boots the service on a fresh database with a test clock, and
// registers two departments.
func newServer(t *testing.T) *server {
	t.Helper()
	clock := testenv.NewClock()
	stepped := make(chan escalation.Stepped, 1024)
	cfg := app.Config{
		Addr: "127.0.0.1:0", DataDir: t.TempDir(), DatabaseURL: testenv.Postgres(t), Replicas: 1,
		TimeZone: cst, Policy: deadline.DefaultPolicy(), MasterKey: testMasterKey,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Clock: clock.Now,
		Signals: app.Signals{Escalation: stepped},
	}
	m := app.NewMain(cfg)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	s := &server{m: m, url: m.URL, clock: clock, stepped: stepped}
	s.admin = s.token(t, auth.Spec{Role: auth.RoleAdmin, Name: "系统管理员"})
	for _, d := range [][2]string{{"city-construction", "市住房和城乡建设局"}, {"tax-bureau", "市税务局"}} {
		s.api(t, s.admin, "POST", "/api/v1/departments", map[string]any{"id": d[0], "name": d[1], "category": "management"}, http.StatusCreated)
	}
	return s
}

// token makes a token.
func (s *server) token(t *testing.T, spec auth.Spec) string {
	t.Helper()
	tok, _, err := auth.NewTokens(s.m.Env().Pool, s.m.Now).Create(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// nextWorkingDay moves the clock to 10:00 on the working day after the
// clock's day (the end of that day, from the calendar, less 14 hours).
func (s *server) nextWorkingDay(t *testing.T, token string) {
	t.Helper()
	due, err := time.Parse(time.RFC3339Nano, s.api(t, token, "GET", "/api/v1/calendar/due?workdays=1", nil, http.StatusOK)["dueAt"].(string))
	if err != nil {
		t.Fatal(err)
	}
	s.clock.Set(due.Add(-14 * time.Hour))
}

// api calls the JSON API.
func (s *server) api(t *testing.T, token, method, path string, body any, want int) map[string]any {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, raw, want)
	}
	var out map[string]any
	_ = json.Unmarshal(raw, &out)
	return out
}

// browserOnce is the one Chromium of the test binary; each person gets a
// browser context of their own in it (their own cookies).
var browserOnce struct {
	sync.Once
	ctx context.Context
	err error
}

// browser opens a new browser context (like a private window) with a
// viewport of width × height, closed when the test ends.
func browser(t *testing.T, width, height int64) context.Context {
	t.Helper()
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("%s is missing: apt-get install chromium fonts-noto-cjk (.ci/run does)", chromium)
	}
	browserOnce.Do(func() {
		dir, err := os.MkdirTemp("", "wp-chromium-")
		if err != nil {
			browserOnce.err = err
			return
		}
		alloc, _ := chromedp.NewExecAllocator(context.Background(),
			chromedp.ExecPath(chromium),
			chromedp.Flag("headless", true),
			chromedp.Flag("no-sandbox", true),
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("no-first-run", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.Flag("lang", "zh-CN"),
			chromedp.UserDataDir(dir),
		)
		ctx, _ := chromedp.NewContext(alloc)
		// The first run starts the browser, for the life of the binary.
		browserOnce.err = chromedp.Do(ctx)
		browserOnce.ctx = ctx
	})
	if browserOnce.err != nil {
		t.Fatalf("start %s: %v", chromium, browserOnce.err)
	}
	ctx, cancel := chromedp.NewContext(browserOnce.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

// do runs actions with a bound on the time they take.
func do(t *testing.T, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browser: %v", err)
	}
}

// text is what a person reads in an element.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// waitText waits until the element shows the text (the page after a form
// was sent, or the live board after the server raised a step). It asks the
// page again while it is being replaced by the next one.
func waitText(sel, want string) chromedp.Action[chromedp.Void] {
	s, _ := json.Marshal(sel)
	w, _ := json.Marshal(want)
	expr := fmt.Sprintf(`(function(){var e=document.querySelector(%s);return !!e && e.textContent.indexOf(%s) >= 0;})()`, s, w)
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		deadline := time.Now().Add(15 * time.Second)
		for {
			if ok, err := chromedp.Evaluate[bool](expr)(ctx, t); err == nil && ok {
				return chromedp.Void{}, nil
			}
			if time.Now().After(deadline) {
				return chromedp.Void{}, fmt.Errorf("waiting for %q in %s: timed out", want, sel)
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

var shotDir struct {
	sync.Once
	dir string
}

// shot saves a screenshot of the whole page as name.png.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shotDir.Do(func() {
		shotDir.dir = *screenshots
		if shotDir.dir == "" {
			d, err := os.MkdirTemp("", "wp-screenshots-")
			if err != nil {
				t.Fatal(err)
			}
			shotDir.dir = d
		}
		if err := os.MkdirAll(shotDir.dir, 0o755); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(os.Stderr, "screenshots in", shotDir.dir)
	})
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(shotDir.dir, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}

// login logs a person in with a token, in their browser.
func login(t *testing.T, ctx context.Context, s *server, token string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(s.url+"/login"), chromedp.WaitVisible(chromedp.ID("token")),
		chromedp.SendKeys(chromedp.ID("token"), token), chromedp.Submit(chromedp.ID("token")),
		chromedp.WaitVisible(chromedp.CSS("form[action='/logout']")))
}
