// Package failure holds the failure tests: a Watchpost server under load
// while its parts fail (the server killed, NATS stopped, PostgreSQL
// stopped, a node of a three-node NATS cluster killed). After each, every
// command the server acknowledged must have its events exactly once in the
// stream and in the archive, nothing may be half-applied, the read models
// must equal a rebuild, and while a dependency was down the API must have
// answered 503 quickly. Escalation steps that fall due while the server is
// killed are raised exactly once, with the instant they fell due.
package failure
