package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := common{creates: true}
	c.register(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "HTTP listen address")
	grace := fs.Duration("shutdown-grace", 5*time.Second, "on SIGTERM, answer /readyz 503 and keep serving this long before draining")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := c.config(stderr)
	if err != nil {
		return err
	}
	cfg.Addr, cfg.ShutdownGrace = *addr, *grace
	m := app.NewMain(cfg)
	if err := m.Run(ctx); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "url: %s\n", m.URL)
	if m.AdminToken != "" {
		fmt.Fprintf(stdout, "admin token: %s\n", m.AdminToken)
	}
	select {
	case <-ctx.Done():
		cfg.Logger.Info("shutting down")
		m.Close()
		return nil
	case err := <-m.Done():
		m.Close()
		return fmt.Errorf("HTTP server: %w", err)
	}
}

func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := common{creates: true}
	c.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := c.config(stderr)
	if err != nil {
		return err
	}
	env, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	env.Close()
	fmt.Fprintln(stdout, "migrations applied")
	return nil
}
