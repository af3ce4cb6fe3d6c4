package main

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// runCLI runs the command line with args.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, &out, &errOut)
	return out.String(), errOut.String(), err
}

// TestHelpListsEveryCommand: --help names every subcommand run knows, each
// with a line of help.
func TestHelpListsEveryCommand(t *testing.T) {
	t.Setenv("WATCHPOST_DATABASE_URL", "")
	out, _, err := runCLI(t, "--help")
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{"serve", "migrate", "rebuild", "verify", "token", "calendar", "shred"} {
		if !strings.Contains(out, "\n  "+cmd+" ") {
			t.Errorf("--help does not list %s:\n%s", cmd, out)
		}
		if _, stderr, err := runCLI(t, cmd, "-h"); err != nil && !errors.Is(err, exitCode(0)) && cmd != "token" && cmd != "calendar" {
			t.Errorf("%s -h: %v %s", cmd, err, stderr)
		}
	}
}

// TestUsageOnce: -h prints a command's usage once.
func TestUsageOnce(t *testing.T) {
	for _, args := range [][]string{{"shred", "-h"}, {"rebuild", "-h"}, {"token", "revoke", "-h"}, {"calendar", "show", "-h"}} {
		_, stderr, err := runCLI(t, args...)
		if !errors.Is(err, exitCode(0)) {
			t.Errorf("%v: %v", args, err)
		}
		if n := strings.Count(stderr, "-data"); n != 1 {
			t.Errorf("%v prints its usage %d times:\n%s", args, n, stderr)
		}
	}
}

// TestNoDataDirectory: a command other than serve and migrate refuses a
// data directory with no development data rather than creating one.
func TestNoDataDirectory(t *testing.T) {
	t.Setenv("WATCHPOST_DATABASE_URL", "")
	missing := filepath.Join(t.TempDir(), "mistyped")
	for _, args := range [][]string{{"token", "list", "--data", missing}, {"rebuild", "--data", missing}, {"verify", "--data", missing},
		{"calendar", "show", "--data", missing}, {"shred", "--reason", "x", "--data", missing, "c1"}} {
		_, _, err := runCLI(t, args...)
		if err == nil || !strings.Contains(err.Error(), "no development data in "+missing) {
			t.Errorf("%v on a missing data directory: %v", args, err)
		}
	}
	if matches, _ := filepath.Glob(missing); len(matches) != 0 {
		t.Errorf("the refused commands created %s", missing)
	}
}
