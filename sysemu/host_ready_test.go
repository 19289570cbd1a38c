package sysemu

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// readyPipe makes a pipe closed at the test's end; closeFD closes an end
// early (and only once: the number may be reused by then).
func readyPipe(t *testing.T) (r, w int, closeFD func(fd int)) {
	t.Helper()
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		t.Fatal(err)
	}
	open := map[int]bool{p[0]: true, p[1]: true}
	closeFD = func(fd int) {
		if open[fd] {
			unix.Close(fd)
			delete(open, fd)
		}
	}
	t.Cleanup(func() {
		closeFD(p[0])
		closeFD(p[1])
	})
	return p[0], p[1], closeFD
}

func ready1(t *testing.T, fd int, events int16, timeout time.Duration) int16 {
	t.Helper()
	r, err := hostReady([]hostWant{{fd: fd, events: events}}, timeout)
	if err != nil {
		t.Fatalf("hostReady(fd %d, %#x): %v", fd, events, err)
	}
	if len(r) != 1 {
		t.Fatalf("hostReady returned %d revents for 1 want", len(r))
	}
	return r[0]
}

func TestHostReadyPipe(t *testing.T) {
	r, w, closeFD := readyPipe(t)
	if got := ready1(t, r, unix.POLLIN, 0); got != 0 {
		t.Errorf("empty pipe: revents %#x, want 0", got)
	}
	if got := ready1(t, w, unix.POLLOUT, 0); got != unix.POLLOUT {
		t.Errorf("write end: revents %#x, want POLLOUT", got)
	}
	if got := ready1(t, w, unix.POLLIN, 0); got != 0 {
		t.Errorf("write end asked for POLLIN: revents %#x, want 0", got)
	}
	if _, err := unix.Write(w, []byte("ab")); err != nil {
		t.Fatal(err)
	}
	if got := ready1(t, r, unix.POLLIN|unix.POLLPRI, 0); got != unix.POLLIN {
		t.Errorf("after a write: revents %#x, want POLLIN", got)
	}
	closeFD(w)
	if got := ready1(t, r, unix.POLLIN, 0); got != unix.POLLIN|unix.POLLHUP {
		t.Errorf("writer closed, data left: revents %#x, want POLLIN|POLLHUP", got)
	}
	if _, err := unix.Read(r, make([]byte, 8)); err != nil {
		t.Fatal(err)
	}
	// Hang-ups are reported even when not asked for.
	if got := ready1(t, r, unix.POLLIN, 0); got != unix.POLLHUP {
		t.Errorf("writer closed, drained: revents %#x, want POLLHUP", got)
	}
	if got := ready1(t, r, 0, 0); got != unix.POLLHUP {
		t.Errorf("writer closed, no events asked: revents %#x, want POLLHUP", got)
	}
}

func TestHostReadyBrokenPipe(t *testing.T) {
	r, w, closeFD := readyPipe(t)
	closeFD(r)
	// Linux: a writer without readers is writable (the write fails with
	// EPIPE at once) and in error.
	if got := ready1(t, w, unix.POLLOUT, 0); got != unix.POLLOUT|unix.POLLERR {
		t.Errorf("reader closed: revents %#x, want POLLOUT|POLLERR", got)
	}
}

func TestHostReadyClosedFD(t *testing.T) {
	r, w, closeFD := readyPipe(t)
	closeFD(w)
	closeFD(r)
	if got := ready1(t, r, unix.POLLIN, 0); got != unix.POLLNVAL {
		t.Errorf("closed fd: revents %#x, want POLLNVAL", got)
	}
	// An invalid fd ends a wait at once, as poll(2).
	start := time.Now()
	if got := ready1(t, r, unix.POLLIN, 5*time.Second); got != unix.POLLNVAL {
		t.Errorf("closed fd, waiting: revents %#x, want POLLNVAL", got)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("waiting on a closed fd took %v", d)
	}
}

func TestHostReadyMany(t *testing.T) {
	r1, w1, _ := readyPipe(t)
	r2, _, _ := readyPipe(t)
	if _, err := unix.Write(w1, []byte("x")); err != nil {
		t.Fatal(err)
	}
	want := []hostWant{
		{fd: r1, events: unix.POLLIN},
		{fd: r2, events: unix.POLLIN},
		{fd: -1, events: unix.POLLIN}, // ignored, as poll(2) does
		{fd: w1, events: unix.POLLOUT},
		{fd: r1, events: unix.POLLPRI}, // the same fd again, other events
	}
	got, err := hostReady(want, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	exp := []int16{unix.POLLIN, 0, 0, unix.POLLOUT, 0}
	if len(got) != len(exp) {
		t.Fatalf("got %d revents, want %d", len(got), len(exp))
	}
	for i := range exp {
		if got[i] != exp[i] {
			t.Errorf("want %d (fd %d, events %#x): revents %#x, want %#x", i, want[i].fd, want[i].events, got[i], exp[i])
		}
	}
}

func TestHostReadyTimeout(t *testing.T) {
	r, w, _ := readyPipe(t)
	start := time.Now()
	if got := ready1(t, r, unix.POLLIN, 100*time.Millisecond); got != 0 {
		t.Errorf("empty pipe after a timeout: revents %#x", got)
	}
	if d := time.Since(start); d < 80*time.Millisecond || d > 5*time.Second {
		t.Errorf("a 100ms timeout took %v", d)
	}

	// Waiting forever ends with the write.
	go func() {
		time.Sleep(50 * time.Millisecond)
		unix.Write(w, []byte("x"))
	}()
	var got int16
	var err error
	for { // EINTR (a Go runtime signal) ends a wait early; callers loop
		var rs []int16
		if rs, err = hostReady([]hostWant{{fd: r, events: unix.POLLIN}}, -1); err != unix.EINTR {
			got = rs[0]
			break
		}
	}
	if err != nil || got != unix.POLLIN {
		t.Errorf("waiting forever: revents %#x, err %v; want POLLIN", got, err)
	}
}

func TestHostReadyRegularFile(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Create(filepath.Join(dir, "f"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := os.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, fd := range []int{int(f.Fd()), int(d.Fd())} {
		var st unix.Stat_t
		if err := unix.Fstat(fd, &st); err != nil {
			t.Fatal(err)
		}
		if !alwaysReady(uint32(st.Mode) & unix.S_IFMT) {
			t.Errorf("mode %#o: alwaysReady false", st.Mode)
		}
		// An empty file at EOF is still ready: kqueue's read filter
		// would not fire here.
		for _, ev := range []int16{unix.POLLIN, unix.POLLOUT, unix.POLLIN | unix.POLLOUT | unix.POLLPRI, unix.POLLPRI} {
			got := ready1(t, fd, ev, 0)
			if got != alwaysReadyRevents(ev) {
				t.Errorf("fd mode %#o, events %#x: revents %#x, alwaysReadyRevents says %#x", st.Mode, ev, got, alwaysReadyRevents(ev))
			}
		}
	}
	r, _, _ := readyPipe(t)
	var st unix.Stat_t
	if err := unix.Fstat(r, &st); err != nil {
		t.Fatal(err)
	}
	if alwaysReady(uint32(st.Mode) & unix.S_IFMT) {
		t.Errorf("a pipe (mode %#o) is not always ready", st.Mode)
	}
}

func TestPollMillis(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want int
	}{
		{0, 0}, {-1, -1}, {-time.Hour, -1}, {time.Nanosecond, 1}, {20 * time.Millisecond, 20},
		{1500 * time.Microsecond, 2}, {1 << 62, -1},
	} {
		if got := pollMillis(c.d); got != c.want {
			t.Errorf("pollMillis(%v) = %d, want %d", c.d, got, c.want)
		}
	}
}

func TestKeventRevents(t *testing.T) {
	ok := func(filter int16) kevResult { return kevResult{filter: filter, flags: kevFlagError} }
	rd := func(flags uint16, data int64) kevResult {
		return kevResult{filter: kevFiltRead, flags: flags, data: data}
	}
	wr := func(flags uint16, fflags uint32) kevResult {
		return kevResult{filter: kevFiltWrite, flags: flags, fflags: fflags, data: 512}
	}
	failed := func(filter int16, errno int64) kevResult {
		return kevResult{filter: filter, flags: kevFlagError, data: errno}
	}
	const in, out, pri, err, hup, nval = unix.POLLIN, unix.POLLOUT, unix.POLLPRI, unix.POLLERR, unix.POLLHUP, unix.POLLNVAL
	for _, c := range []struct {
		name     string
		events   int16
		evs      []kevResult
		want     int16
		fallback bool
	}{
		{"registered, nothing fired", in, []kevResult{ok(kevFiltRead)}, 0, false},
		{"readable", in, []kevResult{ok(kevFiltRead), rd(0, 3)}, in, false},
		{"readable, only POLLPRI asked", pri, []kevResult{rd(0, 3)}, 0, false},
		{"out-of-band data", in | pri, []kevResult{rd(kevFlagOOBand, 1)}, in | pri, false},
		{"EOF with data left", in, []kevResult{rd(kevFlagEOF, 2)}, in | hup, false},
		{"EOF drained", in, []kevResult{rd(kevFlagEOF, 0)}, hup, false},
		{"EOF, POLLOUT asked only", out, []kevResult{rd(kevFlagEOF, 0)}, hup, false},
		{"socket error on read", in, []kevResult{{filter: kevFiltRead, flags: kevFlagEOF, fflags: 54}}, hup | err, false},
		{"writable", out, []kevResult{ok(kevFiltWrite), wr(0, 0)}, out, false},
		{"writable, not asked", in, []kevResult{wr(0, 0)}, 0, false},
		{"write EOF (no reader)", out, []kevResult{wr(kevFlagEOF, 0)}, out | err, false},
		{"write error", out, []kevResult{wr(0, 32)}, out | err, false},
		{"read and write", in | out, []kevResult{ok(kevFiltRead), ok(kevFiltWrite), rd(0, 1), wr(0, 0)}, in | out, false},
		{"EBADF", in, []kevResult{failed(kevFiltRead, darwinEBADF)}, nval, false},
		{"EBADF on both filters", in | out, []kevResult{failed(kevFiltRead, darwinEBADF), failed(kevFiltWrite, darwinEBADF)}, nval, false},
		{"ENODEV: poll(2) answers", in, []kevResult{failed(kevFiltRead, darwinENODEV)}, 0, true},
		{"EINVAL: poll(2) answers", in | out, []kevResult{ok(kevFiltRead), failed(kevFiltWrite, darwinEINVAL)}, 0, true},
		{"ENOTSUP: poll(2) answers", out, []kevResult{failed(kevFiltWrite, darwinENOTSUP)}, 0, true},
		{"other registration error", in, []kevResult{failed(kevFiltRead, 12 /* ENOMEM */)}, err, false},
		{"unknown filter ignored", in, []kevResult{{filter: -4 /* EVFILT_VNODE */, fflags: 1}}, 0, false},
	} {
		got, fb := keventRevents(c.events, c.evs)
		if got != c.want || fb != c.fallback {
			t.Errorf("%s: keventRevents(%#x) = %#x, fallback %v; want %#x, %v", c.name, c.events, got, fb, c.want, c.fallback)
		}
	}
}

// TestKeventRevents_LinuxPipes checks the translation against Linux
// itself: for each pipe state, the kevents darwin reports must translate
// to what poll(2) on Linux says for the same state.
func TestKeventRevents_LinuxPipes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("compares with Linux's poll(2)")
	}
	for _, c := range []struct {
		name   string
		setup  func(r, w int, closeFD func(int)) int // makes the state; returns the fd to poll
		events int16
		evs    []kevResult // what darwin's kqueue reports in that state
	}{
		{"empty", func(r, w int, closeFD func(int)) int { return r }, unix.POLLIN, nil},
		{"data", func(r, w int, closeFD func(int)) int { unix.Write(w, []byte("abc")); return r }, unix.POLLIN,
			[]kevResult{{filter: kevFiltRead, data: 3}}},
		{"data, writer closed", func(r, w int, closeFD func(int)) int { unix.Write(w, []byte("abc")); closeFD(w); return r }, unix.POLLIN,
			[]kevResult{{filter: kevFiltRead, flags: kevFlagEOF, data: 3}}},
		{"writer closed", func(r, w int, closeFD func(int)) int { closeFD(w); return r }, unix.POLLIN,
			[]kevResult{{filter: kevFiltRead, flags: kevFlagEOF}}},
		{"writable", func(r, w int, closeFD func(int)) int { return w }, unix.POLLOUT,
			[]kevResult{{filter: kevFiltWrite, data: 16384}}},
		{"reader closed", func(r, w int, closeFD func(int)) int { closeFD(r); return w }, unix.POLLOUT,
			[]kevResult{{filter: kevFiltWrite, flags: kevFlagEOF}}},
	} {
		r, w, closeFD := readyPipe(t)
		fd := c.setup(r, w, closeFD)
		linux := ready1(t, fd, c.events, 0)
		got, fb := keventRevents(c.events, c.evs)
		if fb || got != linux {
			t.Errorf("%s: keventRevents = %#x (fallback %v); Linux poll(2) says %#x", c.name, got, fb, linux)
		}
	}
}

// TestKeventConstants checks keventRevents's darwin numbers against
// x/sys/unix's darwin tables, and that the poll and file-type bits the
// portable code takes from the host's x/sys/unix are darwin's too.
func TestKeventConstants(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/sys").Output()
	if err != nil {
		t.Skipf("go list golang.org/x/sys: %v", err)
	}
	dir := filepath.Join(strings.TrimSpace(string(out)), "unix")
	defs := map[string]int64{}
	re := regexp.MustCompile(`(?m)^\s+(\w+)\s+=\s+(?:syscall\.Errno\()?(-?0x[0-9a-fA-F]+|-?[0-9]+)\)?\s*$`)
	for _, name := range []string{"zerrors_darwin_arm64.go", "ztypes_darwin_arm64.go"} {
		src, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(src), -1) {
			v, err := strconv.ParseInt(m[2], 0, 64)
			if err != nil {
				t.Fatalf("%s: %s = %s: %v", name, m[1], m[2], err)
			}
			defs[m[1]] = v
		}
	}
	for _, c := range []struct {
		name string
		ours int64
	}{
		{"EVFILT_READ", kevFiltRead}, {"EVFILT_WRITE", kevFiltWrite},
		{"EV_OOBAND", kevFlagOOBand}, {"EV_ERROR", kevFlagError}, {"EV_EOF", kevFlagEOF},
		{"EBADF", darwinEBADF}, {"ENODEV", darwinENODEV}, {"EINVAL", darwinEINVAL}, {"ENOTSUP", darwinENOTSUP},
		{"POLLIN", unix.POLLIN}, {"POLLPRI", unix.POLLPRI}, {"POLLOUT", unix.POLLOUT},
		{"POLLERR", unix.POLLERR}, {"POLLHUP", unix.POLLHUP}, {"POLLNVAL", unix.POLLNVAL},
		{"S_IFMT", unix.S_IFMT}, {"S_IFREG", unix.S_IFREG}, {"S_IFDIR", unix.S_IFDIR}, {"S_IFBLK", unix.S_IFBLK},
	} {
		v, ok := defs[c.name]
		if !ok {
			t.Errorf("%s not found in x/sys/unix's darwin tables", c.name)
			continue
		}
		if v != c.ours {
			t.Errorf("%s: darwin's is %#x, ours %#x", c.name, v, c.ours)
		}
	}
}
