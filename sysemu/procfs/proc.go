package procfs

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
)

// Proc is the synthetic /proc: the process table's <pid> directories, self
// and thread-self, the system files and /proc/sys. It implements
// rootfs.Synthetic; mount it with rootfs.Mount{Guest: "/proc", Synthetic: p}.
type Proc struct {
	tree
	sys   *System
	table Table
}

// Device numbers of the three file systems (anonymous block devices, as
// Linux gives proc, sysfs and tmpfs).
var (
	ProcDev = mkdev(0, 21)
	SysDev  = mkdev(0, 20)
	DevDev  = mkdev(0, 5)
)

// Statfs magics.
const (
	procSuperMagic  = 0x9fa0
	sysfsMagic      = 0x62656572
	tmpfsMagic      = 0x01021994
	stNoexec        = 0x0008
	stRelatime      = 0x1000
	mountFlagsNoDev = abi.ST_NOSUID | abi.ST_NODEV | stNoexec | stRelatime
)

// NewProc returns /proc for the processes of t, with system-wide values
// from sys.
func NewProc(sys System, t Table) *Proc {
	p := &Proc{sys: sys.withDefaults(), table: t}
	p.tree = tree{
		dev: ProcDev, blksize: 1024, created: time.Now(),
		statfs: rootfs.Statfs{Type: procSuperMagic, Bsize: 4096, Namelen: 255, Frsize: 4096, Flags: mountFlagsNoDev},
		creds: func() Creds {
			if self := t.Self(); self != nil {
				return self.Creds()
			}
			return RootCreds()
		},
	}
	p.root = p.rootDir
	return p
}

// System returns the system-wide values in use (defaults filled in), for
// NewSys to share.
func (p *Proc) System() System { return *p.sys }

// rootEntries are /proc's fixed entries, in the order Linux lists them
// (by name length, then name).
func (p *Proc) rootEntries() []entry {
	s := p.sys
	sysText := func(render func() []byte) func() *node {
		return func() *node { return textNode(0o444, abi.EIO, render) }
	}
	ents := []entry{
		fileEnt("cpuinfo", sysText(func() []byte { return renderCpuinfo(s) })),
		fileEnt("meminfo", sysText(func() []byte { return renderMeminfo(s.Host.MemInfo()) })),
		fileEnt("stat", sysText(func() []byte { return renderStatFile(s, countTasks(p.table)) })),
		fileEnt("uptime", sysText(func() []byte { return renderUptime(s) })),
		fileEnt("loadavg", sysText(func() []byte { return renderLoadavg(s, countTasks(p.table)) })),
		fileEnt("version", sysText(func() []byte { return renderVersion(s) })),
		fileEnt("filesystems", sysText(renderFilesystems)),
		fileEnt("swaps", sysText(func() []byte {
			return []byte("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n")
		})),
		linkEnt("mounts", func() *node { return procLink(func() (string, abi.Errno) { return "self/mounts", 0 }) }),
		linkEnt("net", func() *node { return procLink(func() (string, abi.Errno) { return "self/net", 0 }) }),
		dirEnt("sys", p.sysctlDir),
	}
	sort.SliceStable(ents, func(i, j int) bool {
		a, b := ents[i].name, ents[j].name
		if len(a) != len(b) {
			return len(a) < len(b)
		}
		return a < b
	})
	return ents
}

// procLink is a procfs symbolic link: lrwxrwxrwx, size 0.
func procLink(target func() (string, abi.Errno)) *node { return linkNode(target) }

func (p *Proc) rootDir() *node {
	ents := p.rootEntries()
	n := dirNode(0o555, ents)
	static := n.list
	staticLookup := n.lookup
	n.list = func() []dirent {
		out := static()
		if p.table.Self() != nil {
			out = append(out, dirent{"self", abi.DT_LNK}, dirent{"thread-self", abi.DT_LNK})
		}
		pids := p.table.Pids()
		sort.Ints(pids)
		for _, pid := range pids {
			out = append(out, dirent{strconv.Itoa(pid), abi.DT_DIR})
		}
		return out
	}
	n.lookup = func(name string) *node {
		if c := staticLookup(name); c != nil {
			return c
		}
		switch name {
		case "self":
			self := p.table.Self()
			if self == nil {
				return nil
			}
			pid := self.Pid()
			return procLink(func() (string, abi.Errno) { return strconv.Itoa(pid), 0 })
		case "thread-self":
			self := p.table.Self()
			if self == nil {
				return nil
			}
			pid := self.Pid()
			return procLink(func() (string, abi.Errno) { return strconv.Itoa(pid) + "/task/" + strconv.Itoa(pid), 0 })
		}
		id, ok := parsePid(name)
		if !ok {
			return nil
		}
		if proc := p.table.Lookup(id); proc != nil {
			return p.taskDir(proc, id, true)
		}
		// A thread id: /proc/<tid> works though readdir does not list it.
		for _, pid := range p.table.Pids() {
			proc := p.table.Lookup(pid)
			if proc == nil {
				continue
			}
			for _, th := range proc.Threads() {
				if th.TID == id {
					return p.taskDir(proc, id, false)
				}
			}
		}
		return nil
	}
	// The root's link count: 2 + subdirectories (sys and the pid
	// directories) is what list gives; computed by the tree.
	return n
}

// parsePid parses a /proc name as a pid: decimal, no sign, no leading
// zero (name_to_int).
func parsePid(s string) (int, bool) {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	if v > 1<<30 {
		return 0, false
	}
	return v, true
}

// owned sets n's owner to the process's (task_dump_owner: the euid and
// egid of a dumpable process) and its times to the process start.
func owned(n *node, c Creds, start func() time.Time) *node {
	n.uid, n.gid = c.EUID, c.EGID
	n.mtime = start
	return n
}

// taskDir is /proc/<pid> (whole) or /proc/<pid>/task/<tid>.
func (p *Proc) taskDir(proc Process, tid int, whole bool) *node {
	c := proc.Creds()
	start := func() time.Time { return p.startWall(proc) }
	own := func(n *node) *node { return owned(n, c, start) }
	text := func(perm uint32, render func() []byte) func() *node {
		return func() *node { return own(textNode(perm, abi.EINVAL, render)) }
	}
	v := func() view {
		vw, _ := newView(proc, tid, whole)
		return vw
	}
	link := func(get func() string) func() *node {
		return func() *node {
			return own(procLink(func() (string, abi.Errno) {
				if t := get(); t != "" {
					return t, 0
				}
				return "", abi.ENOENT
			}))
		}
	}
	var ents []entry
	if whole {
		ents = append(ents, dirEnt("task", func() *node { return own(p.taskList(proc)) }))
	}
	ents = append(ents,
		dirEnt("fd", func() *node { return own(p.fdDir(proc, c, start)) }),
		dirEnt("fdinfo", func() *node { return own(p.fdinfoDir(proc, c, start)) }),
		fileEnt("environ", text(0o400, proc.Environ)),
		fileEnt("auxv", text(0o400, proc.Auxv)),
		fileEnt("status", text(0o444, func() []byte {
			return renderStatus(v(), proc.Creds(), proc.FDs(), proc.Limits(), p.sys.NumCPU)
		})),
		fileEnt("limits", text(0o444, func() []byte { return renderLimits(proc.Limits()) })),
		fileEnt("comm", func() *node { return own(p.commNode(proc, tid)) }),
		fileEnt("cmdline", text(0o444, proc.Cmdline)),
		fileEnt("stat", text(0o444, func() []byte { return renderStat(v(), proc.Limits()) })),
		fileEnt("statm", text(0o444, func() []byte { return renderStatm(proc) })),
		fileEnt("maps", text(0o444, func() []byte { return renderMaps(proc.Maps()) })),
		linkEnt("cwd", link(proc.Cwd)),
		linkEnt("root", link(proc.Root)),
		linkEnt("exe", link(proc.Exe)),
		fileEnt("mounts", text(0o444, func() []byte { return renderMounts(proc.Mounts()) })),
		fileEnt("mountinfo", text(0o444, func() []byte { return renderMountinfo(proc.Mounts()) })),
		fileEnt("cgroup", text(0o444, func() []byte { return []byte("0::/\n") })),
		dirEnt("net", func() *node { return own(p.netDir()) }),
	)
	if o, ok := proc.(OOMScorer); ok && whole {
		ents = append(ents, fileEnt("oom_score_adj", func() *node { return own(oomNode(o)) }))
	}
	return own(dirNode(0o555, ents))
}

// startWall is the wall-clock time the process started.
func (p *Proc) startWall(proc Process) time.Time {
	return p.sys.Host.BootTime().Add(proc.Status().StartTime)
}

// commNode is comm: the thread's name and a newline; writable by the
// process itself when it implements CommSetter (comm_write: at most
// TASK_COMM_LEN-1 bytes are kept, newline included).
func (p *Proc) commNode(proc Process, tid int) *node {
	render := func() []byte {
		vw, _ := newView(proc, tid, false)
		return []byte(vw.comm() + "\n")
	}
	cs, ok := proc.(CommSetter)
	if !ok {
		return textNode(0o644, abi.EINVAL, render)
	}
	return rwNode(0o644, render, func(b []byte) abi.Errno {
		if len(b) > 15 {
			b = b[:15]
		}
		return cs.SetComm(tid, string(b))
	})
}

// taskList is /proc/<pid>/task: a directory per thread.
func (p *Proc) taskList(proc Process) *node {
	n := &node{mode: sIFDIR | 0o555}
	n.list = func() []dirent {
		var out []dirent
		for _, th := range proc.Threads() {
			out = append(out, dirent{strconv.Itoa(th.TID), abi.DT_DIR})
		}
		if len(out) == 0 {
			out = append(out, dirent{strconv.Itoa(proc.Pid()), abi.DT_DIR})
		}
		return out
	}
	n.lookup = func(name string) *node {
		id, ok := parsePid(name)
		if !ok {
			return nil
		}
		if _, ok := newView(proc, id, false); !ok {
			return nil
		}
		return p.taskDir(proc, id, false)
	}
	return n
}

// fdDir is /proc/<pid>/fd (dr-x------): a link per descriptor.
func (p *Proc) fdDir(proc Process, c Creds, start func() time.Time) *node {
	n := &node{mode: sIFDIR | 0o500, nlink: 2}
	n.list = func() []dirent {
		fds := proc.FDs()
		out := make([]dirent, len(fds))
		for i, f := range fds {
			out[i] = dirent{strconv.Itoa(f.Num), abi.DT_LNK}
		}
		return out
	}
	n.lookup = func(name string) *node {
		f, ok := findFD(proc, name)
		if !ok {
			return nil
		}
		l := owned(procLink(func() (string, abi.Errno) { return f.Target, 0 }), c, start)
		l.mode = fdLinkMode(f.Flags)
		l.size = 64
		return l
	}
	return n
}

// fdinfoDir is /proc/<pid>/fdinfo (dr-xr-xr-x): a file per descriptor.
func (p *Proc) fdinfoDir(proc Process, c Creds, start func() time.Time) *node {
	n := &node{mode: sIFDIR | 0o555, nlink: 2}
	n.list = func() []dirent {
		fds := proc.FDs()
		out := make([]dirent, len(fds))
		for i, f := range fds {
			out[i] = dirent{strconv.Itoa(f.Num), abi.DT_REG}
		}
		return out
	}
	n.lookup = func(name string) *node {
		if _, ok := findFD(proc, name); !ok {
			return nil
		}
		return owned(textNode(0o444, abi.EINVAL, func() []byte {
			// Rendered at open from the descriptor as it is then.
			f, ok := findFD(proc, name)
			if !ok {
				return nil
			}
			return renderFdinfo(f, proc.Mounts())
		}), c, start)
	}
	return n
}

func findFD(proc Process, name string) (FD, bool) {
	n, ok := parsePid(name)
	if !ok {
		return FD{}, false
	}
	for _, f := range proc.FDs() {
		if f.Num == n {
			return f, true
		}
	}
	return FD{}, false
}

// ---- /proc/sys ----

// sysctl is a /proc/sys file: value and a newline. /proc/sys is read-only
// in a container, so opening for writing gives EACCES (0444 files) or
// EROFS (writable ones).
func sysctl(perm uint32, value func() string) func() *node {
	return func() *node {
		n := textNode(perm, abi.EINVAL, func() []byte { return []byte(value() + "\n") })
		n.wpol = wReadOnlyMount
		return n
	}
}

func constSysctl(perm uint32, v string) func() *node {
	return sysctl(perm, func() string { return v })
}

func (p *Proc) sysctlDir() *node {
	s := p.sys
	threadsMax := func() string {
		// fork_init: totalram_pages / (8 * THREAD_SIZE / PAGE_SIZE), arm64
		// THREAD_SIZE 16 KiB.
		pages := s.Host.MemInfo()["MemTotal"] / 4
		return strconv.FormatUint(min(max(pages/32, 20), 0x3fffffff), 10)
	}
	kernel := func() *node {
		return dirNode(0o555, []entry{
			fileEnt("cap_last_cap", constSysctl(0o444, strconv.Itoa(CapLastCap))),
			fileEnt("domainname", constSysctl(0o644, "(none)")),
			fileEnt("hostname", sysctl(0o644, s.Hostname)),
			fileEnt("ngroups_max", constSysctl(0o444, "65536")),
			fileEnt("osrelease", constSysctl(0o444, s.KernelRelease)),
			fileEnt("ostype", constSysctl(0o444, "Linux")),
			fileEnt("overflowgid", constSysctl(0o644, "65534")),
			fileEnt("overflowuid", constSysctl(0o644, "65534")),
			fileEnt("pid_max", constSysctl(0o644, "4194304")),
			dirEnt("random", func() *node {
				return dirNode(0o555, []entry{
					fileEnt("boot_id", constSysctl(0o444, s.BootID)),
					fileEnt("entropy_avail", constSysctl(0o444, "256")),
					fileEnt("poolsize", constSysctl(0o444, "256")),
					fileEnt("uuid", sysctl(0o444, newUUID)),
				})
			}),
			fileEnt("shmall", constSysctl(0o644, "18446744073692774399")),
			fileEnt("shmmax", constSysctl(0o644, "18446744073692774399")),
			fileEnt("shmmni", constSysctl(0o644, "4096")),
			fileEnt("threads-max", sysctl(0o644, threadsMax)),
			fileEnt("version", constSysctl(0o444, s.KernelVersion)),
		})
	}
	vm := func() *node {
		return dirNode(0o555, []entry{
			fileEnt("max_map_count", constSysctl(0o644, "65530")),
			fileEnt("mmap_min_addr", constSysctl(0o644, "65536")),
			fileEnt("overcommit_memory", constSysctl(0o644, "0")),
			fileEnt("overcommit_ratio", constSysctl(0o644, "50")),
		})
	}
	fs := func() *node {
		return dirNode(0o555, []entry{
			fileEnt("file-max", constSysctl(0o644, "9223372036854775807")),
			dirEnt("inotify", func() *node {
				return dirNode(0o555, []entry{
					fileEnt("max_queued_events", constSysctl(0o644, "16384")),
					fileEnt("max_user_instances", constSysctl(0o644, "128")),
					fileEnt("max_user_watches", constSysctl(0o644, "65536")),
				})
			}),
			fileEnt("nr_open", constSysctl(0o644, "1048576")),
			fileEnt("pipe-max-size", constSysctl(0o644, "1048576")),
		})
	}
	net := func() *node {
		return dirNode(0o555, []entry{
			dirEnt("core", func() *node {
				return dirNode(0o555, []entry{
					fileEnt("somaxconn", constSysctl(0o644, "4096")),
				})
			}),
		})
	}
	return dirNode(0o555, []entry{
		dirEnt("fs", fs),
		dirEnt("kernel", kernel),
		dirEnt("net", net),
		dirEnt("vm", vm),
	})
}

// oomNode is oom_score_adj: the value and a newline; a write sets it
// (-1000…1000, as Linux checks).
func oomNode(o OOMScorer) *node {
	return rwNode(0o644, func() []byte {
		v, _ := o.OOMScoreAdj()
		return []byte(strconv.Itoa(v) + "\n")
	}, func(b []byte) abi.Errno {
		v, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || v < -1000 || v > 1000 {
			return abi.EINVAL
		}
		return o.SetOOMScoreAdj(v)
	})
}
