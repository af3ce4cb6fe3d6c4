package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// departments the simulated cases are referred to.
var departments = []string{"bench-construction", "bench-market", "bench-tax", "bench-transport"}

// people are the tokens the simulated users act with.
type people struct {
	admin, handler, supervisor api
	dept                       map[string]api
}

// setup registers the departments and makes the tokens.
func setup(ctx context.Context, t *target, client *http.Client) (people, error) {
	p := people{admin: api{client, t.url, t.adminToken}, dept: map[string]api{}}
	for _, d := range departments {
		_, err := p.admin.call(ctx, "POST", "/api/v1/departments",
			map[string]any{"id": d, "name": d, "category": "management"}, http.StatusCreated, nil)
		if err != nil && !isConflict(err) {
			return p, err
		}
	}
	token := func(body map[string]any) (api, error) {
		var out struct {
			Token string `json:"token"`
		}
		_, err := p.admin.call(ctx, "POST", "/api/v1/tokens", body, http.StatusCreated, &out)
		return api{client, t.url, out.Token}, err
	}
	var err error
	if p.handler, err = token(map[string]any{"role": "handler", "name": "bench"}); err != nil {
		return p, err
	}
	if p.supervisor, err = token(map[string]any{"role": "supervisor", "name": "bench"}); err != nil {
		return p, err
	}
	for _, d := range departments {
		if p.dept[d], err = token(map[string]any{"role": "department", "departmentId": d, "name": "bench"}); err != nil {
			return p, err
		}
	}
	return p, nil
}

func isConflict(err error) bool { return err != nil && strings.Contains(err.Error(), ": 409 ") }

// loadStats is what the users measured.
type loadStats struct {
	mu        sync.Mutex
	latencies []time.Duration
	commands  int
	errors    int
	firstErr  error
	cases     int
	untouched int
}

func (s *loadStats) add(took time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.errors++
		if s.firstErr == nil {
			s.firstErr = err
		}
		return
	}
	s.commands++
	s.latencies = append(s.latencies, took)
}

// pacer hands out one permit per command at a fixed rate (nil: no pacing).
type pacer chan struct{}

func newPacer(ctx context.Context, rate int) pacer {
	if rate <= 0 {
		return nil
	}
	p := make(pacer, rate/10+1)
	go func() {
		t := time.NewTicker(time.Second / time.Duration(rate))
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				select {
				case p <- struct{}{}:
				default: // the users are behind: the permit lapses
				}
			}
		}
	}()
	return p
}

func (p pacer) wait(ctx context.Context) bool {
	if p == nil {
		return ctx.Err() == nil
	}
	select {
	case <-ctx.Done():
		return false
	case <-p:
		return true
	}
}

// user walks case lifecycles until ctx ends.
func user(ctx context.Context, n int, pp people, share float64, pace pacer, st *loadStats) {
	rng := rand.New(rand.NewPCG(uint64(n), 7))
	step := func(a api, method, path string, body any, want int, out any) bool {
		if !pace.wait(ctx) {
			return false
		}
		took, err := a.call(ctx, method, path, body, want, out)
		if ctx.Err() != nil {
			return false
		}
		st.add(took, err)
		return err == nil
	}
	for i := 0; ctx.Err() == nil; i++ {
		var filed struct {
			ID string `json:"id"`
		}
		if !step(pp.handler, "POST", "/api/v1/cases", map[string]any{
			"channel": "hotline", "categories": []string{"efficiency"}, "issueTypes": []string{"slow_action"},
			"title":       fmt.Sprintf("bench case %d-%d", n, i),
			"description": "A permit application has waited three weeks without an answer.",
			"complainant": map[string]any{"name": "Bench Complainant", "phone": "13800000000"},
		}, http.StatusCreated, &filed) {
			continue
		}
		c := "/api/v1/cases/" + filed.ID
		dept := departments[rng.IntN(len(departments))]
		if !step(pp.handler, "POST", c+"/referrals", map[string]any{"departmentId": dept}, http.StatusOK, nil) {
			continue
		}
		st.mu.Lock()
		st.cases++
		st.mu.Unlock()
		if rng.Float64() < share {
			// Left alone: its response deadline comes due at midnight.
			st.mu.Lock()
			st.untouched++
			st.mu.Unlock()
			continue
		}
		d := pp.dept[dept]
		if !step(d, "POST", c+"/acknowledgements", map[string]any{}, http.StatusOK, nil) {
			continue
		}
		switch v := rng.Float64(); {
		case v < 0.1: // misrouted: returned and referred again
			if !step(d, "POST", c+"/returns", map[string]any{"reason": "not ours"}, http.StatusOK, nil) {
				continue
			}
			other := departments[(indexOf(departments, dept)+1)%len(departments)]
			d = pp.dept[other]
			if !step(pp.handler, "POST", c+"/referrals", map[string]any{"departmentId": other}, http.StatusOK, nil) ||
				!step(d, "POST", c+"/acknowledgements", map[string]any{}, http.StatusOK, nil) {
				continue
			}
		case v < 0.2: // complex: an extension requested and granted
			var ext struct {
				Extensions []struct {
					RequestID string `json:"requestId"`
				} `json:"extensions"`
			}
			if !step(d, "POST", c+"/extension-requests", map[string]any{"dueDate": "2026-12-18", "reason": "needs a site visit"}, http.StatusOK, &ext) ||
				len(ext.Extensions) == 0 ||
				!step(pp.supervisor, "POST", c+"/extension-requests/"+ext.Extensions[0].RequestID+"/decision",
					map[string]any{"grant": true}, http.StatusOK, nil) {
				continue
			}
		case v < 0.3: // waits on the complainant for a while
			if !step(pp.handler, "POST", c+"/suspensions", map[string]any{"reason": "documents missing"}, http.StatusOK, nil) ||
				!step(pp.handler, "POST", c+"/resumptions", map[string]any{}, http.StatusOK, nil) {
				continue
			}
		}
		if !step(d, "POST", c+"/responses", map[string]any{"summary": "contacted the applicant"}, http.StatusOK, nil) {
			continue
		}
		step(d, "POST", c+"/resolution", map[string]any{"outcome": "resolved", "summary": "permit issued"}, http.StatusOK, nil)
	}
}

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return 0
}
