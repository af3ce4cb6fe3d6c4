package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/escalation"
	"github.com/watchpost/watchpost/eventstore"
)

// TestBoardLanes: each level of the board shows its most urgent entries
// and its total, so a crowded level hides none of the others, and one
// level can be read alone.
func TestBoardLanes(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	handler := s.token(t, auth.Spec{Role: auth.RoleHandler})
	refer := func(title, dept string) time.Time {
		id := s.api(t, handler, "POST", "/api/v1/cases", map[string]any{"channel": "hotline",
			"complainant": map[string]any{"anonymous": true}, "categories": []string{"efficiency"}, "issueTypes": []string{"inaction"},
			"title": title, "description": "多次催问无人答复"}, http.StatusCreated)["id"].(string)
		referred := s.api(t, handler, "POST", "/api/v1/cases/"+id+"/referrals", map[string]any{"departmentId": dept}, http.StatusOK)
		for _, d := range referred["deadlines"].([]any) {
			if d := d.(map[string]any); d["kind"] == "response" {
				due, _ := time.Parse(time.RFC3339Nano, d["dueAt"].(string))
				return due
			}
		}
		t.Fatalf("no response deadline: %v", referred["deadlines"])
		return time.Time{}
	}
	const overdue = 52 // more than a level shows on the whole board
	var due time.Time
	for i := range overdue {
		due = refer("纳税申报系统故障 "+itoa(i), "tax-bureau")
	}
	s.nextWorkingDay(t, handler)
	refer("施工许可久拖不办", "city-construction") // in its last day when the others are late
	s.clock.Set(due.Add(time.Second))
	settled(t, s.stepped, time.Now())
	s.archived(t)

	v := newVisitor(t, s, s.token(t, auth.Spec{Role: auth.RoleSupervisor}))
	page := v.get("/board", http.StatusOK)
	if n := cards(t, page, 1); n != 50 {
		t.Fatalf("催办 shows %d cards, want 50", n)
	}
	if n := cards(t, page, 0); n != 1 {
		t.Fatalf("临期 shows %d cards, want 1", n)
	}
	for _, want := range []string{`<span id="board-total">53</span>`, `<span class="count">52</span>`, "显示最紧急的 50 件，共 52 件。",
		`<a href="/board?level=1">只看催办</a>`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the board lacks %s", want)
		}
	}
	// One level alone shows all its entries (up to a page), and the live
	// parts follow that level.
	one := v.get("/board?level=1", http.StatusOK)
	if n := cards(t, one, 1); n != overdue {
		t.Fatalf("催办 alone shows %d cards, want %d", n, overdue)
	}
	if strings.Contains(one, `id="level-0"`) || strings.Contains(one, "显示最紧急") ||
		!strings.Contains(one, `data-fragment="/board/fragment?level=1"`) || !strings.Contains(one, `<a href="/board">返回全部看板</a>`) {
		t.Fatal("the page of one level shows more than that level, or its live parts do not follow it")
	}
	if n := cards(t, v.get("/board/fragment?level=1", http.StatusOK), 1); n != overdue {
		t.Fatalf("the fragment of 催办 has %d cards, want %d", n, overdue)
	}
	for _, bad := range []string{"9", "-1", "x"} {
		if page := v.get("/board?level="+bad, http.StatusUnprocessableEntity); !strings.Contains(page, "看板级别须为") {
			t.Fatalf("level=%s: the page does not say what the level must be", bad)
		}
	}
}

// cards counts the cards in the board's column of a level.
func cards(t *testing.T, page string, rank int) int {
	t.Helper()
	_, lane, ok := strings.Cut(page, `id="level-`+itoa(rank)+`"`)
	if !ok {
		t.Fatalf("no column for level %d", rank)
	}
	lane, _, _ = strings.Cut(lane, "</section>")
	return strings.Count(lane, `<li class="card"`)
}

// settled waits until the escalation process has begun a step after since
// and raised nothing in it: it found nothing more to raise.
func settled(t *testing.T, ch <-chan escalation.Stepped, since time.Time) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		select {
		case s := <-ch:
			if s.Began.After(since) && s.Raised == 0 && s.Err == nil {
				return
			}
		case <-timeout:
			t.Fatal("the escalation process did not settle")
		}
	}
}

// archived waits until the archive, and with it the board, holds
// everything in the log.
func (s *server) archived(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	last, err := s.m.Env().Log.LastSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := eventstore.NewPositions(s.m.Env().Pool, slog.New(slog.DiscardHandler))
	p.Start(ctx)
	defer p.Stop()
	if err := p.Wait(ctx, last); err != nil {
		t.Fatalf("the archive did not reach %d: %v", last, err)
	}
}
