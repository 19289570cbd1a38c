package oracle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io/fs"
	"strings"
	"time"
)

// The rootfs names.
const (
	Busybox = "busybox"
	Debian  = "debian"
)

// Case is one command line of the differential suite. The oracle's result
// is checked against Status, Out, Has and ErrHas (which prove that the case
// does what it says, on these fixtures); carrick's must then equal the
// oracle's byte for byte (stdout, stderr), in exit status and in what /work
// and /tmp hold afterwards (Result.Files).
//
// Rules for a case: deterministic (no current times, inode numbers, PIDs,
// random names or addresses in its output), writes only under /work and
// /tmp, and does not start other programs unless marked Forks (the suite
// checks this with qemu's -strace).
type Case struct {
	Name  string   // unique; ROOT/what, e.g. "busybox/ls-la"
	Root  string   // Busybox or Debian
	Argv  []string // Argv[0] is the program, a path inside the root
	Stdin string
	Files []File   // the initial /work (the working directory)
	Env   []string // K=V added to BaseEnv (a key there is replaced)
	Forks bool     // starts other programs (fork, exec): see Spec.Forks

	Status int      // the expected exit status
	Out    string   // the exact stdout, when not empty
	Has    []string // substrings the stdout must have
	ErrHas []string // substrings the stderr must have
}

// File is one entry of the initial /work. Every entry, and /work itself,
// gets the modification time FileTime, so that listings are stable.
type File struct {
	Path string      // relative to /work; parents are created as needed
	Data string      // the content of a regular file
	Mode fs.FileMode // permission bits; 0 means 0644 (0755 for a directory)
	Dir  bool        // a directory
	Link string      // a symbolic link to Link
}

// FileTime is the modification (and access) time of the files of /work.
var FileTime = time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)

// BaseEnv is the environment of every case; nothing of the host's leaks in.
var BaseEnv = []string{"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin", "HOME=/root", "LANG=C"}

// Environ is the case's whole environment.
func (c *Case) Environ() []string {
	env := append([]string(nil), BaseEnv...)
	for _, kv := range c.Env {
		k, _, _ := strings.Cut(kv, "=")
		replaced := false
		for i, old := range env {
			if strings.HasPrefix(old, k+"=") {
				env[i], replaced = kv, true
			}
		}
		if !replaced {
			env = append(env, kv)
		}
	}
	return env
}

// The shared inputs.
var (
	// tree is a small directory with files, a subdirectory, symlinks and
	// modes.
	tree = []File{
		{Path: "tree", Dir: true},
		{Path: "tree/alpha.txt", Data: "alpha\nbeta\ngamma\ndelta\nepsilon\n"},
		{Path: "tree/numbers.txt", Data: "10 ten\n2 two\n33 thirty-three\n4 four\n2 two\n"},
		{Path: "tree/script.sh", Data: "#!/bin/sh\necho hi\n", Mode: 0o755},
		{Path: "tree/ro.txt", Data: "read only\n", Mode: 0o444},
		{Path: "tree/link", Link: "alpha.txt"},
		{Path: "tree/sub", Dir: true},
		{Path: "tree/sub/deep.txt", Data: "deep down\n"},
		{Path: "tree/sub/empty", Data: ""},
		{Path: "tree/sub/up", Link: "../numbers.txt"},
	}
	words = File{Path: "words.txt", Data: "pear\napple\nfig\nbanana\napple\ncherry\nfig\ndate\n"}
	// A tar archive and a gzip file made here, with fixed metadata.
	inTar = File{Path: "in.tar", Data: mkTar()}
	inGz  = File{Path: "in.txt.gz", Data: mkGzip()}
	data  = File{Path: "data.json", Data: `{"store":"corner","items":[` +
		`{"name":"apple","price":1.25,"qty":4,"tags":["fruit","red"]},` +
		`{"name":"bread","price":2.5,"qty":1,"tags":["bakery"]},` +
		`{"name":"cheese","price":7,"qty":2,"tags":["dairy","aged"]},` +
		`{"name":"dates","price":3.75,"qty":3,"tags":["fruit","dried"]}]}` + "\n"}
)

func mkTar() string {
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	mt := time.Date(2020, 5, 17, 12, 30, 0, 0, time.UTC)
	for _, e := range []struct {
		name, body string
		mode       int64
		dir        bool
	}{
		{"pkg/", "", 0o755, true},
		{"pkg/README", "tar test\n", 0o644, false},
		{"pkg/bin/", "", 0o755, true},
		{"pkg/bin/run", "#!/bin/sh\nexit 0\n", 0o755, false},
		{"pkg/data.txt", strings.Repeat("0123456789abcdef\n", 300), 0o600, false},
	} {
		h := &tar.Header{Name: e.name, Mode: e.mode, ModTime: mt, Uname: "root", Gname: "root",
			Typeflag: tar.TypeReg, Size: int64(len(e.body)), Format: tar.FormatUSTAR}
		if e.dir {
			h.Typeflag = tar.TypeDir
		}
		if err := w.WriteHeader(h); err != nil {
			panic(err)
		}
		if _, err := w.Write([]byte(e.body)); err != nil {
			panic(err)
		}
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return b.String()
}

func mkGzip() string {
	var b bytes.Buffer
	w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	w.Name = "in.txt"
	w.ModTime = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 200; i++ {
		w.Write([]byte("the quick brown fox jumps over the lazy dog\n"))
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return b.String()
}

func with(files ...[]File) []File {
	var all []File
	for _, f := range files {
		all = append(all, f...)
	}
	return all
}

func one(f ...File) []File { return f }

// py is a python3 -c case on the debian root.
func py(name, code, out string) Case {
	return Case{Name: "debian/python-" + name, Root: Debian, Argv: []string{"/usr/bin/python3", "-c", code}, Out: out,
		Files: with(tree, one(words, data, inGz))}
}

// Cases is the suite: the cases below and processCases (cases_proc.go).
var Cases = append(baseCases, processCases...)

// baseCases are the cases of issue 3 and the first Forks cases.
var baseCases = []Case{
	// ---- busybox (static, applets are symlinks to /bin/busybox) ----
	{Name: "busybox/ls-la", Root: Busybox, Argv: []string{"/bin/ls", "-la", "tree", "tree/sub"}, Files: tree,
		Has: []string{"lrwxrwxrwx    1 root     root             9 Feb  3  2001 link -> alpha.txt", "-r--r--r--", "up -> ../numbers.txt"}},
	{Name: "busybox/ls-1-root", Root: Busybox, Argv: []string{"/bin/ls", "-1", "/"},
		Has: []string{"bin\n", "qemu-aarch64-static\n", "work\n"}},
	{Name: "busybox/find", Root: Busybox, Argv: []string{"/usr/bin/find", "tree", "-name", "*.txt"}, Files: tree,
		Has: []string{"tree/sub/deep.txt\n", "tree/alpha.txt\n"}},
	{Name: "busybox/find-type", Root: Busybox, Argv: []string{"/usr/bin/find", "/work/tree", "-type", "l"}, Files: tree,
		Has: []string{"/work/tree/link\n", "/work/tree/sub/up\n"}},
	{Name: "busybox/sort", Root: Busybox, Argv: []string{"/usr/bin/sort", "words.txt"}, Files: one(words),
		Out: "apple\napple\nbanana\ncherry\ndate\nfig\nfig\npear\n"},
	{Name: "busybox/sort-nru", Root: Busybox, Argv: []string{"/usr/bin/sort", "-n", "-r", "-u", "tree/numbers.txt"}, Files: tree,
		Out: "33 thirty-three\n10 ten\n4 four\n2 two\n"},
	{Name: "busybox/md5sum", Root: Busybox, Argv: []string{"/usr/bin/md5sum", "tree/alpha.txt", "words.txt"}, Files: with(tree, one(words)),
		Has: []string{"  tree/alpha.txt\n"}},
	{Name: "busybox/sha256sum", Root: Busybox, Argv: []string{"/usr/bin/sha256sum", "-"}, Stdin: "abc",
		Out: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  -\n"},
	{Name: "busybox/sha512-sha3", Root: Busybox, Argv: []string{"/usr/bin/sha3sum", "-a", "512", "words.txt"}, Files: one(words),
		Has: []string{"  words.txt\n"}},
	{Name: "busybox/tar-c", Root: Busybox, Argv: []string{"/bin/tar", "-cf", "-", "tree"}, Files: tree,
		Has: []string{"tree/alpha.txt\x00", "ustar"}},
	{Name: "busybox/tar-xv", Root: Busybox, Argv: []string{"/bin/tar", "-xvf", "in.tar", "-C", "/tmp"}, Files: one(inTar),
		Out: "pkg/\npkg/README\npkg/bin/\npkg/bin/run\npkg/data.txt\n"},
	{Name: "busybox/tar-tv", Root: Busybox, Argv: []string{"/bin/tar", "-tvf", "in.tar"}, Files: one(inTar),
		Has: []string{"-rwxr-xr-x root/root        17 2020-05-17 12:30:00 pkg/bin/run"}},
	{Name: "busybox/gzip", Root: Busybox, Argv: []string{"/bin/gzip", "-9", "-c", "words.txt"}, Files: one(words),
		Has: []string{"\x1f\x8b\x08"}},
	{Name: "busybox/gunzip", Root: Busybox, Argv: []string{"/bin/gunzip", "-c", "in.txt.gz"}, Files: one(inGz),
		Out: strings.Repeat("the quick brown fox jumps over the lazy dog\n", 200)},
	{Name: "busybox/gzip-roundtrip-file", Root: Busybox, Argv: []string{"/bin/gzip", "-v", "words.txt"}, Files: one(words),
		ErrHas: []string{"words.txt"}},
	{Name: "busybox/sed", Root: Busybox, Argv: []string{"/bin/sed", "-e", "s/a/A/g", "-e", "2d", "-e", "/fig/{s/$/!/;}", "words.txt"}, Files: one(words),
		Out: "peAr\nfig!\nbAnAnA\nApple\ncherry\nfig!\ndAte\n"},
	{Name: "busybox/awk", Root: Busybox, Argv: []string{"/usr/bin/awk", `{ s += $1; n[$2]++ } END { printf "%d %d %.3f\n", s, NR, s / NR; print n["two"] }`, "tree/numbers.txt"}, Files: tree,
		Out: "51 5 10.200\n2\n"},
	{Name: "busybox/awk-builtins", Root: Busybox, Argv: []string{"/usr/bin/awk", `BEGIN { printf "%.3f %d %s %s %d %5.1f|%-4s|\n", 22 / 7, 7 * 6, substr("hello", 2, 3), toupper("x"), int(-3.7), 2.25, "ab"; n = split("a:b:c", arr, ":"); print n, arr[3], index("abc", "c") }`},
		Out: "3.143 42 ell X -3   2.2|ab  |\n3 c 3\n"},
	{Name: "busybox/wc", Root: Busybox, Argv: []string{"/usr/bin/wc", "words.txt", "tree/alpha.txt"}, Files: with(tree, one(words)),
		Has: []string{"        8         8        44 words.txt\n        5         5        31 tree/alpha.txt\n       13        13        75 total\n"}},
	{Name: "busybox/stat", Root: Busybox, Argv: []string{"/bin/stat", "-c", "%n %s %a %A %F %U %G %h %Y", "tree/alpha.txt", "tree/sub", "tree/ro.txt", "tree/script.sh"}, Files: tree,
		Has: []string{"tree/alpha.txt 31 644 -rw-r--r-- regular file root root 1 981173106\n", "tree/ro.txt 10 444"}},
	{Name: "busybox/stat-link", Root: Busybox, Argv: []string{"/bin/stat", "-c", "%N %F", "tree/link"}, Files: tree,
		Has: []string{"symbolic link"}},
	{Name: "busybox/date", Root: Busybox, Argv: []string{"/bin/date", "-u", "-d", "@1234567890", "+%Y-%m-%d %H:%M:%S %a %j %s"},
		Out: "2009-02-13 23:31:30 Fri 044 1234567890\n"},
	{Name: "busybox/date-parse", Root: Busybox, Argv: []string{"/bin/date", "-u", "-d", "2024-02-29 12:00:00", "+%s %A"},
		Out: "1709208000 Thursday\n"},
	{Name: "busybox/dd", Root: Busybox, Argv: []string{"/bin/dd", "if=words.txt", "bs=4", "skip=2", "count=3", "status=noxfer"}, Files: one(words),
		Out: "le\nfig\nbanan", ErrHas: []string{"3+0 records in\n3+0 records out\n"}},
	{Name: "busybox/dd-zero", Root: Busybox, Argv: []string{"/bin/dd", "if=/dev/zero", "of=/tmp/z", "bs=1024", "count=64", "status=noxfer"},
		ErrHas: []string{"64+0 records out"}},
	{Name: "busybox/cut-tr", Root: Busybox, Argv: []string{"/usr/bin/cut", "-d", " ", "-f", "2", "tree/numbers.txt"}, Files: tree,
		Out: "ten\ntwo\nthirty-three\nfour\ntwo\n"},
	{Name: "busybox/tr", Root: Busybox, Argv: []string{"/usr/bin/tr", "a-z", "A-Z"}, Stdin: "hello, world\n", Out: "HELLO, WORLD\n"},
	{Name: "busybox/head-tail", Root: Busybox, Argv: []string{"/usr/bin/tail", "-n", "2", "words.txt"}, Files: one(words), Out: "fig\ndate\n"},
	{Name: "busybox/uniq-c", Root: Busybox, Argv: []string{"/usr/bin/uniq", "-c"}, Stdin: "a\na\nb\nc\nc\nc\n",
		Out: "      2 a\n      1 b\n      3 c\n"},
	{Name: "busybox/od-x", Root: Busybox, Argv: []string{"/usr/bin/od", "-A", "x", "-t", "x1", "tree/alpha.txt"}, Files: tree,
		Has: []string{"000000 61 6c 70 68 61 0a"}},
	{Name: "busybox/xxd", Root: Busybox, Argv: []string{"/usr/bin/xxd", "words.txt"}, Files: one(words),
		Has: []string{"00000000: 7065 6172 0a61 7070 6c65 0a66 6967 0a62  pear.apple.fig.b"}},
	{Name: "busybox/base64", Root: Busybox, Argv: []string{"/bin/base64"}, Stdin: "carrick runs arm64\n", Out: "Y2FycmljayBydW5zIGFybTY0Cg==\n"},
	{Name: "busybox/seq-printf", Root: Busybox, Argv: []string{"/usr/bin/seq", "-s", ",", "-w", "1", "3", "13"}, Out: "01,04,07,10,13\n"},
	{Name: "busybox/printf", Root: Busybox, Argv: []string{"/usr/bin/printf", "%5.2f|%-4s|%x|%o|%c\n", "3.14159", "ab", "255", "8", "zed"},
		Out: " 3.14|ab  |ff|10|z\n"},
	{Name: "busybox/expr-factor", Root: Busybox, Argv: []string{"/usr/bin/factor", "1234567890", "97", "4096"},
		Out: "1234567890: 2 3 3 5 3607 3803\n97: 97\n4096: 2 2 2 2 2 2 2 2 2 2 2 2\n"},
	{Name: "busybox/diff", Root: Busybox, Argv: []string{"/usr/bin/diff", "-u", "tree/alpha.txt", "b.txt"}, Files: with(tree, one(File{Path: "b.txt", Data: "alpha\nBETA\ngamma\ndelta\nepsilon\nzeta\n"})),
		Status: 1, Has: []string{"-beta\n+BETA\n", "+zeta\n"}},
	{Name: "busybox/grep", Root: Busybox, Argv: []string{"/bin/grep", "-n", "-i", "-e", "A$", "-e", "^b", "tree/alpha.txt"}, Files: tree,
		Out: "1:alpha\n2:beta\n3:gamma\n4:delta\n"},
	{Name: "busybox/grep-nomatch", Root: Busybox, Argv: []string{"/bin/grep", "zzz", "words.txt"}, Files: one(words), Status: 1},
	{Name: "busybox/readlink-realpath", Root: Busybox, Argv: []string{"/usr/bin/realpath", "tree/link", "tree/sub/up", "/bin/ls"}, Files: tree,
		Out: "/work/tree/alpha.txt\n/work/tree/numbers.txt\n/bin/busybox\n"},
	{Name: "busybox/sh-builtins", Root: Busybox, Argv: []string{"/bin/sh", "-c",
		`x=5; s=0; while [ $x -gt 0 ]; do s=$((s + x * x)); x=$((x - 1)); done; echo "sum=$s"; ` +
			`set -- a "b c" d; echo "$# $2"; case "$1" in a*) echo yes;; esac; printf '%s-%03d\n' id 7; ` +
			`v=hello.tar.gz; echo ${v%%.*} ${v#*.} ${#v}; test -d /work && echo dir; exit 3`},
		Status: 3, Out: "sum=55\n3 b c\nyes\nid-007\nhello tar.gz 12\ndir\n"},
	{Name: "busybox/sh-redirect", Root: Busybox, Argv: []string{"/bin/sh", "-c",
		`echo one >/tmp/f; echo two >>/tmp/f; while read l; do echo "<$l>"; done </tmp/f; read a b <tree/numbers.txt; echo "$b $a"`}, Files: tree,
		Out: "<one>\n<two>\nten 10\n"},
	{Name: "busybox/env", Root: Busybox, Argv: []string{"/usr/bin/env"}, Env: []string{"CARRICK_CASE=1"},
		Out: "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin\nHOME=/root\nLANG=C\nCARRICK_CASE=1\n"},
	{Name: "busybox/id", Root: Busybox, Argv: []string{"/usr/bin/id"}, Out: "uid=0(root) gid=0(root) groups=0(root)\n"},
	{Name: "busybox/uname", Root: Busybox, Argv: []string{"/bin/uname", "-m", "-s"}, Out: "Linux aarch64\n"},
	{Name: "busybox/cat-missing", Root: Busybox, Argv: []string{"/bin/cat", "nonexistent"}, Status: 1,
		ErrHas: []string{"cat: can't open 'nonexistent': No such file or directory"}},
	{Name: "busybox/proc-self-cmdline", Root: Busybox, Argv: []string{"/bin/cat", "/proc/self/cmdline"}, Out: "/bin/cat\x00/proc/self/cmdline\x00"},
	{Name: "busybox/proc-self-exe", Root: Busybox, Argv: []string{"/bin/readlink", "/proc/self/exe"}, Out: "/bin/busybox\n"},
	{Name: "busybox/dev-zero", Root: Busybox, Argv: []string{"/usr/bin/od", "-A", "n", "-t", "x1", "-N", "8", "/dev/zero"}, Out: " 00 00 00 00 00 00 00 00\n"},
	{Name: "busybox/dev-urandom-null", Root: Busybox, Argv: []string{"/bin/dd", "if=/dev/urandom", "of=/dev/null", "bs=64", "count=2", "status=noxfer"},
		ErrHas: []string{"2+0 records in\n2+0 records out\n"}},
	{Name: "busybox/dev-full", Root: Busybox, Argv: []string{"/bin/sh", "-c", "echo x >/dev/full"}, Status: 1, ErrHas: []string{"No space left on device"}},
	{Name: "busybox/false", Root: Busybox, Argv: []string{"/bin/false"}, Status: 1},
	{Name: "busybox/mkdir-p", Root: Busybox, Argv: []string{"/bin/mkdir", "-p", "/tmp/a/b/c", "tree/new/dir"}, Files: tree},
	{Name: "busybox/cp-a", Root: Busybox, Argv: []string{"/bin/cp", "-a", "tree", "/tmp/copy"}, Files: tree},

	// ---- debian: coreutils, grep, sed, findutils, gzip, tar ----
	{Name: "debian/ls-la", Root: Debian, Argv: []string{"/usr/bin/ls", "-la", "--time-style=long-iso", "tree", "tree/sub"}, Files: tree,
		Has: []string{"lrwxrwxrwx 1 root root    9 2001-02-03 04:05 link -> alpha.txt\n", "-r--r--r-- 1 root root   10 2001-02-03 04:05 ro.txt\n"}},
	{Name: "debian/ls-R-classify", Root: Debian, Argv: []string{"/usr/bin/ls", "-R", "-F", "--hide=*.sh", "tree"}, Files: tree,
		Has: []string{"sub/\n"}},
	{Name: "debian/sort-keys", Root: Debian, Argv: []string{"/usr/bin/sort", "-t", " ", "-k1,1n", "-k2,2r", "tree/numbers.txt"}, Files: tree,
		Out: "2 two\n2 two\n4 four\n10 ten\n33 thirty-three\n"},
	{Name: "debian/sha-sums", Root: Debian, Argv: []string{"/usr/bin/sha256sum", "--tag", "tree/alpha.txt", "words.txt"}, Files: with(tree, one(words)),
		Has: []string{"SHA256 (words.txt) = "}},
	{Name: "debian/md5sum-check", Root: Debian, Argv: []string{"/usr/bin/md5sum", "-c", "sums"},
		Files:  one(words, File{Path: "sums", Data: "d41d8cd98f00b204e9800998ecf8427e  empty\n" + "00000000000000000000000000000000  words.txt\n"}, File{Path: "empty"}),
		Status: 1, Out: "empty: OK\nwords.txt: FAILED\n", ErrHas: []string{"WARNING: 1 computed checksum did NOT match"}},
	{Name: "debian/b2sum", Root: Debian, Argv: []string{"/usr/bin/b2sum", "-l", "128"}, Stdin: "blake2\n", Has: []string{"  -\n"}},
	{Name: "debian/od-base32", Root: Debian, Argv: []string{"/usr/bin/od", "-A", "d", "-t", "x2z", "-N", "24", "words.txt"}, Files: one(words),
		Has: []string{">pear.apple.fig.b<"}},
	{Name: "debian/base32", Root: Debian, Argv: []string{"/usr/bin/base32"}, Stdin: "hello\n", Out: "NBSWY3DPBI======\n"},
	{Name: "debian/seq-fmt", Root: Debian, Argv: []string{"/usr/bin/seq", "-f", "%05.1f", "0.5", "0.25", "1.5"},
		Out: "000.5\n000.8\n001.0\n001.2\n001.5\n"},
	{Name: "debian/numfmt-factor", Root: Debian, Argv: []string{"/usr/bin/numfmt", "--to=iec-i", "--suffix=B", "123456789", "1023", "1048576"},
		Out: "118MiB\n1023B\n1.0MiB\n"},
	{Name: "debian/factor", Root: Debian, Argv: []string{"/usr/bin/factor", "18446744073709551557", "600851475143"},
		Out: "18446744073709551557: 18446744073709551557\n600851475143: 71 839 1471 6857\n"},
	{Name: "debian/expr", Root: Debian, Argv: []string{"/usr/bin/expr", "length", "carrick", "+", "2", "*", "3"}, Out: "13\n"},
	{Name: "debian/date", Root: Debian, Argv: []string{"/usr/bin/date", "-u", "-d", "@1234567890", "+%F %T %Z %A %B %V %u|%-d|%10s"},
		Out: "2009-02-13 23:31:30 UTC Friday February 07 5|13|1234567890\n"},
	{Name: "debian/date-rfc", Root: Debian, Argv: []string{"/usr/bin/date", "-u", "-R", "-d", "2024-02-29 13:14:15"}, Out: "Thu, 29 Feb 2024 13:14:15 +0000\n"},
	{Name: "debian/stat", Root: Debian, Argv: []string{"/usr/bin/stat", "-c", "%n|%s|%a|%A|%F|%U:%G|%h|%Y|%N", "tree/alpha.txt", "tree/link", "tree/sub", "tree/script.sh"}, Files: tree,
		Has: []string{"tree/link|9|777|lrwxrwxrwx|symbolic link|root:root|1|981173106|'tree/link' -> 'alpha.txt'\n"}},
	{Name: "debian/stat-L-f", Root: Debian, Argv: []string{"/usr/bin/stat", "-L", "-c", "%n %s %F", "tree/link", "tree/sub/up"}, Files: tree,
		Out: "tree/link 31 regular file\ntree/sub/up 42 regular file\n"},
	{Name: "debian/du-apparent", Root: Debian, Argv: []string{"/usr/bin/du", "-a", "-b", "tree"}, Files: tree, Has: []string{"31\ttree/alpha.txt\n", "42\ttree/numbers.txt\n"}},
	{Name: "debian/wc-nl-fold", Root: Debian, Argv: []string{"/usr/bin/wc", "-lwmc", "words.txt", "tree/alpha.txt"}, Files: with(tree, one(words)),
		Out: " 8  8 44 44 words.txt\n 5  5 31 31 tree/alpha.txt\n13 13 75 75 total\n"},
	{Name: "debian/nl-fold-tac", Root: Debian, Argv: []string{"/usr/bin/tac", "words.txt", "tree/alpha.txt"}, Files: with(tree, one(words)),
		Has: []string{"date\nfig\ncherry\n"}},
	{Name: "debian/join-paste", Root: Debian, Argv: []string{"/usr/bin/paste", "-d", ":", "words.txt", "tree/alpha.txt"}, Files: with(tree, one(words)),
		Has: []string{"pear:alpha\n", "date:\n"}},
	{Name: "debian/cp-mv-rm-verbose", Root: Debian, Argv: []string{"/usr/bin/cp", "-rv", "--preserve=mode,timestamps", "tree/sub", "/tmp/sub2"}, Files: tree,
		Has: []string{"'tree/sub' -> '/tmp/sub2'\n", "'tree/sub/deep.txt' -> '/tmp/sub2/deep.txt'\n"}},
	{Name: "debian/mkdir-install", Root: Debian, Argv: []string{"/usr/bin/install", "-v", "-D", "-m", "600", "words.txt", "/tmp/x/y/w.txt"}, Files: one(words),
		Has: []string{"'words.txt' -> '/tmp/x/y/w.txt'"}},
	{Name: "debian/ln-readlink", Root: Debian, Argv: []string{"/usr/bin/readlink", "-f", "tree/sub/up", "/bin/sh", "/lib/ld-linux-aarch64.so.1"}, Files: tree,
		Out: "/work/tree/numbers.txt\n/usr/bin/bash\n/usr/lib/aarch64-linux-gnu/ld-linux-aarch64.so.1\n"},
	{Name: "debian/shuf-seeded", Root: Debian, Argv: []string{"/usr/bin/shuf", "--random-source=words.txt", "-i", "1-10"}, Files: one(words)},
	{Name: "debian/dd", Root: Debian, Argv: []string{"/usr/bin/dd", "if=words.txt", "bs=5", "skip=1", "count=2", "status=none", "conv=ucase"}, Files: one(words),
		Out: "APPLE\nFIG\n"},
	{Name: "debian/test-true", Root: Debian, Argv: []string{"/usr/bin/test", "-x", "tree/script.sh", "-a", "!", "-w", "/nonexistent"}, Files: tree},
	{Name: "debian/sleep", Root: Debian, Argv: []string{"/usr/bin/sleep", "0.05"}},
	{Name: "debian/id-groups", Root: Debian, Argv: []string{"/usr/bin/id"}, Out: "uid=0(root) gid=0(root) groups=0(root)\n"},
	{Name: "debian/grep-ErP", Root: Debian, Argv: []string{"/usr/bin/grep", "-rnoP", `(?<=a)[lmp]\w`, "tree"}, Files: tree,
		Has: []string{"tree/alpha.txt:1:lp\n"}},
	{Name: "debian/grep-count", Root: Debian, Argv: []string{"/usr/bin/grep", "-c", "-v", "-E", "^(apple|fig)$", "words.txt"}, Files: one(words), Out: "4\n"},
	{Name: "debian/sed-E", Root: Debian, Argv: []string{"/usr/bin/sed", "-E", "-n", `s/^([0-9]+) (.*)$/\2=\1/p`, "tree/numbers.txt"}, Files: tree,
		Out: "ten=10\ntwo=2\nthirty-three=33\nfour=4\ntwo=2\n"},
	{Name: "debian/sed-i", Root: Debian, Argv: []string{"/usr/bin/sed", "-i.bak", "-s", "-e", "1i header", "-e", "$a footer", "words.txt"}, Files: one(words)},
	{Name: "debian/find-printf", Root: Debian, Argv: []string{"/usr/bin/find", "tree", "-printf", `%y %m %s %p %l\n`}, Files: tree,
		Has: []string{"l 777 9 tree/link alpha.txt\n", "f 444 10 tree/ro.txt \n"}},
	{Name: "debian/find-expr", Root: Debian, Argv: []string{"/usr/bin/find", "tree", "-mindepth", "1", "(", "-empty", "-o", "-perm", "-u+x", ")", "-type", "f"}, Files: tree,
		Has: []string{"tree/sub/empty\n", "tree/script.sh\n"}},
	{Name: "debian/gzip-n", Root: Debian, Argv: []string{"/usr/bin/gzip", "-n", "-c", "words.txt"}, Files: one(words), Has: []string{"\x1f\x8b\x08\x00\x00\x00\x00\x00"}},
	{Name: "debian/gzip-l-t", Root: Debian, Argv: []string{"/usr/bin/gzip", "-l", "in.txt.gz"}, Files: one(inGz), Has: []string{"8800"}},
	{Name: "debian/zcat", Root: Debian, Argv: []string{"/usr/bin/gzip", "-d", "-c", "in.txt.gz"}, Files: one(inGz),
		Out: strings.Repeat("the quick brown fox jumps over the lazy dog\n", 200)},
	{Name: "debian/tar-c-reproducible", Root: Debian, Argv: []string{"/usr/bin/tar", "--sort=name", "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner", "-cf", "-", "tree"}, Files: tree,
		Has: []string{"tree/alpha.txt\x00", "ustar"}},
	{Name: "debian/tar-tv", Root: Debian, Argv: []string{"/usr/bin/tar", "-tvf", "in.tar"}, Files: one(inTar),
		Has: []string{"-rw------- root/root      5100 2020-05-17 12:30 pkg/data.txt\n"}},
	{Name: "debian/tar-xv", Root: Debian, Argv: []string{"/usr/bin/tar", "-xvf", "in.tar", "-C", "/tmp"}, Files: one(inTar),
		Out: "pkg/\npkg/README\npkg/bin/\npkg/bin/run\npkg/data.txt\n"},
	{Name: "debian/mawk", Root: Debian, Argv: []string{"/usr/bin/awk", "-F", " ", `{ t[$2] += $1 } END { for (k in t) n++; printf "%d keys, two=%d, %.4f\n", n, t["two"], log(10) }`, "tree/numbers.txt"}, Files: tree,
		Out: "4 keys, two=4, 2.3026\n"},
	{Name: "debian/ld.so-direct", Root: Debian, Argv: []string{"/lib/ld-linux-aarch64.so.1", "/usr/bin/hello", "-t"}, Has: []string{"hello, world\n"}},
	{Name: "debian/ldconfig-p", Root: Debian, Argv: []string{"/sbin/ldconfig", "-p"}, Has: []string{"libc.so.6 (libc6,AArch64"}},
	{Name: "debian/getent", Root: Debian, Argv: []string{"/usr/bin/getent", "passwd", "root", "nobody"},
		Out: "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"},

	// ---- debian: bash, without forking ----
	{Name: "debian/bash-builtins", Root: Debian, Argv: []string{"/bin/bash", "-c",
		`declare -a a=(3 1 2); declare -A m=([x]=1); a+=(9); echo "${#a[@]} ${a[*]} ${!m[*]}"; ` +
			`for ((i = 0; i < 3; i++)); do printf -v s '%s%d' "${s:-}" $i; done; echo "$s"; ` +
			`x=HelloWorld; echo "${x,,} ${x^^} ${x:5} ${x/World/There} ${#x}"; ` +
			`[[ abc123 =~ ^([a-z]+)([0-9]+)$ ]] && echo "${BASH_REMATCH[2]}"; echo {1..4} {c..a}; ` +
			`printf '%(%Y-%m-%d %H:%M:%S)T\n' 1234567890; (( 2 ** 40 == 1099511627776 )) && echo big`},
		Env: []string{"TZ=UTC"},
		Out: "4 3 1 2 9 x\n012\nhelloworld HELLOWORLD World HelloThere 10\n123\n1 2 3 4 c b a\n2009-02-13 23:31:30\nbig\n"},
	{Name: "debian/bash-script", Root: Debian, Argv: []string{"/bin/bash", "prog.sh", "one", "two words", "three"},
		Files:  with(tree, one(File{Path: "prog.sh", Data: bashScript})),
		Status: 4, Out: "args=3 [one] [two words] [three]\nfib(15)=610\nlines=5 last=epsilon\n/tmp/out: 3 lines\nkind: fruit fruit other\nerr=4\n"},
	{Name: "debian/bash-read-stdin", Root: Debian, Argv: []string{"/bin/bash", "-c",
		`total=0; while IFS=, read -r name n; do total=$((total + n)); echo "${name^}"; done; echo "total=$total"; mapfile -t arr </work/words.txt; echo "${#arr[@]} ${arr[-1]}"`},
		Stdin: "apple,3\npear,4\nfig,10\n", Files: one(words), Out: "Apple\nPear\nFig\ntotal=17\n8 date\n"},
	{Name: "debian/bash-type", Root: Debian, Argv: []string{"/bin/bash", "-c", `type -t cd echo bash_fn ls; bash_fn() { :; }; type -t bash_fn; shopt -s extglob; x=aaab; echo "${x##+(a)}"; hash -r; command -v ls`},
		Out: "builtin\nbuiltin\nfile\nfunction\nb\n/usr/bin/ls\n"},
	{Name: "debian/bash-exit", Root: Debian, Argv: []string{"/bin/bash", "-c", `set -e; f() { return 7; }; trap 'echo "trap $?"' EXIT; f; echo never`},
		Status: 7, Out: "trap 7\n"},
	{Name: "debian/bash-errexit-msg", Root: Debian, Argv: []string{"/bin/bash", "-c", `cd /nonexistent`}, Status: 1,
		ErrHas: []string{"cd: /nonexistent: No such file or directory"}},

	// ---- debian: python3 -c ----
	py("json", `import json; d = json.loads(open("/work/data.json").read()); d["total"] = sum(i["price"] * i["qty"] for i in d["items"]); `+
		`print(json.dumps(d, sort_keys=True, indent=1)[:60].replace("\n", "|")); print(d["total"], json.dumps([1.5, None, True, "\u00e9"]))`,
		"{| \"items\": [|  {|   \"name\": \"apple\",|   \"price\": 1.25,|   \"\n32.75 [1.5, null, true, \"\\u00e9\"]\n"),
	py("re", `import re; s = "2024-02-29 carrick 1.2.3, 2001-02-03 qemu 7.2"; `+
		`print(re.findall(r"(\d{4})-(\d\d)-(\d\d)", s)); print(re.sub(r"(\w+) (\d+(?:\.\d+)*)", r"\2:\1", s)); `+
		`m = re.match(r"(?P<y>\d+)-(?P<m>\d+)", s); print(m.groupdict(), m.span()); print(re.split(r"[ ,]+", s))`,
		"[('2024', '02', '29'), ('2001', '02', '03')]\n2024-02-29 1.2.3:carrick, 2001-02-03 7.2:qemu\n{'y': '2024', 'm': '02'} (0, 7)\n['2024-02-29', 'carrick', '1.2.3', '2001-02-03', 'qemu', '7.2']\n"),
	py("hashlib", `import hashlib; b = b"carrick" * 1000; `+
		`print(hashlib.md5(b).hexdigest()); print(hashlib.sha1(b).hexdigest()); print(hashlib.sha256(b).hexdigest()); `+
		`print(hashlib.sha512(b).hexdigest()[:32]); print(hashlib.sha3_256(b).hexdigest()[:32]); print(hashlib.blake2b(b, digest_size=16).hexdigest()); `+
		`print(hashlib.pbkdf2_hmac("sha256", b"pw", b"salt", 1000).hex()[:32])`,
		"c8a8572d18861a8c6bc7c9e5a2a02593\nc144319f8e55de5310f2b888bb40ec8e1548804a\nbe157d43f7b31fa01a9edb365bc7ad2a693f746a41cc928358e782a05bb86d61\ncb1e83ca076aebb278c8beecf873cf06\n6f147af394ade434cdc96eed6939c785\n3e4df34881a8c17f725ce754fbdf129d\n0a38253555ce37f5c72a6b703f996814\n"),
	py("zlib", `import zlib; b = bytes(range(256)) * 64; c = zlib.compress(b, 9); `+
		`print(len(b), len(c) < len(b), zlib.decompress(c) == b, hex(zlib.crc32(b)), hex(zlib.adler32(b))); `+
		`d = zlib.compressobj(wbits=-15); raw = d.compress(b"hello " * 100) + d.flush(); print(zlib.decompress(raw, -15)[:11], len(raw))`,
		"16384 True True 0xe81722f0 0x586ae1d2\nb'hello hello' 14\n"),
	py("struct", `import struct; p = struct.pack("<hIq3sd?", -2, 4000000000, -1 << 62, b"abc", 2.5, True); print(p.hex()); `+
		`print(struct.unpack("<hIq3sd?", p)); print(struct.calcsize("@ihq"), struct.pack(">f", 1.1).hex(), struct.unpack("!H", b"\x01\x02"))`,
		"feff00286bee00000000000000c0616263000000000000044001\n(-2, 4000000000, -4611686018427387904, b'abc', 2.5, True)\n16 3f8ccccd (258,)\n"),
	py("math", `import math; print(math.sqrt(2), math.pi, math.e); print(math.lgamma(10.5), math.erf(0.5), math.fsum([0.1] * 10)); `+
		`print(math.sin(1), math.atan2(1, -1), math.log1p(1e-10), math.expm1(1e-10)); print(math.factorial(30), math.comb(60, 30), math.gcd(2**64, 6**20)); `+
		`print(math.isqrt(10**40 + 1), math.frexp(1e300), math.ldexp(0.75, -1074), float("inf") > 1e308, math.nan != math.nan)`,
		"1.4142135623730951 3.141592653589793 2.718281828459045\n13.940625219403763 0.5204998778130465 1.0\n0.8414709848078965 2.356194490192345 9.999999999500001e-11 1.00000000005e-10\n265252859812191058636308480000000 118264581564861424 1048576\n100000000000000000000 (0.7466108948025751, 997) 5e-324 True True\n"),
	py("datetime", `import datetime as dt; a = dt.datetime(2024, 2, 28, 23, 30, tzinfo=dt.timezone.utc); b = a + dt.timedelta(hours=25, minutes=45); `+
		`print(b.isoformat(), b.strftime("%A %j %U %b"), (b - a).total_seconds()); `+
		`print(dt.date(2000, 1, 1).isocalendar(), dt.datetime.fromtimestamp(1234567890, dt.timezone.utc), dt.date.fromisoformat("2023-12-31").weekday()); `+
		`print(dt.datetime.strptime("13/02/2009 23:31", "%d/%m/%Y %H:%M").replace(tzinfo=dt.timezone(dt.timedelta(hours=-5))).timestamp())`,
		"2024-03-01T01:15:00+00:00 Friday 061 08 Mar 92700.0\ndatetime.IsoCalendarDate(year=1999, week=52, weekday=6) 2009-02-13 23:31:30+00:00 6\n1234585860.0\n"),
	py("tempfile-io", `import os, tempfile; d = tempfile.mkdtemp(); p = os.path.join(d, "f.bin"); `+
		`f = open(p, "wb"); f.write(b"x" * 5000); f.seek(100); f.write(b"HEAD"); f.close(); `+
		`f = open(p, "r+b"); f.seek(-4, 2); f.write(b"TAIL"); f.seek(98); print(f.read(8)); f.truncate(4096); f.close(); `+
		`print(os.path.getsize(p), open(p, "rb").read()[-4:]); os.rename(p, p + ".2"); print(sorted(os.listdir(d))); `+
		`os.unlink(p + ".2"); os.rmdir(d); print(os.path.exists(d), d.startswith("/tmp/"))`,
		"b'xxHEADxx'\n4096 b'xxxx'\n['f.bin.2']\nFalse True\n"),
	py("os-listdir-stat", "import os, stat\nprint(sorted(os.listdir(\"tree\")))\n"+
		`for n in sorted(os.listdir("tree")): st = os.lstat("tree/" + n); print(n, oct(st.st_mode), st.st_size, st.st_nlink, st.st_uid, int(st.st_mtime), stat.S_ISLNK(st.st_mode), stat.filemode(st.st_mode))`+"\n"+
		`print([e.name for e in sorted(os.scandir("tree/sub"), key=lambda e: e.name) if e.is_file()], os.readlink("tree/link"), os.path.realpath("tree/sub/up"), os.getcwd())`,
		"['alpha.txt', 'link', 'numbers.txt', 'ro.txt', 'script.sh', 'sub']\nalpha.txt 0o100644 31 1 0 981173106 False -rw-r--r--\nlink 0o120777 9 1 0 981173106 True lrwxrwxrwx\nnumbers.txt 0o100644 42 1 0 981173106 False -rw-r--r--\nro.txt 0o100444 10 1 0 981173106 False -r--r--r--\nscript.sh 0o100755 18 1 0 981173106 False -rwxr-xr-x\nsub 0o40755 4096 2 0 981173106 False drwxr-xr-x\n['deep.txt', 'empty', 'up'] alpha.txt /work/tree/numbers.txt /work\n"),
	py("os-walk-chmod", `import os; os.makedirs("/tmp/a/b/c"); open("/tmp/a/b/f", "w").write("x"); os.chmod("/tmp/a/b/f", 0o640); `+
		`print(sorted((r, sorted(ds), sorted(fs)) for r, ds, fs in os.walk("/tmp/a"))); print(oct(os.stat("/tmp/a/b/f").st_mode)); `+
		`os.symlink("b/f", "/tmp/a/l"); print(os.readlink("/tmp/a/l"), open("/tmp/a/l").read(), os.access("/tmp/a/l", os.W_OK)); os.umask(0o22); print(os.umask(0o77))`,
		"[('/tmp/a', ['b'], []), ('/tmp/a/b', ['c'], ['f']), ('/tmp/a/b/c', [], [])]\n0o100640\nb/f x True\n18\n"),
	py("decimal-fractions", `from decimal import Decimal, getcontext; from fractions import Fraction; getcontext().prec = 50; `+
		`print(Decimal(1) / Decimal(7)); print(Decimal(2).sqrt()); print(Fraction(3, 7) + Fraction(5, 11), Fraction(0.1).limit_denominator(1000)); `+
		`print(2 ** 200 % 1000000007, pow(3, -1, 101), (10 ** 30 + 7) // 13, divmod(-17, 5), round(2.675, 2), 1e22, 1/3)`,
		"0.14285714285714285714285714285714285714285714285714\n1.4142135623730950488016887242096980785696718753769\n68/77 1/10\n"+
			"499445072 34 76923076923076923076923076923 (-4, 3) 2.67 1e+22 0.3333333333333333\n"),
	py("collections-itertools", `import collections as c, itertools as it, heapq, bisect, functools; w = open("/work/words.txt").read().split(); `+
		`print(c.Counter(w).most_common(3), list(it.accumulate([1, 2, 3, 4])), list(it.combinations("abc", 2))); `+
		`h = [5, 1, 4, 2]; heapq.heapify(h); print([heapq.heappop(h) for _ in range(4)], bisect.bisect([1, 3, 5], 4), functools.reduce(lambda a, b: a * b, range(1, 10))); `+
		`d = c.OrderedDict.fromkeys("hello"); print("".join(d), c.deque(range(5), maxlen=3), list(it.islice(it.cycle("ab"), 5)))`,
		"[('apple', 2), ('fig', 2), ('pear', 1)] [1, 3, 6, 10] [('a', 'b'), ('a', 'c'), ('b', 'c')]\n[1, 2, 4, 5] 2 362880\nhelo deque([2, 3, 4], maxlen=3) ['a', 'b', 'a', 'b', 'a']\n"),
	py("random-seeded", `import random; r = random.Random(42); print(r.random(), r.randint(1, 100), r.sample(range(100), 5), r.choice("abcdef")); `+
		`l = list(range(10)); r.shuffle(l); print(l, r.gauss(0, 1))`,
		"0.6394267984578837 4 [94, 35, 31, 28, 17] f\n[7, 2, 5, 6, 0, 3, 4, 9, 8, 1] 0.14759598253598957\n"),
	py("sqlite3-module", `import sqlite3; db = sqlite3.connect("/work/py.db"); db.execute("create table t(k text primary key, v real)"); `+
		`db.executemany("insert into t values (?, ?)", [("a", 1.5), ("b", 2.25), ("c", -3)]); db.commit(); `+
		`print(db.execute("select count(*), sum(v), group_concat(k, '+') from t").fetchone(), sqlite3.sqlite_version_info >= (3, 0, 0)); db.close(); `+
		`print(sqlite3.connect("/work/py.db").execute("select k from t where v > 0 order by v desc").fetchall())`,
		"(3, 0.75, 'a+b+c') True\n[('b',), ('a',)]\n"),
	py("compression", `import bz2, lzma, gzip, base64, binascii; b = b"carrick " * 500; `+
		`print(bz2.decompress(bz2.compress(b)) == b, lzma.decompress(lzma.compress(b)) == b, len(gzip.compress(b, mtime=0)), gzip.decompress(open("/work/in.txt.gz", "rb").read())[:9]); `+
		`print(base64.b64encode(b[:10]), base64.b32encode(b"hi"), binascii.crc32(b), binascii.hexlify(b"\x00\xff"))`,
		"True True 52 b'the quick'\nb'Y2FycmljayBjYQ==' b'NBUQ====' 161359820 b'00ff'\n"),
	py("unicodedata-text", `import unicodedata, textwrap, string; s = "Ça va? Ünïcödé — ﬁne ½"; print(unicodedata.normalize("NFKD", s).encode("ascii", "ignore")); `+
		`print([unicodedata.name(c) for c in "é½"], unicodedata.category("Ω"), s.upper(), s.casefold()); `+
		`print(textwrap.fill(string.ascii_letters * 2, 30)); print(f"{3.14159:>10.3f}|{255:#x}|{1234567:,}|{0.5:%}|{'x':*^7}")`,
		"b'Ca va? Unicode  fine 12'\n['LATIN SMALL LETTER E WITH ACUTE', 'VULGAR FRACTION ONE HALF'] Lu ÇA VA? ÜNÏCÖDÉ — FINE ½ ça va? ünïcödé — fine ½\nabcdefghijklmnopqrstuvwxyzABCD\nEFGHIJKLMNOPQRSTUVWXYZabcdefgh\nijklmnopqrstuvwxyzABCDEFGHIJKL\nMNOPQRSTUVWXYZ\n     3.142|0xff|1,234,567|50.000000%|***x***\n"),
	py("csv-io-statistics", `import csv, io, statistics as st; f = io.StringIO(); w = csv.writer(f); w.writerows([["a", "b,c"], [1, 'q"t']]); print(repr(f.getvalue())); `+
		`print(list(csv.reader(io.StringIO(f.getvalue())))); x = [2, 4, 4, 4, 5, 5, 7, 9]; print(st.mean(x), st.median(x), st.pstdev(x), st.mode(x), st.quantiles(x, n=4))`,
		"'a,\"b,c\"\\r\\n1,\"q\"\"t\"\\r\\n'\n[['a', 'b,c'], ['1', 'q\"t']]\n5 4.5 2.0 4 [4.0, 4.5, 6.5]\n"),
	py("pathlib-glob", `from pathlib import Path; p = Path("tree"); print(sorted(str(x) for x in p.rglob("*.txt"))); `+
		`print(Path("tree/alpha.txt").read_text().splitlines()[-1], Path("tree/link").is_symlink(), Path("tree/sub/up").resolve()); `+
		`q = Path("/tmp/p/q.txt"); q.parent.mkdir(parents=True); q.write_bytes(b"abc"); print(q.stat().st_size, q.suffix, q.with_suffix(".md").name, sorted(Path("/tmp/p").iterdir()))`,
		"['tree/alpha.txt', 'tree/numbers.txt', 'tree/ro.txt', 'tree/sub/deep.txt']\nepsilon True /work/tree/numbers.txt\n3 .txt q.md [PosixPath('/tmp/p/q.txt')]\n"),
	py("uuid-difflib-shlex", `import uuid, difflib, shlex; print(uuid.uuid5(uuid.NAMESPACE_DNS, "carrick.example"), uuid.UUID(int=2**100)); `+
		`print(list(difflib.unified_diff(["a", "b", "c"], ["a", "c", "d"], lineterm=""))); print(shlex.split("a 'b c' \"d e\" f\\ g"), shlex.quote("it's"))`,
		"ab17a086-d701-5e71-a820-0415ae1f3c63 00000010-0000-0000-0000-000000000000\n['--- ', '+++ ', '@@ -1,3 +1,3 @@', ' a', '-b', ' c', '+d']\n['a', 'b c', 'd e', 'f g'] 'it'\"'\"'s'\n"),
	py("bigint-array", `import array, sys; a = array.array("d", [1.5, -2.25]); a.byteswap(); print(a.tobytes().hex(), sys.byteorder, sys.maxsize, sys.platform); `+
		`n = 3 ** 1000; print(len(str(n)), n % 997, n.bit_length(), (-n) >> 1500, int("ff" * 20, 16) & 0xffff); mv = memoryview(b"abcdef")[1:4]; print(bytes(mv), mv.nbytes)`,
		"3ff8000000000000c002000000000000 little 9223372036854775807 linux\n478 81 1585 -37693045062507271999982622 65535\nb'bcd' 3\n"),
	py("platform-sys", `import platform, sys, os; print(platform.machine(), platform.system(), sys.implementation.name, sys.version_info[:2]); `+
		`print(os.uname().machine, os.getuid(), os.geteuid(), os.getgid(), os.path.expanduser("~"), sys.getfilesystemencoding(), sys.flags.utf8_mode); `+
		`print(sorted(k for k in os.environ), sys.argv, sys.executable)`,
		"aarch64 Linux cpython (3, 11)\naarch64 0 0 0 /root utf-8 1\n['HOME', 'LANG', 'LC_CTYPE', 'PATH'] ['-c'] /usr/bin/python3\n"),
	{Name: "debian/python-script-stdin", Root: Debian, Argv: []string{"/usr/bin/python3", "prog.py", "x", "y z"},
		Files: one(File{Path: "prog.py", Data: pyScript}), Stdin: "3 4 5\n10 -2\n",
		Status: 3, Out: "argv=['prog.py', 'x', 'y z']\nsum=20 lines=2\nclass C(a=1, b='two')\nsquares=[0, 1, 4, 9, 16]\ngen: 0 1 1 2 3 5 8 13\n", ErrHas: []string{"ValueError: bad value 7"}},
	{Name: "debian/python-traceback", Root: Debian, Argv: []string{"/usr/bin/python3", "-c", "def f(x):\n    return 1 / x\nf(0)"},
		Status: 1, ErrHas: []string{"ZeroDivisionError: division by zero", `File "<string>", line 2, in f`}},
	{Name: "debian/python-isolated", Root: Debian, Argv: []string{"/usr/bin/python3", "-I", "-S", "-B", "-c", "import sys; print(sys.flags.isolated, sys.flags.no_site, 'site' in sys.modules)"},
		Out: "1 1 False\n"},

	// ---- debian: sqlite3 on a file database ----
	{Name: "debian/sqlite3-file", Root: Debian, Argv: []string{"/usr/bin/sqlite3", "-batch", "/work/shop.db", ".read /work/schema.sql",
		"SELECT c.name, count(o.id), printf('%.2f', sum(o.amount)) FROM customer c LEFT JOIN orders o ON o.cust = c.id GROUP BY c.id ORDER BY 3 DESC;"},
		Files: one(File{Path: "schema.sql", Data: sqlSchema}),
		Out:   "bob|2|40.50\nalice|3|33.75\ncarol|0|0.00\n"},
	{Name: "debian/sqlite3-window-cte", Root: Debian, Argv: []string{"/usr/bin/sqlite3", "/work/w.db"},
		Stdin: sqlSchema + `.mode list
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10) SELECT group_concat(i * i, ',') FROM n;
SELECT id, amount, sum(amount) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW), rank() OVER (ORDER BY amount DESC) FROM orders ORDER BY id;
SELECT json_extract('{"a":[1,2,{"b":"c"}]}', '$.a[2].b'), json_array_length('[1,2,3]'), hex(zeroblob(3)), typeof(1.0), 7 / 2, 7 % 3;
PRAGMA integrity_check;
`,
		Out: "1,4,9,16,25,36,49,64,81,100\n1|10.0|10.0|4\n2|12.25|22.25|2\n3|30.5|42.75|1\n4|11.5|42.0|3\n5|10.0|21.5|4\nc|3|000000|real|3|1\nok\n"},
	{Name: "debian/sqlite3-wal-json", Root: Debian, Argv: []string{"/usr/bin/sqlite3", "-json", "/tmp/wal.db",
		"PRAGMA journal_mode=WAL; CREATE TABLE kv(k, v); INSERT INTO kv VALUES ('x', 1), ('y', NULL), ('z', 'three'); SELECT * FROM kv ORDER BY k DESC;"},
		Has: []string{`[{"journal_mode":"wal"}]`, `{"k":"z","v":"three"}`}},
	{Name: "debian/sqlite3-dump", Root: Debian, Argv: []string{"/usr/bin/sqlite3", "/work/d.db", ".read /work/schema.sql", ".dump customer"},
		Files: one(File{Path: "schema.sql", Data: sqlSchema}), Has: []string{"INSERT INTO customer VALUES(1,'alice');"}},

	// ---- debian: jq, lua, perl, hello ----
	{Name: "debian/jq-sort", Root: Debian, Argv: []string{"/usr/bin/jq", "-S", "-c", ".items[0]", "data.json"}, Files: one(data),
		Out: `{"name":"apple","price":1.25,"qty":4,"tags":["fruit","red"]}` + "\n"},
	{Name: "debian/jq-query", Root: Debian, Argv: []string{"/usr/bin/jq", "-r", `.items | map(select(.tags | index("fruit"))) | .[] | "\(.name)\t\(.price * .qty)"`, "data.json"}, Files: one(data),
		Out: "apple\t5\ndates\t11.25\n"},
	{Name: "debian/jq-reduce", Root: Debian, Argv: []string{"/usr/bin/jq", "-n", "--arg", "who", "carrick", `[range(1; 11)] | {sum: add, sq: map(. * .) | add, who: $who, s: ([.[] | tostring] | join("-")), f: (1 / 3), p: pow(2; 10), g: (group_by(. % 3) | map(length))}`},
		Out: "{\n  \"sum\": 55,\n  \"sq\": 385,\n  \"who\": \"carrick\",\n  \"s\": \"1-2-3-4-5-6-7-8-9-10\",\n  \"f\": 0.3333333333333333,\n  \"p\": 1024,\n  \"g\": [\n    3,\n    4,\n    3\n  ]\n}\n"},
	{Name: "debian/jq-stdin-error", Root: Debian, Argv: []string{"/usr/bin/jq", "."}, Stdin: `{"a": [1, 2,}`, Status: 4,
		ErrHas: []string{"parse error"}},
	{Name: "debian/lua-e", Root: Debian, Argv: []string{"/usr/bin/lua", "-e",
		`local t = {5, 3, 9, 1}; table.sort(t, function(a, b) return a > b end); print(table.concat(t, ","), #t, math.maxinteger, 7 // 2, 7 / 2, 2^53) ` +
			`print(string.format("%5.2f|%q|%x", math.pi, "a\nb", 255), ("hello world"):gsub("o", "0"), ("x=1, y=22"):match("y=(%d+)")) ` +
			`print(os.date("!%Y-%m-%d %H:%M:%S", 1234567890), os.time({year = 2000, month = 1, day = 1, hour = 0}), utf8.char(233, 8364), utf8.len("héllo"))`},
		Env: []string{"TZ=UTC"},
		Out: "9,5,3,1\t4\t9223372036854775807\t3\t3.5\t9.007199254741e+15\n" + " 3.14|\"a\\\n" + "b\"|ff\thell0 w0rld\t22\n" + "2009-02-13 23:31:30\t946684800\té€\t5\n"},
	{Name: "debian/lua-script", Root: Debian, Argv: []string{"/usr/bin/lua5.4", "prog.lua", "arg1"}, Files: one(words, File{Path: "prog.lua", Data: luaScript}),
		Out: "arg[0]=prog.lua arg[1]=arg1\nco: 1 2 3 done\nfile: 3 lines, 19 bytes\nsorted: apple banana cherry date fig pear\nerr: caught boom\n"},
	{Name: "debian/perl-e", Root: Debian, Argv: []string{"/usr/bin/perl", "-e",
		`my %h = (pear => 3, apple => 7, fig => 1); print join(",", sort { $h{$b} <=> $h{$a} } keys %h), "\n"; ` +
			`my $s = "2024-02-29 carrick"; $s =~ /(\d+)-(\d+)-(\d+)\s+(\w+)/ and print "$4 $3/$2/$1\n"; (my $t = $s) =~ tr/a-z/A-Z/; print "$t\n"; ` +
			`printf("%.5f %e %05d %s\n", atan2(1, 1) * 4, 12345.678, 42, join("|", map { $_ ** 2 } 1 .. 5)); ` +
			`print unpack("H*", pack("nNv", 258, 16909060, 772)), " ", length(pack("w", 300)), "\n"; print scalar(localtime(0)), "\n"`},
		Env: []string{"TZ=UTC"},
		Out: "apple,pear,fig\ncarrick 29/02/2024\n2024-02-29 CARRICK\n3.14159 1.234568e+04 00042 1|4|9|16|25\n0102010203040403 2\nThu Jan  1 00:00:00 1970\n"},
	{Name: "debian/perl-io", Root: Debian, Argv: []string{"/usr/bin/perl", "-we",
		`use strict; use POSIX qw(floor strftime); use List::Util qw(sum max); open(my $fh, "<", "words.txt") or die; my @w = <$fh>; close $fh; chomp @w; ` +
			`my %seen; my @u = grep { !$seen{$_}++ } @w; print scalar(@u), " unique, longest ", max(map { length } @u), "\n"; ` +
			`open(my $o, ">", "/tmp/out.txt") or die; print $o "$_\n" for reverse sort @u; close $o; print -s "/tmp/out.txt", " bytes\n"; ` +
			`print strftime("%Y-%m-%d", gmtime(86400 * 365)), " ", floor(-2.5), " ", sum(1 .. 100), "\n"; opendir(my $d, "tree") or die; print join(" ", sort grep { !/^\./ } readdir $d), "\n"`},
		Files: with(tree, one(words)),
		Out:   "6 unique, longest 6\n34 bytes\n1971-01-01 -3 5050\nalpha.txt link numbers.txt ro.txt script.sh sub\n"},
	{Name: "debian/perl-ne-stdin", Root: Debian, Argv: []string{"/usr/bin/perl", "-lane", `$s += $F[1]; END { print "$. lines, sum $s" }`}, Stdin: "a 1\nb 2\nc 39\n",
		Out: "3 lines, sum 42\n"},
	{Name: "debian/perl-die", Root: Debian, Argv: []string{"/usr/bin/perl", "-e", `$! = 5; die "fatal: stop\n"`}, Status: 5, ErrHas: []string{"fatal: stop"}},
	{Name: "debian/hello", Root: Debian, Argv: []string{"/usr/bin/hello"}, Out: "Hello, world!\n"},
	{Name: "debian/hello-greeting", Root: Debian, Argv: []string{"/usr/bin/hello", "-g", "Guten Tag, carrick"}, Out: "Guten Tag, carrick\n"},
	{Name: "debian/hello-bad-option", Root: Debian, Argv: []string{"/usr/bin/hello", "--bogus"}, Has: []string{"Usage: /usr/bin/hello [OPTION]..."},
		ErrHas: []string{"/usr/bin/hello: unrecognized option '--bogus'\n"}},

	// ---- cases that start other programs (binfmt_misc under the oracle) ----
	{Name: "busybox/sh-pipeline", Root: Busybox, Argv: []string{"/bin/sh", "-c", "ls /work/tree | sort -r | head -n 3; echo $(echo nested)"}, Files: tree, Forks: true,
		Out: "sub\nscript.sh\nro.txt\nnested\n"},
	{Name: "debian/bash-pipeline", Root: Debian, Argv: []string{"/bin/bash", "-c", `set -o pipefail; ls tree | sort | wc -l; x=$(date -u -d @0 +%Y); echo "year $x"; (exit 3); echo "sub $?"`}, Files: tree, Forks: true,
		Out: "6\nyear 1970\nsub 3\n"},
	{Name: "debian/python-subprocess", Root: Debian, Argv: []string{"/usr/bin/python3", "-c",
		`import subprocess; r = subprocess.run(["/usr/bin/sha256sum"], input=b"abc", capture_output=True); print(r.returncode, r.stdout.split()[0].decode()[:16]); ` +
			`print(subprocess.run(["sh", "-c", "exit 9"]).returncode, subprocess.check_output(["echo", "hi"]))`}, Forks: true,
		Out: "0 ba7816bf8f01cfea\n9 b'hi\\n'\n"},
	{Name: "debian/find-exec-xargs", Root: Debian, Argv: []string{"/bin/bash", "-c", `find tree -type f -name '*.txt' -print0 | sort -z | xargs -0 md5sum | cut -c35-`}, Files: tree, Forks: true,
		Out: "tree/alpha.txt\ntree/numbers.txt\ntree/ro.txt\ntree/sub/deep.txt\n"},
	{Name: "debian/env-exec", Root: Debian, Argv: []string{"/usr/bin/env", "-i", "A=1", "/usr/bin/printenv"}, Forks: true, Out: "A=1\n"},
	{Name: "debian/perl-system", Root: Debian, Argv: []string{"/usr/bin/perl", "-e", `my $r = system("/bin/true"); my $o = qx(/usr/bin/hello -t); print "$r $o"; exec "/usr/bin/expr", "6", "*", "7"`}, Forks: true,
		Out: "0 hello, world\n42\n"},
	{Name: "debian/tar-z", Root: Debian, Argv: []string{"/usr/bin/tar", "-tzvf", "in.tgz"}, Files: one(File{Path: "in.tgz", Data: gzipOf(inTar.Data)}), Forks: true,
		Has: []string{"pkg/data.txt\n"}},
}

func gzipOf(s string) string {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.ModTime = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	w.Write([]byte(s))
	w.Close()
	return b.String()
}

const bashScript = `#!/bin/bash
# Builtins and redirections only: no command substitution, pipeline or
# external program.
set -u
printf -v joined '[%s] ' "$@"
echo "args=$# ${joined% }"
fib() {
	local n=$1 a
	if ((n < 2)); then REPLY=$n; return; fi
	fib $((n - 1)); a=$REPLY
	fib $((n - 2)); REPLY=$((a + REPLY))
}
fib 15
echo "fib(15)=$REPLY"
n=0
while IFS= read -r line; do n=$((n + 1)); last=$line; done </work/tree/alpha.txt
echo "lines=$n last=$last"
{ echo a; echo b; echo c; } >/tmp/out
mapfile -t out </tmp/out
echo "/tmp/out: ${#out[@]} lines"
kind() { case $1 in apple | fig | pear) echo -n fruit ;; *) echo -n other ;; esac }
printf 'kind:'
for w in apple fig stone; do printf ' '; kind $w; done
echo
f() { return 4; }
err=0
f || err=$?
echo "err=$err"
exit $err
`

const sqlSchema = `CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE orders(id INTEGER PRIMARY KEY, cust INTEGER REFERENCES customer(id), amount REAL);
INSERT INTO customer VALUES (1, 'alice'), (2, 'bob'), (3, 'carol');
INSERT INTO orders VALUES (1, 1, 10.0), (2, 1, 12.25), (3, 2, 30.5), (4, 1, 11.5), (5, 2, 10.0);
`

const pyScript = `import sys
print("argv=%r" % sys.argv)
total = lines = 0
for line in sys.stdin:
    lines += 1
    total += sum(int(x) for x in line.split())
print("sum=%d lines=%d" % (total, lines))

class C:
    def __init__(self, a, b):
        self.a, self.b = a, b
    def __repr__(self):
        return "class %s(a=%r, b=%r)" % (type(self).__name__, self.a, self.b)

print(C(1, "two"))
print("squares=%s" % [i * i for i in range(5)])

def fib():
    a, b = 0, 1
    while True:
        yield a
        a, b = b, a + b

g = fib()
print("gen:", *[next(g) for _ in range(8)])
try:
    raise ValueError("bad value 7")
except ValueError as e:
    sys.stderr.write("ValueError: %s\n" % e)
sys.exit(3)
`

const luaScript = `print("arg[0]=" .. arg[0] .. " arg[1]=" .. arg[1])
local co = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end return "done" end)
print("co: " .. co() .. " " .. co() .. " " .. co() .. " " .. co())
local f = assert(io.open("/tmp/lua.txt", "w"))
f:write("one\n", "two\n", "three four\n")
f:close()
local n, size = 0, 0
for line in io.lines("/tmp/lua.txt") do n = n + 1 end
f = assert(io.open("/tmp/lua.txt", "rb"))
size = f:seek("end")
f:close()
print(string.format("file: %d lines, %d bytes", n, size))
local w = {}
for word in io.lines("/work/words.txt") do w[word] = true end
local u = {}
for k in pairs(w) do u[#u + 1] = k end
table.sort(u)
print("sorted: " .. table.concat(u, " "))
local ok, err = pcall(function() error("boom", 0) end)
print("err: caught " .. err)
`
