//go:build linux

package image_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// tmuxSession is a detached tmux server of its own (-L) with one window.
type tmuxSession struct {
	t    *testing.T
	sock string
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", s.sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// send types keys into the window (tmux key names such as Enter, C-c
// are keys; anything else is typed literally with -l).
func (s *tmuxSession) send(text string, keys ...string) {
	s.t.Helper()
	if text != "" {
		s.run("send-keys", "-t", "main", "-l", text)
	}
	if len(keys) > 0 {
		s.run(append([]string{"send-keys", "-t", "main"}, keys...)...)
	}
}

func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p", "-t", "main") }

// await waits until the screen matches re, failing the test after d.
func (s *tmuxSession) await(re *regexp.Regexp, d time.Duration, what string) time.Duration {
	s.t.Helper()
	start := time.Now()
	for time.Since(start) < d {
		if re.MatchString(s.screen()) {
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	s.t.Fatalf("%s: the screen never matched %v in %v:\n%s", what, re, d, s.screen())
	return 0
}

// newTmux starts a tmux server of its own running cmd in a window of
// 100x30, killed when the test ends.
func newTmux(t *testing.T, cmd string) *tmuxSession {
	s := &tmuxSession{t: t, sock: fmt.Sprintf("carrick-image-%d-%d", os.Getpid(), time.Now().UnixNano())}
	s.run("new-session", "-d", "-s", "main", "-x", "100", "-y", "30", cmd)
	t.Cleanup(func() { exec.Command("tmux", "-L", s.sock, "kill-server").Run() })
	return s
}

// count is how many times re matches the screen.
func (s *tmuxSession) count(re *regexp.Regexp) int { return len(re.FindAllString(s.screen(), -1)) }

// TestTTY: `carrick run -t -i` under a real terminal emulator (tmux): the
// shell's prompt, a command's output, Ctrl-C interrupting the foreground
// command and not the shell, a window resize seen by `stty size`, and the
// outer terminal's settings as they were after exit.
func TestTTY(t *testing.T) {
	needImages(t)
	dir := t.TempDir()
	s := newTmux(t, outerShell(dir))
	// Should the test fail with the container's shell running, the
	// container outlives the killed terminal (as docker's would).
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "tty-run")

	outerPrompt := regexp.MustCompile(`(?m)^outer\$\s*$`)
	ctrPrompt := regexp.MustCompile(`(?m)^ctr# ?$`)
	s.await(outerPrompt, 10*time.Second, "the outer shell")
	before := filepath.Join(dir, "stty-before")
	s.send("stty -g > "+before+"; clear", "Enter")
	s.await(outerPrompt, 10*time.Second, "stty -g")

	s.send(carrickB+" run -t -i --rm --name tty-run -e 'PS1=ctr# ' -e TERM=xterm "+reg.ref(busyboxRepo)+" sh", "Enter")
	s.await(ctrPrompt, 60*time.Second, "the container's shell prompt")
	s.send("echo out-$((6*7)); tty", "Enter")
	s.await(regexp.MustCompile(`(?m)^out-42\s*\n/dev/pts/\d+\s*$`), 30*time.Second, "a command's output")

	s.send("clear", "Enter")
	s.await(regexp.MustCompile(`\Actr# ?\s*\z`), 30*time.Second, "clear")
	// Typing at once after a prompt is TestTTYTypeAhead's subject; here
	// the keys must not race the shell's line editor.
	time.Sleep(500 * time.Millisecond)
	s.send("sleep 100", "Enter")
	s.await(regexp.MustCompile(`(?m)^ctr# ?sleep 100\s*$`), 10*time.Second, "the typed sleep")
	time.Sleep(1500 * time.Millisecond)
	if n := s.count(ctrPrompt); n != 0 {
		t.Fatalf("sleep 100 ended at once:\n%s", s.screen())
	}
	start := time.Now()
	s.send("", "C-c")
	s.await(ctrPrompt, 10*time.Second, "the prompt after Ctrl-C")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Ctrl-C took %v to interrupt sleep", d)
	}

	s.run("resize-window", "-t", "main", "-x", "120", "-y", "40")
	s.send("stty size", "Enter")
	s.await(regexp.MustCompile(`(?m)^40 120\s*$`), 30*time.Second, "stty size after the resize")

	s.send("exit", "Enter")
	s.await(outerPrompt, 30*time.Second, "the outer prompt after exit")
	s.send("echo rc=$?; stty -g | cmp -s - "+before+" && echo tty-same || echo tty-changed", "Enter")
	s.await(regexp.MustCompile(`(?m)^rc=0\s*\ntty-(same|changed)\s*$`), 10*time.Second, "the outer terminal's state")
	if scr := s.screen(); !strings.Contains(scr, "tty-same") {
		t.Errorf("the outer terminal's settings changed after exit:\n%s", scr)
	}

	// exec -it into a running container: a terminal of its own.
	ctr(t, 0, "run", "-d", "--name", "tty-exec", reg.ref(busyboxRepo), "sleep", "100")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "tty-exec")
	s.send("clear; "+carrickB+" exec -it -e 'PS1=ctr# ' tty-exec sh", "Enter")
	s.await(ctrPrompt, 60*time.Second, "the exec'd shell's prompt")
	s.send("tty; stty size; exit 7", "Enter")
	s.await(regexp.MustCompile(`(?m)^/dev/pts/\d+\s*\n40 120\s*$`), 30*time.Second, "exec -it's terminal")
	s.await(outerPrompt, 30*time.Second, "the outer prompt after the exec")
	s.send("echo rc=$?; stty -g | cmp -s - "+before+" && echo tty-same-2 || echo tty-changed-2", "Enter")
	s.await(regexp.MustCompile(`(?m)^rc=7\s*\ntty-(same|changed)-2\s*$`), 10*time.Second, "the outer terminal after exec")
	if scr := s.screen(); !strings.Contains(scr, "tty-same-2") {
		t.Errorf("the outer terminal's settings changed after exec -it:\n%s", scr)
	}
}

// TestTTYTypeAhead: keys typed while the shell still runs the previous
// command reach the shell once it reads again, as on a real terminal:
// bash under carrick run -t and, as the reference, under qemu with the
// tmux terminal as its own.
//
// bash, not busybox sh: busybox's line editor asks the terminal for the
// cursor position (ESC [6n) when no input is pending, and when the reply
// and type-ahead arrive in one read it drops the bytes that follow the
// reply in its 16-byte key buffer. That is busybox's own race, which any
// pty relay (docker's, carrick's) widens; qemu shows it too when the keys
// "ESC[1;5Recho hello-one" arrive at once (the shell runs "-one").
func TestTTYTypeAhead(t *testing.T) {
	needImages(t)
	for _, c := range bashTerminals("tty-ahead") {
		t.Run(c.name, func(t *testing.T) {
			s := newTmux(t, c.cmd)
			defer carrickRun(home, nil, time.Minute, "rm", "-f", "tty-ahead")
			s.await(regexp.MustCompile(`(?m)^ctr# ?$`), 60*time.Second, "the shell's prompt")
			// Keys sent 0 to 40 ms after the Enter land while the shell
			// starts sleep, while it runs, as it ends, or as the shell
			// prints its next prompt.
			for i := 0; i <= 4; i++ {
				s.send("sleep 0.03", "Enter")
				time.Sleep(time.Duration(10*i) * time.Millisecond)
				s.send(fmt.Sprintf("echo typed-%d-ahead", i), "Enter")
				s.await(regexp.MustCompile(fmt.Sprintf(`(?m)^typed-%d-ahead\s*$`, i)), 20*time.Second,
					fmt.Sprintf("the command typed %d ms after sleep", 10*i))
			}
		})
	}
}

// TestTTYHangup: when the user's terminal goes away, run -t hangs up the
// container's terminal: the shell gets SIGHUP and exits, and --rm removes
// the container (before, carrick and the container stayed forever).
func TestTTYHangup(t *testing.T) {
	needImages(t)
	s := newTmux(t, "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm CARRICK_HOME="+home+" "+carrickB+
		" run -t -i --rm --name tty-hangup -e 'PS1=ctr# ' "+reg.ref(busyboxRepo)+" sh")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "tty-hangup")
	s.await(regexp.MustCompile(`(?m)^ctr# ?$`), 60*time.Second, "the shell's prompt")
	if r := carrickRun(home, nil, time.Minute, "ps"); !strings.Contains(r.stdout, "tty-hangup") {
		t.Fatalf("the container is not running:\n%s", r.describe())
	}
	s.run("kill-server")
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := carrickRun(home, nil, time.Minute, "ps", "-a")
		if !strings.Contains(r.stdout, "tty-hangup") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the container outlived its terminal by 20 s:\n%s", r.stdout)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestTTYJobControl: Ctrl-Z stops the foreground job of an interactive
// bash in run -t (SIGTSTP from the pty to the job's process group), the
// shell reports it stopped and takes the terminal back, `fg` resumes it
// in the foreground, and Ctrl-C then ends it (130), as bash does under
// qemu with the tmux terminal as its own. Builtins only: qemu-user cannot
// exec an arm64 program without binfmt_misc, which the host lacks.
func TestTTYJobControl(t *testing.T) {
	needImages(t)
	const job = "( read -t 100 )"
	jobRE := regexp.QuoteMeta(job)
	for _, c := range bashTerminals("tty-jobs") {
		t.Run(c.name, func(t *testing.T) {
			s := newTmux(t, c.cmd)
			defer carrickRun(home, nil, time.Minute, "rm", "-f", "tty-jobs")
			prompt := regexp.MustCompile(`(?m)^ctr# ?$`)
			s.await(prompt, 60*time.Second, "the shell's prompt")
			s.send(`printf "\033[H\033[2J"`, "Enter")
			s.await(regexp.MustCompile(`\Actr# ?\s*\z`), 30*time.Second, "clear")
			time.Sleep(300 * time.Millisecond)
			s.send(job, "Enter")
			s.await(regexp.MustCompile(`(?m)^ctr# ?`+jobRE+`\s*$`), 10*time.Second, "the typed job")
			time.Sleep(1500 * time.Millisecond)
			s.send("", "C-z")
			s.await(regexp.MustCompile(`(?m)^\[1\]\+\s+Stopped\s+`+jobRE+`\s*\nctr# ?$`), 10*time.Second, "the job stopped by Ctrl-Z")
			s.send("jobs; set -- $(jobs -p); echo bg-$#", "Enter")
			s.await(regexp.MustCompile(`(?m)^\[1\]\+\s+Stopped\s+`+jobRE+`\s*\nbg-1\s*$`), 10*time.Second, "jobs")
			s.send(`printf "\033[H\033[2J"`, "Enter")
			s.await(regexp.MustCompile(`\Actr# ?\s*\z`), 30*time.Second, "clear")
			time.Sleep(300 * time.Millisecond)
			s.send("fg", "Enter")
			s.await(regexp.MustCompile(`(?m)^ctr# ?fg\s*\n`+jobRE+`\s*$`), 10*time.Second, "fg")
			time.Sleep(1500 * time.Millisecond)
			if n := s.count(prompt); n != 0 {
				t.Fatalf("the resumed job ended at once:\n%s", s.screen())
			}
			s.send("", "C-c")
			s.await(prompt, 10*time.Second, "the prompt after Ctrl-C")
			s.send("r=$?; set -- $(jobs -p); echo rc=$r jobs=$#", "Enter")
			s.await(regexp.MustCompile(`(?m)^rc=130 jobs=0\s*$`), 10*time.Second, "the status of the interrupted job")
			if c.name == "carrick" {
				// An exec'd program (a host process of its own) stops,
				// resumes and is interrupted. (Not `kill %1; wait %1`:
				// bash races its own SIGCHLD there and may report the job
				// still stopped, 148, natively too.)
				s.send(`printf "\033[H\033[2J"`, "Enter")
				s.await(regexp.MustCompile(`\Actr# ?\s*\z`), 30*time.Second, "clear")
				time.Sleep(300 * time.Millisecond)
				s.send("sleep 100", "Enter")
				s.await(regexp.MustCompile(`(?m)^ctr# ?sleep 100\s*$`), 10*time.Second, "the typed sleep")
				time.Sleep(1500 * time.Millisecond)
				s.send("", "C-z")
				s.await(regexp.MustCompile(`(?m)^\[1\]\+\s+Stopped\s+sleep 100\s*\nctr# ?$`), 10*time.Second, "sleep stopped by Ctrl-Z")
				s.send("fg", "Enter")
				s.await(regexp.MustCompile(`(?m)^ctr# ?fg\s*\nsleep 100\s*$`), 10*time.Second, "fg of sleep")
				time.Sleep(1500 * time.Millisecond)
				if n := s.count(regexp.MustCompile(`(?m)^ctr# ?$`)); n != 0 {
					t.Fatalf("the resumed sleep ended at once:\n%s", s.screen())
				}
				s.send("", "C-c")
				s.send("echo sleep-rc=$?", "Enter")
				s.await(regexp.MustCompile(`(?m)^sleep-rc=130\s*$`), 10*time.Second, "the resumed sleep interrupted")
			}
			s.send("exit", "Enter")
			s.awaitExit(30 * time.Second)
		})
	}
}

// awaitExit waits until the window's command has ended (tmux closes the
// session with it), failing the test after d.
func (s *tmuxSession) awaitExit(d time.Duration) {
	s.t.Helper()
	for start := time.Now(); time.Since(start) < d; time.Sleep(50 * time.Millisecond) {
		if exec.Command("tmux", "-L", s.sock, "has-session", "-t", "main").Run() != nil {
			return
		}
	}
	s.t.Fatalf("the terminal's command did not end in %v:\n%s", d, s.screen())
}

// bashTerminals are the commands a tmux window runs for an interactive
// bash with the prompt "ctr# ": under qemu in a chroot of the Debian
// root, and in a carrick run -t container named name of its image.
func bashTerminals(name string) []struct{ name, cmd string } {
	root := filepath.Join(fixtures, "rootfs", "debian")
	return []struct{ name, cmd string }{
		{"qemu", "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm 'PS1=ctr# ' chroot " + root + " /qemu-aarch64-static /bin/bash --norc --noprofile -i"},
		{"carrick", "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=xterm CARRICK_HOME=" + home + " " + carrickB +
			" run -t -i --rm --name " + name + " -e 'PS1=ctr# ' " + reg.ref(debianRepo) + " bash --norc --noprofile -i"},
	}
}

// outerShell is the command of a tmux window's own interactive bash, the
// prompt "outer$ ", with HOME dir and carrick's store. It keeps no history:
// a bash the test's end hangs up would write one into dir as the test's
// cleanup removes it.
func outerShell(dir string) string {
	return "env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=" + dir + " HISTFILE= TERM=xterm CARRICK_HOME=" + home +
		" PS1='outer$ ' bash --norc --noprofile -i"
}
