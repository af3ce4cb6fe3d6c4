package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/google/uuid"
	"github.com/watchpost/watchpost/domain/access"
	"github.com/watchpost/watchpost/domain/calendar"
	"github.com/watchpost/watchpost/eventstore"
)

const calendarUsage = `usage:
  watchpost calendar load FILE   load official working-day schedules (one year, an array, or the reference document)
  watchpost calendar show        list the loaded years and the calendar version
`

func calendarCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "load" && args[0] != "show") {
		fmt.Fprint(stderr, calendarUsage)
		return exitCode(2)
	}
	fs := flag.NewFlagSet("calendar "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	if err := parseArgs(fs, args[1:]); err != nil {
		return err
	}
	var years []calendar.Year
	if args[0] == "load" {
		if fs.NArg() != 1 {
			fmt.Fprint(stderr, calendarUsage)
			return exitCode(2)
		}
		data, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return err
		}
		if years, err = calendar.ParseYears(data); err != nil {
			return fmt.Errorf("%s: %w", fs.Arg(0), err)
		}
	} else if fs.NArg() != 0 {
		fmt.Fprint(stderr, calendarUsage)
		return exitCode(2)
	}
	sess, err := c.open(ctx, stderr, len(years) > 0)
	if err != nil {
		return err
	}
	defer sess.Close()
	cals := sess.svc.Calendars
	id, err := uuid.NewV7()
	if err != nil {
		return err
	}
	for _, y := range years {
		meta := eventstore.Metadata{Actor: "watchpost calendar load", ActorRole: "admin", CommandID: id.String() + "/" + strconv.Itoa(y.Year)}
		_, err := cals.Load(ctx, access.Tool("watchpost calendar load"), meta, y)
		switch {
		case errors.Is(err, eventstore.ErrNotProjected):
			fmt.Fprintf(stdout, "loaded %d into the log; it takes effect when the server archives it\n", y.Year)
		case err != nil:
			return fmt.Errorf("load %d: %w", y.Year, err)
		default:
			fmt.Fprintf(stdout, "loaded %d (%d exceptions)\n", y.Year, len(y.Days))
		}
	}
	if len(years) > 0 {
		return nil
	}
	lc, err := cals.Current(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "calendar version %s (%s)\n", lc.Calendar.Version(), lc.Calendar.Location())
	for _, y := range lc.Calendar.Years() {
		fmt.Fprintf(stdout, "  %d  loaded %s  %s\n", y, lc.LoadedAt[y].Format("2006-01-02 15:04"), lc.Notices[y])
	}
	return nil
}
