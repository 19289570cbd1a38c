//go:build linux

package image_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carrick-go/carrick/test/image/mkimage"
)

// TestRunConfig: what `carrick run` makes of the image's config and of the
// flags that override it, as docker does.
func TestRunConfig(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	envFile := filepath.Join(t.TempDir(), "env")
	if err := os.WriteFile(envFile, []byte("# comment\nFROM_FILE=file value\n\nIMAGE_VAR=file-override\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		// The image's Cmd runs in its WorkingDir with its Env.
		{"image-cmd", []string{bb}, "image-cmd " + mkimage.ImageVal + " " + mkimage.WorkDir + "\n"},
		{"args", []string{bb, "echo", "hello", "world"}, "hello world\n"},
		{"image-env", []string{bb, "sh", "-c", "echo $PATH; echo $" + mkimage.ImageVar + "; echo $HOME"},
			mkimage.Path + "\n" + mkimage.ImageVal + "\n/root\n"},
		{"-e", []string{"-e", "FOO=bar baz", "-e", mkimage.ImageVar + "=over", bb, "sh", "-c", "echo $FOO; echo $" + mkimage.ImageVar},
			"bar baz\nover\n"},
		{"--env-file", []string{"--env-file", envFile, bb, "sh", "-c", "echo $FROM_FILE; echo $" + mkimage.ImageVar},
			"file value\nfile-override\n"},
		// A value with commas is one value (docker splits no flag on commas).
		{"-e-commas", []string{"-e", "LIST=a,b,c", bb, "sh", "-c", "echo $LIST"}, "a,b,c\n"},
		// A bare name takes the caller's value, and is dropped when unset.
		{"-e-bare", []string{"-e", "CARRICK_HOME", "-e", "UNSET_HERE", bb, "sh", "-c", "echo $CARRICK_HOME; echo ${UNSET_HERE-unset}"},
			home + "\nunset\n"},
		{"-w", []string{"-w", "/tmp", bb, "pwd"}, "/tmp\n"},
		{"-w-missing", []string{"-w", "/new/dir", bb, "pwd"}, "/new/dir\n"}, // docker creates it
		{"workdir-file", []string{bb, "cat", mkimage.WorkFile}, mkimage.WorkBody},
		// docker's groups: the primary group, then those listing the user.
		{"-u-name", []string{"-u", mkimage.AppUser, bb, "sh", "-c", "id; echo $HOME"},
			fmt.Sprintf("uid=%[1]d(%[2]s) gid=%[3]d(%[2]s) groups=%[3]d(%[2]s),%[4]d(%[5]s)\n%[6]s\n",
				mkimage.AppUID, mkimage.AppUser, mkimage.AppGID, mkimage.ExtraGID, mkimage.ExtraGroup, mkimage.AppHome)},
		{"-u-ids", []string{"-u", "1234:5678", bb, "sh", "-c", "id -u; id -g; id -G"}, "1234\n5678\n5678\n"},
		{"-u-root", []string{"-u", "0", bb, "id"}, "uid=0(root) gid=0(root) groups=0(root)\n"},
		{"--entrypoint", []string{"--entrypoint", "/bin/echo", bb, "a", "b"}, "a b\n"},
		// docker drops the image's Cmd when --entrypoint is given.
		{"--entrypoint-no-cmd", []string{"--entrypoint", "echo", bb}, "\n"},
		{"--hostname", []string{"--hostname", "carrick-box", bb, "hostname"}, "carrick-box\n"},
		{"--network-host", []string{"--network", "host", bb, "echo", "shared"}, "shared\n"},
		// --read-only: the root refuses writes, a volume takes them.
		{"--read-only", []string{"--read-only", "-v", t.TempDir() + ":/data", bb, "sh", "-c",
			"touch /x 2>/dev/null || echo root-ro; touch /data/y && echo vol-rw"}, "root-ro\nvol-rw\n"},
		// The layers: the second adds a file, changes one, deletes one.
		{"layer-added", []string{bb, "cat", mkimage.AddedFile}, mkimage.AddedBody},
		{"layer-changed", []string{bb, "sh", "-c", "grep -c . /etc/passwd; grep ^" + mkimage.AppUser + ": /etc/passwd | cut -d: -f3; tail -1 /etc/group"},
			"5\n1000\n" + mkimage.ExtraGroup + ":x:1001:" + mkimage.AppUser + "\n"},
		// A hard link to a file of the layer below, made before the
		// layer changed that file: the first layer's content.
		{"layer-cross-link", []string{bb, "sh", "-c", "grep -c " + mkimage.AppUser + " " + mkimage.BaseGroup + "; grep -c " + mkimage.ExtraGroup + " /etc/group"}, "0\n1\n"},
		{"layer-whiteout", []string{bb, "sh", "-c", "ls " + busyboxGone + " 2>/dev/null || echo gone; ls /bin/vi"},
			"gone\n/bin/vi\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			wantOut(t, c.want, append([]string{"run", "--rm"}, c.args...)...)
		})
	}
}

// TestExitStatus: a container's status is its command's; carrick's own
// failures are 125, a command that cannot run 126, one not found 127.
func TestExitStatus(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	for _, c := range []struct {
		name string
		args []string
		want int
	}{
		{"ok", []string{bb, "true"}, 0},
		{"3", []string{bb, "sh", "-c", "exit 3"}, 3},
		// A process killed by a signal is 128+N; pid 1 ignores its own
		// SIGKILL, as Linux's init (docker gives 0 too).
		{"signal", []string{bb, "sh", "-c", `sh -c 'kill -KILL $$'; exit $?`}, 137},
		{"init-own-kill", []string{bb, "sh", "-c", "kill -KILL $$"}, 0},
		{"not-executable", []string{bb, mkimage.AddedFile}, 126},
		{"directory", []string{bb, "/etc"}, 126},
		{"not-found", []string{bb, "/no/such/program"}, 127},
		{"not-in-path", []string{bb, "no-such-program"}, 127},
		{"whiteout", []string{bb, busyboxGone}, 127},
		{"bad-flag", []string{"--no-such-flag", bb, "true"}, 125},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := ctr(t, c.want, append([]string{"run", "--rm"}, c.args...)...)
			if c.want >= 125 && c.want <= 127 && r.stderr == "" {
				t.Errorf("no message on stderr: %s", r.describe())
			}
		})
	}
}

// TestRunErrors: carrick's own errors are one clear line and status 125.
func TestRunErrors(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	host := t.TempDir()
	for _, c := range []struct {
		name  string
		args  []string
		parts []string // what the message must say
	}{
		{"unknown-image", []string{"run", "--rm", reg.ref("carrick-test/no-such-image:1"), "true"}, []string{"no-such-image", "manifest unknown"}},
		{"unknown-tag", []string{"run", "--rm", reg.ref("carrick-test/busybox:no-such-tag"), "true"}, []string{"no-such-tag", "manifest unknown"}},
		{"registry-unreachable", []string{"run", "--rm", fmt.Sprintf("127.0.0.1:%d/x/y:1", closedPort(t)), "true"},
			[]string{"127.0.0.1", "connection refused"}},
		{"amd64-only", []string{"run", "--rm", reg.ref(amd64Repo), "true"}, []string{"linux/amd64", "linux/arm64"}},
		{"pull-amd64-only", []string{"pull", reg.ref(amd64Repo)}, []string{"linux/amd64", "linux/arm64"}},
		{"bad-volume", []string{"run", "--rm", "-v", host + ":relative/path", bb, "true"}, []string{"relative/path"}},
		{"bad-volume-mode", []string{"run", "--rm", "-v", host + ":/data:bogus", bb, "true"}, []string{"bogus"}},
		{"bad-mount", []string{"run", "--rm", "--mount", "type=bind,target=/data", bb, "true"}, []string{"source"}},
		{"no-such-user", []string{"run", "--rm", "-u", "nobody-here", bb, "true"}, []string{"nobody-here"}},
		{"network-none", []string{"run", "--rm", "--network", "none", bb, "true"}, []string{"--network none", "host"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			r := ctr(t, 125, c.args...)
			oneLineError(t, r, c.parts...)
		})
	}
	t.Run("name-conflict", func(t *testing.T) {
		t.Parallel()
		name := "conflict-" + t.Name()[len(t.Name())-8:]
		ctr(t, 0, "create", "--name", name, bb, "true")
		defer ctr(t, 0, "rm", name)
		r := ctr(t, 125, "run", "--rm", "--name", name, bb, "true")
		oneLineError(t, r, name)
	})
}

// closedPort is a loopback port no one listens on.
func closedPort(t *testing.T) int {
	p, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestVolumes: bind mounts, read-write and read-only, by -v and --mount.
func TestVolumes(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "from-host"), []byte("host file\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("rw", func(t *testing.T) {
		wantOut(t, "host file\n", "run", "--rm", "-v", dir+":/data", bb,
			"sh", "-c", "cat /data/from-host && echo guest wrote > /data/from-guest")
		if b, err := os.ReadFile(filepath.Join(dir, "from-guest")); err != nil || string(b) != "guest wrote\n" {
			t.Errorf("the host sees %q, %v", b, err)
		}
	})
	for _, ro := range [][]string{{"-v", dir + ":/data:ro"}, {"--mount", "type=bind,source=" + dir + ",target=/data,readonly"}} {
		t.Run(ro[0]+"-ro", func(t *testing.T) {
			r := ctr(t, 1, append(append([]string{"run", "--rm"}, ro...), bb,
				"sh", "-c", "cat /data/from-host; echo x > /data/ro-write")...)
			if r.stdout != "host file\n" || !strings.Contains(r.stderr, "Read-only file system") {
				t.Errorf("want the file read and the write refused with EROFS: %s", r.describe())
			}
			if _, err := os.Stat(filepath.Join(dir, "ro-write")); err == nil {
				t.Error("the read-only mount was written")
			}
		})
	}
	t.Run("--mount-rw", func(t *testing.T) {
		wantOut(t, "", "run", "--rm", "--mount", "type=bind,source="+dir+",target=/m", bb,
			"sh", "-c", "echo by mount > /m/by-mount")
		if b, err := os.ReadFile(filepath.Join(dir, "by-mount")); err != nil || string(b) != "by mount\n" {
			t.Errorf("the host sees %q, %v", b, err)
		}
	})
}

// TestIsolation: every container has its own writable layer over the
// shared image; a container keeps its writes across starts.
func TestIsolation(t *testing.T) {
	needImages(t)
	bb := reg.ref(busyboxRepo)
	wantOut(t, "changed\n", "run", "--rm", bb, "sh", "-c",
		"echo changed > "+mkimage.AddedFile+"; rm /bin/vi; touch /new-file; cat "+mkimage.AddedFile)
	wantOut(t, mkimage.AddedBody+"/bin/vi\nno new-file\n", "run", "--rm", bb, "sh", "-c",
		"cat "+mkimage.AddedFile+"; ls /bin/vi; ls /new-file 2>/dev/null || echo no new-file")

	a, b := "iso-a", "iso-b"
	script := "cat /written 2>/dev/null || echo none; echo $HOSTNAME >> /written"
	for _, n := range []string{a, b} {
		ctr(t, 0, "create", "--name", n, "--hostname", n, bb, "sh", "-c", script)
		defer ctr(t, 0, "rm", "-f", n)
	}
	// Started twice, a container sees its first run's file; the other
	// container of the same image does not.
	if r := ctr(t, 0, "start", "-a", a); r.stdout != "none\n" {
		t.Errorf("first start of %s: %s", a, r.describe())
	}
	if r := ctr(t, 0, "start", "-a", a); r.stdout != a+"\n" {
		t.Errorf("second start of %s: %s", a, r.describe())
	}
	if r := ctr(t, 0, "start", "-a", b); r.stdout != "none\n" {
		t.Errorf("%s saw %s's write: %s", b, a, r.describe())
	}
}

// TestRmLeavesNothing: `run --rm` removes the container, its directory
// and its state, in a store of its own.
func TestRmLeavesNothing(t *testing.T) {
	h := filepath.Join(t.TempDir(), "home")
	if err := pullInto(h, busyboxRepo); err != nil {
		t.Fatal(err)
	}
	bb := reg.ref(busyboxRepo)
	if r := ctrIn(t, h, 0, "run", "--rm", "--name", "gone", bb, "sh", "-c", "echo x > /x; echo ran"); r.stdout != "ran\n" {
		t.Errorf("run: %s", r.describe())
	}
	ctrIn(t, h, 3, "run", "--rm", bb, "sh", "-c", "exit 3")
	if r := ctrIn(t, h, 0, "ps", "-a", "-q"); r.stdout != "" {
		t.Errorf("ps -a after run --rm: %s", r.describe())
	}
	ents, err := os.ReadDir(filepath.Join(h, "containers"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), ".") {
			t.Errorf("left in the store's containers: %s", e.Name())
		}
	}
	// The name is free again.
	ctrIn(t, h, 0, "run", "--rm", "--name", "gone", bb, "true")

	// A detached --rm container goes when it ends.
	ctrIn(t, h, 0, "run", "-d", "--rm", "--name", "detached-gone", bb, "sleep", "1")
	if !waitFor(30*time.Second, func() bool { return carrickRun(h, nil, time.Minute, "ps", "-a", "-q").stdout == "" }) {
		t.Errorf("run -d --rm: the container stayed: %s", carrickRun(h, nil, time.Minute, "ps", "-a").describe())
	}
	if ents, _ := os.ReadDir(filepath.Join(h, "containers")); len(ents) > 0 && !(len(ents) == 1 && ents[0].Name() == ".lock") {
		t.Errorf("run -d --rm left %d entries in the store's containers", len(ents))
	}
}
