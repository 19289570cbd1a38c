package main

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// The user command end to end: bad input gets a clear message and a shell's
// exit code, never a Go panic; #! scripts run their interpreter.

func buildCarrick(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "carrick")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

func cc(t *testing.T, dir, name, src string) string {
	t.Helper()
	if _, err := exec.LookPath("aarch64-linux-gnu-gcc"); err != nil {
		t.Fatal("aarch64-linux-gnu-gcc not found (Debian: gcc-aarch64-linux-gnu libc6-dev-arm64-cross)")
	}
	c := filepath.Join(dir, name+".c")
	os.WriteFile(c, []byte(src), 0o644)
	out := filepath.Join(dir, name)
	if b, err := exec.Command("aarch64-linux-gnu-gcc", "-static", "-O1", "-o", out, c).CombinedOutput(); err != nil {
		t.Fatalf("cc %s: %v\n%s", name, err, b)
	}
	return out
}

func run(t *testing.T, bin string, args ...string) (int, string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, stdout.String(), stderr.String()
}

// x86ELF is a minimal x86-64 executable header.
func x86ELF() []byte {
	var b bytes.Buffer
	h := elf.Header64{Type: uint16(elf.ET_EXEC), Machine: uint16(elf.EM_X86_64), Version: 1, Phoff: 64, Ehsize: 64, Phentsize: 56}
	copy(h.Ident[:], elf.ELFMAG)
	h.Ident[elf.EI_CLASS], h.Ident[elf.EI_DATA], h.Ident[elf.EI_VERSION] = byte(elf.ELFCLASS64), byte(elf.ELFDATA2LSB), 1
	binary.Write(&b, binary.LittleEndian, h)
	return b.Bytes()
}

func TestRunELFBadInput(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	write := func(name string, data []byte, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	hello := cc(t, dir, "hello", `#include <stdio.h>
int main(){puts("hi");return 0;}`)
	good, _ := os.ReadFile(hello)
	null := cc(t, dir, "null", `int main(){return *(volatile int*)0;}`)
	jump := cc(t, dir, "jump", `int main(){void(*f)(void)=(void*)0x1234568;f();return 0;}`)
	udf := cc(t, dir, "udf", `int main(){__asm__ volatile(".inst 0x00000000");return 0;}`)
	// A dynamically linked program whose interpreter is not in the view
	// (the host's / of an x86-64 machine has no ld-linux-aarch64.so.1).
	dynSrc := filepath.Join(dir, "dyn.c")
	os.WriteFile(dynSrc, []byte("int main(){return 0;}"), 0o644)
	dyn := filepath.Join(dir, "dyn")
	if b, err := exec.Command("aarch64-linux-gnu-gcc", "-o", dyn, dynSrc).CombinedOutput(); err != nil {
		t.Fatalf("cc dyn: %v\n%s", err, b)
	}
	for _, c := range []struct {
		name string
		path string
		code int
		msg  string
	}{
		{"not an ELF", write("text", []byte("just text\n"), 0o755), 126, "not an ELF file"},
		{"x86-64 ELF", write("x86", x86ELF(), 0o755), 126, "not aarch64"},
		{"truncated ELF", write("trunc", good[:200], 0o755), 126, "truncated or corrupt ELF"},
		{"corrupt program headers", write("corrupt", corruptPhdrs(good), 0o755), 126, "ELF"},
		{"missing program", filepath.Join(dir, "nope"), 127, "no such file"},
		{"not executable", write("noexec", good, 0o644), 126, "permission denied"},
		{"missing ELF interpreter", dyn, 127, "interpreter /lib/ld-linux-aarch64.so.1"},
		{"directory", dir, 126, "permission denied"},
		{"missing #! interpreter", write("script", []byte("#!/does/not/exist\n"), 0o755), 127, "no such file"},
		{"empty #! line", write("empty", []byte("#!\n"), 0o755), 126, "exec format error"},
		{"NULL dereference", null, 139, "SIGSEGV"},
		{"jump to garbage", jump, 139, "SIGSEGV"},
		{"undefined instruction", udf, 132, "SIGILL"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, bin, "run-elf", c.path)
			if code != c.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, c.code, stderr)
			}
			if !strings.Contains(stderr, c.msg) {
				t.Errorf("stderr lacks %q:\n%s", c.msg, stderr)
			}
			if strings.Contains(stderr, "panic") || strings.Contains(stderr, "goroutine ") {
				t.Errorf("Go panic on bad input:\n%s", stderr)
			}
		})
	}
}

// corruptPhdrs points the program header table past the end of the file.
func corruptPhdrs(good []byte) []byte {
	b := append([]byte(nil), good...)
	binary.LittleEndian.PutUint64(b[32:], uint64(len(b))+4096)
	return b
}

func TestShebang(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	echo := cc(t, dir, "argv", `#include <stdio.h>
int main(int c, char **v){for(int i=0;i<c;i++)printf("[%s]",v[i]);puts("");return 0;}`)
	script := filepath.Join(dir, "script")
	os.WriteFile(script, []byte("#! "+echo+"  -x y \nignored\n"), 0o755)
	code, out, stderr := run(t, bin, "run-elf", script, "a", "b")
	want := "[" + echo + "][-x y][" + script + "][a][b]\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, stdout %q, want %q; stderr %s", code, out, want, stderr)
	}
	// A script whose interpreter is a script: two levels.
	outer := filepath.Join(dir, "outer")
	os.WriteFile(outer, []byte("#!"+script+"\n"), 0o755)
	code, out, _ = run(t, bin, "run-elf", outer, "z")
	want = "[" + echo + "][-x y][" + script + "][" + outer + "][z]\n"
	if code != 0 || out != want {
		t.Fatalf("nested: exit %d, stdout %q, want %q", code, out, want)
	}
}

// TestXattrMetadata runs as root on Linux, but in the xattr metadata mode
// (what a non-root user and macOS get): ownership, setuid bits and device
// nodes are what the guest sees, while the host files stay plain.
func TestXattrMetadata(t *testing.T) {
	bin := buildCarrick(t)
	root := t.TempDir()
	probe := cc(t, root, "meta", `#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <fcntl.h>
int main(void){
	close(open("/f", O_CREAT|O_WRONLY, 0644));
	if (chown("/f", 1234, 56) || chmod("/f", 04755) || mknod("/null", S_IFCHR|0666, makedev(1,3)) || mkfifo("/fifo", 0600)) { perror("setup"); return 1; }
	struct stat st;
	stat("/f", &st); printf("f uid=%d gid=%d mode=%o\n", st.st_uid, st.st_gid, st.st_mode);
	stat("/null", &st); printf("null chr=%d major=%d minor=%d\n", S_ISCHR(st.st_mode), major(st.st_rdev), minor(st.st_rdev));
	stat("/fifo", &st); printf("fifo=%d mode=%o\n", S_ISFIFO(st.st_mode), st.st_mode & 07777);
	return 0;
}`)
	code, out, stderr := run(t, bin, "run-elf", "--metadata", "xattr", "--rootfs", root, "/"+filepath.Base(probe))
	want := "f uid=1234 gid=56 mode=104755\nnull chr=1 major=1 minor=3\nfifo=1 mode=600\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, stdout %q, want %q; stderr %s", code, out, want, stderr)
	}
	var st syscall.Stat_t
	if err := syscall.Stat(filepath.Join(root, "f"), &st); err != nil {
		t.Fatal(err)
	}
	if st.Uid != 0 || st.Mode&syscall.S_ISUID != 0 {
		t.Errorf("host file got the guest's metadata: uid %d mode %o", st.Uid, st.Mode)
	}
	if err := syscall.Stat(filepath.Join(root, "null"), &st); err != nil || st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		t.Errorf("host stand-in for the device node is not a regular file: mode %o, %v", st.Mode, err)
	}
}

// TestStaticPIE: an ET_DYN program without an interpreter loads at the PIE
// base and relocates itself.
func TestStaticPIE(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "pie.c")
	os.WriteFile(src, []byte(`#include <stdio.h>
static int x = 41;
int main(int c, char **v){ printf("%d %s %d\n", c, v[1], x + 1); return 0; }`), 0o644)
	out := filepath.Join(dir, "pie")
	if b, err := exec.Command("aarch64-linux-gnu-gcc", "-static-pie", "-O2", "-o", out, src).CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, b)
	}
	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != elf.ET_DYN {
		t.Fatalf("not ET_DYN: %v", f.Type)
	}
	f.Close()
	code, stdout, stderr := run(t, bin, "run-elf", out, "arg")
	if code != 0 || stdout != "2 arg 42\n" {
		t.Fatalf("exit %d stdout %q stderr %s", code, stdout, stderr)
	}
}

// TestCompatReport: what the guest used that carrick lacks is listed.
func TestCompatReport(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	probe := cc(t, dir, "compat", `#include <unistd.h>
#include <fcntl.h>
#include <sys/syscall.h>
int main(void){
	syscall(SYS_io_setup, 1, 0);          /* not implemented: ENOSYS */
	open("/proc/self/smaps", O_RDONLY);   /* not provided by the synthetic /proc */
	return syscall(SYS_io_setup, 1, 0) == -1 ? 0 : 1;
}`)
	report := filepath.Join(dir, "report.json")
	code, _, stderr := run(t, bin, "run-elf", "--compat-report", report, probe)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"what": "syscall:io_setup"`, `"count": 2`, `"what": "path:/proc/self/smaps"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("report lacks %s:\n%s", want, b)
		}
	}
}

// TestConfinement: a guest under --rootfs reaches nothing outside it,
// whatever links it makes or finds, and a read-only bind mount refuses
// writes with EROFS.
func TestConfinement(t *testing.T) {
	bin := buildCarrick(t)
	root := t.TempDir()
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("host secret\n"), 0o644)
	ro := t.TempDir()
	os.WriteFile(filepath.Join(ro, "data"), []byte("ro data\n"), 0o644)
	// Links planted in the root before the run, pointing at host paths.
	os.Symlink(filepath.Join(outside, "secret"), filepath.Join(root, "abs-link"))
	os.Symlink("../../../../../../../../"+outside+"/secret", filepath.Join(root, "dotdot-link"))
	os.Symlink("/loop", filepath.Join(root, "loop"))
	probe := cc(t, root, "escape", `#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
static void try(const char *p){
	char b[64] = {0}; int fd = open(p, O_RDONLY);
	if (fd < 0) { printf("%s: %s\n", p, strerror(errno)); return; }
	read(fd, b, sizeof b - 1); close(fd); printf("%s: %s", p, b);
}
int main(int c, char **v){
	try("/abs-link"); try("/dotdot-link"); try("/loop");
	char p[512]; snprintf(p, sizeof p, "/../../..%s/secret", v[1]); try(p);
	symlink(v[1], "/made-link"); snprintf(p, sizeof p, "/made-link/secret"); try(p);
	try("/ro/data");
	int fd = open("/ro/data", O_WRONLY);
	printf("write open on ro mount: %s\n", fd < 0 ? strerror(errno) : "allowed");
	printf("unlink on ro mount: %s\n", unlink("/ro/data") ? strerror(errno) : "allowed");
	return 0;
}`)
	code, out, stderr := run(t, bin, "run-elf", "--rootfs", root, "-v", ro+":/ro:ro", "/"+filepath.Base(probe), outside)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(out, "host secret") {
		t.Fatalf("the guest read a host file outside its root:\n%s", out)
	}
	for _, want := range []string{
		"/abs-link: No such file or directory", "/dotdot-link: No such file or directory",
		"/loop: Too many levels of symbolic links", "/ro/data: ro data",
		"write open on ro mount: Read-only file system", "unlink on ro mount: Read-only file system",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(ro, "data")); err != nil {
		t.Errorf("the read-only mount's file is gone: %v", err)
	}
}

// TestExecve: execve in place from a multithreaded process. The other
// threads end, caught handlers reset to default, ignored ones stay ignored,
// close-on-exec fds close, and the new argv and environment arrive; a
// failed execve returns an error to the old image. (The oracle cannot run
// this without binfmt_misc: qemu-user execs through the host kernel.)
func TestExecve(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	probe := cc(t, dir, "exec", `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <signal.h>
#include <pthread.h>
#include <errno.h>
static void h(int s) {}
static void *spin(void *a) { for (;;) pause(); return 0; }
int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "child") == 0) {
		struct sigaction sa, sb;
		sigaction(SIGUSR1, 0, &sa); sigaction(SIGUSR2, 0, &sb);
		printf("argc=%d argv2=%s env=%s usr1=%s usr2=%s fd5=%s fd6=%s pid-same=%d\n", argc, argv[2], getenv("EXECVAR"),
		       sa.sa_handler == SIG_DFL ? "default" : "other", sb.sa_handler == SIG_IGN ? "ignored" : "other",
		       fcntl(5, F_GETFD) < 0 ? "closed" : "open", fcntl(6, F_GETFD) < 0 ? "closed" : "open",
		       atoi(getenv("OLDPID")) == getpid());
		return 7;
	}
	signal(SIGUSR1, h); signal(SIGUSR2, SIG_IGN);
	dup2(1, 5); fcntl(5, F_SETFD, FD_CLOEXEC); dup2(1, 6);
	pthread_t t; pthread_create(&t, 0, spin, 0);
	char pid[32]; snprintf(pid, sizeof pid, "OLDPID=%d", getpid());
	char *nargv[] = {argv[0], "child", "second", 0};
	char *nenv[] = {"EXECVAR=yes", pid, 0};
	printf("bad exec: %d %s\n", execve("/nonexistent", nargv, nenv), strerror(errno));
	fflush(stdout);
	execve("/proc/self/exe", nargv, nenv);
	perror("execve");
	return 1;
}`)
	code, out, stderr := run(t, bin, "run-elf", probe)
	want := "bad exec: -1 No such file or directory\nargc=3 argv2=second env=yes usr1=default usr2=ignored fd5=closed fd6=open pid-same=1\n"
	if code != 7 || out != want {
		t.Fatalf("exit %d, stdout %q, want %q; stderr %s", code, out, want, stderr)
	}
}

// TestRobustMutex: a thread that exits holding a robust mutex leaves it to
// the next locker with EOWNERDEAD (the kernel walks the robust list at
// thread exit). qemu-user does not implement robust lists (its
// set_robust_list is ENOSYS and the probe deadlocks there), so this is
// checked against Linux's documented behaviour rather than the oracle.
func TestRobustMutex(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	probe := cc(t, dir, "robust", `/* Robust mutexes: a thread that exits holding one leaves it for the next
 * locker with EOWNERDEAD; pthread_mutex_consistent makes it usable. */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

static pthread_mutex_t m;

static void *holder(void *a)
{
	pthread_mutex_lock(&m);
	return 0; /* exits holding the lock */
}

int main(void)
{
	pthread_mutexattr_t at;
	pthread_mutexattr_init(&at);
	pthread_mutexattr_setrobust(&at, PTHREAD_MUTEX_ROBUST);
	pthread_mutex_init(&m, &at);
	pthread_t t;
	pthread_create(&t, 0, holder, 0);
	pthread_join(t, 0);
	int r = pthread_mutex_lock(&m);
	printf("lock after owner died: %s\n", r == EOWNERDEAD ? "EOWNERDEAD" : strerror(r));
	printf("consistent: %d\n", pthread_mutex_consistent(&m));
	printf("unlock: %d\n", pthread_mutex_unlock(&m));
	printf("lock again: %d\n", pthread_mutex_lock(&m));
	pthread_mutex_unlock(&m);
	return 0;
}
`)
	code, out, stderr := run(t, bin, "run-elf", probe)
	want := "lock after owner died: EOWNERDEAD\nconsistent: 0\nunlock: 0\nlock again: 0\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, stdout %q, want %q; stderr %s", code, out, want, stderr)
	}
}

// TestSpawn: posix_spawn and vfork (clone with CLONE_VM|CLONE_VFORK) start
// host child processes that the guest parent waits for with their exit
// code or killing signal; a vfork child that _exits without exec is reaped
// too.
func TestSpawn(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	probe := cc(t, dir, "spawn", `#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include <signal.h>
extern char **environ;
int main(int argc, char **argv) {
	if (argc > 1) { if (argv[1][0] == 'k') raise(SIGTERM); return 42; }
	pid_t pid; char *a[] = {argv[0], "exit", 0}; int st;
	int r = posix_spawn(&pid, "/proc/self/exe", 0, 0, a, environ);
	pid_t w = waitpid(pid, &st, 0);
	printf("spawn %d same-pid %d exited %d code %d\n", r, w == pid, WIFEXITED(st), WEXITSTATUS(st));
	char *b[] = {argv[0], "kill", 0};
	posix_spawn(&pid, "/proc/self/exe", 0, 0, b, environ);
	waitpid(pid, &st, 0);
	printf("signaled %d sig %d\n", WIFSIGNALED(st), WTERMSIG(st));
	pid = vfork();
	if (pid == 0) _exit(9);
	waitpid(pid, &st, 0);
	printf("vfork _exit code %d\n", WEXITSTATUS(st));
	printf("spawn missing %d\n", posix_spawn(&pid, "/nonexistent", 0, 0, a, environ));
	printf("no more children: %d\n", waitpid(-1, &st, WNOHANG));
	return 0;
}`)
	code, out, stderr := run(t, bin, "run-elf", probe)
	want := "spawn 0 same-pid 1 exited 1 code 42\nsignaled 1 sig 15\nvfork _exit code 9\nspawn missing 2\nno more children: -1\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, stdout %q, want %q; stderr %s", code, out, want, stderr)
	}
}

// TestHostSignal: a signal sent to carrick's host process from the host
// (kill -TERM) reaches the guest's handler.
func TestHostSignal(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	probe := cc(t, dir, "hostsig", `#include <signal.h>
#include <stdio.h>
#include <unistd.h>
static volatile sig_atomic_t got;
static void h(int s) { got = s; }
int main(void) {
	signal(SIGTERM, h);
	printf("ready\n"); fflush(stdout);
	while (!got) pause();
	printf("caught %d\n", got);
	return 3;
}`)
	cmd := exec.Command(bin, "run-elf", probe)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 6)
	if _, err := io.ReadFull(stdout, buf); err != nil || string(buf) != "ready\n" {
		t.Fatalf("guest did not start: %q %v", buf, err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	rest, _ := io.ReadAll(stdout)
	err = cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 || string(rest) != "caught 15\n" {
		t.Fatalf("after kill -TERM: %v, stdout %q", err, rest)
	}
}

// TestGoExec: Go's os/exec (clone with CLONE_VM|CLONE_VFORK, then execve in
// the child, pipes for output) starts and waits for a child process.
func TestGoExec(t *testing.T) {
	bin := buildCarrick(t)
	dir := t.TempDir()
	src := filepath.Join(dir, "main.go")
	os.WriteFile(src, []byte(`package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Printf("child %s env=%s\n", os.Args[1], os.Getenv("GOEXEC"))
		os.Exit(5)
	}
	cmd := exec.Command("/proc/self/exe", "hi")
	cmd.Env = append(os.Environ(), "GOEXEC=yes")
	out, err := cmd.Output()
	fmt.Printf("out=%q err=%v code=%d\n", strings.TrimSpace(string(out)), err, cmd.ProcessState.ExitCode())
}
`), 0o644)
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module goexec\n\ngo 1.26\n"), 0o644)
	prog := filepath.Join(dir, "goexec")
	build := exec.Command("go", "build", "-o", prog, ".")
	build.Dir = dir
	build.Env = append(os.Environ(), "GOOS=linux", "GOARCH=arm64", "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	code, out, stderr := run(t, bin, "run-elf", prog)
	want := "out=\"child hi env=yes\" err=exit status 5 code=5\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d, stdout %q, want %q; stderr %s", code, out, want, stderr)
	}
}

// TestRunTag: CARRICK_RUN_TAG stays in the host environment of every host
// process of the run (a forked guest child too, so a harness can find them
// all) and never reaches the guest, whose environment is otherwise the
// caller's.
func TestRunTag(t *testing.T) {
	bin := buildCarrick(t)
	probe := cc(t, t.TempDir(), "tag", `#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/wait.h>
int main(void) {
	pid_t pid = fork();
	if (pid == 0) {
		const char *tag = getenv("CARRICK_RUN_TAG"), *other = getenv("OTHER_VAR");
		printf("%d tag=%s other=%s\n", getpid(), tag ? tag : "(none)", other ? other : "(none)");
		fflush(stdout);
		sleep(2);
		return 0;
	}
	int st;
	waitpid(pid, &st, 0);
	return WEXITSTATUS(st);
}`)
	cmd := exec.Command(bin, "run-elf", probe)
	cmd.Env = append(os.Environ(), "CARRICK_RUN_TAG=test/tag", "OTHER_VAR=kept")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var pid int
	var tag, other string
	if _, err := fmt.Fscanf(stdout, "%d tag=%s other=%s\n", &pid, &tag, &other); err != nil {
		t.Fatal(err)
	}
	if tag != "(none)" || other != "kept" {
		t.Errorf("the guest child sees CARRICK_RUN_TAG=%s OTHER_VAR=%s, want (none) and kept", tag, other)
	}
	env, err := os.ReadFile(fmt.Sprintf("/proc/%d/environ", pid))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(env, []byte("\x00CARRICK_RUN_TAG=test/tag\x00")) && !bytes.HasPrefix(env, []byte("CARRICK_RUN_TAG=test/tag\x00")) {
		t.Errorf("the forked child's host process (pid %d) lacks the tag in its host environment", pid)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("carrick: %v", err)
	}
}
