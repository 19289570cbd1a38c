package container

import (
	"os"
	"testing"
	"time"
)

// TestLog: frames keep the order of writes across the two streams, their
// bytes exactly (not UTF-8, no final newline), a line each; a reader
// waits out a frame written in part; WaitLog follows the copier's lock.
func TestLog(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	const id = "0123456789ab"
	if err := os.MkdirAll(s.Dir(id), 0o700); err != nil {
		t.Fatal(err)
	}
	if !s.WaitLog(id, 0) {
		t.Errorf("WaitLog of a log never written")
	}
	l, err := s.OpenLog(id)
	if err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	l.Stream("stdout").Write([]byte("one\ntwo\n"))
	l.Stream("stderr").Write([]byte("err \xff\xfe\n"))
	l.Stream("stdout").Write([]byte("no newline"))
	if s.WaitLog(id, 50*time.Millisecond) {
		t.Errorf("WaitLog returned while the copier holds the log")
	}
	r, err := s.ReadLog(id)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	want := []LogEntry{{"stdout", time.Time{}, []byte("one\n")}, {"stdout", time.Time{}, []byte("two\n")},
		{"stderr", time.Time{}, []byte("err \xff\xfe\n")}, {"stdout", time.Time{}, []byte("no newline")}}
	for i, w := range want {
		e, ok, err := r.Next()
		if err != nil || !ok {
			t.Fatalf("entry %d: %v %v", i, ok, err)
		}
		if e.Stream != w.Stream || string(e.Data) != string(w.Data) {
			t.Errorf("entry %d: %s %q, want %s %q", i, e.Stream, e.Data, w.Stream, w.Data)
		}
		if e.Time.Before(before.Add(-time.Second)) || e.Time.After(time.Now()) {
			t.Errorf("entry %d: time %v", i, e.Time)
		}
	}
	if _, ok, err := r.Next(); ok || err != nil {
		t.Errorf("past the end: %v %v", ok, err)
	}
	// A frame whose data is not there yet is not returned in part.
	f := l.File()
	f.WriteString("stderr 2026-11-28T12:00:00.5Z 6\nabc")
	if e, ok, err := r.Next(); ok || err != nil {
		t.Errorf("a partial frame: %q %v %v", e.Data, ok, err)
	}
	f.WriteString("def")
	if e, ok, err := r.Next(); !ok || err != nil || string(e.Data) != "abcdef" || e.Stream != "stderr" || e.Time.Nanosecond() != 5e8 {
		t.Errorf("the completed frame: %+v %v %v", e, ok, err)
	}
	l.Close()
	if !s.WaitLog(id, time.Second) {
		t.Errorf("WaitLog after the copier closed")
	}
	// A damaged log is an error, not a panic.
	os.WriteFile(s.LogPath(id), []byte("stdout nonsense\n"), 0o600)
	r2, _ := s.ReadLog(id)
	defer r2.Close()
	if _, _, err := r2.Next(); err == nil {
		t.Errorf("a damaged log read without error")
	}
}
