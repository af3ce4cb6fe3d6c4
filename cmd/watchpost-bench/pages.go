package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// browser is a web session, as a person's browser holds it after login.
type browser struct {
	http *http.Client
	base string
}

// login signs in with a token through the login form, as a person does.
func login(ctx context.Context, base, token string) (browser, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return browser{}, err
	}
	b := browser{base: base, http: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if _, err := b.get(ctx, "/login"); err != nil {
		return b, err
	}
	u, err := url.Parse(base + "/login")
	if err != nil {
		return b, err
	}
	var csrf string
	for _, c := range jar.Cookies(u) {
		if strings.Contains(c.Name, "login") {
			csrf = c.Value
		}
	}
	if csrf == "" {
		return b, fmt.Errorf("login: the form set no CSRF cookie")
	}
	form := url.Values{"token": {token}, "csrf": {csrf}, "next": {"/"}}
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return b, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.http.Do(req)
	if err != nil {
		return b, err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		return b, fmt.Errorf("login: %d", res.StatusCode)
	}
	return b, nil
}

// get loads a page and returns the time it took to arrive whole.
func (b browser) get(ctx context.Context, path string) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", b.base+path, nil)
	if err != nil {
		return 0, err
	}
	start := time.Now()
	res, err := b.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, err = io.Copy(io.Discard, res.Body)
	took := time.Since(start)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %d", path, res.StatusCode)
	}
	return took, err
}
