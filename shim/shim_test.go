package shim

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/containerd/containerd/api/events"
	eventsapi "github.com/containerd/containerd/api/services/ttrpc/events/v1"
	"github.com/containerd/containerd/api/types"
	"github.com/containerd/ttrpc"
	"github.com/containerd/typeurl/v2"
	"github.com/opencontainers/runtime-spec/specs-go/features"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/carrick-go/carrick/runtime"
)

func TestSocketPath(t *testing.T) {
	a := socketPath("/run/containerd/containerd.sock", "default", "c1")
	if !strings.HasPrefix(a, "/run/containerd/s/") || len(a) != len("/run/containerd/s/")+64 {
		t.Fatalf("socket path %s", a)
	}
	if b := socketPath("/run/containerd/containerd.sock", "default", "c2"); b == a {
		t.Fatal("two tasks share a socket")
	}
	long := "/" + strings.Repeat("d", 80) + "/containerd.sock"
	if p := socketPath(long, "ns", "id"); len(p) > 100 || !strings.HasPrefix(p, os.TempDir()) {
		t.Fatalf("long address gives %s (%d bytes)", p, len(p))
	}
}

func TestParseFlags(t *testing.T) {
	f, err := parseFlags([]string{"shim", "-namespace", "n", "-address", "/a.sock", "-publish-binary", "/usr/bin/containerd", "-id", "x", "-debug", "start"}, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	if f.namespace != "n" || f.id != "x" || f.address != "/a.sock" || !f.debug || f.action != "start" {
		t.Fatalf("%+v", f)
	}
	f, err = parseFlags([]string{"shim", "-namespace", "n", "-id", "x", "-bundle", "/b", "delete"}, os.Stderr)
	if err != nil || f.bundle != "/b" || f.action != "delete" {
		t.Fatalf("%+v %v", f, err)
	}
	if _, err := parseFlags([]string{"shim", "-bogus"}, &bytes.Buffer{}); err == nil {
		t.Fatal("an unknown flag was accepted")
	}
}

func TestRuntimeFor(t *testing.T) {
	_, root := runtimeFor("/run/containerd/io.containerd.runtime.v2.task/k8s.io/abc", "k8s.io")
	if root != "/run/containerd/carrick/k8s.io" {
		t.Fatalf("root %s", root)
	}
	_, root = runtimeFor("/elsewhere/abc", "default")
	if root != filepath.Join(os.TempDir(), "carrick-runtime", "default") {
		t.Fatalf("root %s", root)
	}
}

func TestLinkRootfs(t *testing.T) {
	dir := t.TempDir()
	src, target := filepath.Join(dir, "snap"), filepath.Join(dir, "bundle", "rootfs")
	os.MkdirAll(src, 0o755)
	os.MkdirAll(target, 0o755)
	os.WriteFile(filepath.Join(src, "file"), []byte("x"), 0o644)
	if _, err := linkRootfs(&types.Mount{Type: "overlay", Source: "overlay"}, target); err == nil {
		t.Fatal("an overlay was linked")
	}
	if _, err := linkRootfs(&types.Mount{Type: "bind", Source: src, Options: []string{"ro", "rbind"}}, target); err == nil {
		t.Fatal("a read-only bind was linked")
	}
	undo, err := linkRootfs(&types.Mount{Type: "bind", Source: src, Options: []string{"rbind", "rw"}}, target)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(target, "file")); err != nil || string(b) != "x" {
		t.Fatalf("the snapshot is not seen through the rootfs: %q %v", b, err)
	}
	if err := undo(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(target); err != nil || !fi.IsDir() {
		t.Fatalf("rootfs not restored as a directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(src, "file")); err != nil {
		t.Fatal("undo touched the snapshot")
	}
}

func TestExitQueueOrder(t *testing.T) {
	q := newExitQueue()
	var mu sync.Mutex
	var got []int
	done := make(chan struct{})
	go q.run(func(e exit) {
		mu.Lock()
		got = append(got, e.pid)
		if len(got) == 100 {
			close(done)
		}
		mu.Unlock()
		time.Sleep(time.Microsecond) // a slow consumer never blocks push
	})
	for i := 1; i <= 100; i++ {
		q.push(exit{pid: i})
	}
	<-done
	for i, pid := range got {
		if pid != i+1 {
			t.Fatalf("exit %d delivered as %d", i+1, pid)
		}
	}
}

// TestRecordWatcher: the macOS exit source, run here with a pidfd in
// kqueue's place: a record gives the code or 128+signal, no record means
// SIGKILL.
func TestRecordWatcher(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "c"), 0o755)
	q := newExitQueue()
	exits := make(chan exit, 4)
	go q.run(func(e exit) { exits <- e })
	w := recordWatcher{q}
	for _, c := range []struct {
		record string
		want   int
	}{{`{"code":3}`, 3}, {`{"code":0,"signal":15}`, 143}, {"", 137}} {
		cmd := exec.Command("sleep", "0.2")
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pid := cmd.Process.Pid
		if c.record != "" {
			os.WriteFile(runtime.ExitFile(root, "c", pid), []byte(c.record), 0o600)
		}
		w.watch(pid, root, "c")
		go cmd.Wait()
		select {
		case e := <-exits:
			if e.pid != pid || e.status != c.want {
				t.Fatalf("record %q: exit %+v, want pid %d status %d", c.record, e, pid, c.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("record %q: no exit", c.record)
		}
	}
}

// eventsServer is containerd's Events service as far as a shim sees it.
type eventsServer struct {
	mu  sync.Mutex
	got []*types.Envelope
}

func (s *eventsServer) Forward(ctx context.Context, r *eventsapi.ForwardRequest) (*emptypb.Empty, error) {
	s.mu.Lock()
	s.got = append(s.got, r.Envelope)
	s.mu.Unlock()
	return &emptypb.Empty{}, nil
}

func TestPublisher(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "ttrpc.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := ttrpc.NewServer()
	if err != nil {
		t.Fatal(err)
	}
	es := &eventsServer{}
	eventsapi.RegisterTTRPCEventsService(srv, es)
	go srv.Serve(context.Background(), l)
	defer srv.Close()

	p := newPublisher("unix://"+sock, "ns1")
	p.publish(topicCreate, &events.TaskCreate{ContainerID: "c", Pid: 7})
	p.publish(topicStart, &events.TaskStart{ContainerID: "c", Pid: 7})
	p.publish(topicExit, &events.TaskExit{ContainerID: "c", ID: "c", Pid: 7, ExitStatus: 3})
	p.drain(10 * time.Second)

	es.mu.Lock()
	defer es.mu.Unlock()
	if len(es.got) != 3 {
		t.Fatalf("%d events forwarded", len(es.got))
	}
	for i, topic := range []string{topicCreate, topicStart, topicExit} {
		if es.got[i].Topic != topic || es.got[i].Namespace != "ns1" {
			t.Fatalf("event %d: %s in %s", i, es.got[i].Topic, es.got[i].Namespace)
		}
	}
	v, err := typeurl.UnmarshalAny(es.got[2].Event)
	if err != nil {
		t.Fatal(err)
	}
	if ex, ok := v.(*events.TaskExit); !ok || ex.ExitStatus != 3 || ex.Pid != 7 {
		t.Fatalf("exit event decodes as %#v", v)
	}
	if es.got[2].Event.GetTypeUrl() != "containerd.events.TaskExit" {
		t.Fatalf("type url %s", es.got[2].Event.GetTypeUrl())
	}
}

func TestInfo(t *testing.T) {
	var b bytes.Buffer
	if err := printInfo(&b); err != nil {
		t.Fatal(err)
	}
	var info types.RuntimeInfo
	if err := proto.Unmarshal(b.Bytes(), &info); err != nil {
		t.Fatal(err)
	}
	if info.Name != RuntimeName || info.Version.GetVersion() != Version {
		t.Fatalf("%v", &info)
	}
	v, err := typeurl.UnmarshalAny(info.Features)
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := v.(*features.Features); !ok || f.OCIVersionMax == "" {
		t.Fatalf("features decode as %#v", v)
	}
}

func TestLastLogError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "log.json")
	os.WriteFile(p, []byte(`{"level":"info","msg":"x"}
{"level":"error","msg":"first"}
not json
{"level":"error","msg":"container with given ID already exists"}
{"level":"warning","msg":"later"}
`), 0o600)
	if got := lastLogError(p); got != "container with given ID already exists" {
		t.Fatalf("%q", got)
	}
	if lastLogError(filepath.Join(t.TempDir(), "none")) != "" {
		t.Fatal("a missing log has an error")
	}
}

// TestStopServer: delete ends the task's server named by shim.pid, and
// nothing else.
func TestStopServer(t *testing.T) {
	bundle := t.TempDir()
	other := exec.Command("sleep", "30")
	other.Start()
	defer other.Process.Kill()
	os.WriteFile(filepath.Join(bundle, "shim.pid"), []byte(strconv.Itoa(other.Process.Pid)), 0o600)
	stopServer(bundle, "t1")
	time.Sleep(100 * time.Millisecond)
	if err := other.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatal("a process that is not the shim was killed")
	}
	// A process that looks like the task's server (bash's exec -a names it).
	name := "/usr/bin/containerd-shim-carrick-v2 -namespace n -id t1 -address /x"
	srv := exec.Command("/bin/bash", "-c", "exec -a '"+name+"' sleep 30")
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 100; i++ {
		if out, _ := exec.Command("ps", "-o", "args=", "-p", strconv.Itoa(srv.Process.Pid)).Output(); strings.HasPrefix(string(out), name) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	done := make(chan error)
	go func() { done <- srv.Wait() }()
	os.WriteFile(filepath.Join(bundle, "shim.pid"), []byte(strconv.Itoa(srv.Process.Pid)), 0o600)
	stopServer(bundle, "t1")
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		srv.Process.Kill()
		t.Fatal("the task's server was not stopped")
	}
}
