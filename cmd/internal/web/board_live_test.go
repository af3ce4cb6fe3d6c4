package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/watchpost/watchpost/cmd/internal/auth"
)

// TestLiveBoardKeepsUpWithChangesDuringARefresh holds the live board's
// first refresh until the board has changed again, and sees the page show
// the later board: a change announced while the page is fetching is not
// lost.
func TestLiveBoardKeepsUpWithChangesDuringARefresh(t *testing.T) {
	s := newServer(t)
	handlerToken := s.token(t, auth.Spec{Role: auth.RoleHandler, Name: "受理窗口"})
	deptToken := s.token(t, auth.Spec{Role: auth.RoleDepartment, DepartmentID: "tax-bureau", Name: "税务局联络员"})
	id := s.api(t, handlerToken, "POST", "/api/v1/cases", map[string]any{"channel": "hotline",
		"complainant": map[string]any{"anonymous": true}, "categories": []string{"efficiency"}, "issueTypes": []string{"inaction"},
		"title": "退税申请久拖不办", "description": "三次提交材料均无回音"}, http.StatusCreated)["id"].(string)
	referred := s.api(t, handlerToken, "POST", "/api/v1/cases/"+id+"/referrals", map[string]any{"departmentId": "tax-bureau"}, http.StatusOK)
	var due time.Time
	for _, d := range referred["deadlines"].([]any) {
		if d := d.(map[string]any); d["kind"] == "response" {
			due, _ = time.Parse(time.RFC3339Nano, d["dueAt"].(string))
		}
	}
	if due.IsZero() {
		t.Fatalf("no response deadline: %v", referred["deadlines"])
	}
	s.clock.Set(due.Add(-10 * time.Second))
	supervisor := browser(t, 1280, 900)
	login(t, supervisor, s, s.token(t, auth.Spec{Role: auth.RoleSupervisor, Name: "效能监督员"}))

	// The first refresh of the board's groups is held at its response; the
	// later ones pass. The stream's board events are counted.
	held := make(chan fetch.RequestID, 1)
	announced := make(chan string, 16)
	first := true
	if err := chromedp.Listen(supervisor, func(ev any) {
		switch ev := ev.(type) {
		case *fetch.EventRequestPaused:
			if first {
				first = false
				held <- ev.RequestID
				return
			}
			go release(supervisor, ev.RequestID)
		case *network.EventEventSourceMessageReceived:
			if ev.EventName == "board" {
				select {
				case announced <- ev.Data:
				default:
				}
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	do(t, supervisor, chromedp.Navigate(s.url+"/board"), chromedp.WaitVisible(chromedp.CSS("#level-0 [data-case='"+id+"']")),
		waitText("#live-state", "实时更新中"),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{
				{URLPattern: "*/board/fragment*", RequestStage: fetch.RequestStageResponse}}})
			return err
		}))

	// The deadline passes: the board announces 催办 and the page asks for
	// the groups; that answer is held.
	s.clock.Set(due.Add(time.Second))
	v1 := next(t, announced)
	var request fetch.RequestID
	select {
	case request = <-held:
	case <-time.After(20 * time.Second):
		t.Fatal("the page did not refresh after the board announced a change")
	}
	// The department responds: the case leaves the board, which announces
	// it while the page still waits for its first answer.
	s.api(t, deptToken, "POST", "/api/v1/cases/"+id+"/acknowledgements", map[string]any{}, http.StatusOK)
	s.api(t, deptToken, "POST", "/api/v1/cases/"+id+"/responses", map[string]any{"summary": "已联系申请人，三日内办结"}, http.StatusOK)
	if v2 := next(t, announced); v2 == v1 {
		t.Fatalf("the board announced %s twice", v1)
	}
	release(supervisor, request)
	// The page shows the board as it is now, not as the held answer had it.
	do(t, supervisor, waitGone("#board-groups [data-case='"+id+"']"))
	if got := text(t, supervisor, "#board-total"); got != "0" {
		t.Fatalf("board total %q, want 0", got)
	}
}

// next waits for the board's next announced version.
func next(t *testing.T, announced <-chan string) string {
	t.Helper()
	select {
	case v := <-announced:
		return v
	case <-time.After(20 * time.Second):
		t.Fatal("the board announced no change")
		return ""
	}
}

// release lets a held answer reach the page.
func release(ctx context.Context, id fetch.RequestID) {
	_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id})
		return err
	}))
}

// waitGone waits until no element matches the selector.
func waitGone(sel string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		deadline := time.Now().Add(15 * time.Second)
		q, _ := json.Marshal(sel)
		expr := fmt.Sprintf(`document.querySelector(%s) === null`, q)
		for {
			if gone, err := chromedp.Evaluate[bool](expr)(ctx, tg); err == nil && gone {
				return chromedp.Void{}, nil
			}
			if time.Now().After(deadline) {
				return chromedp.Void{}, context.DeadlineExceeded
			}
			select {
			case <-ctx.Done():
				return chromedp.Void{}, ctx.Err()
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}
