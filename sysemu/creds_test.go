package sysemu

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/vcpu"
	"github.com/carrick-go/carrick/vcpu/interp"
)

// ARM64 encodings for the small guest programs below.
func movz(rd, imm uint32) uint32 { return 0xd2800000 | imm<<5 | rd }
func movn(rd, imm uint32) uint32 { return 0x92800000 | imm<<5 | rd }
func adr(rd uint32, off int32) uint32 {
	return 0x10000000 | uint32(off&3)<<29 | uint32(off>>2&0x7ffff)<<5 | rd
}

const svc0 = 0xd4000001

// guestProgram is a static ARM64 executable running code, then data.
func guestProgram(code []uint32, data []byte) []byte {
	var text bytes.Buffer
	binary.Write(&text, binary.LittleEndian, code)
	text.Write(data)
	const entry = 0x400000 + 64 + 56
	var b bytes.Buffer
	h := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_AARCH64), Version: 1,
		Entry: entry, Phoff: 64, Ehsize: 64, Phentsize: 56, Phnum: 1}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS], h.Ident[elf.EI_DATA], h.Ident[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1
	binary.Write(&b, binary.LittleEndian, h)
	size := uint64(64 + 56 + text.Len())
	binary.Write(&b, binary.LittleEndian, elf.Prog64{Type: uint32(elf.PT_LOAD), Flags: uint32(elf.PF_R | elf.PF_X),
		Vaddr: 0x400000, Filesz: size, Memsz: size, Align: 0x1000})
	b.Write(text.Bytes())
	return b.Bytes()
}

// exitWith is the code that ends the program with x0 as its status.
var exitWith = []uint32{movz(8, abi.SYS_EXIT_GROUP), svc0}

// runGuest runs program (at /prog of root) as creds and returns its exit
// code: the low byte of its last syscall's result.
func runGuest(t *testing.T, root string, prog []byte, creds *Creds) int {
	t.Helper()
	if err := os.WriteFile(filepath.Join(root, "prog"), prog, 0o755); err != nil {
		t.Fatal(err)
	}
	null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	p, err := Start(Config{Root: root, Path: "/prog", Argv: []string{"prog"}, Stdin: null, Stdout: null, Stderr: null,
		Log: &bytes.Buffer{}, Creds: creds}, interp.New)
	if err != nil {
		t.Fatal(err)
	}
	st := p.Run()
	p.Close()
	if st.Signal != 0 {
		t.Fatalf("guest killed by signal %d", st.Signal)
	}
	return st.Code
}

func u32(v uint32) *uint32 { return &v }

// TestConfigCredsIDs: a process started with Config.Creds (no set*id
// call) reads them back through the id syscalls, run as ARM64 code.
func TestConfigCredsIDs(t *testing.T) {
	root := t.TempDir()
	creds := &Creds{UID: 1000, GID: 1001, Groups: []uint32{1001, 27}, EUID: u32(1002), EGID: u32(1003)}
	for _, c := range []struct {
		nr   uint32
		want int
	}{
		{abi.SYS_GETUID, 1000 & 0xff}, {abi.SYS_GETGID, 1001 & 0xff},
		{abi.SYS_GETEUID, 1002 & 0xff}, {abi.SYS_GETEGID, 1003 & 0xff},
	} {
		prog := guestProgram(append([]uint32{movz(8, c.nr), svc0}, exitWith...), nil)
		if got := runGuest(t, root, prog, creds); got != c.want {
			t.Errorf("%s: exit %d, want %d", abi.SyscallNames[uint64(c.nr)], got, c.want)
		}
		if got := runGuest(t, root, prog, nil); got != 0 {
			t.Errorf("%s as root: exit %d, want 0", abi.SyscallNames[uint64(c.nr)], got)
		}
	}
	// setuid(0) from a non-root start: EPERM.
	prog := guestProgram(append([]uint32{movz(0, 0), movz(8, abi.SYS_SETUID), svc0}, exitWith...), nil)
	if got := runGuest(t, root, prog, &Creds{UID: 1000, GID: 1000}); got != 256-int(abi.EPERM) {
		t.Errorf("setuid(0) as 1000: exit %d, want -EPERM", got)
	}
}

// openatProgram is ARM64 code for openat(AT_FDCWD, path, flags, mode) and
// exit with its result.
func openatProgram(path string, flags, mode uint32) []byte {
	code := []uint32{movn(0, 99), 0, movz(2, flags), movz(3, mode), movz(8, abi.SYS_OPENAT), svc0}
	code = append(code, exitWith...)
	code[1] = adr(1, int32(4*(len(code)-1)))
	return guestProgram(code, append([]byte(path), 0))
}

// TestConfigCredsFiles: the file permissions and the owner of new files
// follow Config.Creds.
func TestConfigCredsFiles(t *testing.T) {
	root := t.TempDir()
	os.Chmod(root, 0o777)
	for name, mode := range map[string]os.FileMode{"secret": 0o600, "public": 0o644} {
		if err := os.WriteFile(filepath.Join(root, name), []byte(name), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(root, name), mode)
	}
	user := &Creds{UID: 1000, GID: 1001}
	eacces := 256 - int(abi.EACCES) // exit_group keeps the low byte of -EACCES
	for _, c := range []struct {
		path  string
		flags uint32
		creds *Creds
		want  int
	}{
		{"/secret", abi.O_RDONLY, user, eacces},
		{"/secret", abi.O_RDONLY, nil, 3},
		{"/public", abi.O_RDONLY, user, 3},
		{"/public", abi.O_WRONLY, user, eacces},
		{"/public", abi.O_WRONLY, nil, 3},
		{"/new", abi.O_WRONLY | abi.O_CREAT, user, 3},
	} {
		if got := runGuest(t, root, openatProgram(c.path, c.flags, 0o640), c.creds); got != c.want {
			t.Errorf("open %s %#x as %v: exit %d, want %d", c.path, c.flags, c.creds, got, c.want)
		}
	}
	view, err := rootfs.New(root, rootfs.Options{Metadata: metadataMode(MetadataAuto)})
	if err != nil {
		t.Fatal(err)
	}
	defer view.Close()
	st, e := view.Stat(nil, "/new")
	if e != 0 {
		t.Fatalf("stat /new: %v", e)
	}
	if st.Uid != 1000 || st.Gid != 1001 || st.Mode&0o7777 != 0o640 {
		t.Errorf("/new: owner %d:%d mode %o, want 1000:1001 640", st.Uid, st.Gid, st.Mode&0o7777)
	}
}

// credTask is a process started as creds whose main thread is not
// running: the test calls syscalls on it.
func credTask(t *testing.T, creds *Creds) *Task {
	t.Helper()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "prog"), tinyProgram(), 0o755); err != nil {
		t.Fatal(err)
	}
	p, err := Start(Config{Root: root, Path: "/prog", Argv: []string{"prog"}, Log: &bytes.Buffer{}, Creds: creds}, interp.New)
	if err != nil {
		t.Fatal(err)
	}
	task := p.tasks[p.pid]
	cpu, err := p.machine.NewVCPU()
	if err != nil {
		t.Fatal(err)
	}
	task.cpu = cpu
	cpu.SetRegs(&task.start)
	t.Cleanup(func() {
		cpu.Close()
		p.Close()
	})
	return task
}

// call makes syscall nr through the table and returns X0.
func (t *Task) call(nr uint64, args ...uint64) uint64 {
	var r vcpu.Regs
	t.cpu.Regs(&r)
	r.X[8] = nr
	for i := range 6 {
		r.X[i] = 0
	}
	copy(r.X[:], args)
	t.cpu.SetRegs(&r)
	t.syscall()
	t.cpu.Regs(&r)
	return r.X[0]
}

// scratch maps a page of guest memory for syscall arguments.
func scratch(t *testing.T, task *Task) uint64 {
	t.Helper()
	addr := task.call(abi.SYS_MMAP, 0, 4096, abi.PROT_READ|abi.PROT_WRITE, abi.MAP_PRIVATE|abi.MAP_ANONYMOUS, ^uint64(0), 0)
	if int64(addr) < 0 {
		t.Fatalf("mmap: %d", int64(addr))
	}
	return addr
}

const minus1 = uint64(0xffffffff)

func ret(e abi.Errno) uint64 { return errno(e) }

// TestSetidRules walks the set*id calls through Linux's rules, from root
// down to an unprivileged user.
func TestSetidRules(t *testing.T) {
	task := credTask(t, nil)
	type ids = [8]uint32 // uid euid suid fsuid gid egid sgid fsgid
	now := func() ids {
		c := task.p.creds()
		return ids{c.UID, c.EUID, c.SUID, c.FSUID, c.GID, c.EGID, c.SGID, c.FSGID}
	}
	steps := []struct {
		what string
		nr   uint64
		args []uint64
		want uint64
		ids  ids
	}{
		{"setgid(-1)", abi.SYS_SETGID, []uint64{minus1}, ret(abi.EINVAL), ids{}},
		{"setresgid(5,6,7)", abi.SYS_SETRESGID, []uint64{5, 6, 7}, 0, ids{0, 0, 0, 0, 5, 6, 7, 6}},
		{"setregid(-1,7)", abi.SYS_SETREGID, []uint64{minus1, 7}, 0, ids{0, 0, 0, 0, 5, 7, 7, 7}},
		{"setgid(8) as root", abi.SYS_SETGID, []uint64{8}, 0, ids{0, 0, 0, 0, 8, 8, 8, 8}},
		{"setfsuid(3)", abi.SYS_SETFSUID, []uint64{3}, 0, ids{0, 0, 0, 3, 8, 8, 8, 8}},
		{"setresuid no-op keeps fsuid", abi.SYS_SETRESUID, []uint64{minus1, minus1, minus1}, 0, ids{0, 0, 0, 3, 8, 8, 8, 8}},
		{"setresuid(0,1000,0)", abi.SYS_SETRESUID, []uint64{0, 1000, 0}, 0, ids{0, 1000, 0, 1000, 8, 8, 8, 8}},
		{"setgid(9) without euid 0", abi.SYS_SETGID, []uint64{9}, ret(abi.EPERM), ids{0, 1000, 0, 1000, 8, 8, 8, 8}},
		{"setfsuid(0) (the real uid)", abi.SYS_SETFSUID, []uint64{0}, 1000, ids{0, 1000, 0, 0, 8, 8, 8, 8}},
		{"setfsuid(5) refused", abi.SYS_SETFSUID, []uint64{5}, 0, ids{0, 1000, 0, 0, 8, 8, 8, 8}},
		{"setreuid(-1,0) (saved 0)", abi.SYS_SETREUID, []uint64{minus1, 0}, 0, ids{0, 0, 0, 0, 8, 8, 8, 8}},
		{"setreuid(1000,2000) as root", abi.SYS_SETREUID, []uint64{1000, 2000}, 0, ids{1000, 2000, 2000, 2000, 8, 8, 8, 8}},
		{"setreuid(2000,-1)", abi.SYS_SETREUID, []uint64{2000, minus1}, 0, ids{2000, 2000, 2000, 2000, 8, 8, 8, 8}},
		{"setuid(1000) refused", abi.SYS_SETUID, []uint64{1000}, ret(abi.EPERM), ids{2000, 2000, 2000, 2000, 8, 8, 8, 8}},
		{"setresuid(-1,-1,2000)", abi.SYS_SETRESUID, []uint64{minus1, minus1, 2000}, 0, ids{2000, 2000, 2000, 2000, 8, 8, 8, 8}},
		{"setresuid(3,-1,-1) refused", abi.SYS_SETRESUID, []uint64{3, minus1, minus1}, ret(abi.EPERM), ids{2000, 2000, 2000, 2000, 8, 8, 8, 8}},
		{"setgid(8) (the real gid)", abi.SYS_SETGID, []uint64{8}, 0, ids{2000, 2000, 2000, 2000, 8, 8, 8, 8}},
		{"setuid(-1)", abi.SYS_SETUID, []uint64{minus1}, ret(abi.EINVAL), ids{2000, 2000, 2000, 2000, 8, 8, 8, 8}},
		{"setfsgid(-1)", abi.SYS_SETFSGID, []uint64{minus1}, 8, ids{2000, 2000, 2000, 2000, 8, 8, 8, 8}},
	}
	for _, s := range steps {
		if got := task.call(s.nr, s.args...); got != s.want {
			t.Errorf("%s: returned %d, want %d", s.what, int64(got), int64(s.want))
		}
		if got := now(); got != s.ids {
			t.Errorf("%s: ids %v, want %v", s.what, got, s.ids)
		}
	}
	// The view now acts for uid 2000: root's files are not its own.
	if c := task.p.fs.root(); c == task.p.fs.view {
		t.Error("file operations still act for root after the ids changed")
	}
}

// TestGroups: setgroups sorts, limits and privilege; getgroups sizes.
func TestGroups(t *testing.T) {
	task := credTask(t, nil)
	buf := scratch(t, task)
	mem := task.mem()
	put := func(gs ...uint32) {
		b := make([]byte, 4*len(gs))
		for i, g := range gs {
			binary.LittleEndian.PutUint32(b[4*i:], g)
		}
		if err := mem.Write(buf, b); err != nil {
			t.Fatal(err)
		}
	}
	if got := task.call(abi.SYS_GETGROUPS, 0, 0); got != 1 {
		t.Errorf("root's getgroups(0) = %d, want 1 (group 0)", got)
	}
	put(1000, 27, 4)
	if got := task.call(abi.SYS_SETGROUPS, 3, buf); got != 0 {
		t.Fatalf("setgroups: %d", int64(got))
	}
	for _, c := range []struct {
		size, want uint64
	}{{0, 3}, {2, ret(abi.EINVAL)}, {3, 3}, {100, 3}, {uint64(0xffffffff), ret(abi.EINVAL)}} {
		if got := task.call(abi.SYS_GETGROUPS, c.size, buf+64); got != c.want {
			t.Errorf("getgroups(%d) = %d, want %d", int32(c.size), int64(got), int64(c.want))
		}
	}
	b := make([]byte, 12)
	mem.Read(buf+64, b)
	got := []uint32{binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:]), binary.LittleEndian.Uint32(b[8:])}
	if !reflect.DeepEqual(got, []uint32{4, 27, 1000}) {
		t.Errorf("groups %v, want sorted [4 27 1000]", got)
	}
	if got := task.call(abi.SYS_GETGROUPS, 3, 8); got != ret(abi.EFAULT) {
		t.Errorf("getgroups to a bad pointer = %d, want EFAULT", int64(got))
	}
	for _, c := range []struct {
		what      string
		n, list   uint64
		groups    []uint32
		want      uint64
		unchanged bool
	}{
		{"a gid of -1", 1, buf, []uint32{0xffffffff}, ret(abi.EINVAL), true},
		{"65537 groups", abi.NGROUPS_MAX + 1, buf, nil, ret(abi.EINVAL), true},
		{"a negative count", uint64(0xffffffff), buf, nil, ret(abi.EINVAL), true},
		{"a bad pointer", 2, 8, nil, ret(abi.EFAULT), true},
		{"no groups", 0, 0, nil, 0, false},
	} {
		if c.groups != nil {
			put(c.groups...)
		}
		if got := task.call(abi.SYS_SETGROUPS, c.n, c.list); got != c.want {
			t.Errorf("setgroups with %s = %d, want %d", c.what, int64(got), int64(c.want))
		}
		if n := len(task.p.creds().Groups); c.unchanged && n != 3 {
			t.Errorf("setgroups with %s changed the groups (%d)", c.what, n)
		}
	}
	if got := task.call(abi.SYS_GETGROUPS, 1, buf); got != 0 {
		t.Errorf("getgroups with no groups = %d, want 0", int64(got))
	}
	task.call(abi.SYS_SETRESUID, 1, 1, 1)
	if got := task.call(abi.SYS_SETGROUPS, 0, 0); got != ret(abi.EPERM) {
		t.Errorf("setgroups as uid 1 = %d, want EPERM", int64(got))
	}
}

// TestGetresAndCaps: getresuid/getresgid write the three ids; capget and
// /proc/self/status follow the ids.
func TestGetresAndCaps(t *testing.T) {
	task := credTask(t, &Creds{UID: 1000, GID: 1001, Groups: []uint32{1001, 27}})
	buf := scratch(t, task)
	mem := task.mem()
	read := func(off uint64) uint32 {
		b := make([]byte, 4)
		mem.Read(buf+off, b)
		return binary.LittleEndian.Uint32(b)
	}
	if got := task.call(abi.SYS_GETRESGID, buf, buf+4, buf+8); got != 0 || read(0) != 1001 || read(4) != 1001 || read(8) != 1001 {
		t.Errorf("getresgid = %d: %d %d %d", int64(got), read(0), read(4), read(8))
	}
	if got := task.call(abi.SYS_GETRESUID, buf, buf+4, 8); got != ret(abi.EFAULT) || read(0) != 1000 || read(4) != 1000 {
		t.Errorf("getresuid with a bad third pointer = %d (ids %d %d), want EFAULT after the first two", int64(got), read(0), read(4))
	}
	mem.Write(buf, []byte{0x22, 0x05, 0x08, 0x20}) // _LINUX_CAPABILITY_VERSION_3
	if got := task.call(abi.SYS_CAPGET, buf, buf+16); got != 0 {
		t.Fatalf("capget: %d", int64(got))
	}
	for off := uint64(16); off < 40; off += 4 {
		if v := read(off); v != 0 {
			t.Errorf("capget of uid 1000: word at %d is %#x, want no capabilities", off-16, v)
		}
	}
	c := procView{task.p}.Creds()
	if c.UID != 1000 || c.FSUID != 1000 || c.GID != 1001 || c.FSGID != 1001 || !reflect.DeepEqual(c.Groups, []uint32{27, 1001}) || c.CapEff != 0 || c.CapPrm != 0 {
		t.Errorf("/proc creds %+v", c)
	}
	root := credentialsOf(nil)
	if prm, eff := root.caps(); prm == 0 || eff != prm {
		t.Errorf("root's capabilities %#x %#x, want all", prm, eff)
	}
	root.FSUID = 1
	if _, eff := root.caps(); eff&(1<<abi.CAP_DAC_OVERRIDE) != 0 || eff&(1<<7) == 0 {
		t.Errorf("fsuid 1: effective %#x, want CAP_SETUID without CAP_DAC_OVERRIDE", eff)
	}
}

// TestCredsCarried: what fork, exec and a spawned program get.
func TestCredsCarried(t *testing.T) {
	c := &Credentials{UID: 0, EUID: 1000, SUID: 0, FSUID: 5, GID: 7, EGID: 8, SGID: 9, FSGID: 10, Groups: []uint32{3, 4}}
	// fork: all of them, through the JSON of ForkState.
	b, err := json.Marshal(ForkState{Cred: *c})
	if err != nil {
		t.Fatal(err)
	}
	var fs ForkState
	if err := json.Unmarshal(b, &fs); err != nil || !reflect.DeepEqual(&fs.Cred, c) {
		t.Errorf("ForkState carries %+v, want %+v (%v)", fs.Cred, *c, err)
	}
	// exec: saved and file-system ids become the effective ones.
	want := &Credentials{UID: 0, EUID: 1000, SUID: 1000, FSUID: 1000, GID: 7, EGID: 8, SGID: 8, FSGID: 8, Groups: []uint32{3, 4}}
	if got := c.afterExec(); !reflect.DeepEqual(got, want) {
		t.Errorf("after exec %+v, want %+v", got, want)
	}
	// a spawned program (vfork + exec): the same, through ChildSpec.Creds.
	b, _ = json.Marshal(ChildSpec{Creds: c.execCreds()})
	var spec ChildSpec
	json.Unmarshal(b, &spec)
	if got := credentialsOf(spec.Creds); !reflect.DeepEqual(got, want) {
		t.Errorf("spawned with %+v, want %+v", got, want)
	}
	if got := credentialsOf(&Creds{UID: 1, GID: 2, Groups: []uint32{9, 2, 5}}); !reflect.DeepEqual(got.Groups, []uint32{2, 5, 9}) ||
		got.EUID != 1 || got.SUID != 1 || got.FSUID != 1 || got.EGID != 2 || got.FSGID != 2 {
		t.Errorf("Config.Creds 1:2 gives %+v", got)
	}
}

// TestProcStatusOfUser: /proc/self/status shows a user's ids and groups.
func TestProcStatusOfUser(t *testing.T) {
	task := credTask(t, &Creds{UID: 1000, GID: 1000, Groups: []uint32{1000, 27}})
	view := task.p.fs.root()
	f, e := view.Open(nil, "/proc/self/status", abi.O_RDONLY, 0)
	if e != 0 {
		t.Fatalf("open /proc/self/status as uid 1000: %v", e)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := f.Synthetic().ReadAt(buf, 0)
	s := string(buf[:n])
	if st, e := view.Stat(nil, "/proc/self/fd"); e != 0 || st.Uid != 1000 || st.Gid != 1000 {
		t.Errorf("/proc/self/fd: owner %d:%d (%v), want the process's 1000:1000", st.Uid, st.Gid, e)
	}
	if _, e := view.OpenDir(nil, "/proc/self/fd"); e != 0 {
		t.Errorf("the process's own /proc/self/fd (0500): %v", e)
	}
	for _, line := range []string{"\nUid:\t1000\t1000\t1000\t1000\n", "\nGid:\t1000\t1000\t1000\t1000\n", "\nGroups:\t27 1000 \n", "\nCapEff:\t0000000000000000\n"} {
		if !strings.Contains(s, line) {
			t.Errorf("/proc/self/status lacks %q:\n%s", line, s)
		}
	}
}
