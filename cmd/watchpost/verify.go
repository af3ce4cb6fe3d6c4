package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/eventstore"
)

func verify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	noStream := fs.Bool("no-stream", false, "check the archive's hash chain only, without comparing with the stream")
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
	defer env.Close()
	var log *eventstore.Log
	if !*noStream {
		if err := env.OpenLog(ctx, false, nil); err != nil {
			return err
		}
		log = env.Log
	}
	rep, err := eventstore.Verify(ctx, env.Pool, log)
	if err != nil {
		return err
	}
	against := "its hash chain"
	if rep.StreamChecked {
		against += " and the stream"
	}
	if rep.Mismatch != "" {
		fmt.Fprintf(stdout, "MISMATCH after %d good events: %s\n", rep.Events, rep.Mismatch)
		return exitCode(1)
	}
	fmt.Fprintf(stdout, "verified %d events against %s: no differences\n", rep.Events, against)
	return nil
}
