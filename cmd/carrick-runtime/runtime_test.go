package main

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The runc contract, driven through the binary as containerd's shim and
// runtime-tools drive runc: a busybox bundle from the fixtures.

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "carrick-runtime-test-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "carrick-runtime")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

type rt struct {
	t    *testing.T
	root string
	log  string
}

func newRT(t *testing.T) *rt {
	d := t.TempDir()
	r := &rt{t: t, root: filepath.Join(d, "state"), log: filepath.Join(d, "log.json")}
	// However a test ends, no container process outlives it.
	t.Cleanup(func() {
		ids, _, _ := r.run("list", "-q")
		for _, id := range strings.Fields(ids) {
			r.run("delete", "--force", id)
		}
	})
	return r
}

// run runs carrick-runtime with the global flags containerd's shim uses.
func (r *rt) run(args ...string) (stdout, stderr string, code int) {
	cmd := exec.Command(binary, append([]string{"--root", r.root, "--log", r.log, "--log-format", "json"}, args...)...)
	// Files, not pipes Go copies from: a created container keeps the
	// caller's stdio (runc's pass-through), as it keeps containerd's.
	dir := r.t.TempDir()
	o, _ := os.Create(filepath.Join(dir, "stdout"))
	e, _ := os.Create(filepath.Join(dir, "stderr"))
	defer o.Close()
	defer e.Close()
	cmd.Stdout, cmd.Stderr = o, e
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		r.t.Fatal(err)
	}
	ob, _ := os.ReadFile(o.Name())
	eb, _ := os.ReadFile(e.Name())
	return string(ob), string(eb), code
}

func (r *rt) ok(args ...string) string {
	r.t.Helper()
	out, errOut, code := r.run(args...)
	if code != 0 {
		r.t.Fatalf("%v: exit %d: %s", args, code, errOut)
	}
	return out
}

func (r *rt) state(id string) specs.State {
	r.t.Helper()
	var st specs.State
	if err := json.Unmarshal([]byte(r.ok("state", id)), &st); err != nil {
		r.t.Fatalf("state %s: %v", id, err)
	}
	return st
}

func busybox(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("CARRICK_FIXTURES")
	if dir == "" {
		dir = filepath.Join("..", "..", "test", "fixtures", "out")
	}
	root, _ := filepath.Abs(filepath.Join(dir, "rootfs", "busybox"))
	if _, err := os.Stat(root + ".stamp"); err != nil {
		t.Fatalf("fixtures missing (%v): run `make fixtures`", err)
	}
	return root
}

// bundle makes a bundle running args in the busybox root, with a host
// directory bound at /out.
func bundle(t *testing.T, args ...string) (dir, out string) {
	t.Helper()
	dir, out = t.TempDir(), t.TempDir()
	spec := specs.Spec{Version: specs.Version, Root: &specs.Root{Path: busybox(t)},
		Process: &specs.Process{Args: args, Cwd: "/", Env: []string{"PATH=/bin:/usr/bin"}},
		Mounts:  []specs.Mount{{Destination: "/out", Type: "bind", Source: out, Options: []string{"rbind", "rw"}}}}
	data, _ := json.Marshal(spec)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, out
}

// editSpec changes the bundle's config.json.
func editSpec(t *testing.T, b string, edit func(s *specs.Spec)) {
	t.Helper()
	var s specs.Spec
	data, err := os.ReadFile(filepath.Join(b, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	edit(&s)
	data, _ = json.Marshal(s)
	if err := os.WriteFile(filepath.Join(b, "config.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func waitStatus(t *testing.T, r *rt, id, want string) specs.State {
	t.Helper()
	for i := 0; i < 500; i++ {
		if st := r.state(id); string(st.Status) == want {
			return st
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s never became %s", id, want)
	return specs.State{}
}

// TestLifecycle: create → created (the program has not run, the pid file
// names the init) → start → it runs → stopped (pid 0) → delete → gone.
func TestLifecycle(t *testing.T) {
	r := newRT(t)
	b, out := bundle(t, "sh", "-c", "echo ran as $$ > /out/ran")
	pidFile := filepath.Join(t.TempDir(), "init.pid")
	r.ok("create", "--bundle", b, "--pid-file", pidFile, "c1")
	st := r.state("c1")
	pid, _ := os.ReadFile(pidFile)
	if st.Status != specs.StateCreated || st.Pid <= 0 || string(pid) != strconv.Itoa(st.Pid) || st.Bundle != b || st.ID != "c1" {
		t.Fatalf("after create: %+v, pid file %q", st, pid)
	}
	if _, err := os.Stat(filepath.Join(out, "ran")); err == nil {
		t.Fatal("the program ran before start")
	}
	r.ok("start", "c1")
	waitStatus(t, r, "c1", "stopped")
	if got, _ := os.ReadFile(filepath.Join(out, "ran")); string(got) != "ran as 1\n" {
		t.Fatalf("the program wrote %q, want it to run as pid 1", got)
	}
	if st := r.state("c1"); st.Pid != 0 {
		t.Fatalf("stopped with pid %d", st.Pid)
	}
	if _, e, code := r.run("start", "c1"); code == 0 || !strings.Contains(e, "cannot start a container that has stopped") {
		t.Fatalf("start of a stopped container: %d %s", code, e)
	}
	r.ok("delete", "c1")
	if _, e, code := r.run("state", "c1"); code == 0 || !strings.Contains(e, "does not exist") {
		t.Fatalf("state after delete: %d %s", code, e)
	}
	// containerd reads the last error line of the JSON log.
	data, _ := os.ReadFile(r.log)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	var last struct{ Level, Msg, Time string }
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Level != "error" || !strings.Contains(last.Msg, "does not exist") {
		t.Fatalf("log's last line %q: %v", lines[len(lines)-1], err)
	}
}

// TestKillAndDelete: kill reaches a created container's init and a running
// one's; delete refuses a running container unless forced.
func TestKillAndDelete(t *testing.T) {
	r := newRT(t)
	b, _ := bundle(t, "sleep", "60")
	r.ok("create", "--bundle", b, "created")
	r.ok("kill", "created", "KILL")
	waitStatus(t, r, "created", "stopped")
	r.ok("delete", "created")

	r.ok("create", "--bundle", b, "running")
	r.ok("start", "running")
	waitStatus(t, r, "running", "running")
	if _, e, code := r.run("delete", "running"); code == 0 || !strings.Contains(e, "not stopped") {
		t.Fatalf("delete of a running container: %d %s", code, e)
	}
	// As under runc, the container's pid 1 ignores a signal it has no
	// handler for (sleep and SIGTERM); SIGKILL ends it.
	r.ok("kill", "running", "SIGTERM")
	time.Sleep(300 * time.Millisecond)
	waitStatus(t, r, "running", "running")
	r.ok("kill", "running", "KILL")
	waitStatus(t, r, "running", "stopped")
	if _, e, code := r.run("kill", "running", "9"); code == 0 || !strings.Contains(e, "not running") {
		t.Fatalf("kill of a stopped container: %d %s", code, e)
	}
	r.ok("delete", "running")

	r.ok("create", "--bundle", b, "forced")
	r.ok("start", "forced")
	r.ok("delete", "--force", "forced")
	r.ok("delete", "--force", "never-existed")
}

// TestRunExitCode: run in the foreground exits with the container's code,
// and the container's stdout is the caller's.
func TestRunExitCode(t *testing.T) {
	r := newRT(t)
	b, _ := bundle(t, "sh", "-c", "echo out; echo err >&2; exit 3")
	o, e, code := r.run("run", "--bundle", b, "r1")
	if code != 3 || o != "out\n" || !strings.Contains(e, "err") {
		t.Fatalf("run: exit %d, stdout %q, stderr %q", code, o, e)
	}
	if list := r.ok("list", "--format", "json"); strings.TrimSpace(list) != "[]" {
		t.Fatalf("run left %s", list)
	}
}

// TestBadBundles: runc-like errors, and nothing left behind.
func TestBadBundles(t *testing.T) {
	r := newRT(t)
	good, _ := bundle(t, "true")
	write := func(content string) string {
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, "config.json"), []byte(content), 0o644)
		return d
	}
	spec := func(version, root string) string {
		data, _ := json.Marshal(specs.Spec{Version: version, Root: &specs.Root{Path: root},
			Process: &specs.Process{Args: []string{"true"}, Cwd: "/"}})
		return string(data)
	}
	for _, c := range []struct {
		name, bundle, want string
	}{
		{"no config.json", t.TempDir(), "config.json not found"},
		{"invalid JSON", write("{"), "parse"},
		{"missing rootfs", write(spec(specs.Version, "/nonexistent/rootfs")), "rootfs (/nonexistent/rootfs) does not exist"},
		{"wrong ociVersion", write(spec("2.0.0", busybox(t))), "unsupported spec version"},
		{"bad id", good, "invalid container ID"},
	} {
		id := "bad"
		if c.name == "bad id" {
			id = "../escape"
		}
		if _, e, code := r.run("create", "--bundle", c.bundle, id); code != 1 || !strings.Contains(e, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want 1 and %q", c.name, code, e, c.want)
		}
	}
	if list := r.ok("list", "-q"); list != "" {
		t.Fatalf("failed creates left %q", list)
	}
	r.ok("create", "--bundle", good, "dup")
	if _, e, code := r.run("create", "--bundle", good, "dup"); code == 0 || !strings.Contains(e, "already exists") {
		t.Fatalf("duplicate id: %d %s", code, e)
	}
	r.ok("delete", "dup")
}

// TestSpecAndFeatures: spec writes a config carrick runs; features is the
// runtime-spec document.
func TestSpecAndFeatures(t *testing.T) {
	r := newRT(t)
	d := t.TempDir()
	r.ok("spec", "--bundle", d)
	var s specs.Spec
	data, _ := os.ReadFile(filepath.Join(d, "config.json"))
	if err := json.Unmarshal(data, &s); err != nil || s.Version != specs.Version || s.Process.Args[0] != "sh" || s.Root.Path != "rootfs" {
		t.Fatalf("spec wrote %s: %v", data, err)
	}
	if _, e, code := r.run("spec", "--bundle", d); code == 0 || !strings.Contains(e, "exists") {
		t.Fatalf("spec over an existing config: %d %s", code, e)
	}
	var f struct {
		OCIVersionMin string `json:"ociVersionMin"`
		OCIVersionMax string `json:"ociVersionMax"`
	}
	if err := json.Unmarshal([]byte(r.ok("features")), &f); err != nil || f.OCIVersionMin != "1.0.0" || f.OCIVersionMax != specs.Version {
		t.Fatalf("features: %+v %v", f, err)
	}
}

// TestConsoleSocket: with terminal: true, create sends the pty master to
// the console socket before it exits (one message, one SCM_RIGHTS fd),
// and a shell in the container talks through it.
func TestConsoleSocket(t *testing.T) {
	r := newRT(t)
	// Not an interactive shell: busybox ash's job control needs
	// TIOCSPGRP, which the emulation does not have yet (issue 8's ttys).
	b, _ := bundle(t, "sh", "-c", `printf 'ready> '; read x; echo got-$x-$((6*7)); exit 7`)
	var s specs.Spec
	data, _ := os.ReadFile(filepath.Join(b, "config.json"))
	json.Unmarshal(data, &s)
	s.Process.Terminal = true
	data, _ = json.Marshal(s)
	os.WriteFile(filepath.Join(b, "config.json"), data, 0o644)

	sock := filepath.Join(t.TempDir(), "pty.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, e, code := r.run("create", "--bundle", b, "tty"); code == 0 || !strings.Contains(e, "console socket") {
		t.Fatalf("a terminal without a console socket: %d %s", code, e)
	}
	r.ok("create", "--bundle", b, "--console-socket", sock, "tty")
	conn, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	buf, oob := make([]byte, 4096), make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := conn.(*net.UnixConn).ReadMsgUnix(buf, oob)
	conn.Close()
	if err != nil || oobn != unix.CmsgSpace(4) {
		t.Fatalf("console message: %v, %d bytes of control data", err, oobn)
	}
	msgs, _ := unix.ParseSocketControlMessage(oob[:oobn])
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 || !strings.HasPrefix(string(buf[:n]), "/dev/") {
		t.Fatalf("rights %v %v, name %q", fds, err, buf[:n])
	}
	master := os.NewFile(uintptr(fds[0]), "master")
	defer master.Close()
	if _, err := unix.IoctlGetWinsize(fds[0], unix.TIOCGWINSZ); err != nil {
		t.Fatalf("the fd is not a terminal: %v", err)
	}
	r.ok("start", "tty")
	var mu sync.Mutex
	var all []byte
	go func() {
		b := make([]byte, 1024)
		for {
			n, err := master.Read(b)
			mu.Lock()
			all = append(all, b[:n]...)
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	waitFor := func(want string) {
		t.Helper()
		for i := 0; i < 3000; i++ {
			mu.Lock()
			ok := strings.Contains(string(all), want)
			mu.Unlock()
			if ok {
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("no %q through the pty; read %q", want, all)
	}
	waitFor("ready> ")
	master.Write([]byte("abc\n"))
	// The line comes back as the terminal echoes it (ICRNL, ONLCR), then
	// the program's answer.
	waitFor("abc\r\ngot-abc-42\r\n")
	waitStatus(t, r, "tty", "stopped")
	r.ok("delete", "tty")
}

// TestHooks: every hook point runs on the host, in order, with the
// container's state on stdin (creating, creating, created, running,
// stopped); a failing or timed-out createRuntime hook fails create and
// leaves nothing.
func TestHooks(t *testing.T) {
	r := newRT(t)
	b, _ := bundle(t, "true")
	log := filepath.Join(t.TempDir(), "hooks.log")
	hook := func(name string) specs.Hook {
		return specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c", `printf '%s ' "$0" >> ` + log + `; cat >> ` + log + `; echo >> ` + log, name},
			Env: []string{"HOOKVAR=1"}}
	}
	var s specs.Spec
	data, _ := os.ReadFile(filepath.Join(b, "config.json"))
	json.Unmarshal(data, &s)
	s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{hook("createRuntime")}, CreateContainer: []specs.Hook{hook("createContainer")},
		StartContainer: []specs.Hook{hook("startContainer")}, Poststart: []specs.Hook{hook("poststart")}, Poststop: []specs.Hook{hook("poststop")}}
	data, _ = json.Marshal(s)
	os.WriteFile(filepath.Join(b, "config.json"), data, 0o644)

	r.ok("create", "--bundle", b, "h")
	r.ok("start", "h")
	waitStatus(t, r, "h", "stopped")
	r.ok("delete", "h")
	got, _ := os.ReadFile(log)
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	want := [][2]string{{"createRuntime", "creating"}, {"createContainer", "creating"}, {"startContainer", "created"}, {"poststart", "running"}, {"poststop", "stopped"}}
	if len(lines) != len(want) {
		t.Fatalf("hooks ran %d times:\n%s", len(lines), got)
	}
	for i, l := range lines {
		name, js, _ := strings.Cut(l, " ")
		var st specs.State
		if err := json.Unmarshal([]byte(js), &st); err != nil || name != want[i][0] || string(st.Status) != want[i][1] || st.ID != "h" || st.Bundle != b {
			t.Fatalf("hook %d: %s %+v %v, want %v", i, name, st, err, want[i])
		}
	}

	one := 1
	for _, bad := range []specs.Hook{
		{Path: "/bin/sh", Args: []string{"sh", "-c", "echo no >&2; exit 2"}},
		{Path: "/bin/sh", Args: []string{"sh", "-c", "sleep 30"}, Timeout: &one},
	} {
		s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{bad}}
		data, _ = json.Marshal(s)
		os.WriteFile(filepath.Join(b, "config.json"), data, 0o644)
		t0 := time.Now()
		if _, e, code := r.run("create", "--bundle", b, "bad"); code == 0 || !strings.Contains(e, "createRuntime hook") || time.Since(t0) > 20*time.Second {
			t.Fatalf("failing hook: exit %d after %v: %s", code, time.Since(t0), e)
		}
		if list := r.ok("list", "-q"); list != "" {
			t.Fatalf("a failed create left %q", list)
		}
	}
}

// TestExec: a process exec'd into a running container joins its pid
// namespace (pid 2, the init is pid 1), sees its file view and mounts, and
// its exit code is exec's; -d writes the host pid; exec into a stopped
// container fails with 255, as runc's.
func TestExec(t *testing.T) {
	r := newRT(t)
	b, out := bundle(t, "sleep", "60")
	os.WriteFile(filepath.Join(out, "marker"), []byte("from the host\n"), 0o644)
	r.ok("create", "--bundle", b, "x")
	r.ok("start", "x")
	o := r.ok("exec", "x", "sh", "-c", `echo pid=$$; cat /out/marker; tr '\0' ' ' < /proc/1/cmdline`)
	if o != "pid=2\nfrom the host\nsleep 60 " {
		t.Fatalf("exec printed %q", o)
	}
	if _, _, code := r.run("exec", "--env", "CODE=4", "x", "sh", "-c", "exit $CODE"); code != 4 {
		t.Fatalf("exec exit code %d, want 4", code)
	}
	proc := filepath.Join(t.TempDir(), "process.json")
	data, _ := json.Marshal(specs.Process{Args: []string{"sh", "-c", "echo detached > /out/detached"}, Cwd: "/", Env: []string{"PATH=/bin"}})
	os.WriteFile(proc, data, 0o644)
	pidFile := filepath.Join(t.TempDir(), "exec.pid")
	r.ok("exec", "--process", proc, "--detach", "--pid-file", pidFile, "x")
	if pid, err := os.ReadFile(pidFile); err != nil || len(pid) == 0 {
		t.Fatalf("exec pid file %q %v", pid, err)
	}
	for i := 0; i < 500; i++ {
		if got, _ := os.ReadFile(filepath.Join(out, "detached")); string(got) == "detached\n" {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "detached")); string(got) != "detached\n" {
		t.Fatalf("the detached exec wrote %q", got)
	}
	r.ok("kill", "x", "KILL")
	waitStatus(t, r, "x", "stopped")
	if _, e, code := r.run("exec", "x", "true"); code != 255 || !strings.Contains(e, "stopped") {
		t.Fatalf("exec into a stopped container: %d %s", code, e)
	}
	r.ok("delete", "x")
}

// TestPsPauseResume: ps lists the host pids of every process of the
// container (init first, exec'd ones too); pause stops them all, resume
// continues them; kill --all reaches every one.
func TestPsPauseResume(t *testing.T) {
	r := newRT(t)
	b, out := bundle(t, "sh", "-c", "while true; do date +%s%N > /out/tick; sleep 0.05; done")
	r.ok("create", "--bundle", b, "p")
	r.ok("start", "p")
	r.ok("exec", "--detach", "p", "sleep", "60")
	var pids []int
	for i := 0; i < 200; i++ {
		pids = nil
		json.Unmarshal([]byte(r.ok("ps", "--format", "json", "p")), &pids)
		if len(pids) >= 3 { // init, its sleep, the exec'd sleep
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	st := r.state("p")
	if len(pids) < 3 || pids[0] != st.Pid {
		t.Fatalf("ps: %v (init %d)", pids, st.Pid)
	}
	r.ok("pause", "p")
	if st := r.state("p"); st.Status != "paused" {
		t.Fatalf("after pause: %s", st.Status)
	}
	time.Sleep(200 * time.Millisecond)
	t1, _ := os.ReadFile(filepath.Join(out, "tick"))
	time.Sleep(300 * time.Millisecond)
	t2, _ := os.ReadFile(filepath.Join(out, "tick"))
	if string(t1) != string(t2) {
		t.Fatalf("the container ran while paused: %q then %q", t1, t2)
	}
	r.ok("resume", "p")
	waitStatus(t, r, "p", "running")
	for i := 0; i < 250; i++ {
		if t3, _ := os.ReadFile(filepath.Join(out, "tick")); string(t3) != string(t2) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if t3, _ := os.ReadFile(filepath.Join(out, "tick")); string(t3) == string(t2) {
		t.Fatal("the container did not continue after resume")
	}
	r.ok("kill", "--all", "p", "KILL")
	waitStatus(t, r, "p", "stopped")
	for _, pid := range pids {
		if _, err := os.Stat(filepath.Join("/proc", strconv.Itoa(pid))); err == nil {
			if data, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat")); !strings.Contains(string(data), ") Z") {
				t.Errorf("process %d outlived kill --all", pid)
			}
		}
	}
	r.ok("delete", "p")
}

// TestProcessConfig: hostname, rlimits and noNewPrivileges of config.json
// reach the container's process and survive its shell's exec of a child.
func TestProcessConfig(t *testing.T) {
	r := newRT(t)
	b, _ := bundle(t, "sh", "-c", `hostname; ulimit -n; sh -c 'ulimit -n; grep NoNewPrivs /proc/self/status'`)
	var s specs.Spec
	data, _ := os.ReadFile(filepath.Join(b, "config.json"))
	json.Unmarshal(data, &s)
	s.Hostname = "box"
	s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Soft: 256, Hard: 512}}
	s.Process.NoNewPrivileges = true
	data, _ = json.Marshal(s)
	os.WriteFile(filepath.Join(b, "config.json"), data, 0o644)
	o, e, code := r.run("run", "--bundle", b, "cfg")
	if code != 0 || o != "box\n256\n256\nNoNewPrivs:\t1\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, o, e)
	}
	s.Process.Rlimits = []specs.POSIXRlimit{{Type: "RLIMIT_BOGUS", Soft: 1, Hard: 1}}
	data, _ = json.Marshal(s)
	os.WriteFile(filepath.Join(b, "config.json"), data, 0o644)
	if _, e, code := r.run("create", "--bundle", b, "cfg2"); code == 0 || !strings.Contains(e, "RLIMIT_BOGUS") {
		t.Fatalf("unknown rlimit: %d %s", code, e)
	}
}

// TestReadonlyRoot: root.readonly makes writes to the root fail with
// EROFS, while a read-write bind mount stays writable, for the container's
// children too.
func TestReadonlyRoot(t *testing.T) {
	r := newRT(t)
	b, out := bundle(t, "sh", "-c", `echo x > /x; sh -c 'echo y > /out/y'`)
	var s specs.Spec
	data, _ := os.ReadFile(filepath.Join(b, "config.json"))
	json.Unmarshal(data, &s)
	s.Root.Readonly = true
	data, _ = json.Marshal(s)
	os.WriteFile(filepath.Join(b, "config.json"), data, 0o644)
	_, e, code := r.run("run", "--bundle", b, "ro")
	if code != 0 || !strings.Contains(e, "Read-only file system") {
		t.Fatalf("exit %d, stderr %q", code, e)
	}
	if got, _ := os.ReadFile(filepath.Join(out, "y")); string(got) != "y\n" {
		t.Fatalf("the bind mount got %q", got)
	}
}

// TestPreserveFds: --preserve-fds 1 hands the caller's fd 3 to the
// container as its fd 3.
func TestPreserveFds(t *testing.T) {
	r := newRT(t)
	b, _ := bundle(t, "sh", "-c", "echo via-fd3 >&3")
	f, err := os.Create(filepath.Join(t.TempDir(), "fd3"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(binary, "--root", r.root, "run", "--preserve-fds", "1", "--bundle", b, "pf")
	cmd.ExtraFiles = []*os.File{f}
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if got, _ := os.ReadFile(f.Name()); string(got) != "via-fd3\n" {
		t.Fatalf("fd 3 got %q", got)
	}
}
