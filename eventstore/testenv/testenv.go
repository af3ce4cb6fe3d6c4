// Package testenv provides test helpers backed by a real PostgreSQL server.
//
// A test binary shares one private, non-durable cluster (see package
// pgcluster), started lazily on first use in a temporary directory and
// stopped by Main. Each call to Postgres hands out a fresh, empty database:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		t.Parallel()
//		url := testenv.Postgres(t)
//		...
//	}
//
// PostgreSQL must be installed (CI installs it); tests fail rather than
// skip when it is not.
package testenv

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/watchpost/watchpost/eventstore/pgcluster"
)

// adminTimeout bounds creating and dropping a database.
const adminTimeout = 30 * time.Second

// shared is the cluster shared by all tests of the binary.
var shared struct {
	mainCalled atomic.Bool
	counter    atomic.Int64 // makes database names unique

	mu      sync.Mutex
	started bool
	cluster *pgcluster.Cluster
	dir     string
	err     error
}

// Main runs the package's tests and then stops the shared PostgreSQL
// cluster and removes its temporary directory. Use it as:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
func Main(m *testing.M) {
	shared.mainCalled.Store(true)
	code := m.Run()
	if err := shutdown(); err != nil {
		fmt.Fprintln(os.Stderr, "testenv:", err)
		if code == 0 {
			code = 1
		}
	}
	os.Exit(code)
}

// Postgres returns the URL of a new, empty database in the PostgreSQL
// cluster shared by the test binary, named after the test. The database is
// dropped (WITH (FORCE), so open connections do not block it) when the test
// and its subtests finish. It is safe to call from parallel tests.
//
// If PostgreSQL is not installed, it fails the test with the message of
// pgcluster.ErrNotInstalled.
func Postgres(t testing.TB) string {
	t.Helper()
	if !shared.mainCalled.Load() {
		t.Fatal("testenv.Postgres needs the package's TestMain to call testenv.Main(m), which stops the shared PostgreSQL cluster")
	}
	c, err := sharedCluster()
	if errors.Is(err, pgcluster.ErrNotInstalled) {
		t.Fatal(pgcluster.ErrNotInstalled.Error())
	}
	if err != nil {
		t.Fatalf("testenv: starting PostgreSQL: %v", err)
	}

	name := databaseName(t.Name(), shared.counter.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	if err := c.CreateDatabase(ctx, name); err != nil {
		t.Fatalf("testenv: %v", err)
	}
	t.Cleanup(func() {
		if err := dropDatabase(c, name); err != nil {
			t.Errorf("testenv: %v", err)
		}
	})
	return c.URL(name)
}

// sharedCluster starts the shared cluster on first use. A failure is
// remembered and reported to every caller.
func sharedCluster() (*pgcluster.Cluster, error) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if !shared.started {
		shared.started = true
		shared.cluster, shared.dir, shared.err = startCluster()
	}
	return shared.cluster, shared.err
}

// startCluster starts a non-durable cluster in a new temporary directory.
func startCluster() (*pgcluster.Cluster, string, error) {
	if _, err := pgcluster.FindBinaries(); err != nil {
		return nil, "", err
	}
	dir, err := os.MkdirTemp("", "wptest-")
	if err != nil {
		return nil, "", err
	}
	// MkdirTemp makes the directory 0700; when running as root, PostgreSQL
	// runs as another user that must be able to traverse it.
	if err := os.Chmod(dir, 0o711); err != nil {
		os.RemoveAll(dir)
		return nil, "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, pgcluster.Options{Dir: dir})
	if err != nil {
		os.RemoveAll(dir)
		return nil, "", err
	}
	return c, dir, nil
}

// shutdown stops the shared cluster, if it was started, and removes its
// directory.
func shutdown() error {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.cluster == nil {
		return nil
	}
	stopErr := shared.cluster.Stop()
	if stopErr != nil {
		// Keep the directory: its postgres.log explains the failure.
		return fmt.Errorf("stopping PostgreSQL (log kept in %s): %w", shared.dir, stopErr)
	}
	shared.cluster = nil
	if err := os.RemoveAll(shared.dir); err != nil {
		return fmt.Errorf("removing %s: %w", shared.dir, err)
	}
	return nil
}

func dropDatabase(c *pgcluster.Cluster, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), adminTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("connecting to drop database %s: %w", name, err)
	}
	defer conn.Close(context.Background())
	sql := "DROP DATABASE IF EXISTS " + pgx.Identifier{name}.Sanitize() + " WITH (FORCE)"
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("dropping database %s: %w", name, err)
	}
	return nil
}

// maxNameStem leaves room for "_" and the counter within PostgreSQL's
// 63-byte identifier limit.
const maxNameStem = 40

// databaseName turns a test name into a database name matching
// [a-z_][a-z0-9_]{0,62}: lower case, runs of other characters replaced by
// "_", truncated, with n appended for uniqueness.
func databaseName(testName string, n int64) string {
	var b strings.Builder
	lastUnderscore := true // also trims leading underscores
	for _, r := range strings.ToLower(testName) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			lastUnderscore = false
		} else if !lastUnderscore {
			b.WriteByte('_')
			lastUnderscore = true
		}
		if b.Len() >= maxNameStem {
			break
		}
	}
	stem := strings.TrimRight(b.String(), "_")
	if stem == "" || stem[0] >= '0' && stem[0] <= '9' {
		stem = "t_" + stem
	}
	return fmt.Sprintf("%s_%d", stem, n)
}
