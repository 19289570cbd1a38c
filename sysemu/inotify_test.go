package sysemu

import (
	"encoding/binary"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
)

func newTestInotify(h *inoHub) *inotifyFile {
	f := &inotifyFile{hub: h, watches: map[int32]*inoWatch{}, byID: map[fileID]*inoWatch{}}
	f.on.Store(true)
	h.add(f)
	return f
}

// events reads the instance's queue as "wd MASK name" strings.
func events(t *testing.T, f *inotifyFile) []string {
	t.Helper()
	var out []string
	buf := make([]byte, 1<<16)
	for {
		n, e := f.Read(nil, buf)
		if e == abi.EAGAIN {
			return out
		}
		if e != 0 {
			t.Fatalf("read: %v", e)
		}
		for b := buf[:n]; len(b) > 0; {
			wd := int32(binary.LittleEndian.Uint32(b))
			mask := binary.LittleEndian.Uint32(b[4:])
			l := int(binary.LittleEndian.Uint32(b[12:]))
			name := string(b[16 : 16+l])
			for len(name) > 0 && name[len(name)-1] == 0 {
				name = name[:len(name)-1]
			}
			s := fmt.Sprintf("%d %#x", wd, mask)
			if name != "" {
				s += " " + name
			}
			out = append(out, s)
			b = b[16+l:]
		}
	}
}

// The queue: Linux's merge of an event equal to the tail, sizes with
// padded names, EINVAL for a buffer too small for the first event, and
// one IN_Q_OVERFLOW at 16384 events, after which the queue works again.
func TestInotifyQueue(t *testing.T) {
	f := newTestInotify(newInoHub())
	f.mu.Lock()
	f.push(inoEvent{wd: 1, mask: abi.IN_MODIFY, name: "a"})
	f.push(inoEvent{wd: 1, mask: abi.IN_MODIFY, name: "a"}) // merged
	f.push(inoEvent{wd: 1, mask: abi.IN_MODIFY, name: "b"})
	f.push(inoEvent{wd: 1, mask: abi.IN_MODIFY, name: "a"}) // not the tail's twin
	f.push(inoEvent{wd: 2, mask: abi.IN_IGNORED})
	f.push(inoEvent{wd: 2, mask: abi.IN_IGNORED}) // an IN_IGNORED is never merged
	f.push(inoEvent{wd: 1, mask: abi.IN_OPEN, name: "sixteen-chars-xx"})
	bytes := f.bytes
	f.mu.Unlock()
	if want := 3*32 + 2*16 + 48; bytes != want {
		t.Errorf("FIONREAD %d, want %d (names padded to 16 with their NUL)", bytes, want)
	}
	small := make([]byte, 31)
	if _, e := f.Read(nil, small); e != abi.EINVAL {
		t.Errorf("read of 31 bytes: %v, want EINVAL", e)
	}
	if n, _ := f.Read(nil, make([]byte, 70)); n != 64 {
		t.Errorf("read of 70 bytes: %d, want the two events that fit (64)", n)
	}
	want := []string{"1 0x2 a", "2 0x8000", "2 0x8000", "1 0x20 sixteen-chars-xx"}
	if got := events(t, f); !reflect.DeepEqual(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}

	f.mu.Lock()
	for i := range inoMaxQueued + 10 {
		f.push(inoEvent{wd: 1, mask: abi.IN_ACCESS << (i % 2)})
	}
	n := len(f.queue) - f.head
	last := f.queue[len(f.queue)-1]
	f.mu.Unlock()
	if n != inoMaxQueued+1 || last.wd != -1 || last.mask != abi.IN_Q_OVERFLOW {
		t.Fatalf("%d events queued, last %+v; want %d and the overflow event", n, last, inoMaxQueued+1)
	}
	if got := events(t, f); len(got) != inoMaxQueued+1 || got[inoMaxQueued] != "-1 0x4000" {
		t.Fatalf("read %d events, last %q", len(got), got[len(got)-1])
	}
	f.mu.Lock()
	f.push(inoEvent{wd: 1, mask: abi.IN_ACCESS})
	f.mu.Unlock()
	if got := events(t, f); !reflect.DeepEqual(got, []string{"1 0x1"}) {
		t.Errorf("after the overflow was read: %q", got)
	}
}

// Watch descriptors: from 1, the same one for the same file, allocated
// cyclically (a removed wd is not given again at once), and the mask
// rules of IN_MASK_ADD and IN_MASK_CREATE.
func TestInotifyWatchDescriptors(t *testing.T) {
	f := newTestInotify(newInoHub())
	a, b, c := fileID{1, 10}, fileID{1, 11}, fileID{1, 12}
	add := func(id fileID, mask uint32) int32 {
		wd, e := f.addWatch(id, mask)
		if e != 0 {
			return -int32(e)
		}
		return wd
	}
	if got := []int32{add(a, abi.IN_MODIFY), add(b, abi.IN_MODIFY), add(a, abi.IN_ATTRIB|abi.IN_MASK_ADD)}; !reflect.DeepEqual(got, []int32{1, 2, 1}) {
		t.Errorf("wds %v, want [1 2 1]", got)
	}
	if m := f.byID[a].mask; m != abi.IN_MODIFY|abi.IN_ATTRIB {
		t.Errorf("IN_MASK_ADD: mask %#x", m)
	}
	add(a, abi.IN_CREATE)
	if m := f.byID[a].mask; m != abi.IN_CREATE {
		t.Errorf("replacing: mask %#x", m)
	}
	if got := add(a, abi.IN_CREATE|abi.IN_MASK_CREATE); got != -int32(abi.EEXIST) {
		t.Errorf("IN_MASK_CREATE on a watched file: %d", got)
	}
	f.mu.Lock()
	f.drop(f.watches[2])
	f.mu.Unlock()
	if got := add(c, abi.IN_MODIFY); got != 3 {
		t.Errorf("after removing wd 2: wd %d, want 3", got)
	}
	if got := add(b, abi.IN_MODIFY); got != 4 {
		t.Errorf("the removed file again: wd %d, want 4", got)
	}
}

// The syscalls through the table, on a process of its own: events of
// create, write, close, rename and delete in a watched directory, read
// back with FIONREAD's count, and rm_watch's IN_IGNORED.
func TestInotifySyscalls(t *testing.T) {
	task := credTask(t, nil)
	buf := scratch(t, task)
	mem := task.mem()
	str := func(off uint64, s string) uint64 {
		if err := mem.Write(buf+off, append([]byte(s), 0)); err != nil {
			t.Fatal(err)
		}
		return buf + off
	}
	at := uint64(0xffffff9c) // AT_FDCWD as the 32-bit int the kernel reads
	if got := task.call(abi.SYS_INOTIFY_INIT1, 0x10); got != ret(abi.EINVAL) {
		t.Errorf("inotify_init1 with an unknown flag: %d", int64(got))
	}
	fd := task.call(abi.SYS_INOTIFY_INIT1, abi.IN_NONBLOCK|abi.IN_CLOEXEC)
	if int64(fd) < 0 {
		t.Fatalf("inotify_init1: %d", int64(fd))
	}
	task.call(abi.SYS_MKDIRAT, at, str(0, "/w"), 0o755)
	if wd := task.call(abi.SYS_INOTIFY_ADD_WATCH, fd, str(0, "/w"), abi.IN_ALL_EVENTS); wd != 1 {
		t.Fatalf("add_watch: %d", int64(wd))
	}
	f := task.call(abi.SYS_OPENAT, at, str(0, "/w/a"), abi.O_CREAT|abi.O_WRONLY, 0o644)
	task.call(abi.SYS_WRITE, f, str(64, "abc"), 3)
	task.call(abi.SYS_CLOSE, f)
	task.call(abi.SYS_RENAMEAT, at, str(0, "/w/a"), at, str(64, "/w/b"))
	task.call(abi.SYS_UNLINKAT, at, str(0, "/w/b"), 0)
	if got := task.call(abi.SYS_IOCTL, fd, abi.FIONREAD, buf+128); got != 0 {
		t.Fatalf("FIONREAD: %d", int64(got))
	}
	var nb [4]byte
	mem.Read(buf+128, nb[:])
	if n := binary.LittleEndian.Uint32(nb[:]); n != 7*32 {
		t.Errorf("FIONREAD %d, want 7 events of 32 bytes", n)
	}
	n := task.call(abi.SYS_READ, fd, buf+256, 1024)
	if n != 7*32 {
		t.Fatalf("read: %d", int64(n))
	}
	raw := make([]byte, n)
	mem.Read(buf+256, raw)
	var got []string
	var cookies []uint32
	for b := raw; len(b) > 0; b = b[32:] {
		mask := binary.LittleEndian.Uint32(b[4:])
		name := string(b[16:17])
		got = append(got, fmt.Sprintf("%#x %s", mask, name))
		if c := binary.LittleEndian.Uint32(b[8:]); c != 0 {
			cookies = append(cookies, c)
		}
	}
	want := []string{"0x100 a", "0x20 a", "0x2 a", "0x8 a", "0x40 a", "0x80 b", "0x200 b"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}
	if len(cookies) != 2 || cookies[0] != cookies[1] {
		t.Errorf("rename cookies %v, want one pair", cookies)
	}
	if got := task.call(abi.SYS_INOTIFY_RM_WATCH, fd, 1); got != 0 {
		t.Errorf("rm_watch: %d", int64(got))
	}
	if got := task.call(abi.SYS_INOTIFY_RM_WATCH, fd, 1); got != ret(abi.EINVAL) {
		t.Errorf("rm_watch again: %d", int64(got))
	}
	if got := task.call(abi.SYS_READ, fd, buf+256, 1024); got != 16 {
		t.Errorf("read after rm_watch: %d, want IN_IGNORED's 16 bytes", int64(got))
	}
	if got := task.call(abi.SYS_READ, fd, buf+256, 1024); got != ret(abi.EAGAIN) {
		t.Errorf("read of an empty queue: %d, want EAGAIN", int64(got))
	}
}

// Two hubs in one registry directory stand for two processes: what one
// watches, the other learns from the shared generation word and the
// lists, and its records are queued there before dispatch returns.
func TestInotifyAcrossProcesses(t *testing.T) {
	reg := t.TempDir()
	watcher, other := newInoHub(), newInoHub()
	watcher.attach(reg)
	other.attach(reg)
	f := newTestInotify(watcher)
	if other.active() {
		t.Fatal("active with no watch anywhere")
	}
	dir, file := fileID{1, 100}, fileID{1, 101}
	f.addWatch(dir, abi.IN_CREATE|abi.IN_MODIFY)
	watcher.publish()
	if !other.active() || !other.wants(dir, abi.IN_CREATE) || other.wants(dir, abi.IN_ACCESS) || other.wants(file, abi.IN_MODIFY) {
		t.Fatal("the other process does not see the watch as published")
	}
	other.dispatch([]inoRecord{
		{Kind: recDir, ID: dir, Mask: abi.IN_CREATE, Name: "x"},
		{Kind: recInode, ID: file, Parent: dir, Name: "x", Mask: abi.IN_OPEN}, // not wanted
		{Kind: recInode, ID: file, Parent: dir, Name: "x", Mask: abi.IN_MODIFY},
		{Kind: recDir, ID: dir, Mask: abi.IN_CREATE, Name: "y"},
	})
	want := []string{"1 0x100 x", "1 0x2 x", "1 0x100 y"}
	if got := events(t, f); !reflect.DeepEqual(got, want) {
		t.Errorf("events %q, want %q", got, want)
	}

	// A watched file deleted elsewhere: IN_DELETE_SELF, IN_IGNORED, and
	// the watcher's list no longer names it.
	f.addWatch(file, abi.IN_DELETE_SELF)
	watcher.publish()
	other.dispatch([]inoRecord{{Kind: recGone, ID: file}})
	if got := events(t, f); !reflect.DeepEqual(got, []string{"2 0x400", "2 0x8000"}) {
		t.Errorf("gone: %q", got)
	}
	if other.wants(file, abi.IN_ALL_EVENTS) {
		t.Error("the deleted file is still published")
	}

	// The list of a process that died without closing goes at the first
	// send that finds it silent.
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(reg, "inotify", strconv.Itoa(cmd.Process.Pid)+".1.w")
	os.WriteFile(stale, []byte("1 100 256\n"), 0o600)
	other.link.Load().gen.Add(1)
	other.dispatch([]inoRecord{{Kind: recDir, ID: dir, Mask: abi.IN_CREATE, Name: "z"}})
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("the dead process's list stays: %v", err)
	}
	if got := events(t, f); !reflect.DeepEqual(got, []string{"1 0x100 z"}) {
		t.Errorf("the live watcher got %q", got)
	}

	f.Close()
	if other.active() {
		t.Error("still active after the only instance closed")
	}
	if ents, _ := os.ReadDir(filepath.Join(reg, "inotify")); len(ents) != 1 {
		t.Errorf("left in the directory: %v (want only gen)", ents)
	}
}

// A watcher that does not answer (a stopped process) holds an operation
// up once; later sends do not wait for it, and once it reads again the
// sender waits for acknowledgements again.
func TestInotifyLaggingWatcher(t *testing.T) {
	dir := t.TempDir()
	l, err := net.Listen("unix", filepath.Join(dir, "w.sock"))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := l.Accept()
		accepted <- c
	}()
	link := &inoLink{dir: dir, conns: map[string]*inoConn{}}
	recs := []inoRecord{{Kind: recDir, ID: fileID{1, 2}, Mask: abi.IN_CREATE, Name: "n"}}
	start := time.Now()
	link.sendTo("w", recs)
	if d := time.Since(start); d < inoAckWait-100*time.Millisecond {
		t.Errorf("the first send returned after %v without an acknowledgement", d)
	}
	start = time.Now()
	link.sendTo("w", recs)
	if d := time.Since(start); d > inoAckWait/2 {
		t.Errorf("a send to a lagging watcher waited %v", d)
	}
	c := <-accepted
	defer c.Close()
	frames := make(chan int, 8)
	go func() {
		var hdr [4]byte
		for {
			if _, err := c.Read(hdr[:]); err != nil {
				return
			}
			b := make([]byte, binary.LittleEndian.Uint32(hdr[:]))
			if _, err := c.Read(b); err != nil {
				return
			}
			got, ok := decodeRecords(b)
			if !ok || !reflect.DeepEqual(got, recs) {
				t.Errorf("decoded %+v %v", got, ok)
			}
			c.Write([]byte{1})
			frames <- len(got)
		}
	}()
	for len(frames) < 2 {
		time.Sleep(time.Millisecond) // the watcher reads the two frames waiting
	}
	link.sendTo("w", recs)
	ic := link.conns["w"]
	ic.mu.Lock()
	owed := ic.owed
	ic.mu.Unlock()
	if len(frames) != 3 || owed != 0 {
		t.Errorf("after catching up: %d frames read, %d acknowledgements owed; want 3, 0", len(frames), owed)
	}
}
