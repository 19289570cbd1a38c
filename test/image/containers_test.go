//go:build linux

package image_test

import (
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carrick-go/carrick/test/image/mkimage"
)

// inspectState is the part of `carrick inspect`'s docker-shaped JSON the
// tests read.
type inspectState struct {
	ID    string `json:"Id"`
	Name  string
	Image string
	State struct {
		Status   string
		Running  bool
		Pid      int
		ExitCode int
	}
	Config struct {
		Hostname   string
		Env        []string
		Cmd        []string
		WorkingDir string
	}
}

func inspect(t *testing.T, name string) inspectState {
	t.Helper()
	r := ctr(t, 0, "inspect", name)
	var all []inspectState
	if err := json.Unmarshal([]byte(r.stdout), &all); err != nil || len(all) != 1 {
		t.Fatalf("inspect %s: want a JSON array of one (%v): %s", name, err, r.describe())
	}
	return all[0]
}

// waitFor polls cond every 100 ms for at most d.
func waitFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

var hexID = regexp.MustCompile(`^[0-9a-f]{64}\n$`)

// TestDetached: run -d, ps, logs, exec, inspect, stop, wait, rm: the
// lifecycle of a background container.
func TestDetached(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	const name = "detached"
	// A shell that logs, and ends cleanly on SIGTERM (as PID 1 of a docker
	// container, sh would ignore it without the trap).
	loop := `trap 'echo got TERM; exit 0' TERM; echo started as $(id -u); while :; do sleep 0.1; done`
	r := ctr(t, 0, "run", "-d", "--name", name, "-e", "MODE=detached", bb, "sh", "-c", loop)
	defer carrickRun(home, nil, time.Minute, "rm", "-f", name)
	if !hexID.MatchString(r.stdout) {
		t.Errorf("run -d prints the container's ID: %s", r.describe())
	}
	id := strings.TrimSpace(r.stdout)

	if !waitFor(20*time.Second, func() bool {
		return strings.Contains(carrickRun(home, nil, time.Minute, "logs", name).stdout, "started as 0\n")
	}) {
		t.Fatalf("logs never showed the start: %s", carrickRun(home, nil, time.Minute, "logs", name).describe())
	}
	ps := ctr(t, 0, "ps")
	if !strings.Contains(ps.stdout, name) || !strings.Contains(ps.stdout, id[:12]) {
		t.Errorf("ps does not list the running container: %s", ps.describe())
	}
	if q := ctr(t, 0, "ps", "-q"); !strings.Contains(q.stdout, id[:12]+"\n") {
		t.Errorf("ps -q: %s", q.describe())
	}

	st := inspect(t, name)
	if st.ID != id || st.Name != "/"+name || !st.State.Running || st.State.Status != "running" || st.State.Pid <= 0 {
		t.Errorf("inspect of the running container: %+v", st)
	}
	if st.Config.WorkingDir != mkimage.WorkDir || !contains(st.Config.Env, "MODE=detached") ||
		!contains(st.Config.Env, mkimage.ImageVar+"="+mkimage.ImageVal) {
		t.Errorf("inspect's Config does not merge the image's and the flags': %+v", st.Config)
	}

	// The hostname is the short ID, as docker's.
	wantOut(t, id[:12]+"\n", "exec", name, "hostname")
	// exec sees the container's files, env and working directory.
	wantOut(t, mkimage.AddedBody, "exec", name, "cat", mkimage.AddedFile)
	wantOut(t, "detached "+mkimage.WorkDir+"\n", "exec", name, "sh", "-c", "echo $MODE $(pwd)")
	wantOut(t, "exec wrote\n", "exec", name, "sh", "-c", "echo exec wrote > /from-exec; cat /from-exec")
	r = carrickRun(home, strings.NewReader("through stdin\n"), time.Minute, "exec", "-i", name, "cat")
	if r.status != 0 || r.stdout != "through stdin\n" {
		t.Errorf("exec -i: %s", r.describe())
	}
	ctr(t, 4, "exec", name, "sh", "-c", "exit 4")
	ctr(t, 127, "exec", name, "no-such-program")

	start := time.Now()
	ctr(t, 0, "stop", name)
	if d := time.Since(start); d > 8*time.Second {
		t.Errorf("stop took %v: the TERM trap should end the container at once", d)
	}
	if w := ctr(t, 0, "wait", name); w.stdout != "0\n" {
		t.Errorf("wait: %s", w.describe())
	}
	if logs := ctr(t, 0, "logs", name); !strings.HasSuffix(logs.stdout, "got TERM\n") {
		t.Errorf("logs after stop: %s", logs.describe())
	}
	st = inspect(t, name)
	if st.State.Running || st.State.Status != "exited" || st.State.ExitCode != 0 {
		t.Errorf("inspect of the stopped container: %+v", st.State)
	}
	if ps := ctr(t, 0, "ps"); strings.Contains(ps.stdout, name) {
		t.Errorf("ps lists a stopped container: %s", ps.describe())
	}
	if ps := ctr(t, 0, "ps", "-a"); !strings.Contains(ps.stdout, name) {
		t.Errorf("ps -a does not list the stopped container: %s", ps.describe())
	}
	ctr(t, 0, "rm", name)
	if ps := ctr(t, 0, "ps", "-a"); strings.Contains(ps.stdout, name) {
		t.Errorf("ps -a lists a removed container: %s", ps.describe())
	}
	ctrFail(t, "inspect", name)
}

// TestKill: kill's signals reach the container's process; rm -f ends a
// running container; exec into a stopped one fails.
func TestKill(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	ctr(t, 0, "run", "-d", "--name", "killed", bb, "sleep", "100")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "killed")
	ctr(t, 0, "run", "-d", "--name", "hupped", bb, "sh", "-c", "trap 'exit 42' HUP; while :; do sleep 0.1; done")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "hupped")

	waitRunning(t, "killed")
	waitRunning(t, "hupped")
	ctr(t, 0, "kill", "killed")
	if w := ctr(t, 0, "wait", "killed"); w.stdout != "137\n" {
		t.Errorf("wait after kill: %s", w.describe())
	}
	ctr(t, 0, "kill", "-s", "HUP", "hupped")
	if w := ctr(t, 0, "wait", "hupped"); w.stdout != "42\n" {
		t.Errorf("wait after kill -s HUP: %s", w.describe())
	}
	ctrFail(t, "exec", "killed", "true") // not running

	ctr(t, 0, "run", "-d", "--name", "forced", bb, "sleep", "100")
	waitRunning(t, "forced")
	ctrFail(t, "rm", "forced") // running: rm refuses without -f
	st := inspect(t, "forced")
	ctr(t, 0, "rm", "-f", "forced")
	if st.State.Pid > 0 && waitFor(5*time.Second, func() bool { return !alive(st.State.Pid) }) == false {
		t.Errorf("rm -f left the container's process %d running", st.State.Pid)
	}
}

func waitRunning(t *testing.T, name string) {
	t.Helper()
	if !waitFor(20*time.Second, func() bool { return inspect(t, name).State.Running }) {
		t.Fatalf("%s never ran: %+v", name, inspect(t, name).State)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestStdinAndLogs: -i forwards stdin and its end; without -i the
// container's stdin is empty; a foreground container's output is in its
// logs; start -a exits with the container's status.
func TestStdinAndLogs(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	r := carrickRun(home, strings.NewReader("line 1\nline 2\n"), time.Minute, "run", "-i", "--rm", bb, "sh", "-c", "wc -l; echo done")
	if r.status != 0 || strings.TrimSpace(strings.Split(r.stdout, "\n")[0]) != "2" || !strings.HasSuffix(r.stdout, "done\n") {
		t.Errorf("run -i: %s", r.describe())
	}
	r = carrickRun(home, strings.NewReader("not forwarded\n"), time.Minute, "run", "--rm", bb, "cat")
	if r.status != 0 || r.stdout != "" {
		t.Errorf("run without -i read the caller's stdin: %s", r.describe())
	}

	ctr(t, 0, "run", "--name", "logged", bb, "sh", "-c", "echo to stdout; echo to stderr >&2")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "logged")
	logs := ctr(t, 0, "logs", "logged")
	if logs.stdout != "to stdout\n" || logs.stderr != "to stderr\n" {
		t.Errorf("logs of a foreground run: %s", logs.describe())
	}

	ctr(t, 0, "create", "--name", "five", bb, "sh", "-c", "echo five; exit 5")
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "five")
	if r := ctr(t, 5, "start", "-a", "five"); r.stdout != "five\n" {
		t.Errorf("start -a: %s", r.describe())
	}
	if st := inspect(t, "five"); st.State.ExitCode != 5 || st.State.Status != "exited" {
		t.Errorf("inspect after exit 5: %+v", st.State)
	}
}

// TestPublish: -p is accepted with a note, and a server in a container is
// reached from the host on its own port (the container's sockets are the
// host's).
func TestPublish(t *testing.T) {
	needImages(t)
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	p := strconv.Itoa(port)
	r := ctr(t, 0, "run", "-d", "--name", "httpd", "-p", p+":"+p, reg.ref(busyboxRepo),
		"httpd", "-f", "-p", "127.0.0.1:"+p, "-h", mkimage.WorkDir)
	defer carrickRun(home, nil, time.Minute, "rm", "-f", "httpd")
	if !strings.Contains(r.stderr, "-p "+p+":"+p) {
		t.Errorf("run -p: want a note about the mapping: %s", r.describe())
	}
	var body []byte
	if !waitFor(30*time.Second, func() bool {
		resp, err := http.Get("http://127.0.0.1:" + p + "/" + mkimage.WorkFile)
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		body, _ = io.ReadAll(resp.Body)
		return resp.StatusCode == http.StatusOK
	}) {
		t.Fatalf("the container's httpd never answered on 127.0.0.1:%s: %s", p, carrickRun(home, nil, time.Minute, "logs", "httpd").describe())
	}
	if string(body) != mkimage.WorkBody {
		t.Errorf("httpd served %q, want %q", body, mkimage.WorkBody)
	}
}

// TestLogsOrder: a container's log keeps stdout and stderr in the order
// they came, with times (logs -t), its bytes exactly (not UTF-8, no final
// newline), and --tail; for a foreground run and a detached one, whose
// `wait` returns once the output is in the log.
func TestLogsOrder(t *testing.T) {
	needImages(t)
	script := `echo o1; sleep 0.2; echo e1 >&2; sleep 0.2; echo o2; sleep 0.2; printf 'e2 \377' >&2`
	for _, mode := range []string{"fg", "d"} {
		t.Run(mode, func(t *testing.T) {
			name := "order-" + mode
			defer carrickRun(home, nil, time.Minute, "rm", "-f", name)
			if mode == "d" {
				ctr(t, 0, "run", "-d", "--name", name, reg.ref(busyboxRepo), "sh", "-c", script)
				if w := ctr(t, 0, "wait", name); w.stdout != "0\n" {
					t.Fatalf("wait: %s", w.describe())
				}
			} else {
				ctr(t, 0, "run", "--name", name, reg.ref(busyboxRepo), "sh", "-c", script)
			}
			r := ctr(t, 0, "logs", "-t", name)
			type line struct {
				at   time.Time
				text string
			}
			var lines []line
			for _, out := range []string{r.stdout, r.stderr} {
				for _, l := range strings.SplitAfter(out, "\n") {
					ts, text, ok := strings.Cut(l, " ")
					if l == "" {
						continue
					}
					at, err := time.Parse(time.RFC3339Nano, ts)
					if !ok || err != nil {
						t.Fatalf("logs -t: a line without its time %q: %s", l, r.describe())
					}
					lines = append(lines, line{at, text})
				}
			}
			sort.SliceStable(lines, func(i, j int) bool { return lines[i].at.Before(lines[j].at) })
			var got []string
			for _, l := range lines {
				got = append(got, l.text)
			}
			if want := []string{"o1\n", "e1\n", "o2\n", "e2 \xff"}; !reflect.DeepEqual(got, want) {
				t.Errorf("logs -t in time order: %q, want %q\n%s", got, want, r.describe())
			}
			if len(lines) == 4 {
				if r := ctr(t, 0, "logs", "--since", lines[1].at.Format(time.RFC3339Nano), name); r.stdout != "o2\n" || r.stderr != "e1\ne2 \xff" {
					t.Errorf("logs --since the second line's time: %s", r.describe())
				}
				if r := ctr(t, 0, "logs", "--until", lines[0].at.Format(time.RFC3339Nano), name); r.stdout != "o1\n" || r.stderr != "" {
					t.Errorf("logs --until the first line's time: %s", r.describe())
				}
			}
			if r := ctr(t, 0, "logs", "--tail", "2", name); r.stdout != "o2\n" || r.stderr != "e2 \xff" {
				t.Errorf("logs --tail 2: %s", r.describe())
			}
			if r := ctr(t, 0, "logs", "-n", "0", name); r.stdout != "" || r.stderr != "" {
				t.Errorf("logs -n 0: %s", r.describe())
			}
			ctr(t, 125, "logs", "--tail", "x", name)
		})
	}
}
