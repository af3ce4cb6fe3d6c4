package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/auditlog"
	"github.com/watchpost/watchpost/cmd/internal/auth"
	"github.com/watchpost/watchpost/domain/access"
)

const tokenUsage = `usage:
  watchpost token create --role ROLE [--department ID] [--point ID] [--name NAME] [--ttl DURATION]
  watchpost token list
  watchpost token revoke ID
  watchpost token rotate-admin     replace the development admin token kept in the data directory

roles: handler, department, supervisor, leader, point, admin, open311 (an app's Open311 key)
create prints the token alone on standard output: keep it, it is not shown again.
`

func token(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, tokenUsage)
		return exitCode(2)
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	tool := access.Tool("watchpost token " + args[0])
	from := auditlog.Origin{Remote: "command line"}
	switch args[0] {
	case "create":
		role := fs.String("role", "", "the token's role (required)")
		dept := fs.String("department", "", "the department a department token is scoped to")
		point := fs.String("point", "", "the monitoring point a point token is scoped to")
		name := fs.String("name", "", "who or what the token is for")
		ttl := fs.Duration("ttl", 0, "lifetime, e.g. 720h (0: no expiry)")
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		r, err := auth.ParseRole(*role)
		if err != nil {
			return err
		}
		s, err := c.open(ctx, stderr, true)
		if err != nil {
			return err
		}
		defer s.Close()
		tok, p, err := s.svc.Accounts.Create(ctx, tool, from, auth.Spec{Role: r, DepartmentID: *dept, PointID: *point, Name: *name, TTL: *ttl})
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "created %s token %s\n", p.Role, p.TokenID)
		fmt.Fprintln(stdout, tok)
		return nil
	case "list":
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		s, err := c.open(ctx, stderr, false)
		if err != nil {
			return err
		}
		defer s.Close()
		list, err := s.svc.Accounts.List(ctx, tool)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tSCOPE\tNAME\tCREATED\tSTATE")
		for _, t := range list {
			state := "active"
			switch {
			case t.RevokedAt != nil:
				state = "revoked " + t.RevokedAt.Format(time.DateTime)
			case t.ExpiresAt != nil && !s.cfg.Clock().Before(*t.ExpiresAt):
				state = "expired"
			case t.ExpiresAt != nil:
				state = "expires " + t.ExpiresAt.Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.DepartmentID+t.PointID, t.Name, t.CreatedAt.Format(time.DateTime), state)
		}
		return tw.Flush()
	case "revoke":
		if err := parseArgs(fs, args[1:]); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			fmt.Fprint(stderr, tokenUsage)
			return exitCode(2)
		}
		s, err := c.open(ctx, stderr, true)
		if err != nil {
			return err
		}
		defer s.Close()
		if err := s.svc.Accounts.Revoke(ctx, tool, from, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "revoked", fs.Arg(0))
		return nil
	case "rotate-admin":
		if err := parse(fs, args[1:]); err != nil {
			return err
		}
		s, err := c.open(ctx, stderr, true)
		if err != nil {
			return err
		}
		defer s.Close()
		tok, err := app.RotateDevAdminToken(ctx, s.svc, c.data)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "the old admin token is revoked; the new one is kept in %s/admin-token\n", c.data)
		fmt.Fprintln(stdout, tok)
		return nil
	}
	fmt.Fprint(stderr, tokenUsage)
	return exitCode(2)
}
