// Package natsembed runs a NATS server with JetStream inside the process,
// for development and tests: file storage under a data directory, an fsync
// before every acknowledgement, and a loopback listener guarded by a
// password so other commands on the same data directory can reach it.
package natsembed

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"golang.org/x/crypto/bcrypt"
)

// Options describe an embedded server.
type Options struct {
	Dir    string // JetStream store and credentials live here
	Listen bool   // listen on a loopback port (else in-process connections only)
	Logger *slog.Logger
}

// Server is a running embedded NATS server.
type Server struct {
	srv   *server.Server
	creds credentials
	dir   string
}

// credentials is the file that lets other processes on the same data
// directory reach a listening server.
type credentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
	URL      string `json:"url,omitempty"`
}

const credentialsFile = "nats.json"

// Start starts the server and waits until it accepts connections.
func Start(opt Options) (*Server, error) {
	if err := os.MkdirAll(opt.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("natsembed: %w", err)
	}
	creds, err := loadOrCreateCredentials(opt.Dir)
	if err != nil {
		return nil, err
	}
	// The server keeps only a bcrypt hash of the password.
	hash, err := bcrypt.GenerateFromPassword([]byte(creds.Password), bcrypt.MinCost)
	if err != nil {
		return nil, fmt.Errorf("natsembed: %w", err)
	}
	sopts := &server.Options{
		ServerName: "watchpost",
		JetStream:  true,
		StoreDir:   filepath.Join(opt.Dir, "jetstream"),
		// Acknowledge only what is on disk: the default fsyncs every two
		// minutes and loses acknowledged events in a power failure.
		SyncAlways: true,
		NoSigs:     true,
		Username:   creds.User,
		Password:   string(hash),
		DontListen: !opt.Listen,
	}
	if opt.Listen {
		sopts.Host, sopts.Port = "127.0.0.1", server.RANDOM_PORT
	}
	srv, err := server.NewServer(sopts)
	if err != nil {
		return nil, fmt.Errorf("natsembed: %w", err)
	}
	if opt.Logger != nil {
		srv.SetLoggerV2(slogAdapter{opt.Logger}, false, false, false)
	}
	srv.Start()
	if !srv.ReadyForConnections(30 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("natsembed: server did not become ready in 30s")
	}
	s := &Server{srv: srv, creds: creds, dir: opt.Dir}
	if opt.Listen {
		addr, ok := srv.Addr().(*net.TCPAddr)
		if !ok {
			srv.Shutdown()
			return nil, errors.New("natsembed: no listen address")
		}
		s.creds.URL = "nats://127.0.0.1:" + strconv.Itoa(addr.Port)
		if err := writeCredentials(opt.Dir, s.creds); err != nil {
			srv.Shutdown()
			return nil, err
		}
	}
	return s, nil
}

// Connect opens a client connection to the server (in-process).
func (s *Server) Connect(name string) (*nats.Conn, error) {
	nc, err := nats.Connect("", nats.InProcessServer(s.srv), nats.UserInfo(s.creds.User, s.creds.Password),
		nats.Name(name), nats.MaxReconnects(-1))
	if err != nil {
		return nil, fmt.Errorf("natsembed: connect: %w", err)
	}
	return nc, nil
}

// URL is the address, with credentials, at which other processes reach a
// listening server; empty when it does not listen.
func (s *Server) URL() string {
	if s.creds.URL == "" {
		return ""
	}
	u, err := url.Parse(s.creds.URL)
	if err != nil {
		return ""
	}
	u.User = url.UserPassword(s.creds.User, s.creds.Password)
	return u.String()
}

// Shutdown stops the server and waits for it.
func (s *Server) Shutdown() {
	s.srv.Shutdown()
	s.srv.WaitForShutdown()
	if s.creds.URL != "" {
		s.creds.URL = ""
		_ = writeCredentials(s.dir, s.creds)
	}
}

// Attach connects to a server that another process started on dir, if one
// is listening there. ok is false when none is.
func Attach(dir, name string) (nc *nats.Conn, ok bool, err error) {
	b, err := os.ReadFile(filepath.Join(dir, credentialsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("natsembed: %w", err)
	}
	var c credentials
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, false, fmt.Errorf("natsembed: %s: %w", credentialsFile, err)
	}
	if c.URL == "" {
		return nil, false, nil
	}
	nc, err = nats.Connect(c.URL, nats.UserInfo(c.User, c.Password), nats.Name(name), nats.Timeout(2*time.Second))
	if err != nil {
		return nil, false, nil // the process that wrote the URL is gone
	}
	return nc, true, nil
}

func loadOrCreateCredentials(dir string) (credentials, error) {
	b, err := os.ReadFile(filepath.Join(dir, credentialsFile))
	if err == nil {
		var c credentials
		if err := json.Unmarshal(b, &c); err != nil {
			return c, fmt.Errorf("natsembed: %s: %w", credentialsFile, err)
		}
		return c, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return credentials{}, fmt.Errorf("natsembed: %w", err)
	}
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return credentials{}, err
	}
	c := credentials{User: "watchpost", Password: hex.EncodeToString(secret)}
	return c, writeCredentials(dir, c)
}

func writeCredentials(dir string, c credentials) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, credentialsFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("natsembed: %w", err)
	}
	return os.Rename(tmp, filepath.Join(dir, credentialsFile))
}

// slogAdapter sends the server's log to slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Noticef(format string, v ...any) {
	a.l.Debug("nats: " + fmt.Sprintf(format, v...))
}
func (a slogAdapter) Warnf(format string, v ...any)  { a.l.Warn("nats: " + fmt.Sprintf(format, v...)) }
func (a slogAdapter) Fatalf(format string, v ...any) { a.l.Error("nats: " + fmt.Sprintf(format, v...)) }
func (a slogAdapter) Errorf(format string, v ...any) { a.l.Error("nats: " + fmt.Sprintf(format, v...)) }
func (a slogAdapter) Debugf(format string, v ...any) { a.l.Debug("nats: " + fmt.Sprintf(format, v...)) }
func (a slogAdapter) Tracef(format string, v ...any) { a.l.Debug("nats: " + fmt.Sprintf(format, v...)) }
