package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/eventstore"
)

// restore republishes the PostgreSQL archive into an empty stream, after
// the stream was lost: every event at its sequence, with its ids, headers
// and recorded time, then checks the archive against it as verify does.
// Every replica must be stopped meanwhile.
func restore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: watchpost restore [flags]

Republishes the archive (PostgreSQL) into the event stream after the stream
was lost: stop every replica, make sure the stream is empty or absent, run
this, then start the replicas. An interrupted restore can be run again.

`)
		fs.PrintDefaults()
	}
	var c common
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
	defer env.Close()
	if err := env.OpenLog(ctx, false, nil); err != nil {
		return err
	}
	last := time.Now()
	rep, err := eventstore.Restore(ctx, env.Pool, env.Log, func(done uint64) {
		if time.Since(last) > 5*time.Second {
			fmt.Fprintf(stderr, "restored up to sequence %d\n", done)
			last = time.Now()
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %d events into stream %s (last sequence %d) in %s\n",
		rep.Events, env.Log.StreamName(), rep.LastSeq, rep.Took.Round(time.Millisecond))
	if rep.Verified.Mismatch != "" {
		fmt.Fprintf(stdout, "MISMATCH after %d good events: %s\n", rep.Verified.Events, rep.Verified.Mismatch)
		return exitCode(1)
	}
	fmt.Fprintf(stdout, "verified %d events against the archive's hash chain and the stream: no differences\n", rep.Verified.Events)
	return nil
}
