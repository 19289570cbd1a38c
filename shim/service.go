package shim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/containerd/containerd/api/events"
	taskapi "github.com/containerd/containerd/api/runtime/task/v2"
	"github.com/containerd/containerd/api/types/runc/options"
	"github.com/containerd/containerd/api/types/task"
	runc "github.com/containerd/go-runc"
	"github.com/containerd/typeurl/v2"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/sirupsen/logrus"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/carrick-go/carrick/runtime"
)

// Version is what Connect reports.
const Version = "carrick-shim 1"

// Config is one shim's configuration.
type Config struct {
	Namespace, ID string
	// Runtime is the carrick-runtime binary; Root its state directory.
	Runtime, Root string
	// TTRPCAddress is containerd's, for events.
	TTRPCAddress string
	// NoSubreaper makes a Linux shim learn exits as on macOS (tests).
	NoSubreaper bool
}

// Service is the task service of one container.
type Service struct {
	cfg      Config
	pub      *publisher
	exits    exitSource
	shutdown chan struct{}
	stopOnce sync.Once

	mu        sync.Mutex
	rt        *runc.Runc
	bundle    string
	init      *proc
	execs     map[string]*proc
	unclaimed map[int]exit // exits of pids not (yet) known
	unmount   func() error
}

// NewService starts the exit source and the event publisher.
func NewService(cfg Config) (*Service, error) {
	q := newExitQueue()
	src, err := newExitSource(q, !cfg.NoSubreaper)
	if err != nil {
		return nil, fmt.Errorf("exit source: %w", err)
	}
	if m := src.monitor(); m != nil {
		runc.Monitor = m
	}
	s := &Service{cfg: cfg, pub: newPublisher(cfg.TTRPCAddress, cfg.Namespace), exits: src,
		shutdown: make(chan struct{}), execs: map[string]*proc{}, unclaimed: map[int]exit{}}
	go q.run(s.handleExit)
	return s, nil
}

// Done is closed when containerd shut the shim down.
func (s *Service) Done() <-chan struct{} { return s.shutdown }

// Drain waits for the last events to reach containerd.
func (s *Service) Drain() { s.pub.drain(5 * time.Second) }

var _ taskapi.TTRPCTaskService = (*Service)(nil)

func (s *Service) get(id, execID string) (*proc, error) {
	if s.init == nil || id != s.cfg.ID {
		return nil, errNotFound("container %s not found", id)
	}
	if execID == "" {
		return s.init, nil
	}
	p, ok := s.execs[execID]
	if !ok {
		return nil, errNotFound("process %s does not exist", execID)
	}
	return p, nil
}

// lock takes the service's lock and finds the process; the caller
// unlocks, unless there is an error.
func (s *Service) lock(id, execID string) (*proc, error) {
	s.mu.Lock()
	p, err := s.get(id, execID)
	if err != nil {
		s.mu.Unlock()
	}
	return p, err
}

// runtimeError words a failed runtime command as the runc shim does, with
// the runtime's own message from its log when there is one.
func (s *Service) runtimeError(err error, what string) error {
	if msg := lastLogError(s.rt.Log); msg != "" {
		return fmt.Errorf("%s: %s: unknown", what, msg)
	}
	return fmt.Errorf("%s: %w: unknown", what, err)
}

// configure takes the runtime binary and root from the task's options
// when they are runc's (CRI sends them to any runtime_path).
func (s *Service) configure(bundle string, opts *anypb.Any) error {
	rtBin, root := s.cfg.Runtime, s.cfg.Root
	if opts != nil && opts.GetTypeUrl() != "" {
		v, err := typeurl.UnmarshalAny(opts)
		if err != nil {
			logrus.WithError(err).Warnf("task options %s ignored", opts.GetTypeUrl())
		} else if o, ok := v.(*options.Options); ok {
			if o.BinaryName != "" {
				rtBin = o.BinaryName
			}
			if o.Root != "" {
				root = filepath.Join(o.Root, s.cfg.Namespace)
			}
		}
	}
	s.rt = &runc.Runc{Command: rtBin, Root: root, Log: filepath.Join(bundle, "log.json"), LogFormat: runc.JSON}
	s.bundle = bundle
	return nil
}

func (s *Service) Create(ctx context.Context, r *taskapi.CreateTaskRequest) (*taskapi.CreateTaskResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.init != nil {
		return nil, errExists("container %s already exists", r.ID)
	}
	if r.ID != s.cfg.ID {
		return nil, errInvalid("this shim serves container %s, not %s", s.cfg.ID, r.ID)
	}
	if r.Checkpoint != "" || r.ParentCheckpoint != "" {
		return nil, errUnimplemented("restore from a checkpoint")
	}
	if err := s.configure(r.Bundle, r.Options); err != nil {
		return nil, err
	}
	unmount, err := mountRootfs(r.Rootfs, filepath.Join(r.Bundle, "rootfs"))
	if err != nil {
		return nil, err
	}
	p := newProc("", stdio{r.Stdin, r.Stdout, r.Stderr, r.Terminal})
	pio, err := newProcIO(ctx, p.stdio)
	if err != nil {
		unmount()
		return nil, err
	}
	pidFile := filepath.Join(r.Bundle, "init.pid")
	err = s.rt.Create(ctx, r.ID, r.Bundle, &runc.CreateOpts{IO: pio.runcIO(), ConsoleSocket: pio.consoleSocket(), PidFile: pidFile})
	if err == nil {
		err = pio.afterStart(ctx)
		if err == nil {
			p.pid, err = readPid(pidFile)
		}
		if err != nil {
			s.rt.Delete(context.Background(), r.ID, &runc.DeleteOpts{Force: true})
		}
	} else {
		err = s.runtimeError(err, "OCI runtime create failed")
	}
	if err != nil {
		pio.close()
		unmount()
		return nil, err
	}
	p.io, s.init, s.unmount = pio, p, unmount
	s.pub.publish(topicCreate, &events.TaskCreate{ContainerID: r.ID, Bundle: r.Bundle, Rootfs: r.Rootfs,
		IO: &events.TaskIO{Stdin: r.Stdin, Stdout: r.Stdout, Stderr: r.Stderr, Terminal: r.Terminal}, Pid: uint32(p.pid)})
	s.track(p)
	return &taskapi.CreateTaskResponse{Pid: uint32(p.pid)}, nil
}

func (s *Service) Start(ctx context.Context, r *taskapi.StartRequest) (*taskapi.StartResponse, error) {
	p, err := s.lock(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if p.status != task.Status_CREATED {
		return nil, errPrecondition("process %s is %s, not created", s.name(p), statusName(p.status))
	}
	if r.ExecID == "" {
		if err := s.rt.Start(ctx, r.ID); err != nil {
			return nil, s.runtimeError(err, "OCI runtime start failed")
		}
		if !p.exited() {
			p.status = task.Status_RUNNING
		}
		s.pub.publish(topicStart, &events.TaskStart{ContainerID: r.ID, Pid: uint32(p.pid)})
		return &taskapi.StartResponse{Pid: uint32(p.pid)}, nil
	}
	if s.init.status != task.Status_RUNNING && s.init.status != task.Status_CREATED {
		return nil, errPrecondition("cannot exec in a %s container", statusName(s.init.status))
	}
	pio, err := newProcIO(ctx, p.stdio)
	if err != nil {
		return nil, err
	}
	pidFile := filepath.Join(s.bundle, r.ExecID+".pid")
	err = s.rt.Exec(ctx, r.ID, *p.spec, &runc.ExecOpts{IO: pio.runcIO(), ConsoleSocket: pio.consoleSocket(), PidFile: pidFile, Detach: true})
	if err != nil {
		pio.close()
		return nil, s.runtimeError(err, "OCI runtime exec failed")
	}
	if err := pio.afterStart(ctx); err != nil {
		pio.close()
		return nil, err
	}
	if p.pid, err = readPid(pidFile); err != nil {
		pio.close()
		return nil, err
	}
	p.io, p.status = pio, task.Status_RUNNING
	s.pub.publish(topicExecStarted, &events.TaskExecStarted{ContainerID: r.ID, ExecID: r.ExecID, Pid: uint32(p.pid)})
	s.track(p)
	return &taskapi.StartResponse{Pid: uint32(p.pid)}, nil
}

// track starts following a process whose pid is now known; an exit that
// arrived first is applied at once.
func (s *Service) track(p *proc) {
	if e, ok := s.unclaimed[p.pid]; ok {
		delete(s.unclaimed, p.pid)
		s.exited(p, e)
		return
	}
	s.exits.watch(p.pid, s.rt.Root, s.cfg.ID)
}

func (s *Service) handleExit(e exit) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.procs() {
		if p.pid == e.pid && !p.exited() && p.status != task.Status_STOPPED {
			s.exited(p, e)
			return
		}
	}
	// A pid not known yet (its runtime command has not returned), or a
	// guest's orphan that came to the subreaper.
	if len(s.unclaimed) > 4096 {
		clear(s.unclaimed)
	}
	s.unclaimed[e.pid] = e
}

func (s *Service) procs() []*proc {
	var ps []*proc
	if s.init != nil {
		ps = append(ps, s.init)
	}
	for _, p := range s.execs {
		ps = append(ps, p)
	}
	return ps
}

// exited records p's exit and publishes it. The init's exit is published
// after its execs' (they die with it, as a pid namespace's processes do):
// containerd expects that order.
func (s *Service) exited(p *proc, e exit) {
	p.status, p.exitStatus, p.exitedAt = task.Status_STOPPED, e.status, e.at
	publish := func() {
		s.pub.publish(topicExit, &events.TaskExit{ContainerID: s.cfg.ID, ID: s.name(p), Pid: uint32(p.pid),
			ExitStatus: uint32(p.exitStatus), ExitedAt: p.exitedAtProto()})
		close(p.done)
	}
	if p.execID != "" {
		publish()
		return
	}
	var running []*proc
	for _, x := range s.execs {
		if x.status == task.Status_RUNNING || x.status == task.Status_PAUSED {
			running = append(running, x)
		}
	}
	if len(running) == 0 {
		publish()
		return
	}
	go func() {
		deadline := time.After(5 * time.Second)
		for _, x := range running {
			select {
			case <-x.done:
			case <-deadline:
			}
		}
		s.mu.Lock()
		publish()
		s.mu.Unlock()
	}()
}

func (s *Service) name(p *proc) string {
	if p.execID != "" {
		return p.execID
	}
	return s.cfg.ID
}

func statusName(st task.Status) string { return strings.ToLower(st.String()) }

func (s *Service) Delete(ctx context.Context, r *taskapi.DeleteRequest) (*taskapi.DeleteResponse, error) {
	p, err := s.lock(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if r.ExecID != "" {
		if p.status == task.Status_RUNNING || p.status == task.Status_PAUSED {
			return nil, errPrecondition("cannot delete a %s process", statusName(p.status))
		}
		delete(s.execs, r.ExecID)
		if p.io != nil {
			p.io.close()
		}
		os.Remove(filepath.Join(s.bundle, r.ExecID+".pid"))
		return &taskapi.DeleteResponse{Pid: uint32(p.pid), ExitStatus: uint32(p.exitStatus), ExitedAt: p.exitedAtProto()}, nil
	}
	if p.status == task.Status_RUNNING || p.status == task.Status_PAUSED {
		return nil, errPrecondition("cannot delete a %s container", statusName(p.status))
	}
	// A created container is killed by the runtime's delete; its exit then
	// arrives like any other.
	if err := s.rt.Delete(ctx, r.ID, &runc.DeleteOpts{Force: p.status == task.Status_CREATED}); err != nil {
		if msg := lastLogError(s.rt.Log); !strings.Contains(msg, "does not exist") && !strings.Contains(err.Error(), "does not exist") {
			return nil, s.runtimeError(err, "OCI runtime delete failed")
		}
	}
	s.mu.Unlock()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
	s.mu.Lock()
	if !p.exited() {
		// Killed but never seen to end: report it as SIGKILL'd.
		s.exited(p, exit{pid: p.pid, status: 128 + 9, at: time.Now()})
	}
	if p.io != nil {
		p.io.close()
	}
	if s.unmount != nil {
		if err := s.unmount(); err != nil {
			logrus.WithError(err).Warn("rootfs")
		}
		s.unmount = nil
	}
	s.pub.publish(topicDelete, &events.TaskDelete{ContainerID: r.ID, Pid: uint32(p.pid),
		ExitStatus: uint32(p.exitStatus), ExitedAt: p.exitedAtProto(), ID: r.ID})
	p.status = task.Status_UNKNOWN
	return &taskapi.DeleteResponse{Pid: uint32(p.pid), ExitStatus: uint32(p.exitStatus), ExitedAt: p.exitedAtProto()}, nil
}

func (s *Service) Exec(ctx context.Context, r *taskapi.ExecProcessRequest) (*emptypb.Empty, error) {
	if _, err := s.lock(r.ID, ""); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if _, ok := s.execs[r.ExecID]; ok || r.ExecID == "" {
		return nil, errExists("id %s is already in use", r.ExecID)
	}
	if s.init.exited() || s.init.status == task.Status_STOPPED {
		return nil, errPrecondition("cannot exec in a stopped container")
	}
	if r.Spec == nil {
		return nil, errInvalid("exec %s: no process", r.ExecID)
	}
	var spec specs.Process
	if err := json.Unmarshal(r.Spec.GetValue(), &spec); err != nil {
		return nil, errInvalid("exec %s: process: %v", r.ExecID, err)
	}
	spec.Terminal = r.Terminal
	p := newProc(r.ExecID, stdio{r.Stdin, r.Stdout, r.Stderr, r.Terminal})
	p.spec = &spec
	s.execs[r.ExecID] = p
	s.pub.publish(topicExecAdded, &events.TaskExecAdded{ContainerID: r.ID, ExecID: r.ExecID})
	return &emptypb.Empty{}, nil
}

func (s *Service) State(ctx context.Context, r *taskapi.StateRequest) (*taskapi.StateResponse, error) {
	p, err := s.lock(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	return &taskapi.StateResponse{ID: s.name(p), Bundle: s.bundle, Pid: uint32(p.pid), Status: p.status,
		Stdin: p.stdio.stdin, Stdout: p.stdio.stdout, Stderr: p.stdio.stderr, Terminal: p.stdio.terminal,
		ExitStatus: uint32(p.exitStatus), ExitedAt: p.exitedAtProto(), ExecID: r.ExecID}, nil
}

func (s *Service) Pids(ctx context.Context, r *taskapi.PidsRequest) (*taskapi.PidsResponse, error) {
	if _, err := s.lock(r.ID, ""); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	pids, err := s.rt.Ps(ctx, r.ID)
	if err != nil {
		return nil, s.runtimeError(err, "OCI runtime ps failed")
	}
	execOf := map[int]string{}
	for id, p := range s.execs {
		execOf[p.pid] = id
	}
	var out []*task.ProcessInfo
	for _, pid := range pids {
		pi := &task.ProcessInfo{Pid: uint32(pid)}
		if id, ok := execOf[pid]; ok {
			if a, err := typeurl.MarshalAnyToProto(&options.ProcessDetails{ExecID: id}); err == nil {
				pi.Info = a
			}
		}
		out = append(out, pi)
	}
	return &taskapi.PidsResponse{Processes: out}, nil
}

func (s *Service) Pause(ctx context.Context, r *taskapi.PauseRequest) (*emptypb.Empty, error) {
	return s.pauseResume(ctx, r.ID, true)
}

func (s *Service) Resume(ctx context.Context, r *taskapi.ResumeRequest) (*emptypb.Empty, error) {
	return s.pauseResume(ctx, r.ID, false)
}

func (s *Service) pauseResume(ctx context.Context, id string, pause bool) (*emptypb.Empty, error) {
	p, err := s.lock(id, "")
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if pause {
		if p.status != task.Status_RUNNING {
			return nil, errPrecondition("cannot pause a %s container", statusName(p.status))
		}
		if err := s.rt.Pause(ctx, id); err != nil {
			return nil, s.runtimeError(err, "OCI runtime pause failed")
		}
		p.status = task.Status_PAUSED
		s.pub.publish(topicPaused, &events.TaskPaused{ContainerID: id})
	} else {
		if p.status != task.Status_PAUSED {
			return nil, errPrecondition("cannot resume a %s container", statusName(p.status))
		}
		if err := s.rt.Resume(ctx, id); err != nil {
			return nil, s.runtimeError(err, "OCI runtime resume failed")
		}
		p.status = task.Status_RUNNING
		s.pub.publish(topicResumed, &events.TaskResumed{ContainerID: id})
	}
	return &emptypb.Empty{}, nil
}

func (s *Service) Checkpoint(ctx context.Context, r *taskapi.CheckpointTaskRequest) (*emptypb.Empty, error) {
	return nil, errUnimplemented("checkpoint")
}

func (s *Service) Kill(ctx context.Context, r *taskapi.KillRequest) (*emptypb.Empty, error) {
	p, err := s.lock(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if r.ExecID == "" {
		if p.exited() && !r.All {
			return nil, errNotFound("process already finished")
		}
		if err := s.rt.Kill(ctx, r.ID, int(r.Signal), &runc.KillOpts{All: r.All}); err != nil {
			msg := lastLogError(s.rt.Log) + err.Error()
			if strings.Contains(msg, "not running") || strings.Contains(msg, "does not exist") {
				return nil, errNotFound("process already finished")
			}
			return nil, s.runtimeError(err, "OCI runtime kill failed")
		}
		return &emptypb.Empty{}, nil
	}
	if p.pid == 0 {
		return nil, errPrecondition("process %s has not started", r.ExecID)
	}
	if p.exited() {
		return nil, errNotFound("process already finished")
	}
	sig, err := runtime.ParseSignal(strconv.Itoa(int(r.Signal)))
	if err != nil {
		return nil, errInvalid("%v", err)
	}
	if err := syscall.Kill(p.pid, sig); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return nil, errNotFound("process already finished")
		}
		return nil, err
	}
	return &emptypb.Empty{}, nil
}

func (s *Service) ResizePty(ctx context.Context, r *taskapi.ResizePtyRequest) (*emptypb.Empty, error) {
	p, err := s.lock(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if p.io == nil {
		return nil, errPrecondition("process %s has not started", s.name(p))
	}
	if err := p.io.resize(r.Width, r.Height); err != nil {
		return nil, errPrecondition("%v", err)
	}
	return &emptypb.Empty{}, nil
}

func (s *Service) CloseIO(ctx context.Context, r *taskapi.CloseIORequest) (*emptypb.Empty, error) {
	p, err := s.lock(r.ID, r.ExecID)
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	if r.Stdin && p.io != nil {
		p.io.closeStdin()
	}
	return &emptypb.Empty{}, nil
}

func (s *Service) Update(ctx context.Context, r *taskapi.UpdateTaskRequest) (*emptypb.Empty, error) {
	if _, err := s.lock(r.ID, ""); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var res specs.LinuxResources
	if r.Resources != nil {
		if err := json.Unmarshal(r.Resources.GetValue(), &res); err != nil {
			return nil, errInvalid("resources: %v", err)
		}
	}
	if err := s.rt.Update(ctx, r.ID, &res); err != nil {
		return nil, s.runtimeError(err, "OCI runtime update failed")
	}
	return &emptypb.Empty{}, nil
}

func (s *Service) Wait(ctx context.Context, r *taskapi.WaitRequest) (*taskapi.WaitResponse, error) {
	s.mu.Lock()
	p, err := s.get(r.ID, r.ExecID)
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	select {
	case <-p.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return &taskapi.WaitResponse{ExitStatus: uint32(p.exitStatus), ExitedAt: p.exitedAtProto()}, nil
}

func (s *Service) Stats(ctx context.Context, r *taskapi.StatsRequest) (*taskapi.StatsResponse, error) {
	if _, err := s.lock(r.ID, ""); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	pids, err := s.rt.Ps(ctx, r.ID)
	if err != nil {
		return nil, s.runtimeError(err, "OCI runtime ps failed")
	}
	return processStats(pids)
}

func (s *Service) Connect(ctx context.Context, r *taskapi.ConnectRequest) (*taskapi.ConnectResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pid uint32
	if s.init != nil {
		pid = uint32(s.init.pid)
	}
	return &taskapi.ConnectResponse{ShimPid: uint32(os.Getpid()), TaskPid: pid, Version: Version}, nil
}

// Shutdown ends the shim once its container is gone (or at once with
// Now).
func (s *Service) Shutdown(ctx context.Context, r *taskapi.ShutdownRequest) (*emptypb.Empty, error) {
	s.mu.Lock()
	live := s.init != nil && s.init.status != task.Status_UNKNOWN
	s.mu.Unlock()
	if live && !r.Now {
		return &emptypb.Empty{}, nil
	}
	s.stopOnce.Do(func() { close(s.shutdown) })
	return &emptypb.Empty{}, nil
}
