package risu

import (
	"bytes"
	"context"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// BuildRunner assembles runner.S (srcDir) into dir/runner with the cross
// gcc and returns its path and the address of risu_return.
func BuildRunner(gcc, srcDir, dir string) (path string, retAddr uint64, err error) {
	// Copy the source through this process so that go test's cache sees it.
	src, err := os.ReadFile(filepath.Join(srcDir, "runner.S"))
	if err != nil {
		return "", 0, err
	}
	copyPath := filepath.Join(dir, "runner.S")
	if err := os.WriteFile(copyPath, src, 0o644); err != nil {
		return "", 0, err
	}
	path = filepath.Join(dir, "runner")
	cmd := exec.Command(gcc, "-nostdlib", "-static", "-Wl,--build-id=none", "-o", path, copyPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", 0, fmt.Errorf("building runner: %v\n%s", err, out)
	}
	f, err := elf.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	syms, err := f.Symbols()
	if err != nil {
		return "", 0, err
	}
	for _, s := range syms {
		if s.Name == "risu_return" {
			return path, s.Value, nil
		}
	}
	return "", 0, errors.New("runner has no risu_return symbol")
}

// Target runs the runner binary with stdin/stdout connected to the harness.
type Target struct {
	Name    string
	Command func(ctx context.Context) *exec.Cmd
}

// DefaultQemuCPU is the CPU model qemu emulates for the oracle. The
// interpreter presents itself as a Neoverse N1 (MIDR, feature set, 64-byte
// DC ZVA blocks); qemu's "max" CPU differs (512-byte DC ZVA blocks, SVE,
// later extensions).
const DefaultQemuCPU = "neoverse-n1"

// QemuTarget runs the runner under qemu-aarch64-static -cpu cpu.
func QemuTarget(qemu, cpu, runner string) Target {
	return Target{Name: "qemu", Command: func(ctx context.Context) *exec.Cmd {
		return exec.CommandContext(ctx, qemu, "-cpu", cpu, runner)
	}}
}

// InterpTarget runs the runner under carrick's interpreter through the CLI:
// `carrick run-elf runner` (stdin/stdout passed through, exit status is
// the guest's).
func InterpTarget(carrick, runner string) Target {
	return Target{Name: "interp", Command: func(ctx context.Context) *exec.Cmd {
		return exec.CommandContext(ctx, carrick, "run-elf", runner)
	}}
}

// Result is what one target produced for one case.
type Result struct {
	Out  []byte // OutSize bytes; nil if the case did not complete
	Fail string // why Out is nil: crash, hang, desync
}

// maxRestarts bounds how often RunAll restarts a target after a case that
// crashed or hung it; maxHangs bounds the hangs among them (each costs a
// timeout).
const (
	maxRestarts = 50
	maxHangs    = 3
)

// timeoutBase plus 5ms per case is how long one target process may run.
var timeoutBase = 15 * time.Second

// RunAll runs every case on t. A case that kills or hangs the target gets
// a Fail result and the run resumes with the next case (at most
// maxRestarts times; the remaining cases then fail as "not run"). Notes
// report problems not tied to a case (an unclean exit after the last case).
func RunAll(t Target, cases []*Case, retAddr uint64) (res []Result, notes []string) {
	res = make([]Result, len(cases))
	restarts, hangs := 0, 0
	for i := 0; i < len(cases); {
		if restarts > maxRestarts || hangs >= maxHangs {
			for ; i < len(cases); i++ {
				res[i].Fail = fmt.Sprintf("not run: %s was restarted %d times (%d hangs) in this batch", t.Name, restarts, hangs)
			}
			break
		}
		stream := make([]byte, 0, (len(cases)-i)*(HeaderSize+RecordSize+ScratchSize+1024))
		for _, c := range cases[i:] {
			stream = c.appendStream(stream, retAddr)
		}
		n := len(cases) - i
		timeout := timeoutBase + time.Duration(n)*5*time.Millisecond
		out, stderr, err := runStream(t, stream, timeout)
		done := len(out) / OutSize
		if done > n {
			done = n
		}
		desync := false
		for k := 0; k < done; k++ {
			rec := out[k*OutSize : (k+1)*OutSize]
			c := cases[i+k]
			le := binary.LittleEndian
			if le.Uint64(rec[offMagic:]) != HeaderMagic || le.Uint64(rec[offIndex:]) != c.Index {
				// Garbage on stdout: blame this case, restart after it.
				res[i+k].Fail = fmt.Sprintf("%s: output record out of sync (magic %#x, index %d); stderr: %s",
					t.Name, le.Uint64(rec[offMagic:]), le.Uint64(rec[offIndex:]), tail(stderr))
				done, desync = k+1, true
				break
			}
			res[i+k].Out = rec
		}
		if desync {
			i += done
			restarts++
			continue
		}
		if err == nil && done == n && len(out) == n*OutSize {
			break
		}
		if done == n {
			// All cases completed, but the exit was not clean.
			why := fmt.Sprint(err)
			if err == nil {
				why = fmt.Sprintf("%d bytes of extra output", len(out)-n*OutSize)
			}
			notes = append(notes, fmt.Sprintf("%s: unclean exit after the last case: %s; stderr: %s", t.Name, why, tail(stderr)))
			break
		}
		if res[i+done].Fail == "" {
			why := "exited"
			if errors.Is(err, context.DeadlineExceeded) {
				why = "timed out (hung?)"
				hangs++
			}
			res[i+done].Fail = fmt.Sprintf("%s %s during this case: %v; stderr: %s", t.Name, why, err, tail(stderr))
		}
		i += done + 1
		restarts++
	}
	return res, notes
}

func runStream(t Target, stream []byte, timeout time.Duration) (out []byte, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := t.Command(ctx)
	var o, e bytes.Buffer
	cmd.Stdin = bytes.NewReader(stream)
	cmd.Stdout = &o
	cmd.Stderr = &e
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("%w (after %v)", context.DeadlineExceeded, timeout)
	}
	return o.Bytes(), e.String(), err
}

func tail(s string) string {
	s = string(bytes.TrimSpace([]byte(s)))
	if len(s) > 2000 {
		s = "..." + s[len(s)-2000:]
	}
	if s == "" {
		return "(empty)"
	}
	return s
}

// fileExists reports whether path exists.
func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
