package app

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/nats-io/nats.go"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/cmd/internal/feeds"
	"github.com/watchpost/watchpost/cmd/internal/privacy"
	"github.com/watchpost/watchpost/cmd/internal/web"
	"github.com/watchpost/watchpost/eventstore"
	"github.com/watchpost/watchpost/eventstore/natsembed"
	"github.com/watchpost/watchpost/eventstore/pgcluster"
	"github.com/watchpost/watchpost/projections"
)

// databaseName is the database of the private development cluster.
const databaseName = "watchpost"

// duplicateDatabase is PostgreSQL's SQLSTATE for CREATE DATABASE of an
// existing name.
const duplicateDatabase = "42P04"

// cannotConnectNow is PostgreSQL's SQLSTATE for a server that is starting
// up or shutting down.
const cannotConnectNow = "57P03"

// Env is the open connections every subcommand works with.
type Env struct {
	cfg  Config
	Pool *pgxpool.Pool
	NC   *nats.Conn // nil unless asked for
	Log  *eventstore.Log

	// DevDatabase: the database is the private cluster under the data
	// directory (development mode).
	DevDatabase bool

	natsServer *natsembed.Server
	cluster    *pgcluster.Cluster
}

// OpenDatabase connects to PostgreSQL (starting the private cluster when
// none is configured and none runs on the data directory) and applies the
// migrations.
func OpenDatabase(ctx context.Context, cfg Config) (*Env, error) {
	e := &Env{cfg: cfg}
	url := cfg.DatabaseURL
	if url == "" {
		var err error
		if url, err = e.privateDatabase(ctx); err != nil {
			e.Close()
			return nil, err
		}
		e.DevDatabase = true
	}
	var err error
	if e.Pool, err = NewPool(ctx, url); err != nil {
		e.Close()
		return nil, err
	}
	if err := e.Pool.Ping(ctx); err != nil {
		e.Close()
		return nil, fmt.Errorf("database: %w", err)
	}
	applied, err := eventstore.Migrate(ctx, e.Pool, eventstore.ArchiveMigrations(), projections.Migrations(), auth.Migrations(), privacy.Migrations(), web.Migrations(), feeds.Migrations())
	if err != nil {
		e.Close()
		return nil, err
	}
	for _, m := range applied {
		cfg.Logger.Info("migration applied", "migration", m)
	}
	return e, nil
}

// NewPool opens a connection pool to url the way the service uses one: a
// short connect timeout (with PostgreSQL down, answer 503 quickly rather
// than hang) and at least 16 connections (a rebuild replays its lanes side
// by side).
func NewPool(ctx context.Context, url string) (*pgxpool.Pool, error) {
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("database URL: %w", err)
	}
	pcfg.ConnConfig.RuntimeParams["application_name"] = "watchpost"
	if pcfg.ConnConfig.ConnectTimeout == 0 || pcfg.ConnConfig.ConnectTimeout > 2*time.Second {
		pcfg.ConnConfig.ConnectTimeout = 2 * time.Second
	}
	pcfg.MaxConns = max(pcfg.MaxConns, 16)
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	return pool, nil
}

// fallbackDataDir keeps the development PostgreSQL's data when the process
// runs as root and the PostgreSQL user cannot reach the data directory (a
// clone under /root): persistent, and private to root and that user.
const fallbackDataDir = "/var/lib/watchpost"

// privateDatabase returns the URL of the development cluster under the data
// directory, attaching to it when another process runs it. A cluster still
// shutting down (its server just crashed) or starting up is waited for, and
// so is one whose owner is restarting it. The process that starts the
// cluster owns it: it restarts PostgreSQL if it dies and stops it on Close.
func (e *Env) privateDatabase(ctx context.Context) (string, error) {
	dir := filepath.Join(e.cfg.DataDir, "postgres")
	if err := os.MkdirAll(e.cfg.DataDir, 0o755); err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	deadline, warned := time.Now().Add(time.Minute), false
	wait := func() error {
		if !warned {
			e.cfg.Logger.Warn("the development PostgreSQL is shutting down, starting up or being restarted by the process that owns it; waiting", "dir", dir)
			warned = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
			return nil
		}
	}
	for {
		c, running, err := pgcluster.Attach(dir)
		if err != nil {
			return "", err
		}
		if !running {
			c, err = pgcluster.Start(ctx, pgcluster.Options{Dir: dir, Logger: e.cfg.Logger, Durable: true,
				Fallback: fallbackDataDir, Restart: true})
			switch {
			case err == nil:
				e.cluster = c
			case errors.Is(err, pgcluster.ErrAlreadyRunning) && time.Now().Before(deadline):
				// Another process started the cluster a moment ago, or owns
				// it and is restarting it: attach once it runs.
				if err := wait(); err != nil {
					return "", err
				}
				continue
			default:
				return "", err
			}
		}
		var pgErr *pgconn.PgError
		err = c.CreateDatabase(ctx, databaseName)
		switch {
		case err == nil, errors.As(err, &pgErr) && pgErr.Code == duplicateDatabase:
			return c.URL(databaseName), nil
		case running && (!errors.As(err, &pgErr) || pgErr.Code == cannotConnectNow) && time.Now().Before(deadline):
			// Attached to a cluster that refuses connections for now or
			// drops them (it is going down): try again, and start one of
			// our own once it has stopped.
			if err := wait(); err != nil {
				return "", err
			}
		default:
			return "", err
		}
	}
}

// OpenLog connects to NATS (starting the embedded server when none is
// configured) and opens the stream. listen makes an embedded server
// reachable by other processes on the same data directory.
func (e *Env) OpenLog(ctx context.Context, listen bool, reg prometheus.Registerer) error {
	if e.cfg.NATSURL != "" {
		nc, err := nats.Connect(e.cfg.NATSURL, nats.Name("watchpost"), nats.MaxReconnects(-1))
		if err != nil {
			return fmt.Errorf("%w: NATS %s: %w", eventstore.ErrUnavailable, e.cfg.NATSURL, err)
		}
		e.NC = nc
	} else {
		dir := filepath.Join(e.cfg.DataDir, "nats")
		nc, running, err := natsembed.Attach(dir, "watchpost")
		if err != nil {
			return err
		}
		if !running {
			if e.natsServer, err = natsembed.Start(natsembed.Options{Dir: dir, Listen: listen, Logger: e.cfg.Logger}); err != nil {
				return err
			}
			if nc, err = e.natsServer.Connect("watchpost"); err != nil {
				return err
			}
		}
		e.NC = nc
	}
	var err error
	e.Log, err = eventstore.OpenLog(ctx, e.NC, eventstore.LogConfig{Replicas: e.cfg.Replicas}, e.cfg.Logger, reg)
	return err
}

// Close closes the connections, then stops the embedded servers.
func (e *Env) Close() {
	if e.NC != nil {
		_ = e.NC.Drain()
	}
	if e.Pool != nil {
		e.Pool.Close()
	}
	if e.natsServer != nil {
		e.natsServer.Shutdown()
	}
	if e.cluster != nil {
		if err := e.cluster.Stop(); err != nil {
			e.cfg.Logger.Error("stopping PostgreSQL", "err", err)
		}
	}
}
