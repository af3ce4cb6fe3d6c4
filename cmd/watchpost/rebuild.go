package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/projections"
)

func rebuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rebuild", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	swap := fs.Bool("swap", false, "replace the live read models with the rebuilt ones")
	keep := fs.Bool("keep", false, "keep the rebuilt tables in schema proj_rebuild for inspection")
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
	rep, err := projections.Rebuild(ctx, env.Pool, app.Projections(cfg.TimeZone, cfg.Policy), projections.RebuildOptions{Swap: *swap, Keep: *keep})
	if err != nil {
		return err
	}
	rate := 0.0
	if s := rep.Elapsed.Seconds(); s > 0 {
		rate = float64(rep.Events) / s
	}
	fmt.Fprintf(stdout, "replayed %d events up to sequence %d in %s (%.0f events/s)\n", rep.Events, rep.Position, rep.Elapsed.Round(1e6), rate)
	fmt.Fprintln(stdout, "time in each projection (lanes replay side by side):")
	for _, p := range rep.Projections {
		fmt.Fprintf(stdout, "  %-24s %8s  %8.0f events/s\n", p.Name, p.Spent.Round(1e6), p.PerSec())
	}
	for _, t := range rep.Tables {
		state := "same"
		if t.OnlyLive+t.OnlyRebuilt > 0 {
			state = fmt.Sprintf("DIFFERENT: %d rows only in live, %d only in rebuilt", t.OnlyLive, t.OnlyRebuilt)
		}
		fmt.Fprintf(stdout, "  %-24s %8d rows  %s\n", t.Table, t.Rows, state)
		for _, r := range t.SampleLive {
			fmt.Fprintf(stdout, "    live:    %s\n", r)
		}
		for _, r := range t.SampleRebuilt {
			fmt.Fprintf(stdout, "    rebuilt: %s\n", r)
		}
	}
	if rep.Swapped {
		fmt.Fprintln(stdout, "the rebuilt read models are now live")
	}
	if n := rep.Differences(); n > 0 {
		fmt.Fprintf(stdout, "%d differing rows\n", n)
		if !rep.Swapped {
			return exitCode(1)
		}
	} else {
		fmt.Fprintln(stdout, "no differences")
	}
	return nil
}
