// Package pgcluster creates and runs a private PostgreSQL cluster from the
// PostgreSQL server binaries installed on the machine (initdb and postgres).
//
// It is used by "watchpost serve" when no database is configured and by the
// test helpers in package testenv. The cluster listens only on 127.0.0.1,
// has no unix socket and requires SCRAM password authentication for a
// superuser named "watchpost" whose random password is kept next to the data.
//
// # On-disk layout
//
// Options.Dir is a wrapper directory owned by the running user:
//
//	<Dir>/               mode 0711 when running as root (the PostgreSQL user must traverse it), else 0700
//	<Dir>/data/          the PostgreSQL data directory (PGDATA), owned by the PostgreSQL user, mode 0700
//	<Dir>/password       password of the "watchpost" superuser, owned by the running user, mode 0600
//	<Dir>/postgres.log   output of initdb and postgres (rotated to postgres.log.1 past 10 MiB), mode 0600
//
// While initializing, initdb writes into <Dir>/data.init, which is renamed
// to <Dir>/data only once initdb has succeeded, so an interrupted
// initialization never leaves a half-made data directory behind.
//
// # Users
//
// initdb and postgres refuse to run as root. When the process runs as root,
// the cluster is created and run as an unprivileged user: the owner of an
// existing data directory, else "postgres" if that user exists, else
// "nobody". Every ancestor of Dir must then be searchable by that user;
// Start checks this and never changes the permissions of ancestors. When
// not running as root, the cluster runs as the current user.
//
// # Processes
//
// postgres runs as a child process in its own process group (so a Ctrl-C on
// the terminal does not reach it) and, on Linux, receives SIGINT (fast
// shutdown) if the process that started it dies.
package pgcluster
