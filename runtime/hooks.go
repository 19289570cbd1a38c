package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Hook points, named as in config.json.
const (
	hookPrestart        = "prestart"
	hookCreateRuntime   = "createRuntime"
	hookCreateContainer = "createContainer"
	hookStartContainer  = "startContainer"
	hookPoststart       = "poststart"
	hookPoststop        = "poststop"
)

// hooksAt returns the hooks of one point (prestart, deprecated, runs with
// createRuntime, first).
func hooksAt(h *specs.Hooks, point string) []specs.Hook {
	if h == nil {
		return nil
	}
	switch point {
	case hookCreateRuntime:
		return append(append([]specs.Hook(nil), h.Prestart...), h.CreateRuntime...) //nolint:staticcheck // prestart is deprecated but still run
	case hookCreateContainer:
		return h.CreateContainer
	case hookStartContainer:
		return h.StartContainer
	case hookPoststart:
		return h.Poststart
	case hookPoststop:
		return h.Poststop
	}
	return nil
}

// runHooks runs the hooks of a point in order, each a host command with
// the container's state as JSON on its stdin, its own args and env only,
// and its timeout. The first failure stops them.
func runHooks(h *specs.Hooks, point string, st State) error {
	state, err := json.Marshal(st)
	if err != nil {
		return err
	}
	for i, hook := range hooksAt(h, point) {
		ctx := context.Background()
		if hook.Timeout != nil {
			if *hook.Timeout <= 0 {
				return fmt.Errorf("%s hook %d: timeout must be positive", point, i)
			}
			var cancel context.CancelFunc
			ctx, cancel = context.WithTimeout(ctx, time.Duration(*hook.Timeout)*time.Second)
			defer cancel()
		}
		cmd := exec.CommandContext(ctx, hook.Path)
		if len(hook.Args) > 0 {
			cmd.Args = hook.Args
		}
		cmd.Env = hook.Env
		if cmd.Env == nil {
			cmd.Env = []string{}
		}
		// A timed-out hook dies with its whole group (a shell's children
		// would otherwise keep its output open).
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
		cmd.WaitDelay = time.Second
		cmd.Stdin = bytes.NewReader(state)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			if ctx.Err() != nil {
				err = fmt.Errorf("timed out after %ds", *hook.Timeout)
			}
			return fmt.Errorf("error running %s hook #%d %s: %w, stdout/stderr: %s", point, i, hook.Path, err, bytes.TrimSpace(out.Bytes()))
		}
	}
	return nil
}
