package oracle

// credCases: credentials carried to other programs. python3, started as
// root, drops to 1000:1000 with groups {1000, 27}, then starts id through
// subprocess (vfork + exec: carrick's spawn path), forks (carrick's fork
// path), and runs a shell whose children (fork, then exec in place) create
// files in /tmp (their owners are in the compared manifest), read their
// own /proc/self/status and are refused /work (root's, 0755).
var credCases = []Case{
	{Name: "debian/python-drop-privileges", Root: Debian, Argv: []string{"/usr/bin/python3", "-c", pyCreds}, Forks: true,
		Out: "python: (1000, 1000, 1000) (1000, 1000, 1000) [27, 1000]\n" +
			"spawned: uid=1000 gid=1000 groups=1000,27\n" +
			"forked: ((1000, 1000, 1000), [27, 1000])\n" +
			"1000 1000 644\n1000 1000 2755\n1000 27 2755\n" +
			"Uid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t27 1000 \n" +
			"touch status 1\nopen: Permission denied\nsetuid: Operation not permitted\n",
		ErrHas: []string{"touch: cannot touch '/work/denied': Permission denied"}},
}

func init() { Cases = append(Cases, credCases...) }

const pyCreds = `import os, subprocess
os.makedirs("/tmp/sg")
os.chown("/tmp/sg", 0, 27)
os.chmod("/tmp/sg", 0o2777)
os.setgroups([1000, 27])
os.setresgid(1000, 1000, 1000)
os.setresuid(1000, 1000, 1000)
print("python:", os.getresuid(), os.getresgid(), os.getgroups())
print("spawned:", subprocess.run(["id"], capture_output=True, text=True).stdout, end="", flush=True)
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.close(r)
    os.write(w, repr((os.getresuid(), os.getgroups())).encode())
    os._exit(0)
os.close(w)
print("forked:", os.read(r, 200).decode(), flush=True)
os.waitpid(pid, 0)
st = subprocess.run(["/bin/sh", "-c", """umask 022; touch /tmp/by-user; mkdir /tmp/dir; chmod g+s /tmp/dir; mkdir /tmp/sg/sub
stat -c '%u %g %a' /tmp/by-user /tmp/dir /tmp/sg/sub
grep -E '^(Uid|Gid|Groups)' /proc/self/status
touch /work/denied"""]).returncode
print("touch status", st)
try:
    open("/work/denied2", "w")
except PermissionError as e:
    print("open:", e.strerror)
try:
    os.setuid(0)
except PermissionError as e:
    print("setuid:", e.strerror)
`
