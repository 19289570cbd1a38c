package container

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// A container's log keeps what its stdout and stderr carried, in the
// order it arrived, each piece with its stream and time, as docker's
// json-file log does. The format is framed, not JSON, so that output that
// is not UTF-8 comes back byte for byte: a header line
//
//	STREAM TIME LEN\n
//
// (STREAM stdout or stderr, TIME RFC 3339 with nanoseconds, LEN decimal)
// then LEN bytes. A frame holds one line, or the end of a write that had
// no newline.

// LogPath is the container's log.
func (s *Store) LogPath(id string) string { return filepath.Join(s.Dir(id), "container.log") }

// LogEntry is one frame of a log.
type LogEntry struct {
	Stream string // "stdout" or "stderr"
	Time   time.Time
	Data   []byte
}

// Log appends frames to a container's log. While a Log is open its
// writer holds a lock on the file, so readers can wait for the copying of
// a container that has exited to finish (WaitLog).
type Log struct {
	mu sync.Mutex
	f  *os.File
}

// OpenLog opens id's log to append, taking the copier's lock.
func (s *Store) OpenLog(id string) (*Log, error) {
	f, err := os.OpenFile(s.LogPath(id), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	for {
		err = unix.Flock(int(f.Fd()), unix.LOCK_EX)
		if err != unix.EINTR {
			break
		}
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", f.Name(), err)
	}
	return &Log{f: f}, nil
}

// File is the log's file, to hand to another process that copies on:
// the lock goes with it.
func (l *Log) File() *os.File { return l.f }

// ReopenLog is a Log of a file handed over by File.
func ReopenLog(f *os.File) *Log { return &Log{f: f} }

// Close ends the copying (and drops the lock).
func (l *Log) Close() error { return l.f.Close() }

// Stream is a writer of the named stream ("stdout" or "stderr"): each
// Write becomes one frame per line, in one write to the file.
func (l *Log) Stream(name string) io.Writer { return logStream{l, name} }

type logStream struct {
	l    *Log
	name string
}

func (w logStream) Write(p []byte) (int, error) {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	var b []byte
	for rest := p; len(rest) > 0; {
		n := len(rest)
		if i := bytes.IndexByte(rest, '\n'); i >= 0 {
			n = i + 1
		}
		b = fmt.Appendf(b, "%s %s %d\n", w.name, now, n)
		b = append(b, rest[:n]...)
		rest = rest[n:]
	}
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	if _, err := w.l.f.Write(b); err != nil {
		return 0, err
	}
	return len(p), nil
}

// LogReader reads a log's frames; at the end of the file it reports no
// entry and can be asked again as the log grows.
type LogReader struct {
	f *os.File
	// pending is a frame read in part, completed by a later Next.
	pending []byte
}

// ReadLog opens id's log. A container that never started has an empty
// one.
func (s *Store) ReadLog(id string) (*LogReader, error) {
	f, err := os.Open(s.LogPath(id))
	if errors.Is(err, os.ErrNotExist) {
		f, err = os.Open(os.DevNull)
	}
	if err != nil {
		return nil, err
	}
	return &LogReader{f: f}, nil
}

// Close closes the reader.
func (r *LogReader) Close() error { return r.f.Close() }

// errBadLog is a log that is not in the format above.
var errBadLog = errors.New("the container's log is damaged")

// Next is the next whole frame, or ok false at the end of the file.
func (r *LogReader) Next() (e LogEntry, ok bool, err error) {
	for {
		// The header, then the data it announces.
		if i := bytes.IndexByte(r.pending, '\n'); i >= 0 {
			f := strings.Fields(string(r.pending[:i]))
			if len(f) != 3 {
				return e, false, errBadLog
			}
			n, err := strconv.Atoi(f[2])
			t, terr := time.Parse(time.RFC3339Nano, f[1])
			if err != nil || terr != nil || n < 0 || n > 1<<30 {
				return e, false, errBadLog
			}
			if len(r.pending) >= i+1+n {
				e = LogEntry{Stream: f[0], Time: t, Data: append([]byte(nil), r.pending[i+1:i+1+n]...)}
				r.pending = r.pending[i+1+n:]
				return e, true, nil
			}
		}
		var buf [32 << 10]byte
		m, err := r.f.Read(buf[:])
		r.pending = append(r.pending, buf[:m]...)
		if m == 0 {
			if err == nil || err == io.EOF {
				return e, false, nil
			}
			return e, false, err
		}
	}
}

// WaitLog waits, at most d, until nothing copies into id's log any more
// (the copier of an exited container drains what its processes wrote
// last). It reports whether the log is complete.
func (s *Store) WaitLog(id string, d time.Duration) bool {
	f, err := os.Open(s.LogPath(id))
	if err != nil {
		return true // never written
	}
	defer f.Close()
	for deadline := time.Now().Add(d); ; time.Sleep(20 * time.Millisecond) {
		if unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB) == nil {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
