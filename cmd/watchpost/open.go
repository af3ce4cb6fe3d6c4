package main

import (
	"context"
	"io"

	"github.com/watchpost/watchpost/cmd/internal/app"
)

// session is a subcommand's connections and services.
type session struct {
	cfg app.Config
	env *app.Env
	svc *app.Services
}

// open connects a subcommand the way the server connects (with the log when
// withLog) and builds the same services.
func (c *common) open(ctx context.Context, stderr io.Writer, withLog bool) (*session, error) {
	cfg, err := c.config(stderr)
	if err != nil {
		return nil, err
	}
	env, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if withLog {
		if err := env.OpenLog(ctx, false, nil); err != nil {
			env.Close()
			return nil, err
		}
	}
	svc, err := app.NewServices(ctx, env, nil)
	if err != nil {
		env.Close()
		return nil, err
	}
	return &session{cfg: cfg, env: env, svc: svc}, nil
}

func (s *session) Close() {
	s.svc.Close()
	s.env.Close()
}
