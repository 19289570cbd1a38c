package oracle

import (
	"os"
	"path/filepath"
)

// processCases are the cases of issue 4 (processes, threads, signals):
// shells that fork pipelines, subshells, background jobs and traps;
// python's subprocess, threading, multiprocessing, fork and signals; a Go
// program using os/exec. Each takes about a second under the oracle.
//
// qemu-user, as the oracle registers it with binfmt_misc (flags F, not P),
// gives a program it starts argv[0] = the path it was run by, and the
// environment in reverse order. So no case prints an exec'd program's
// argv[0] (its error messages: they are silenced or come from builtins)
// or a whole environment; and the busybox cases name their programs by
// absolute path, because busybox ash re-executes /proc/self/exe with
// argv[0] = the applet's name for an applet found on $PATH, which then
// loses its name under the oracle.
var processCases = []Case{
	// ---- bash and busybox sh: pipelines of 5 and more stages, subshells,
	// command and process substitution, background jobs and wait, traps
	// (EXIT, ERR, USR1 from kill $$ and from a child), set -e,
	// here-documents (one larger than a pipe), xargs -P4 ----
	{Name: "debian/bash-pipeline-stages", Root: Debian, Argv: []string{"/bin/bash", "-c", bashPipeline}, Forks: true,
		Out: "     1\t297 287 279 278 277 276 \n     2\t275 274 273 272 271 270 \n   2000 ...aaaaaaaaaa\nstatus 0 1 0 3 0\npipefail 1\n     3\tPEAR\n     2\tDATE\n     1\tAPPLE\n"},
	{Name: "debian/bash-subshell-cmdsubst", Root: Debian, Argv: []string{"/bin/bash", "-c", bashSubshell}, Forks: true,
		Out: "in inner\nstatus 4 x=outer\na,B,C,nested deeper\n/tmp /work\nn=7\n2\n1\t4\tx\n2\t5\ty\n3\t6\tz\ncount=25\nHELLO6\n3 levels 0 1 2\n"},
	{Name: "debian/bash-jobs-wait", Root: Debian, Argv: []string{"/bin/bash", "-c", bashJobs}, Forks: true,
		Out: "b=5\na=3\nc=7\njob 1 1\njob 2 4\njob 3 9\njob 4 16\njob 5 25\njob 6 36\nterminated=143\nkilled=137\nunknown=127\n"},
	{Name: "debian/bash-trap", Root: Debian, Argv: []string{"/bin/bash", "-c", bashTrap}, Forks: true, Status: 3,
		Out: "USR1 #1\nUSR1 #2\nafter builtin kill: n=2\nUSR1 #3\nafter external kill: n=3\nUSR1 #4\nafter child shell kill: n=4\nERR trap\nin subshell\nsubshell EXIT trap\nsubshell status 6\ntrap -- 'echo got TERM' SIGTERM\nUSR2 ignored\nexit trap, status 3\n"},
	{Name: "debian/bash-set-e", Root: Debian, Argv: []string{"/bin/bash", "-c", bashSetE}, Forks: true, Status: 2,
		Out: "in f\nafter false in f\nf in a condition: set -e is off\ntrue ok\nx=sub\ns1\nsubshell status 1\ncmdsubst status 1 y=before\nchild\nchild status 4\nnegated ok\npipefail in condition: 1\nlast\n"},
	{Name: "debian/bash-heredoc", Root: Debian, Argv: []string{"/bin/bash", "-c", bashHeredoc}, Forks: true,
		Out: "home=/root sum=5 cmd=sub pwd=/work\nliteral $HOME $(echo x) \\$\napple\nfig\npear\nHERE STRING 42\none-1\ntwo-2\n 20000 108894\npython from a here-doc, argv ['3']\n"},
	{Name: "debian/bash-xargs-parallel", Root: Debian, Argv: []string{"/bin/bash", "-c", bashXargs}, Forks: true,
		Out: "1\n4\n9\n3364\n3481\n3600\n60 lines, sum 73810\nalpha:5\nbeta:4\ndelta:5\nepsilon:7\ngamma:5\nzeta:4\nxargs status 123\n"},
	{Name: "busybox/sh-pipeline-stages", Root: Busybox, Argv: []string{"/bin/sh", "-c", ashPipeline}, Forks: true,
		Out: "48\nsum 5050\nlast stage status 3\nN3990\nN4000\napple\n1\n"},
	{Name: "busybox/sh-subshell-jobs", Root: Busybox, Argv: []string{"/bin/sh", "-c", ashJobs}, Forks: true,
		Out: "in inner\nstatus 4 x=outer\na B nested deeper\nn=7\nb=5\na=3\njob 1\njob 2\njob 3\njob 4\nterminated=143\n"},
	{Name: "busybox/sh-trap", Root: Busybox, Argv: []string{"/bin/sh", "-c", ashTrap}, Forks: true, Status: 3,
		Out: "USR1 #1\nafter kill: n=1\nUSR1 #2\nafter child kill: n=2\nin subshell\nsubshell exit trap\nsubshell status 6\nUSR2 ignored\nexit trap, status 3\n"},
	{Name: "busybox/sh-set-e-heredoc", Root: Busybox, Argv: []string{"/bin/sh", "-c", ashSetE}, Forks: true, Status: 1,
		Out: "in f\nafter false in f\nf in a condition\nx=sub\nhome=/root sum=5 cmd=sub\nliteral $HOME $(echo x)\napple\npear\n5000\nlast\n"},
	{Name: "busybox/sh-xargs-parallel", Root: Busybox, Argv: []string{"/bin/sh", "-c", ashXargs}, Forks: true,
		Out: "1\n4\n1521\n1600\n40 lines, sum 22140\na:1\nbb:2\nccc:3\ndddd:4\nxargs status 123\n"},

	// ---- python3: subprocess pipelines, 16 threads with locks, queues and
	// conditions, a multiprocessing Pool (fork), os.fork and waitpid,
	// signal handlers, alarm and sigwait, deep recursion ----
	{Name: "debian/python-subprocess-pipes", Root: Debian, Argv: []string{"/usr/bin/python3", "-c", pySubprocess}, Forks: true,
		Out: "chain: [b'197', b'187', b'179', b'178', b'177'] [0, 0, 0, 0]\ncommunicate: 120000 b'HELLO HELLO ' b'to-stderr\\n' 3\nterminated: -15\nkilled: -9\nshell: 10\ntimeout expired: ['sleep', '5']\nbig: 300000\ncheck_call: 1\nmissing: 2 /nonexistent\ncwd: /tmp env: 42\n"},
	{Name: "debian/python-threading", Root: Debian, Argv: []string{"/usr/bin/python3", "-c", pyThreading},
		Out: "lock: 240000 True\nqueue: 1000 332833500 [0, 1, 4] 998001\ncondition: 80 True\nbarrier: 16 True semaphore peak <= 3: True 1\nlocal: True MainThread\n"},
	{Name: "debian/python-multiprocessing-fork", Root: Debian, Argv: []string{"/usr/bin/python3", "-c", pyPool}, Forks: true,
		Out: "map: 2646700 [0, 1, 4, 9, 16, 25]\nimap: [0, 1, 4, 9, 16] [0, 1, 4, 9, 16]\nin children: True\napply_async: 144\nerror: bad 3\nprocesses: [45, 4950, 499500] [0, 0, 0]\nexitcode: 7\nshared value: 400\n"},
	{Name: "debian/python-fork-waitpid", Root: Debian, Argv: []string{"/usr/bin/python3", "-c", pyFork}, Forks: true,
		Out: "child: ppid ok 1, own pid 1\nwaitpid: True True 7 7\nsignaled: True 9\ncopy on write: [1, 2, 3] 4\nwait: [(0, 10), (1, 11), (2, 12), (3, 13), (4, 14)]\ngrandchild: 43\nWNOHANG: (0, 0)\nchild got SIGTERM\nsigterm handled: 5\nno children: 10\n"},
	{Name: "debian/python-signals", Root: Debian, Argv: []string{"/usr/bin/python3", "-c", pySignals}, Status: 130,
		Out: "handled: ['SIGUSR1', 'SIGUSR2']\nignored: ['SIGUSR1', 'SIGUSR2'] 1\nblocked: ['SIGUSR1', 'SIGUSR2'] ['SIGUSR1', 'SIGUSR2']\nunblocked: ['SIGUSR1', 'SIGUSR2', 'SIGUSR1', 'SIGUSR2']\nalarm returns: 0\nalarm: SIGALRM True\nitimer interrupts nothing but runs the handler: SIGALRM\nSIGINT raised in the main thread\nsigwait: SIGHUP\n"},
	{Name: "debian/python-recursion", Root: Debian, Argv: []string{"/usr/bin/python3", "-c", pyRecursion},
		Out: "default limit: 1000 RecursionError\npython frames: 15000\nackermann(2, 300): 603\njson C recursion: 6002 6002 True\n__len__ through C: 4000\nraised at the raised limit: maximum recursion depth exceeded\n"},

	// ---- Go: os/exec (a program of test/programs/go-rootfs, copied to /work) ----
	// A socket inherited through posix_spawn is a socket in the new program.
	{Name: "debian/sock-spawn", Root: Debian, Argv: []string{"/work/sock_spawn"}, Files: one(rootfsProgram("sock_spawn")), Forks: true,
		Out: "child: SO_TYPE 0 1\nchild: getsockname 0 family 1 len 2\nchild: sendmsg 1\nparent: child exited 0\nparent: recvmsg 1 rights yes\nparent: read 16 \"through the pipe\"\n"},
	{Name: "debian/spawn-fds", Root: Debian, Argv: []string{"/work/spawn_fds"}, Files: one(rootfsProgram("spawn_fds")), Forks: true,
		Out: "child exit 7\noffset after the child read: 11\nparent opens data.txt again: ok\nparent stat(\".\"): ok\n",
		ErrHas: []string{"child: write to /dev/null 10\n", "child: read 5 from fd 5: world\n", "child: fd 6 is a directory: 1\n",
			"child: openat(fd 6, data.txt): ok\n", "child: cwd ends with /sub: 1\n"}},
	{Name: "debian/go-exec-pipeline", Root: Debian, Argv: []string{"/work/execpipe"}, Files: one(rootfsProgram("execpipe")), Forks: true,
		Out: "pipeline: 493 483 473 463 453 443 | statuses 0 0 0 0 0\ncombined: \"out\\nerr\\n\" <nil>\nstdin from a reader: f17a3c23230ea7d7 <nil>\nexit status: 42 true\nsignaled: signal: terminated true true -1\nSIGPIPE: \"carrick\\n\" signal: broken pipe\ncontext: signal: killed context deadline exceeded\ndir and env: \"/tmp\\n\" \"this\\nthat\\n\"\nlookpath: true true\nmissing: true\nchild 1: 1,2,3\nchild 2: 1,2,3,4,5,6\nchild 3: 1,2,3,4,5,6,7,8,9\nchild 4: 1,2,3,4,5,6,7,8,9,10,11,12\nProcessState: true 0 true\n"},
}

// rootfsProgram is a File holding the Go program NAME of
// test/programs/go-rootfs, built by test/fixtures/build.sh into
// FIXTURES/go-rootfs/NAME (FIXTURES: $CARRICK_FIXTURES, else
// test/fixtures/out of the module). Such programs start other programs of
// the root, which only the oracle suite can run. When the program is not
// built, the File is a script that says so and exits 127, so that the case
// fails with that message under the oracle.
func rootfsProgram(name string) File {
	f := File{Path: name, Mode: 0o755}
	fixtures := os.Getenv("CARRICK_FIXTURES")
	if fixtures == "" {
		if dir, err := os.Getwd(); err == nil {
			for d := dir; filepath.Dir(d) != d; d = filepath.Dir(d) {
				if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
					fixtures = filepath.Join(d, "test", "fixtures", "out")
					break
				}
			}
		}
	}
	bin := filepath.Join(fixtures, "go-rootfs", name)
	if _, err := os.Stat(bin); err != nil {
		bin = filepath.Join(fixtures, "c-rootfs", name) // test/programs/c-rootfs
	}
	b, err := os.ReadFile(bin)
	if err != nil || fixtures == "" {
		f.Data = "#!/bin/sh\necho 'carrick-oracle: " + name + " is not built (" + bin +
			"): run make fixtures (test/fixtures/build.sh)' >&2\nexit 127\n"
		return f
	}
	f.Data = string(b)
	return f
}

const bashPipeline = `set -o pipefail
seq 1 300 | grep 7 | sort -rn | head -n 12 | tr '\n' ' ' | fold -w 24 | cat -n; echo
head -c 200000 /dev/zero | tr '\0' a | fold -w 100 | sort | uniq -c | sed 's/a\{90\}/.../'
true | false | true | (exit 3) | true; echo "status ${PIPESTATUS[*]}"
/bin/false | cat | cat | cat | cat; echo "pipefail $?"
printf '%s\n' pear apple fig apple date | sort | uniq | tr a-z A-Z | grep -v FIG | nl -ba | tac
`

const bashSubshell = `x=outer; (x=inner; echo "in $x"; exit 4); echo "status $? x=$x"
y=$(echo a; (echo b; echo c) | tr a-z A-Z; echo $(echo nested $(echo deeper)))
echo "$y" | paste -sd,
a=$(cd /tmp && pwd); echo "$a $PWD"
n=$( ( ( exit 7 ) ); echo $? ); echo "n=$n"
{ echo grp; ls -d /work; } | wc -l
paste <(seq 1 3) <(seq 4 6) <(printf 'x\ny\nz\n')
count=0; while read -r l; do count=$((count + 1)); done < <(seq 1 25); echo "count=$count"
f() { local v; v=$(printf '%s' "$1" | tr a-z A-Z); echo "$v$(echo "$1" | wc -c)"; }; f hello
echo "$(echo "$(echo "$(echo 3 levels)")")" "$BASH_SUBSHELL $(echo $BASH_SUBSHELL $(echo $BASH_SUBSHELL))"
`

const bashJobs = `(sleep 0.2; exit 3) & a=$!
(exit 5) & b=$!
sh -c 'exit 7' & c=$!
wait $b; echo "b=$?"; wait $a; echo "a=$?"; wait $c; echo "c=$?"
for i in 1 2 3 4 5 6; do (echo "job $i $((i * i))" >/tmp/j$i) & done
wait; cat /tmp/j*
sleep 10 & k=$!
kill -TERM $k; wait $k; echo "terminated=$?"
sleep 10 & k=$!
kill -KILL $k; { wait $k; } 2>/dev/null; echo "killed=$?"
wait 12345678 2>/dev/null; echo "unknown=$?"
`

const bashTrap = `trap 'echo "exit trap, status $?"' EXIT
n=0
trap 'n=$((n + 1)); echo "USR1 #$n"' USR1
kill -USR1 $$
kill -s USR1 $$
echo "after builtin kill: n=$n"
perl -e "kill q(USR1), getppid"
echo "after external kill: n=$n"
sh -c 'kill -USR1 $PPID'
echo "after child shell kill: n=$n"
trap 'echo "ERR trap"' ERR
/bin/false
trap - ERR
( trap 'echo "subshell EXIT trap"' EXIT; echo "in subshell"; exit 6 ); echo "subshell status $?"
trap 'echo got TERM' TERM
trap -p TERM
trap - USR1
trap -p USR1
trap '' USR2; kill -USR2 $$; echo "USR2 ignored"
exit 3
`

const bashSetE = `set -e
f() { echo "in f"; /bin/false; echo "after false in f"; }
if f; then echo "f in a condition: set -e is off"; fi
/bin/true && echo "true ok"
x=$(echo sub; exit 0); echo "x=$x"
set +e
( set -e; echo s1; /bin/false; echo s2 ); echo "subshell status $?"
y=$(set -e; echo before; /bin/false; echo after); echo "cmdsubst status $? y=$y"
bash -ec 'echo child; exit 4; echo never'; echo "child status $?"
set -e
! /bin/false; echo "negated ok"
/bin/false || true
set -o pipefail
if /bin/false | cat; then echo no; else echo "pipefail in condition: $?"; fi
echo last
ls /nonexistent-dir 2>/dev/null
echo never
`

const bashHeredoc = `cat <<EOF
home=$HOME sum=$((2 + 3)) cmd=$(echo sub) pwd=$PWD
EOF
cat <<'EOF'
literal $HOME $(echo x) \$
EOF
sort <<-EOF
	pear
	apple
		fig
EOF
tr a-z A-Z <<<"here string $((6 * 7))"
while read -r a b; do echo "$b-$a"; done <<EOF
1 one
2 two
EOF
wc -lc <<EOF
$(seq 1 20000)
EOF
python3 - 3 <<'EOF'
import sys
print("python from a here-doc, argv", sys.argv[1:])
EOF
`

const bashXargs = `seq 1 60 | xargs -P4 -n 5 sh -c 'for i; do echo $((i * i)); done' sh | sort -n | awk '{ s += $1 } NR <= 3 || NR > 57 { print } END { print NR " lines, sum " s }'
printf '%s\n' alpha beta gamma delta epsilon zeta | xargs -P4 -I{} sh -c 'printf "%s:%s\n" {} $(printf %s {} | wc -c)' | sort
seq 1 8 | xargs -P4 -n 2 sh -c 'exit $(($1 % 3))' sh; echo "xargs status $?"
`

const ashPipeline = `/usr/bin/seq 1 300 | /bin/grep 7 | /usr/bin/sort -rn | /usr/bin/head -n 12 | /usr/bin/tr '\n' ' ' | /usr/bin/wc -c
echo "sum $(( $(/usr/bin/seq 1 100 | /usr/bin/tr '\n' + | /bin/sed 's/+$//') ))"
true | false | (exit 3); echo "last stage status $?"
/usr/bin/seq 1 2000 | /usr/bin/awk '{ print $1 * 2 }' | /bin/grep 0 | /bin/sed 's/^/n/' | /usr/bin/tr n N | /usr/bin/tail -n 2 | /bin/cat
printf '%s\n' pear apple fig apple date | /usr/bin/sort | /usr/bin/uniq -c | /usr/bin/sort -rn | /usr/bin/head -n 1 | /usr/bin/awk '{ print $2 }'
/usr/bin/head -c 100000 /dev/zero | /usr/bin/tr '\0' z | /usr/bin/fold -w 50 | /usr/bin/sort -u | /usr/bin/wc -l
`

const ashJobs = `x=outer; (x=inner; echo "in $x"; exit 4); echo "status $? x=$x"
y=$(echo a; echo b | /usr/bin/tr a-z A-Z; echo $(echo nested $(echo deeper))); echo $y
n=$( (exit 7); echo $? ); echo "n=$n"
(/bin/sleep 0.2; exit 3) & a=$!
(exit 5) & b=$!
wait $b; echo "b=$?"; wait $a; echo "a=$?"
for i in 1 2 3 4; do (echo "job $i" >/tmp/j$i) & done
wait; /bin/cat /tmp/j*
# ash may report the killed job ("Terminated") on stderr, or not: its
# stderr is not part of the result here.
{ /bin/sleep 10 & k=$!; kill $k; wait $k; echo "terminated=$?"; } 2>/dev/null
`

const ashTrap = `trap 'echo "exit trap, status $?"' EXIT
n=0
trap 'n=$((n + 1)); echo "USR1 #$n"' USR1
kill -USR1 $$
echo "after kill: n=$n"
/bin/sh -c "kill -USR1 $$"
echo "after child kill: n=$n"
( trap 'echo "subshell exit trap"' EXIT; echo "in subshell"; exit 6 ); echo "subshell status $?"
trap '' USR2; kill -USR2 $$; echo "USR2 ignored"
trap - USR1
exit 3
`

const ashSetE = `set -e
f() { echo "in f"; false; echo "after false in f"; }
if f; then echo "f in a condition"; fi
x=$(echo sub); echo "x=$x"
/bin/cat <<EOF
home=$HOME sum=$((2 + 3)) cmd=$(echo sub)
EOF
/bin/cat <<'EOF'
literal $HOME $(echo x)
EOF
/usr/bin/sort <<-EOF
	pear
	apple
EOF
/usr/bin/wc -l <<EOF
$(/usr/bin/seq 1 5000)
EOF
echo last
/bin/ls /nonexistent 2>/dev/null
echo never
`

const ashXargs = `/usr/bin/seq 1 40 | /usr/bin/xargs -P4 -n 4 /bin/sh -c 'for i; do echo $((i * i)); done' sh | /usr/bin/sort -n | /usr/bin/awk '{ s += $1 } NR <= 2 || NR > 38 { print } END { print NR " lines, sum " s }'
printf '%s\n' a bb ccc dddd | /usr/bin/xargs -P4 -I{} /bin/sh -c 'echo {}:$(printf %s {} | /usr/bin/wc -c)' | /usr/bin/sort
/usr/bin/seq 1 8 | /usr/bin/xargs -P4 -n 2 /bin/sh -c 'exit $(($1 % 3))' sh; echo "xargs status $?"
`

const pySubprocess = `import faulthandler; faulthandler.dump_traceback_later(30, exit=True)  # a hang ends with a traceback
import subprocess as sp, signal
p1 = sp.Popen(["seq", "1", "200"], stdout=sp.PIPE)
p2 = sp.Popen(["grep", "7"], stdin=p1.stdout, stdout=sp.PIPE)
p3 = sp.Popen(["sort", "-rn"], stdin=p2.stdout, stdout=sp.PIPE)
p4 = sp.Popen(["head", "-n", "5"], stdin=p3.stdout, stdout=sp.PIPE)
p1.stdout.close(); p2.stdout.close(); p3.stdout.close()
out, _ = p4.communicate()
print("chain:", out.split(), [p.wait() for p in (p1, p2, p3, p4)])
p = sp.Popen(["sh", "-c", "tr a-z A-Z; echo to-stderr >&2; exit 3"], stdin=sp.PIPE, stdout=sp.PIPE, stderr=sp.PIPE)
o, e = p.communicate(b"hello " * 20000)
print("communicate:", len(o), o[:12], e, p.returncode)
p = sp.Popen(["sleep", "10"]); p.terminate(); print("terminated:", p.wait())
p = sp.Popen(["sleep", "10"]); p.send_signal(signal.SIGKILL); print("killed:", p.wait())
print("shell:", sp.run("seq 1 10 | paste -sd+ | tr + '\\n' | wc -l", shell=True, capture_output=True, text=True).stdout.strip())
try:
    sp.run(["sleep", "5"], timeout=0.2)
except sp.TimeoutExpired as e:
    print("timeout expired:", e.cmd)
r = sp.run(["cat"], input="x" * 300000, capture_output=True, text=True); print("big:", len(r.stdout))
try:
    sp.check_call(["false"])
except sp.CalledProcessError as e:
    print("check_call:", e.returncode)
try:
    sp.run(["/nonexistent"])
except FileNotFoundError as e:
    print("missing:", e.errno, e.filename)
print("cwd:", sp.check_output(["pwd"], cwd="/tmp").decode().strip(), "env:", sp.check_output(["printenv", "X"], env={"X": "42"}).decode().strip())
`

const pyThreading = `import faulthandler; faulthandler.dump_traceback_later(30, exit=True)  # a hang ends with a traceback
import threading, queue
N = 16
lock = threading.Lock()
counter = 0
def add(k):
    global counter
    for _ in range(2000):
        with lock:
            counter += k
ts = [threading.Thread(target=add, args=(i,)) for i in range(N)]
for t in ts: t.start()
for t in ts: t.join()
print("lock:", counter, counter == 2000 * sum(range(N)))
q, out = queue.Queue(maxsize=8), queue.Queue()
def worker():
    while (item := q.get()) is not None:
        out.put(item * item)
        q.task_done()
    q.task_done()
ws = [threading.Thread(target=worker) for _ in range(N)]
for w in ws: w.start()
for i in range(1000): q.put(i)
for _ in ws: q.put(None)
q.join()
for w in ws: w.join()
res = sorted(out.get() for _ in range(out.qsize()))
print("queue:", len(res), sum(res), res[:3], res[-1])
cond = threading.Condition()
turn, log = 0, []
def ring(me):
    global turn
    for r in range(5):
        with cond:
            cond.wait_for(lambda: turn % N == me)
            log.append(me)
            turn += 1
            cond.notify_all()
rs = [threading.Thread(target=ring, args=(i,)) for i in range(N)]
for t in rs: t.start()
for t in rs: t.join()
print("condition:", len(log), log == list(range(N)) * 5)
b = threading.Barrier(N)
ev = threading.Event()
sem = threading.BoundedSemaphore(3)
peak = cur = 0
ids = []
def phase(i):
    global peak, cur
    ids.append(b.wait() >= 0)
    ev.wait()
    with sem:
        with lock:
            cur += 1; peak = max(peak, cur)
        with lock:
            cur -= 1
bs = [threading.Thread(target=phase, args=(i,), name="w%02d" % i) for i in range(N)]
for t in bs: t.start()
ev.set()
for t in bs: t.join()
print("barrier:", len(ids), all(ids), "semaphore peak <= 3:", peak <= 3, threading.active_count())
local = threading.local()
names = []
def tl(i):
    local.v = i
    names.append((threading.current_thread().name, local.v))
ls = [threading.Thread(target=tl, args=(i,), name="t%02d" % i) for i in range(N)]
for t in ls: t.start()
for t in ls: t.join()
print("local:", sorted(names) == [("t%02d" % i, i) for i in range(N)], threading.main_thread().name)
`

const pyPool = `import faulthandler; faulthandler.dump_traceback_later(30, exit=True)  # a hang ends with a traceback
import multiprocessing as mp, os
def sq(x):
    return x * x
def who(_):
    return os.getpid() != PARENT
def fail(x):
    raise ValueError("bad %d" % x)
def child(q, n):
    q.put(sum(range(n)))
PARENT = os.getpid()
if __name__ == "__main__":
    ctx = mp.get_context("fork")
    with ctx.Pool(4) as pool:
        print("map:", sum(pool.map(sq, range(200))), pool.map(sq, range(6)))
        print("imap:", list(pool.imap(sq, range(5))), sorted(pool.imap_unordered(sq, range(5))))
        print("in children:", all(pool.map(who, range(8))))
        r = pool.apply_async(sq, (12,)); print("apply_async:", r.get(timeout=60))
        try:
            pool.apply(fail, (3,))
        except ValueError as e:
            print("error:", e)
    q = ctx.Queue()
    ps = [ctx.Process(target=child, args=(q, n)) for n in (10, 100, 1000)]
    for p in ps: p.start()
    got = sorted(q.get() for _ in ps)
    for p in ps: p.join()
    print("processes:", got, [p.exitcode for p in ps])
    p = ctx.Process(target=os._exit, args=(7,)); p.start(); p.join(); print("exitcode:", p.exitcode)
    v = ctx.Value("i", 0); lk = ctx.Lock()
    def inc(v, lk):
        for _ in range(100):
            with lk: v.value += 1
    ps = [ctx.Process(target=inc, args=(v, lk)) for _ in range(4)]
    for p in ps: p.start()
    for p in ps: p.join()
    print("shared value:", v.value)
`

const pyFork = `import faulthandler; faulthandler.dump_traceback_later(30, exit=True)  # a hang ends with a traceback
import os, signal, sys, time
parent = os.getpid()
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    os.write(w, b"child: ppid ok %d, own pid %d" % (os.getppid() == parent, os.getpid() != parent))
    os._exit(7)
os.close(w)
print(os.read(r, 100).decode().strip())
p, st = os.waitpid(pid, 0)
print("waitpid:", p == pid, os.WIFEXITED(st), os.WEXITSTATUS(st), os.waitstatus_to_exitcode(st))
pid = os.fork()
if pid == 0:
    os.kill(os.getpid(), signal.SIGKILL)
_, st = os.waitpid(pid, 0)
print("signaled:", os.WIFSIGNALED(st), os.WTERMSIG(st))
x = [1, 2, 3]
pid = os.fork()
if pid == 0:
    x.append(4)
    os._exit(len(x))
_, st = os.waitpid(pid, 0)
print("copy on write:", x, os.WEXITSTATUS(st))
kids = {}
for i in range(5):
    pid = os.fork()
    if pid == 0:
        os._exit(10 + i)
    kids[pid] = i
codes = []
while kids:
    pid, st = os.wait()
    codes.append((kids.pop(pid), os.WEXITSTATUS(st)))
print("wait:", sorted(codes))
pid = os.fork()
if pid == 0:
    g = os.fork()
    if g == 0:
        os._exit(3)
    _, st = os.waitpid(g, 0)
    os._exit(40 + os.WEXITSTATUS(st))
print("grandchild:", os.WEXITSTATUS(os.waitpid(pid, 0)[1]))
r, w = os.pipe()
r2, w2 = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(w); os.close(r2)
    signal.signal(signal.SIGTERM, lambda *a: (os.write(1, b"child got SIGTERM\n"), os._exit(5)))
    os.write(w2, b"r")
    os.read(r, 1)
    os._exit(0)
os.close(r); os.close(w2)
os.read(r2, 1)
print("WNOHANG:", os.waitpid(pid, os.WNOHANG), flush=True)
# A SIGTERM that lands before the child blocks in read runs only the C-level
# handler, and the read then blocks (Python's own race, on Linux too): send
# it again until the child has gone.
os.kill(pid, signal.SIGTERM)
while True:
    p, st = os.waitpid(pid, os.WNOHANG)
    if p:
        break
    time.sleep(0.05)
    os.kill(pid, signal.SIGTERM)
print("sigterm handled:", os.WEXITSTATUS(st))
try:
    os.waitpid(-1, 0)
except ChildProcessError as e:
    print("no children:", e.errno)
`

const pySignals = `import os, signal, time
got = []
def h(sig, frame):
    got.append(signal.Signals(sig).name)
signal.signal(signal.SIGUSR1, h)
signal.signal(signal.SIGUSR2, h)
os.kill(os.getpid(), signal.SIGUSR1)
signal.raise_signal(signal.SIGUSR2)
print("handled:", got)
signal.signal(signal.SIGUSR1, signal.SIG_IGN)
os.kill(os.getpid(), signal.SIGUSR1)
print("ignored:", got, signal.getsignal(signal.SIGUSR1))
signal.signal(signal.SIGUSR1, h)
old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGUSR2})
os.kill(os.getpid(), signal.SIGUSR2)
os.kill(os.getpid(), signal.SIGUSR1)
print("blocked:", got, sorted(s.name for s in signal.sigpending()))
signal.pthread_sigmask(signal.SIG_SETMASK, old)
print("unblocked:", got)
signal.signal(signal.SIGALRM, h)
print("alarm returns:", signal.alarm(1))
t0 = time.monotonic()
signal.pause()
print("alarm:", got[-1], time.monotonic() - t0 >= 0.9)
signal.setitimer(signal.ITIMER_REAL, 0.05)
time.sleep(0.3)
print("itimer interrupts nothing but runs the handler:", got[-1])
def boom(sig, frame):
    raise KeyboardInterrupt
signal.signal(signal.SIGINT, boom)
try:
    os.kill(os.getpid(), signal.SIGINT)
    time.sleep(5)
except KeyboardInterrupt:
    print("SIGINT raised in the main thread")
print("sigwait:", end=" ", flush=True)
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGHUP})
os.kill(os.getpid(), signal.SIGHUP)
print(signal.sigwait({signal.SIGHUP}).name, flush=True)  # before the death below
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.kill(os.getpid(), signal.SIGINT)
print("never")
`

const pyRecursion = `import sys, json, threading
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
try:
    depth(5000)
except RecursionError as e:
    print("default limit:", sys.getrecursionlimit(), type(e).__name__)
sys.setrecursionlimit(20000)
print("python frames:", depth(15000))
def ack(m, n):
    if m == 0: return n + 1
    if n == 0: return ack(m - 1, 1)
    return ack(m - 1, ack(m, n - 1))
print("ackermann(2, 300):", ack(2, 300))
nested = []
for _ in range(3000): nested = [nested]
s = json.dumps(nested)
print("json C recursion:", len(s), len(repr(nested)), json.loads(s) == nested)
class Node:
    def __init__(self, nxt): self.nxt = nxt
    def __len__(self): return 1 + (len(self.nxt) if self.nxt is not None else 0)
n = None
for _ in range(4000): n = Node(n)
print("__len__ through C:", len(n))
def inf(): return inf()
try:
    inf()
except RecursionError as e:
    print("raised at the raised limit:", e)
`
