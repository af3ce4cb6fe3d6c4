package pgcluster

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBinDir creates root/version/bin with the given executables.
func fakeBinDir(t *testing.T, root, version string, names ...string) string {
	t.Helper()
	dir := filepath.Join(root, version, "bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if err := os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func notOnPath(string) (string, error) { return "", exec.ErrNotFound }

func TestFindBinariesPicksHighestVersionNumerically(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	fakeBinDir(t, root, "9.6", "initdb", "postgres")
	fakeBinDir(t, root, "15", "initdb", "postgres")
	want := fakeBinDir(t, root, "16", "initdb", "postgres")
	fakeBinDir(t, root, "17", "initdb") // incomplete: no postgres
	fakeBinDir(t, root, "latest", "initdb", "postgres")

	got, err := findBinaries(notOnPath, root)
	if err != nil || got != want {
		t.Fatalf("findBinaries = %q, %v; want %q", got, err, want)
	}
}

func TestFindBinariesResolvesSymlinkOnPath(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	want := fakeBinDir(t, root, "15", "initdb", "postgres")
	fakeBinDir(t, root, "16", "initdb", "postgres")
	pathDir := filepath.Join(root, "path")
	if err := os.Mkdir(pathDir, 0o755); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(pathDir, "initdb")
	if err := os.Symlink(filepath.Join(want, "initdb"), link); err != nil {
		t.Fatal(err)
	}
	lookPath := func(string) (string, error) { return link, nil }

	got, err := findBinaries(lookPath, root)
	if err != nil || got != want {
		t.Fatalf("findBinaries = %q, %v; want %q (the PATH entry wins, symlink resolved)", got, err, want)
	}
}

func TestFindBinariesNotInstalled(t *testing.T) {
	t.Parallel()
	_, err := findBinaries(notOnPath, filepath.Join(t.TempDir(), "missing"))
	if !errors.Is(err, ErrNotInstalled) {
		t.Fatalf("err = %v, want ErrNotInstalled", err)
	}
	if msg := err.Error(); strings.Contains(msg, "\n") || !strings.Contains(msg, "install PostgreSQL") {
		t.Errorf("message should be one line saying what to install: %q", msg)
	}
}

func TestValidDatabaseName(t *testing.T) {
	t.Parallel()
	valid := []string{"a", "_", "app", "test_foo_12", strings.Repeat("a", 63)}
	invalid := []string{"", "1abc", "App", "a-b", "a b", `x"; DROP DATABASE postgres; --`, "é", strings.Repeat("a", 64)}
	for _, n := range valid {
		if !validDatabaseName(n) {
			t.Errorf("validDatabaseName(%q) = false, want true", n)
		}
	}
	for _, n := range invalid {
		if validDatabaseName(n) {
			t.Errorf("validDatabaseName(%q) = true, want false", n)
		}
	}
}
