package shim

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/containerd/containerd/api/types/task"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// proc is one of the task's processes: the init (execID "") or an exec.
type proc struct {
	execID string
	pid    int
	status task.Status
	stdio  stdio
	io     *procIO
	spec   *specs.Process // an exec's process, until it starts

	exitStatus int
	exitedAt   time.Time
	done       chan struct{} // closed once the exit is known and published
}

func newProc(execID string, s stdio) *proc {
	return &proc{execID: execID, status: task.Status_CREATED, stdio: s, done: make(chan struct{})}
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) exitedAtProto() *timestamppb.Timestamp {
	if p.exitedAt.IsZero() {
		return nil
	}
	return timestamppb.New(p.exitedAt)
}

// Errors as containerd maps them (gRPC codes travel over ttrpc).
func errNotFound(format string, a ...any) error {
	return status.Errorf(codes.NotFound, format, a...)
}

func errPrecondition(format string, a ...any) error {
	return status.Errorf(codes.FailedPrecondition, format, a...)
}

func errExists(format string, a ...any) error {
	return status.Errorf(codes.AlreadyExists, format, a...)
}

func errUnimplemented(what string) error {
	return status.Errorf(codes.Unimplemented, "%s: not implemented by carrick", what)
}

func errInvalid(format string, a ...any) error {
	return status.Errorf(codes.InvalidArgument, format, a...)
}

// readPid reads a pid file the runtime wrote.
func readPid(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return 0, fmt.Errorf("pid file %s: bad pid %q", path, data)
	}
	return pid, nil
}

// lastLogError is the runtime's last error message in its JSON log, the
// text containerd's runc shim shows the user too.
func lastLogError(path string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	var msg string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		var line struct{ Level, Msg string }
		if json.Unmarshal(sc.Bytes(), &line) == nil && (line.Level == "error" || line.Level == "fatal") {
			msg = line.Msg
		}
	}
	return msg
}
