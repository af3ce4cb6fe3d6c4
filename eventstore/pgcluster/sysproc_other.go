//go:build unix && !linux

package pgcluster

import "syscall"

// sysProcAttr runs a child as cred (if non-nil) in its own process group.
// Parent-death signals are a Linux feature, so elsewhere the cluster keeps
// running if this process dies without calling Stop.
func sysProcAttr(cred *syscall.Credential) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Credential: cred, Setpgid: true}
}
