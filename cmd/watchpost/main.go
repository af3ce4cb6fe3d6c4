// Command watchpost is the Watchpost server and its administration tools.
//
//	watchpost serve     run the API (embedded NATS and PostgreSQL when none is configured)
//	watchpost migrate   apply the database migrations
//	watchpost rebuild   replay the archive into fresh read models and compare them with the live ones
//	watchpost token     create, list and revoke API tokens
//	watchpost verify    check the archive's hash chain against the stream
//	watchpost restore   republish the archive into an empty stream
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // the service's time zone must load on machines without tzdata

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/domain/deadline"
	"github.com/watchpost/watchpost/domain/network"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if path := os.Getenv("WATCHPOST_CPUPROFILE"); path != "" {
		// For finding where the time goes (go tool pprof).
		f, err := os.Create(path)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	pprof.StopCPUProfile()
	if err != nil {
		var ec exitCode
		if errors.As(err, &ec) {
			os.Exit(int(ec))
		}
		fmt.Fprintln(os.Stderr, "watchpost:", err)
		os.Exit(1)
	}
}

// exitCode ends the program with a status and no message.
type exitCode int

func (e exitCode) Error() string { return "exit " + strconv.Itoa(int(e)) }

const usage = `usage: watchpost <command> [flags]

commands:
  serve     run the server: the API and the pages (embedded NATS and PostgreSQL when none is configured)
  migrate   apply the database migrations and exit
  rebuild   replay the archive into fresh read models, compare with the live ones
  verify    check the archive's hash chain against the stream
  restore   republish the archive into an empty stream after the stream was lost
  token     create, list or revoke API tokens; rotate the development admin token
  calendar  load next year's official working-day schedule, or show the loaded years
  shred     destroy a case's personal data (its key), with a reason that is recorded

Every command takes --data DIR (default ./var) and reads WATCHPOST_NATS_URL and
WATCHPOST_DATABASE_URL; without them it uses the development servers under DIR,
which serve (or migrate) creates: the other commands refuse a DIR that has none.
Run 'watchpost <command> -h' for a command's flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCode(2)
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return serve(ctx, rest, stdout, stderr)
	case "migrate":
		return migrate(ctx, rest, stdout, stderr)
	case "rebuild":
		return rebuild(ctx, rest, stdout, stderr)
	case "token":
		return token(ctx, rest, stdout, stderr)
	case "verify":
		return verify(ctx, rest, stdout, stderr)
	case "restore":
		return restore(ctx, rest, stdout, stderr)
	case "calendar":
		return calendarCmd(ctx, rest, stdout, stderr)
	case "shred":
		return shred(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "watchpost: unknown command %q\n\n%s", cmd, usage)
	return exitCode(2)
}

// common are the flags and settings every command shares.
type common struct {
	data      string
	logLevel  string
	logFormat string
	// creates: the command may create the development data under data (serve
	// and migrate); the others work on what is there.
	creates bool
}

func (c *common) register(fs *flag.FlagSet) {
	fs.StringVar(&c.data, "data", "./var", "development data directory (embedded NATS and PostgreSQL)")
	fs.StringVar(&c.logLevel, "log-level", "info", "log level: debug, info, warn, error")
	fs.StringVar(&c.logFormat, "log-format", "text", "log format: text, or json (one object a line, with request_id and case_id on a request's lines)")
}

// config fills the configuration from the flags and the environment.
func (c *common) config(stderr io.Writer) (app.Config, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return app.Config{}, fmt.Errorf("--log-level: %w", err)
	}
	logger, err := newLogger(c.logFormat, stderr, level)
	if err != nil {
		return app.Config{}, err
	}
	if os.Getenv("WATCHPOST_DATABASE_URL") == "" && !c.creates {
		if _, err := os.Stat(filepath.Join(c.data, "postgres")); err != nil {
			return app.Config{}, fmt.Errorf("no development data in %s (no %s): start 'watchpost serve --data %s' there first, or give the --data of a running one",
				c.data, filepath.Join(c.data, "postgres"), c.data)
		}
	}
	cfg := app.Config{
		DataDir:     c.data,
		NATSURL:     os.Getenv("WATCHPOST_NATS_URL"),
		DatabaseURL: os.Getenv("WATCHPOST_DATABASE_URL"),
		Replicas:    1,
		Logger:      logger,
		Clock:       app.DefaultClock,
	}
	if v := os.Getenv("WATCHPOST_STREAM_REPLICAS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5 {
			return cfg, fmt.Errorf("WATCHPOST_STREAM_REPLICAS: a number from 1 to 5, not %q", v)
		}
		cfg.Replicas = n
	}
	zone := os.Getenv("WATCHPOST_TIMEZONE")
	if zone == "" {
		zone = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		return cfg, fmt.Errorf("WATCHPOST_TIMEZONE: %w", err)
	}
	cfg.TimeZone = loc
	cfg.Policy = deadline.DefaultPolicy()
	for _, v := range []struct {
		env string
		to  *int
	}{
		{"WATCHPOST_RESPONSE_DAYS", &cfg.Policy.ResponseDays},
		{"WATCHPOST_CLOSURE_DAYS", &cfg.Policy.ClosureDays},
		{"WATCHPOST_FLAG_AFTER_DAYS", &cfg.Policy.FlagAfter},
	} {
		if s := os.Getenv(v.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return cfg, fmt.Errorf("%s: a number of working days, not %q", v.env, s)
			}
			*v.to = n
		}
	}
	if v := os.Getenv("WATCHPOST_WORK_HOURS"); v != "" {
		h, err := parseHours(v)
		if err != nil {
			return cfg, fmt.Errorf("WATCHPOST_WORK_HOURS: %w", err)
		}
		cfg.Policy.Hours = h
	}
	if err := cfg.Policy.Validate(); err != nil {
		return cfg, err
	}
	cfg.Network = network.DefaultPolicy()
	cfg.Network.Loc = loc
	for _, v := range []struct {
		env string
		to  *int
	}{
		{"WATCHPOST_REPORT_DUE_DAY", &cfg.Network.ReportDueDay},
		{"WATCHPOST_REGISTRATION_FLAG_DAYS", &cfg.Network.FlagAfterDays},
	} {
		if s := os.Getenv(v.env); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				return cfg, fmt.Errorf("%s: a number of days, not %q", v.env, s)
			}
			*v.to = n
		}
	}
	if s := os.Getenv("WATCHPOST_PAIR_TOLERANCE"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			return cfg, fmt.Errorf("WATCHPOST_PAIR_TOLERANCE: a duration like 12h, not %q", s)
		}
		cfg.Network.PairTolerance = d
	}
	if err := cfg.Network.Validate(); err != nil {
		return cfg, err
	}
	cfg.MasterKey = os.Getenv("WATCHPOST_MASTER_KEY")
	cfg.MasterKeyFile = os.Getenv("WATCHPOST_MASTER_KEY_FILE")
	cfg.RetentionYears = 5
	if v := os.Getenv("WATCHPOST_RETENTION_YEARS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			return cfg, fmt.Errorf("WATCHPOST_RETENTION_YEARS: a number of years (0 keeps personal data), not %q", v)
		}
		cfg.RetentionYears = n
	}
	// The trend detectors run daily at this hour on the day before (01:00
	// by default, after the deadlines that end at midnight); the special
	// reports' PDFs are drawn with this TrueType font.
	cfg.TrendHour = 1
	if v := os.Getenv("WATCHPOST_TREND_HOUR"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 23 {
			return cfg, fmt.Errorf("WATCHPOST_TREND_HOUR: an hour from 0 to 23, not %q", v)
		}
		cfg.TrendHour = n
	}
	cfg.PDFFont = os.Getenv("WATCHPOST_PDF_FONT")
	return cfg, nil
}

// parseHours reads working hours written as 08:30-17:30.
func parseHours(v string) (deadline.Hours, error) {
	from, to, ok := strings.Cut(v, "-")
	start, err1 := time.Parse("15:04", strings.TrimSpace(from))
	end, err2 := time.Parse("15:04", strings.TrimSpace(to))
	if !ok || err1 != nil || err2 != nil {
		return deadline.Hours{}, fmt.Errorf("working hours like 08:30-17:30, not %q", v)
	}
	midnight := time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	return deadline.Hours{Start: start.Sub(midnight), End: end.Sub(midnight)}, nil
}

// parseArgs parses a command's flags that takes arguments after them.
func parseArgs(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitCode(0) // the flag package printed the usage
		}
		return exitCode(2)
	}
	return nil
}

// parse parses a command's flags, refusing stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitCode(0)
		}
		return exitCode(2)
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected argument %q\n", fs.Arg(0))
		fs.Usage()
		return exitCode(2)
	}
	return nil
}
