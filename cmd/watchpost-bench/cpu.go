package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of the CPU times in /proc (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// cpuMeter reads the CPU time the processes under test have used: the
// server (with its embedded NATS server), the PostgreSQL cluster (the
// postmaster, its backends and the children it has reaped) and this
// process, the load generator.
type cpuMeter struct {
	server   int
	pgData   string // the cluster's data directory (for postmaster.pid)
	postgres int    // the postmaster's pid, found on first use
}

// cpuSample is what the processes had used at one moment.
type cpuSample struct {
	server, postgres, generator time.Duration
	ok                          bool
}

// cpuUse is the CPU time each used over a window.
type cpuUse struct {
	Server    float64 `json:"server_ms"`    // the watchpost process, NATS included when embedded
	Postgres  float64 `json:"postgres_ms"`  // every process of the PostgreSQL cluster
	Generator float64 `json:"generator_ms"` // the load generator (this benchmark)
}

// procTimes reads a process's user and system time (and, with children,
// that of the children it has waited for) from /proc/PID/stat.
func procTimes(pid int, children bool) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces: the fields start after its ")".
	s := string(b)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	// After the name: state(3) ppid(4) ... utime(14) stime(15) cutime(16)
	// cstime(17), counted from 1 with the pid and the name as 1 and 2.
	sum := 0
	last := 15
	if children {
		last = 17
	}
	for i := 14; i <= last; i++ {
		n, err := strconv.Atoi(fields[i-3])
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: field %d: %w", pid, i, err)
		}
		sum += n
	}
	return time.Duration(sum) * clockTick, nil
}

// postmaster finds the cluster's postmaster from its pid file.
func (m *cpuMeter) postmaster() int {
	if m.postgres != 0 || m.pgData == "" {
		return m.postgres
	}
	dir, err := filepath.EvalSymlinks(m.pgData)
	if err != nil {
		return 0
	}
	b, err := os.ReadFile(filepath.Join(dir, "postmaster.pid"))
	if err != nil {
		return 0
	}
	first, _, _ := strings.Cut(string(b), "\n")
	m.postgres, _ = strconv.Atoi(strings.TrimSpace(first))
	return m.postgres
}

// sample reads every process's CPU time now.
func (m *cpuMeter) sample() cpuSample {
	var s cpuSample
	if m.server == 0 {
		return s
	}
	var err error
	if s.server, err = procTimes(m.server, false); err != nil {
		return s
	}
	if s.generator, err = procTimes(os.Getpid(), false); err != nil {
		return s
	}
	pm := m.postmaster()
	if pm == 0 {
		return s
	}
	if s.postgres, err = procTimes(pm, true); err != nil {
		return s
	}
	// The backends still running: the processes whose parent is the
	// postmaster.
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == pm {
			continue
		}
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		fields := strings.Fields(string(b)[strings.LastIndexByte(string(b), ')')+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(pm) {
			if t, err := procTimes(pid, false); err == nil {
				s.postgres += t
			}
		}
	}
	s.ok = true
	return s
}

// since is the CPU each used from an earlier sample to this one.
func (s cpuSample) since(earlier cpuSample) *cpuUse {
	if !s.ok || !earlier.ok {
		return nil
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	return &cpuUse{Server: ms(s.server - earlier.server), Postgres: ms(s.postgres - earlier.postgres),
		Generator: ms(s.generator - earlier.generator)}
}

// per divides a window's CPU by a count of operations.
func (u *cpuUse) per(n int) *cpuUse {
	if u == nil || n == 0 {
		return nil
	}
	f := float64(n)
	return &cpuUse{Server: u.Server / f, Postgres: u.Postgres / f, Generator: u.Generator / f}
}
