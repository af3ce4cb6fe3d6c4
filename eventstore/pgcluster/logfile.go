package pgcluster

import (
	"fmt"
	"io"
	"os"
	"strings"
)

const (
	maxLogSize   = 10 << 20 // rotate postgres.log beyond this size
	maxTailBytes = 16 << 10
	tailLines    = 20
)

// openLog opens the cluster log for appending, first rotating it to
// path+".1" when it has grown past maxLogSize.
func openLog(path string) (*os.File, error) {
	if fi, err := os.Stat(path); err == nil && fi.Size() > maxLogSize {
		if err := os.Rename(path, path+".1"); err != nil {
			return nil, fmt.Errorf("pgcluster: rotating log: %w", err)
		}
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: opening log: %w", err)
	}
	return f, nil
}

// logSize returns the current size of f, used to tail only what a later
// command wrote.
func logSize(f *os.File) int64 {
	fi, err := f.Stat()
	if err != nil {
		return 0
	}
	return fi.Size()
}

// tailLog returns up to tailLines last lines written to path after offset.
func tailLog(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Size()-offset > maxTailBytes {
		offset = fi.Size() - maxTailBytes
	}
	if _, err := f.Seek(offset, io.SeekStart); err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	b, err := io.ReadAll(f)
	if err != nil {
		return fmt.Sprintf("(cannot read %s: %v)", path, err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > tailLines {
		lines = lines[len(lines)-tailLines:]
	}
	text := strings.Join(lines, "\n")
	if text == "" {
		return "(log is empty)"
	}
	return text
}
