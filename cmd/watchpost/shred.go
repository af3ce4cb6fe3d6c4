package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/google/uuid"
	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/casework"
	"github.com/watchpost/watchpost/cmd/internal/command"
	"github.com/watchpost/watchpost/cmd/internal/registry"
	"github.com/watchpost/watchpost/eventstore"
)

func shred(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("shred", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	reason := fs.String("reason", "", "why the personal data is destroyed (required; recorded)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: watchpost shred --reason REASON CASE-ID")
		fs.PrintDefaults()
	}
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		args = append(args[1:], args[0]) // the case id may come first
	}
	if err := fs.Parse(args); err != nil || fs.NArg() != 1 {
		fs.Usage()
		return exitCode(2)
	}
	cfg, err := c.config(stderr)
	if err != nil {
		return err
	}
	env, err := app.OpenDatabase(ctx, cfg)
	if err != nil {
		return err
	}
	defer env.Close()
	if err := env.OpenLog(ctx, false, nil); err != nil {
		return err
	}
	keys, err := env.Keys()
	if err != nil {
		return err
	}
	positions := eventstore.NewPositions(env.Pool, cfg.Logger)
	positions.Start(ctx)
	defer positions.Stop()
	run, err := command.NewRunner(env.Log, positions, cfg.Clock, nil)
	if err != nil {
		return err
	}
	taxonomies := registry.NewTaxonomies(run, env.Pool)
	cases := casework.New(run, env.Pool, keys, auditlog.New(env.Log, env.Pool, nil, cfg.Clock), taxonomies.Current, nil)
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	meta := eventstore.Metadata{Actor: "watchpost shred", ActorRole: "admin", CommandID: id.String()}
	_, err = cases.Shred(ctx, meta, casework.Who{Actor: "watchpost shred", Role: "admin", Remote: "command line"}, fs.Arg(0), *reason)
	switch {
	case errors.Is(err, eventstore.ErrNotProjected):
		fmt.Fprintf(stdout, "the key of case %s is destroyed; the record takes effect when the server archives it\n", fs.Arg(0))
	case err != nil:
		return err
	default:
		fmt.Fprintf(stdout, "the personal data of case %s is destroyed\n", fs.Arg(0))
	}
	return nil
}
