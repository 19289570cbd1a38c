// Command execpipe uses os/exec the way Go programs do: a pipeline of
// programs connected by pipes, captured output, stdin from a reader, exit
// statuses, a child killed by a signal, a context that kills a child, and
// an environment and a working directory of the child's own. It runs
// other programs of the Debian root, so it runs in the oracle suite
// (test/oracle, case debian/go-exec-pipeline), where the oracle has
// binfmt_misc, not in the program suite.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
)

// pipeline runs seq | grep | sort | sed | tr with StdoutPipe links, all
// started before any is waited for. Every stage reads all of its input,
// so none dies of SIGPIPE and every status is 0.
func pipeline() (string, error) {
	cmds := []*exec.Cmd{
		exec.Command("/usr/bin/seq", "1", "500"),
		exec.Command("/usr/bin/grep", "3"),
		exec.Command("/usr/bin/sort", "-rn"),
		exec.Command("/usr/bin/sed", "-n", "1,6p"),
		exec.Command("/usr/bin/tr", "\n", " "),
	}
	for i := 1; i < len(cmds); i++ {
		out, err := cmds[i-1].StdoutPipe()
		if err != nil {
			return "", err
		}
		cmds[i].Stdin = out
	}
	var last bytes.Buffer
	cmds[len(cmds)-1].Stdout = &last
	for _, c := range cmds {
		if err := c.Start(); err != nil {
			return "", err
		}
	}
	var statuses []string
	for _, c := range cmds {
		statuses = append(statuses, status(waitBounded(c)))
	}
	return strings.TrimSpace(last.String()) + " | statuses " + strings.Join(statuses, " "), nil
}

// status is "0" for a nil error, else the error.
func status(err error) string {
	if err == nil {
		return "0"
	}
	return err.Error()
}

// waitBounded waits for c, for 10 s at most: a child that never ends is
// killed and reported, so that the program still finishes.
func waitBounded(c *exec.Cmd) error {
	done := make(chan error, 1)
	go func() { done <- c.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		c.Process.Kill()
		<-done
		return errors.New("still running after 10s")
	}
}

func main() {
	out, err := pipeline()
	if err != nil {
		out = "error: " + err.Error()
	}
	fmt.Println("pipeline:", out)

	o, err := exec.Command("/bin/sh", "-c", "echo out; echo err >&2; exit 0").CombinedOutput()
	fmt.Printf("combined: %q %v\n", o, err)

	cmd := exec.Command("/usr/bin/sha256sum")
	cmd.Stdin = strings.NewReader(strings.Repeat("carrick ", 10000))
	o, err = cmd.Output()
	fmt.Printf("stdin from a reader: %.16s %v\n", o, err)

	err = exec.Command("/bin/sh", "-c", "exit 42").Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		fmt.Println("exit status:", ee.ExitCode(), ee.Exited())
	}

	cmd = exec.Command("/usr/bin/sleep", "10")
	if err := cmd.Start(); err != nil {
		fmt.Println("start:", err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	err = cmd.Wait()
	if errors.As(err, &ee) {
		ws := ee.Sys().(syscall.WaitStatus)
		fmt.Println("signaled:", err, ws.Signaled(), ws.Signal() == syscall.SIGTERM, ee.ExitCode())
	}

	// yes writes until the pipe has no reader: it dies of SIGPIPE.
	cmd = exec.Command("/usr/bin/yes", "carrick")
	r, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		fmt.Println("start:", err)
	}
	line := make([]byte, 8)
	io.ReadFull(r, line)
	r.Close()
	fmt.Printf("SIGPIPE: %q %s\n", line, status(waitBounded(cmd)))

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	err = exec.CommandContext(ctx, "/usr/bin/sleep", "10").Run()
	cancel()
	fmt.Println("context:", err, ctx.Err())

	cmd = exec.Command("/usr/bin/pwd")
	cmd.Dir = "/tmp"
	o, _ = cmd.Output()
	// printenv NAME..., not env: qemu-user reverses the environment of a
	// program it runs through binfmt_misc, so the oracle's order is wrong.
	cmd = exec.Command("/usr/bin/printenv", "ONLY", "AND")
	cmd.Env = []string{"ONLY=this", "AND=that"}
	o2, _ := cmd.Output()
	fmt.Printf("dir and env: %q %q\n", o, o2)

	_, err = exec.LookPath("no-such-program")
	fmt.Println("lookpath:", err != nil, errors.Is(err, exec.ErrNotFound))
	err = exec.Command("/nonexistent").Run()
	fmt.Println("missing:", errors.Is(err, os.ErrNotExist))

	// Several children at once, their stdout in parallel pipes.
	var readers []io.Reader
	var kids []*exec.Cmd
	for i := 1; i <= 4; i++ {
		c := exec.Command("/usr/bin/seq", "-s", ",", "1", fmt.Sprint(i*3))
		r, _ := c.StdoutPipe()
		if err := c.Start(); err != nil {
			fmt.Println("start:", err)
			return
		}
		readers = append(readers, r)
		kids = append(kids, c)
	}
	for i, r := range readers {
		b, _ := io.ReadAll(r)
		fmt.Printf("child %d: %s", i+1, b)
	}
	for _, c := range kids {
		c.Wait()
	}
	ps := kids[0].ProcessState
	fmt.Println("ProcessState:", ps.Success(), ps.ExitCode(), ps.Exited())
}
