// Command watchpost-bench measures Watchpost on this machine: it starts a
// server in development mode (or targets a running one), drives it over
// HTTP with simulated users walking real case lifecycles, lets a share of
// deadlines fall due during the run, measures the raw JetStream baseline on
// the same NATS server, replays the archive into fresh read models, and
// reports the numbers as a table or, with -json, as one JSON object.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"
)

// settings are the knobs of a run; they are reported with the results.
type settings struct {
	Users       int           `json:"users"`
	Duration    time.Duration `json:"-"`
	DurationS   float64       `json:"duration_s"`
	Rate        int           `json:"rate_commands_per_sec"` // 0: as fast as the users go
	RawDuration time.Duration `json:"-"`
	RawS        float64       `json:"raw_duration_s"`
	Untouched   float64       `json:"untouched_share"` // cases left after referral, whose deadlines fall due
	Seed        int           `json:"seeded_cases"`
	Due         int           `json:"due_at_midnight"` // referred cases imported before the load, due at its midnight
	URL         string        `json:"url,omitempty"`
	Data        string        `json:"data_dir,omitempty"`
	Policy      string        `json:"policy"`
	NATS        string        `json:"nats"`
	Postgres    string        `json:"postgres"`
}

func main() {
	if os.Getenv(childEnv) != "" {
		if err := runChild(os.Args[1:]); err != nil {
			fmt.Fprintln(os.Stderr, "watchpost-bench server:", err)
			os.Exit(1)
		}
		return
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		fmt.Fprintln(os.Stderr, "watchpost-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("watchpost-bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var s settings
	fs.IntVar(&s.Users, "users", 32, "concurrent simulated users")
	fs.DurationVar(&s.Duration, "duration", 30*time.Second, "length of the load phase")
	fs.IntVar(&s.Rate, "rate", 0, "commands per second to pace the users to (0: as fast as they go)")
	fs.DurationVar(&s.RawDuration, "raw-duration", 10*time.Second, "length of the raw JetStream baseline")
	fs.Float64Var(&s.Untouched, "untouched", 0.2, "share of cases left after referral, whose response deadline falls due during the run")
	fs.IntVar(&s.Due, "due", 0, "referred cases to import before the load whose response deadline falls due at its midnight (e.g. 5000)")
	fs.IntVar(&s.Seed, "seed", 0, "cases to import through the log before measuring list and board queries (e.g. 1000000)")
	fs.StringVar(&s.Data, "data", "", "data directory for the server (default: a new temporary one, removed afterwards)")
	fs.StringVar(&s.URL, "url", "", "target a running server instead of starting one")
	token := fs.String("token", "", "with -url: an admin token")
	natsURL := fs.String("nats", "", "with -url: the server's NATS, for the raw baseline and seeding")
	dbURL := fs.String("database", "", "with -url: the server's PostgreSQL, for lags and the rebuild")
	asJSON := fs.Bool("json", false, "print one JSON object")
	trends := fs.Bool("trends", false, "measure the trend detectors on synthetic streams instead (no server)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *trends {
		return runTrends(stdout, *asJSON)
	}
	if s.Users < 1 || s.Duration <= 0 || s.Untouched < 0 || s.Untouched > 1 || s.Due < 0 || s.Seed < 0 {
		return errors.New("-users must be at least 1, -duration positive, -untouched between 0 and 1, -due and -seed not negative")
	}
	if s.Due > 0 && s.URL != "" {
		return errors.New("-due needs the benchmark's own server (its clock reaches midnight during the load), not -url")
	}
	s.DurationS, s.RawS = s.Duration.Seconds(), s.RawDuration.Seconds()

	target, err := startTarget(ctx, &s, *token, *natsURL, *dbURL, stderr)
	if err != nil {
		return err
	}
	defer target.close()
	res, err := measure(ctx, s, target, stderr)
	if err != nil {
		return err
	}
	if *asJSON {
		return res.writeJSON(stdout)
	}
	res.writeTable(stdout)
	return nil
}
