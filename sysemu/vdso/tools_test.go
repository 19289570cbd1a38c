package vdso

// The image as GNU binutils, gcc/ld, glibc's ld.so and libgcc's unwinder
// see it. Each test skips when its cross tool is not installed
// (binutils-aarch64-linux-gnu, gcc-aarch64-linux-gnu, qemu-user-static).

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func lookTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not installed (Debian: gcc-aarch64-linux-gnu, binutils-aarch64-linux-gnu, qemu-user-static)", name)
	}
	return p
}

// runTool runs a command and fails the test on a non-zero exit or on any
// output to stderr; it returns stdout.
func runTool(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\nstdout:\n%s\nstderr:\n%s", filepath.Base(name), strings.Join(args, " "), err, stdout.String(), stderr.String())
	}
	if stderr.Len() != 0 {
		t.Fatalf("%s %s wrote to stderr:\n%s", filepath.Base(name), strings.Join(args, " "), stderr.String())
	}
	return stdout.String()
}

// writeImage writes Image() to dir/linux-vdso.so.1 (so that it can also be
// linked and loaded by its SONAME) and returns the path.
func writeImage(t *testing.T, dir string, img []byte) string {
	t.Helper()
	p := filepath.Join(dir, Soname)
	if err := os.WriteFile(p, img, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// withoutSectionHeaders is the image with e_shoff/e_shnum/e_shstrndx
// cleared: what a loader that only reads program headers sees.
func withoutSectionHeaders(img []byte) []byte {
	img = append([]byte(nil), img...)
	binary.LittleEndian.PutUint64(img[40:], 0) // e_shoff
	binary.LittleEndian.PutUint16(img[58:], 0) // e_shentsize
	binary.LittleEndian.PutUint16(img[60:], 0) // e_shnum
	binary.LittleEndian.PutUint16(img[62:], 0) // e_shstrndx
	return img
}

func mustContain(t *testing.T, what, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s output lacks %q", what, w)
		}
	}
}

func noWarnings(t *testing.T, what, out string) {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		l := strings.ToLower(line)
		if strings.Contains(l, "warning") || strings.Contains(l, "error") || strings.Contains(l, "corrupt") || strings.Contains(l, "invalid") {
			t.Errorf("%s: %s", what, line)
		}
	}
}

// symbolLines are the readelf symbol-table lines every export must have.
func symbolLines() []string {
	var want []string
	for _, s := range Symbols() {
		typ := "FUNC"
		if s.Name == RtSigreturn {
			typ = "NOTYPE"
		}
		want = append(want, fmt.Sprintf("%016x %5d %-7s GLOBAL DEFAULT    %d %s@@%s", s.Offset, s.Size, typ, shText, s.Name, Version))
	}
	return want
}

func TestReadelf(t *testing.T) {
	readelf := lookTool(t, "aarch64-linux-gnu-readelf")
	dir := t.TempDir()
	path := writeImage(t, dir, Image())

	// -L (--lint) adds readelf's extra consistency checks.
	out := runTool(t, dir, nil, readelf, "-a", "-W", "-L", path)
	noWarnings(t, "readelf -a", out)
	mustContain(t, "readelf -a", out,
		"Class:                             ELF64",
		"Type:                              DYN (Shared object file)",
		"Machine:                           AArch64",
		"(SONAME)             Library soname: [linux-vdso.so.1]",
		"There are no relocations in this file.",
		"Symbol table '.dynsym' contains 5 entries:",
		"Histogram for bucket list length (total of 3 buckets):",
		"Histogram for `.gnu.hash' bucket list length (total of 3 buckets):",
		"Version symbols section '.gnu.version' contains 5 entries:",
		"Flags: BASE  Index: 1  Cnt: 1  Name: linux-vdso.so.1",
		"Flags: none  Index: 2  Cnt: 1  Name: LINUX_2.6.39",
		"Linux                0x00000004",
		fmt.Sprintf("description data: %02x %02x %02x 00", KernelVersion&0xff, KernelVersion>>8&0xff, KernelVersion>>16),
	)
	mustContain(t, "readelf -a", out, symbolLines()...)
	if regexp.MustCompile(`(?m)^ +\d+: .*\bLOCAL\b.*\S+@`).MatchString(out) {
		t.Error("a versioned symbol is LOCAL")
	}
	for _, seg := range []string{
		`LOAD +0x000000 0x0000000000000000 0x0000000000000000 0x[0-9a-f]+ 0x[0-9a-f]+ R E 0x1000`,
		`DYNAMIC +0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+ 0x0000b0 0x0000b0 R   0x8`,
		`NOTE +0x[0-9a-f]+ 0x[0-9a-f]+ 0x[0-9a-f]+ 0x000018 0x000018 R   0x4`,
	} {
		if !regexp.MustCompile(seg).MatchString(out) {
			t.Errorf("readelf -l lacks a segment matching %q", seg)
		}
	}

	// Using only the dynamic section (-D): the symbol count comes from the
	// hash tables and versions from DT_VERSYM/DT_VERDEF, with and without
	// section headers.
	for _, v := range []struct {
		name string
		img  []byte
	}{{"with sections", Image()}, {"without sections", withoutSectionHeaders(Image())}} {
		d := t.TempDir()
		p := writeImage(t, d, v.img)
		out := runTool(t, d, nil, readelf, "-a", "-W", "-D", p)
		noWarnings(t, "readelf -D "+v.name, out)
		mustContain(t, "readelf -D "+v.name, out, symbolLines()...)
		mustContain(t, "readelf -D "+v.name, out, "Library soname: [linux-vdso.so.1]", "Histogram for `.gnu.hash' bucket list length")
	}
}

// objdumpLine matches "     2b0:\td2800e28 \tmov\tx8, #0x71 ..." lines.
var objdumpLine = regexp.MustCompile(`^\s*([0-9a-f]+):\s+([0-9a-f]{8})\s+(.*?)\s*$`)

func TestObjdump(t *testing.T) {
	objdump := lookTool(t, "aarch64-linux-gnu-objdump")
	dir := t.TempDir()
	path := writeImage(t, dir, Image())

	out := runTool(t, dir, nil, objdump, "-d", path)
	noWarnings(t, "objdump -d", out)
	insns := map[uint64]string{} // address → "word mnemonic operands"
	labels := map[string]uint64{}
	label := regexp.MustCompile(`^([0-9a-f]+) <([^>@]+)(@@[^>]+)?>:$`)
	for _, line := range strings.Split(out, "\n") {
		if m := label.FindStringSubmatch(line); m != nil {
			var a uint64
			fmt.Sscanf(m[1], "%x", &a)
			if strings.ContainsAny(m[3], "+-") {
				continue // "<sym@@VER-0x4>": an address relative to a symbol
			}
			if m[3] != "@@"+Version {
				t.Errorf("label %q: want version @@%s", line, Version)
			}
			labels[m[2]] = a
			continue
		}
		if m := objdumpLine.FindStringSubmatch(line); m != nil {
			var a uint64
			fmt.Sscanf(m[1], "%x", &a)
			// Drop the "// #113" decimal comment and normalise spaces.
			text := m[3]
			if i := strings.Index(text, "//"); i >= 0 {
				text = text[:i]
			}
			insns[a] = m[2] + " " + strings.Join(strings.Fields(text), " ")
		}
	}
	want := map[string][]string{
		ClockGettime: {"d2800e28 mov x8, #0x71", "d4000001 svc #0x0", "d65f03c0 ret"},
		Gettimeofday: {"d2801528 mov x8, #0xa9", "d4000001 svc #0x0", "d65f03c0 ret"},
		ClockGetres:  {"d2800e48 mov x8, #0x72", "d4000001 svc #0x0", "d65f03c0 ret"},
		RtSigreturn:  {"d2801168 mov x8, #0x8b", "d4000001 svc #0x0"},
	}
	for name, code := range want {
		off, _ := Offset(name)
		if a, ok := labels[name]; !ok || a != off {
			t.Errorf("objdump label for %s at %#x (found %v), want %#x", name, a, ok, off)
		}
		for i, w := range code {
			if got := insns[off+uint64(4*i)]; got != w {
				t.Errorf("%s+%d: objdump shows %q, want %q", name, 4*i, got, w)
			}
		}
	}
	if got := insns[SigreturnOffset()-4]; got != "d503201f nop" {
		t.Errorf("before __kernel_rt_sigreturn: %q, want nop", got)
	}

	out = runTool(t, dir, nil, objdump, "-p", "-T", path)
	noWarnings(t, "objdump -p -T", out)
	mustContain(t, "objdump -p -T", out,
		"SONAME               linux-vdso.so.1",
		"Version definitions:\n1 0x01 0x0deebfa1 linux-vdso.so.1\n2 0x00 0x075fcb89 LINUX_2.6.39\n",
	)
	for _, s := range Symbols() {
		flags := "DF"
		if s.Name == RtSigreturn {
			flags = "D "
		}
		mustContain(t, "objdump -T", out, fmt.Sprintf("%016x g    %s .text\t%016x  %s %s\n", s.Offset, flags, s.Size, Version, s.Name))
	}
}

// The trampoline page, disassembled as a raw binary.
func TestObjdumpTrampoline(t *testing.T) {
	objdump := lookTool(t, "aarch64-linux-gnu-objdump")
	dir := t.TempDir()
	p := filepath.Join(dir, "tramp.bin")
	if err := os.WriteFile(p, SigreturnTrampoline()[:16], 0o644); err != nil {
		t.Fatal(err)
	}
	out := runTool(t, dir, nil, objdump, "-D", "-b", "binary", "-m", "aarch64", p)
	var got []string
	for _, line := range strings.Split(out, "\n") {
		if m := objdumpLine.FindStringSubmatch(line); m != nil {
			text := m[3]
			if i := strings.Index(text, "//"); i >= 0 {
				text = text[:i]
			}
			got = append(got, m[1]+": "+strings.Join(strings.Fields(text), " "))
		}
	}
	want := []string{"0: nop", "4: mov x8, #0x8b", "8: svc #0x0", "c: udf #0"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("trampoline disassembles as\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestLinkAndRun links aarch64 glibc programs against the image as an
// ordinary shared library (it has the same SONAME and version as the real
// vDSO, so ld records a LINUX_2.6.39 version need on linux-vdso.so.1) and,
// when qemu-aarch64 is available, runs them with glibc's ld.so loading the
// image at an arbitrary base:
//
//   - the three time functions return what the syscalls return (0, and
//     -EINVAL for a bad clock id) with sane values;
//   - a handler installed with SA_RESTORER = __kernel_rt_sigreturn returns
//     through it, and backtrace() from inside the handler unwinds through
//     the signal frame into the function that raised the signal —
//     libgcc's aarch64_fallback_frame_state recognised the two words. A
//     copy of the image with "svc #1" instead of "svc #0" is the negative
//     control: the unwinder stops there.
func TestLinkAndRun(t *testing.T) {
	gcc := lookTool(t, "aarch64-linux-gnu-gcc")
	dir := t.TempDir()
	writeImage(t, dir, Image())

	progs := map[string]string{"timeprog": timeProg, "sigprog": sigProg}
	for name, src := range progs {
		if err := os.WriteFile(filepath.Join(dir, name+".c"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("link", func(t *testing.T) {
		for name := range progs {
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				runTool(t, dir, nil, gcc, "-O1", "-rdynamic", "-Wall", "-Werror", "-o", name, name+".c", "./"+Soname)
				f, err := elf.Open(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				imp, err := f.ImportedSymbols()
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, s := range imp {
					if strings.HasPrefix(s.Name, "__kernel_") {
						n++
						if s.Library != Soname || s.Version != Version {
							t.Errorf("%s imported as %s@%s from %q", s.Name, s.Name, s.Version, s.Library)
						}
					}
				}
				if n == 0 {
					t.Error("no __kernel_ symbol imported")
				}
				libs, _ := f.ImportedLibraries()
				if !strings.Contains(strings.Join(libs, " "), Soname) {
					t.Errorf("DT_NEEDED = %v, want %s", libs, Soname)
				}
			})
		}
	})
	if t.Failed() {
		return
	}

	qemu := lookTool(t, "qemu-aarch64-static")
	sysroot := "/usr/aarch64-linux-gnu"
	if _, err := os.Stat(filepath.Join(sysroot, "lib", "libc.so.6")); err != nil {
		t.Fatalf("no aarch64 glibc at %s (Debian: libc6-dev-arm64-cross)", sysroot)
	}
	run := func(t *testing.T, libdir, prog string) string {
		return runTool(t, dir, []string{"QEMU_LD_PREFIX=" + sysroot, "QEMU_SET_ENV=LD_LIBRARY_PATH=" + libdir}, qemu, "./"+prog)
	}

	t.Run("time", func(t *testing.T) {
		out := run(t, dir, "timeprog")
		var gt, tod, res, bad int
		var sec, usec, resns int64
		if _, err := fmt.Sscanf(out, "gettime=%d tod=%d getres=%d bad=%d sec=%d usec=%d resns=%d", &gt, &tod, &res, &bad, &sec, &usec, &resns); err != nil {
			t.Fatalf("output %q: %v", out, err)
		}
		if gt != 0 || tod != 0 || res != 0 || bad != -22 || sec < 1e9 || usec < 0 || usec >= 1e6 || resns <= 0 || resns > 1e7 {
			t.Errorf("unexpected results: %s", out)
		}
	})
	t.Run("sigreturn", func(t *testing.T) {
		out := run(t, dir, "sigprog")
		mustContain(t, "sigprog", out, Soname+"("+RtSigreturn+"+0x0)", "(raiser+", "(main+", "handled 10\n")
		if t.Failed() {
			t.Logf("output:\n%s", out)
		}
	})
	t.Run("sigreturn-negative-control", func(t *testing.T) {
		neg := filepath.Join(dir, "neg")
		if err := os.Mkdir(neg, 0o755); err != nil {
			t.Fatal(err)
		}
		img := Image()
		binary.LittleEndian.PutUint32(img[SigreturnOffset()+4:], svc(1))
		writeImage(t, neg, img)
		out := run(t, neg, "sigprog")
		mustContain(t, "sigprog (svc #1)", out, "handled 10\n")
		if strings.Contains(out, "(raiser+") {
			t.Errorf("unwinder went through a trampoline without the exact words; the positive test proves nothing:\n%s", out)
		}
	})
}

const timeProg = `#include <stdio.h>
#include <time.h>
#include <sys/time.h>
extern int __kernel_clock_gettime(clockid_t, struct timespec *);
extern int __kernel_gettimeofday(struct timeval *, void *);
extern int __kernel_clock_getres(clockid_t, struct timespec *);
int main(void) {
	struct timespec ts, res;
	struct timeval tv;
	int gt = __kernel_clock_gettime(CLOCK_REALTIME, &ts);
	int tod = __kernel_gettimeofday(&tv, 0);
	int gr = __kernel_clock_getres(CLOCK_MONOTONIC, &res);
	int bad = __kernel_clock_gettime(12345, &ts);
	printf("gettime=%d tod=%d getres=%d bad=%d sec=%lld usec=%lld resns=%lld\n", gt, tod, gr, bad,
		(long long)ts.tv_sec, (long long)tv.tv_usec, (long long)res.tv_nsec);
	return 0;
}
`

const sigProg = `#define _GNU_SOURCE
#include <execinfo.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/syscall.h>
extern char __kernel_rt_sigreturn[];
/* The kernel's struct sigaction, so the restorer reaches the kernel as is. */
struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};
static volatile int handled;
static void handler(int sig) {
	void *buf[32];
	int n = backtrace(buf, 32);
	fflush(stdout);
	backtrace_symbols_fd(buf, n, 1);
	handled = sig;
}
__attribute__((noinline)) void raiser(void) {
	raise(SIGUSR1);
	__asm__ volatile("" ::: "memory");
}
int main(void) {
	struct ksigaction sa = {handler, 0x04000000 /* SA_RESTORER */, (void (*)(void))__kernel_rt_sigreturn, 0};
	if (syscall(SYS_rt_sigaction, SIGUSR1, &sa, NULL, 8) != 0) {
		perror("rt_sigaction");
		return 1;
	}
	raiser();
	printf("handled %d\n", handled);
	return 0;
}
`
