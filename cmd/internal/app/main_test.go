package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/eventstore/testenv"
	"github.com/watchpost/watchpost/projections"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// server boots the whole service on a free port, with a test database and
// an embedded NATS server.
func server(t *testing.T) *app.Main {
	t.Helper()
	m := app.NewMain(app.Config{
		Addr:        "127.0.0.1:0",
		DataDir:     t.TempDir(),
		DatabaseURL: testenv.Postgres(t),
		Replicas:    1,
		TimeZone:    time.FixedZone("CST", 8*3600),
		Logger:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Clock:       app.DefaultClock,
	})
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return m
}

// client calls the API as one token.
type client struct {
	t     *testing.T
	base  string
	token string
}

func (c client) do(method, path string, body any, want int) map[string]any {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	req.Header.Set("Authorization", "Bearer "+c.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		c.t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, raw, want)
	}
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			c.t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
	return out
}

func token(t *testing.T, m *app.Main, spec auth.Spec) string {
	t.Helper()
	tok, _, err := auth.NewTokens(m.Env().Pool, app.DefaultClock).Create(context.Background(), spec)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestFirstSlice walks a complaint from filing to resolution over HTTP and
// checks that the archive holds exactly the stream and a rebuild agrees.
func TestFirstSlice(t *testing.T) {
	t.Parallel()
	m := server(t)
	handler := client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleHandler})}
	dept := client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "city-construction"})}
	other := client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "tax-bureau"})}
	anon := client{t, m.URL, ""}
	admin := client{t, m.URL, token(t, m, auth.Spec{Role: auth.RoleAdmin})}
	for _, d := range []string{"city-construction", "tax-bureau"} {
		admin.do("POST", "/api/v1/departments", map[string]any{"id": d, "name": d, "category": "management"}, http.StatusCreated)
	}

	anon.do("GET", "/api/v1/cases", nil, http.StatusUnauthorized)
	filed := handler.do("POST", "/api/v1/cases", map[string]any{
		"channel": "hotline", "complainant": map[string]any{"name": "王五", "phone": "13900000000"},
		"categories": []string{"efficiency"}, "issueTypes": []string{"slow_action"},
		"title": "施工许可审批超期", "description": "材料齐全，二十个工作日未批复",
		"receivedAt": time.Now().Add(-48 * time.Hour).Format(time.RFC3339),
	}, http.StatusCreated)
	id := filed["id"].(string)
	if filed["status"] != "filed" || filed["complainant"] == nil {
		t.Fatalf("filed: %v", filed)
	}
	// Not referred yet: the department cannot see it.
	dept.do("GET", "/api/v1/cases/"+id, nil, http.StatusNotFound)
	handler.do("POST", "/api/v1/cases/"+id+"/resolution", map[string]any{"outcome": "resolved", "summary": "x"}, http.StatusConflict)

	handler.do("POST", "/api/v1/cases/"+id+"/referrals", map[string]any{"departmentId": "no-such-department"}, http.StatusUnprocessableEntity)
	referred := handler.do("POST", "/api/v1/cases/"+id+"/referrals", map[string]any{"departmentId": "city-construction"}, http.StatusOK)
	if referred["status"] != "referred" {
		t.Fatalf("referred: %v", referred)
	}
	seen := dept.do("GET", "/api/v1/cases/"+id, nil, http.StatusOK)
	if seen["complainant"] != nil || seen["complainantWithheld"] != true {
		t.Fatalf("a department saw the complainant: %v", seen)
	}
	other.do("GET", "/api/v1/cases/"+id, nil, http.StatusNotFound)
	other.do("POST", "/api/v1/cases/"+id+"/resolution", map[string]any{"outcome": "resolved", "summary": "x"}, http.StatusNotFound)
	if list := dept.do("GET", "/api/v1/cases", nil, http.StatusOK); len(list["items"].([]any)) != 1 {
		t.Fatalf("department list: %v", list)
	}

	resolved := dept.do("POST", "/api/v1/cases/"+id+"/resolution", map[string]any{"outcome": "explained", "summary": "依政策解释"}, http.StatusOK)
	if resolved["status"] != "resolved" || resolved["version"] != float64(3) {
		t.Fatalf("resolved: %v", resolved)
	}
	timeline := handler.do("GET", "/api/v1/cases/"+id+"/events", nil, http.StatusOK)
	events := timeline["events"].([]any)
	if len(events) != 3 {
		t.Fatalf("timeline: %v", timeline)
	}
	if e := events[2].(map[string]any); e["type"] != "CaseResolved" || e["actorRole"] != "department" {
		t.Fatalf("last step: %v", e)
	}

	// The archive holds exactly what the stream holds, and a rebuild agrees.
	ctx := context.Background()
	last, err := m.Env().Log.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var archived, top int64
	if err := m.Env().Pool.QueryRow(ctx, `SELECT count(*), max(seq) FROM events`).Scan(&archived, &top); err != nil {
		t.Fatal(err)
	}
	if uint64(archived) != last || uint64(top) != last {
		t.Fatalf("archive holds %d events up to %d; the stream ends at %d", archived, top, last)
	}
	rep, err := projections.Rebuild(ctx, m.Env().Pool, app.Projections(time.FixedZone("CST", 8*3600)), projections.RebuildOptions{})
	if err != nil || rep.Differences() != 0 {
		t.Fatalf("rebuild: %+v %v", rep, err)
	}
}
