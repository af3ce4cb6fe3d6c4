package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/watchpost/watchpost/cmd/internal/app"
	"github.com/watchpost/watchpost/cmd/internal/auth"
)

const tokenUsage = `usage:
  watchpost token create --role ROLE [--department ID] [--point ID] [--name NAME] [--ttl DURATION]
  watchpost token list
  watchpost token revoke ID

roles: handler, department, supervisor, leader, point, admin
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
	open := func() (*app.Env, *auth.Tokens, error) {
		cfg, err := c.config(stderr)
		if err != nil {
			return nil, nil, err
		}
		env, err := app.OpenDatabase(ctx, cfg)
		if err != nil {
			return nil, nil, err
		}
		return env, auth.NewTokens(env.Pool, cfg.Clock), nil
	}
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
		env, tokens, err := open()
		if err != nil {
			return err
		}
		defer env.Close()
		tok, p, err := tokens.Create(ctx, auth.Spec{Role: r, DepartmentID: *dept, PointID: *point, Name: *name, TTL: *ttl, CreatedBy: "watchpost token create"})
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
		env, tokens, err := open()
		if err != nil {
			return err
		}
		defer env.Close()
		list, err := tokens.List(ctx)
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
			case t.ExpiresAt != nil && !time.Now().Before(*t.ExpiresAt):
				state = "expired"
			case t.ExpiresAt != nil:
				state = "expires " + t.ExpiresAt.Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.DepartmentID+t.PointID, t.Name, t.CreatedAt.Format(time.DateTime), state)
		}
		return tw.Flush()
	case "revoke":
		if err := fs.Parse(args[1:]); err != nil {
			return exitCode(2)
		}
		if fs.NArg() != 1 {
			fmt.Fprint(stderr, tokenUsage)
			return exitCode(2)
		}
		env, tokens, err := open()
		if err != nil {
			return err
		}
		defer env.Close()
		if err := tokens.Revoke(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "revoked", fs.Arg(0))
		return nil
	}
	fmt.Fprint(stderr, tokenUsage)
	return exitCode(2)
}
