package pgcluster

import "syscall"

// sysProcAttr runs a child as cred (if non-nil) in its own process group and
// asks the kernel to send it SIGINT (PostgreSQL's fast shutdown) when the
// thread that started it dies.
func sysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Setpgid: true, Pdeathsig: syscall.SIGINT}
}
