package shim

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	taskapi "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/containerd/api/types"
	runc "github.com/containerd/go-runc"
	"github.com/containerd/ttrpc"
	"github.com/containerd/typeurl/v2"
	"github.com/opencontainers/runtime-spec/specs-go/features"
	"github.com/sirupsen/logrus"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/carrick-go/carrick/runtime"
)

// RuntimeName is the runtime type containerd users name.
const RuntimeName = "io.containerd.carrick.v2"

func init() {
	// As containerd's runc shim does, so that -info's Features decode.
	typeurl.Register(&features.Features{}, "github.com/opencontainers/runtime-spec/specs-go/features", "Features")
}

// flags are the shim's command line (containerd's runtime v2 contract).
type flags struct {
	namespace, id, address, publishBinary, bundle string
	debug, version, info, noSubreaper             bool
	action                                        string
}

func parseFlags(args []string, stderr io.Writer) (*flags, error) {
	f := &flags{}
	fs := flag.NewFlagSet(filepath.Base(args[0]), flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.namespace, "namespace", "", "namespace of the task")
	fs.StringVar(&f.id, "id", "", "id of the task")
	fs.StringVar(&f.address, "address", "", "containerd's grpc socket")
	fs.StringVar(&f.publishBinary, "publish-binary", "", "containerd binary (events go to $TTRPC_ADDRESS)")
	fs.StringVar(&f.bundle, "bundle", "", "the task's bundle (delete)")
	fs.BoolVar(&f.debug, "debug", false, "debug logging")
	fs.BoolVar(&f.version, "v", false, "print the version")
	fs.BoolVar(&f.version, "version", false, "print the version")
	fs.BoolVar(&f.info, "info", false, "print the runtime info (protobuf RuntimeInfo)")
	fs.BoolVar(&f.noSubreaper, "no-subreaper", false, "learn exits from exit records, as on macOS (tests)")
	if err := fs.Parse(args[1:]); err != nil {
		return nil, err
	}
	f.action = fs.Arg(0)
	return f, nil
}

// Main runs the shim with os.Args-style args and returns the exit code.
func Main(args []string) int {
	f, err := parseFlags(args, os.Stderr)
	if err != nil {
		return 2
	}
	switch {
	case f.version:
		fmt.Printf("%s:\n  Version: %s\n  Runtime: %s\n", filepath.Base(args[0]), Version, RuntimeName)
		return 0
	case f.info:
		err = printInfo(os.Stdout)
	case f.action == "start":
		err = start(f)
	case f.action == "delete":
		err = deleteAction(f)
	case f.action == "":
		err = serve(f)
	default:
		err = fmt.Errorf("unknown action %q", f.action)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", filepath.Base(args[0]), err)
		return 1
	}
	return 0
}

func printInfo(w io.Writer) error {
	feat, err := typeurl.MarshalAnyToProto(runtime.Features())
	if err != nil {
		return err
	}
	data, err := proto.Marshal(&types.RuntimeInfo{Name: RuntimeName,
		Version: &types.RuntimeVersion{Version: Version}, Features: feat})
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// socketPath is where the shim of task ns/id listens: next to containerd's
// socket, in s/, named by a hash (runc's shim does the same under
// /run/containerd/s). Unix socket paths are short (104 bytes on macOS); a
// long one moves to the temporary directory.
func socketPath(address, ns, id string) string {
	sum := sha256.Sum256([]byte(address + "/" + ns + "/" + id))
	name := hex.EncodeToString(sum[:])
	p := filepath.Join(filepath.Dir(address), "s", name)
	if len(p) > 100 {
		p = filepath.Join(os.TempDir(), "carrick-shim-"+strconv.Itoa(os.Getuid()), name[:32])
	}
	return p
}

// start is the `start` action: it starts the long-lived shim for the task
// with its listening socket as fd 3, records the address in the bundle
// and prints it.
func start(f *flags) error {
	if fi, err := os.Stdin.Stat(); err == nil && fi.Mode()&os.ModeCharDevice == 0 {
		// The runtime options (1.6/1.7) or BootstrapParams (2.3+): the
		// task's Create carries the options again.
		io.Copy(io.Discard, os.Stdin)
	}
	if f.id == "" || f.namespace == "" || f.address == "" {
		return errors.New("start: -namespace, -id and -address are required")
	}
	path := socketPath(f.address, f.namespace, f.id)
	if c, err := net.Dial("unix", path); err == nil {
		c.Close()
		return fmt.Errorf("start: a shim already listens on %s", path)
	}
	os.Remove(path)
	if err := os.MkdirAll(filepath.Dir(path), 0o711); err != nil {
		return err
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return err
	}
	// The server keeps the socket; closing this copy must not unlink it.
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	defer l.Close()
	lf, err := l.(*net.UnixListener).File()
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	args := []string{"-namespace", f.namespace, "-id", f.id, "-address", f.address}
	if f.publishBinary != "" {
		args = append(args, "-publish-binary", f.publishBinary)
	}
	if f.debug {
		args = append(args, "-debug")
	}
	if f.noSubreaper {
		args = append(args, "-no-subreaper")
	}
	cmd := exec.Command(self, args...)
	cmd.ExtraFiles = []*os.File{lf}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		os.Remove(path)
		return err
	}
	lf.Close()
	addr := "unix://" + path
	if err := os.WriteFile("address", []byte(addr), 0o600); err != nil {
		cmd.Process.Kill()
		return err
	}
	os.WriteFile("shim.pid", []byte(strconv.Itoa(cmd.Process.Pid)), 0o600)
	cmd.Process.Release()
	fmt.Print(addr)
	return nil
}

// runtimeFor finds carrick-runtime (beside the shim, else in PATH) and
// its state directory for the bundle: <containerd state>/carrick/<ns>
// when the bundle is containerd's, so that each containerd keeps its own.
func runtimeFor(bundle, ns string) (bin, root string) {
	bin = "carrick-runtime"
	if self, err := os.Executable(); err == nil {
		if p := filepath.Join(filepath.Dir(self), bin); fileExists(p) {
			bin = p
		}
	}
	tasks := filepath.Dir(filepath.Dir(bundle))
	if filepath.Base(tasks) == "io.containerd.runtime.v2.task" {
		return bin, filepath.Join(filepath.Dir(tasks), "carrick", ns)
	}
	return bin, filepath.Join(os.TempDir(), "carrick-runtime", ns)
}

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// serve is the long-lived shim: the task service on fd 3 until Shutdown.
func serve(f *flags) error {
	if log, err := os.OpenFile("log", os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
		// containerd reads the bundle's log fifo and copies it to its own
		// log.
		syscall.SetNonblock(int(log.Fd()), false)
		redirectStderr(log)
	}
	logrus.SetOutput(os.Stderr)
	logrus.SetFormatter(&logrus.TextFormatter{FullTimestamp: true})
	if f.debug {
		logrus.SetLevel(logrus.DebugLevel)
	}
	l, err := net.FileListener(os.NewFile(3, "socket"))
	if err != nil {
		return fmt.Errorf("listener on fd 3: %w", err)
	}
	cwd, _ := os.Getwd()
	bin, root := runtimeFor(cwd, f.namespace)
	svc, err := NewService(Config{Namespace: f.namespace, ID: f.id, Runtime: bin, Root: root,
		TTRPCAddress: os.Getenv("TTRPC_ADDRESS"), NoSubreaper: f.noSubreaper})
	if err != nil {
		return err
	}
	server, err := ttrpc.NewServer(serverOptions()...)
	if err != nil {
		return err
	}
	taskapi.RegisterTTRPCTaskService(server, svc)
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP, syscall.SIGPIPE)
	go func() {
		if err := server.Serve(context.Background(), l); err != nil && !errors.Is(err, ttrpc.ErrServerClosed) {
			logrus.WithError(err).Error("ttrpc server")
		}
	}()
	<-svc.Done()
	svc.Drain()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	server.Shutdown(ctx)
	if a, ok := l.Addr().(*net.UnixAddr); ok {
		os.Remove(a.Name)
	}
	return nil
}

// deleteAction is the `delete` action, run by containerd when the shim is
// gone: the container is deleted by force, its rootfs let go, and the
// DeleteResponse printed.
func deleteAction(f *flags) error {
	bundle := f.bundle
	if bundle == "" {
		bundle, _ = os.Getwd()
	}
	bin, root := runtimeFor(bundle, f.namespace)
	rt := &runc.Runc{Command: bin, Root: root, Log: filepath.Join(bundle, "log.json"), LogFormat: runc.JSON}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := rt.Delete(ctx, f.id, &runc.DeleteOpts{Force: true}); err != nil {
		logrus.WithError(err).Warn("delete")
	}
	stopServer(bundle, f.id)
	if err := releaseRootfs(filepath.Join(bundle, "rootfs")); err != nil {
		logrus.WithError(err).Warn("rootfs")
	}
	pid, _ := readPid(filepath.Join(bundle, "init.pid"))
	data, err := proto.Marshal(&taskapi.DeleteResponse{Pid: uint32(pid), ExitStatus: 128 + 9, ExitedAt: timestamppb.Now()})
	if err != nil {
		return err
	}
	_, err = os.Stdout.Write(data)
	return err
}

// stopServer ends the task's server if it still runs: containerd runs
// delete when it lost the shim, and a server it never reached (a start
// that failed after the server was spawned) would otherwise live on. The
// pid in the bundle is checked to be that server before it is killed.
func stopServer(bundle, id string) {
	pid, err := readPid(filepath.Join(bundle, "shim.pid"))
	if err != nil || pid == os.Getpid() {
		return
	}
	out, err := exec.Command("ps", "-o", "args=", "-p", strconv.Itoa(pid)).Output()
	if err != nil || !strings.Contains(string(out), "containerd-shim") || !strings.Contains(string(out), " -id "+id+" ") {
		return
	}
	syscall.Kill(pid, syscall.SIGKILL)
}

// releaseRootfs undoes mountRootfs without knowing the mounts.
func releaseRootfs(target string) error {
	if fi, err := os.Lstat(target); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		if err := os.Remove(target); err != nil {
			return err
		}
		return os.Mkdir(target, 0o711)
	}
	return unmountAll(target, 16)
}

// jsonString is for diagnostics.
func jsonString(v any) string { b, _ := json.Marshal(v); return string(b) }
