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
//	<Dir>/lock           locked by the process that started the server, for as long as it owns it, mode 0600
//
// While initializing, initdb writes into <data>.init next to the data
// directory, which is renamed to the data directory only once initdb has
// succeeded, so an interrupted initialization never leaves a half-made data
// directory behind.
//
// # Data kept elsewhere
//
// When running as root, PostgreSQL runs as an unprivileged user, which may
// be unable to reach Dir: a clone in /root, whose mode is 0700, is the
// common case. With Options.Fallback set (watchpost uses /var/lib/watchpost),
// a new cluster then keeps its data directory under Fallback and <Dir>/data
// is a symbolic link to it; Dir keeps mode 0700 and nothing above it
// changes:
//
//	<Fallback>/                        owned by root, mode 0711
//	<Fallback>/<name>/                 owned by root, mode 0711; <name> is made from Dir's path and a hash of it
//	<Fallback>/<name>/origin           the path of Dir, mode 0600
//	<Fallback>/<name>/data/            the PostgreSQL data directory, owned by the PostgreSQL user, mode 0700
//	<Dir>/data -> <Fallback>/<name>/data
//
// The link is the pointer every later Start and Attach on Dir follows, so
// all processes using Dir find the same cluster, and so does a Dir moved
// elsewhere. The password, the log and the lock stay in Dir. A link made by
// hand (to a data directory the PostgreSQL user can reach) is followed the
// same way.
//
// # Users
//
// initdb and postgres refuse to run as root. When the process runs as root,
// the cluster is created and run as an unprivileged user: the owner of an
// existing data directory, else "postgres" if that user exists, else
// "nobody". Every ancestor of the data directory must then be searchable by
// that user; Start checks this and never changes the permissions of
// ancestors. When not running as root, the cluster runs as the current
// user.
//
// # Processes
//
// postgres runs as a child process in its own process group (so a Ctrl-C on
// the terminal does not reach it) and, on Linux, receives SIGINT (fast
// shutdown) if the process that started it dies.
//
// The process that started the cluster owns it until Stop, and holds
// <Dir>/lock meanwhile; other processes Attach to it. With Options.Restart,
// the owner starts postgres again when it exits other than by Stop (killed,
// say): at once, then with a backoff doubling from 250 ms up to 8 s, giving
// up after 10 attempts in a row that do not give a server running for a
// minute. PostgreSQL's crash recovery replays its write-ahead log at each
// start. The server keeps its port, so connection pools reconnect to it.
package pgcluster
