package procfs

import (
	"strconv"
	"strings"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Renderers of /proc/<pid> files. Each takes the process (and, for
// per-thread files, the thread) and produces the file's bytes in the format
// of fs/proc/{array,base,task_mmu,fd}.c of Linux 6.12.

const pageSize = 4096

// buf is an append-only text buffer with seq_file's number helpers.
type buf []byte

func (b *buf) s(s string) *buf { *b = append(*b, s...); return b }
func (b *buf) c(c byte) *buf   { *b = append(*b, c); return b }
func (b *buf) u(v uint64) *buf { *b = strconv.AppendUint(*b, v, 10); return b }
func (b *buf) i(v int64) *buf  { *b = strconv.AppendInt(*b, v, 10); return b }

// uw appends v right-aligned in width columns (seq_put_decimal_ull_width).
func (b *buf) uw(v uint64, width int) *buf {
	s := strconv.FormatUint(v, 10)
	for n := len(s); n < width; n++ {
		*b = append(*b, ' ')
	}
	*b = append(*b, s...)
	return b
}

// hex appends v in lowercase hex, zero-padded to at least width digits
// (seq_put_hex_ll).
func (b *buf) hex(v uint64, width int) *buf {
	s := strconv.FormatUint(v, 16)
	for n := len(s); n < width; n++ {
		*b = append(*b, '0')
	}
	*b = append(*b, s...)
	return b
}

// ---- maps ----

// renderMaps is /proc/<pid>/maps (show_map_vma).
func renderMaps(ms []Mapping) []byte {
	var b buf
	for _, m := range ms {
		start := len(b)
		b.hex(m.Start, 8).c('-').hex(m.End, 8).c(' ')
		b.c(pick(m.Prot&abi.PROT_READ != 0, 'r', '-'))
		b.c(pick(m.Prot&abi.PROT_WRITE != 0, 'w', '-'))
		b.c(pick(m.Prot&abi.PROT_EXEC != 0, 'x', '-'))
		b.c(pick(m.Shared, 's', 'p'))
		b.c(' ').hex(m.Offset, 8).c(' ').hex(uint64(devMajor(m.Dev)), 2).c(':').hex(uint64(devMinor(m.Dev)), 2)
		b.c(' ').u(m.Inode).c(' ')
		if m.Name != "" {
			// seq_setwidth(25 + 6*sizeof(void *) - 1) then seq_pad(' ').
			for len(b)-start < 72 {
				b.c(' ')
			}
			b.c(' ')
			b.s(strings.ReplaceAll(m.Name, "\n", `\012`))
		}
		b.c('\n')
	}
	return b
}

func pick(cond bool, a, b byte) byte {
	if cond {
		return a
	}
	return b
}

// vmStats are the memory figures of status, statm and stat, in pages
// unless named otherwise.
type vmStats struct {
	total, exec, data, stack uint64
	textKB, libKB, pteKB     uint64
	rss, rssFile, rssShmem   uint64
	hwmRSS, peakVM           uint64
}

func (v vmStats) rssAnon() uint64 {
	if v.rssFile+v.rssShmem > v.rss {
		return 0
	}
	return v.rss - v.rssFile - v.rssShmem
}

// computeVM derives the figures Linux keeps in mm_struct from the mappings
// and the layout; resident counts the process does not know are estimated
// as every accessible page.
func computeVM(ms []Mapping, st *Status) vmStats {
	var v vmStats
	var rss, rssFile uint64
	var ptRegions uint64
	lastRegion := ^uint64(0)
	for _, m := range ms {
		if m.End <= m.Start {
			continue
		}
		pages := (m.End - m.Start + pageSize - 1) / pageSize
		v.total += pages
		isStack := m.Name == "[stack]"
		switch {
		case isStack:
			v.stack += pages
		case m.Prot&abi.PROT_WRITE != 0 && !m.Shared:
			v.data += pages
		case m.Prot&abi.PROT_EXEC != 0 && m.Prot&abi.PROT_WRITE == 0:
			v.exec += pages
		}
		if m.Prot != 0 {
			rss += pages
			if strings.HasPrefix(m.Name, "/") {
				rssFile += pages
			}
		}
		for r := m.Start >> 21; r <= (m.End-1)>>21; r++ {
			if r != lastRegion {
				ptRegions++
				lastRegion = r
			}
		}
	}
	l := st.Layout
	if l.EndCode > l.StartCode {
		v.textKB = ((l.EndCode+pageSize-1)&^(pageSize-1) - l.StartCode&^(pageSize-1)) >> 10
	}
	if execKB := v.exec * pageSize >> 10; execKB > v.textKB {
		v.libKB = execKB - v.textKB
	}
	v.pteKB = ptRegions * pageSize >> 10
	v.rss, v.rssFile = st.RSS, st.RSSFile
	if v.rss == 0 {
		v.rss, v.rssFile = rss, rssFile
	}
	v.hwmRSS = max(st.HiwaterRSS, v.rss)
	v.peakVM = max(st.HiwaterVM, v.total)
	return v
}

// ---- stat ----

// view is the task a per-task file describes: the process as a whole
// (/proc/<pid>/…) or one thread (/proc/<pid>/task/<tid>/…).
type view struct {
	p      Process
	st     Status
	ths    []Thread
	th     Thread // the task itself: the leader for the whole view
	whole  bool
	leader bool
}

func newView(p Process, tid int, whole bool) (view, bool) {
	v := view{p: p, st: p.Status(), ths: p.Threads(), whole: whole}
	found := false
	for _, t := range v.ths {
		if t.TID == tid {
			v.th, found = t, true
			break
		}
	}
	if !found {
		if tid != p.Pid() {
			return v, false
		}
		v.th = Thread{TID: tid, Comm: v.st.Comm, State: 'S'}
	}
	v.leader = tid == p.Pid()
	if v.th.State == 0 {
		v.th.State = 'S'
	}
	if v.th.Comm == "" {
		v.th.Comm = v.st.Comm
	}
	if v.th.StartTime == 0 {
		v.th.StartTime = v.st.StartTime
	}
	return v, true
}

// comm is the task's name as stat and status show it (TASK_COMM_LEN-1).
func (v *view) comm() string {
	c := v.th.Comm
	if v.whole && v.st.Comm != "" {
		c = v.st.Comm
	}
	if len(c) > 15 {
		c = c[:15]
	}
	return c
}

func (v *view) exitSignal() int {
	if !v.leader {
		return -1
	}
	if v.st.ExitSignal == 0 {
		return int(abi.SIGCHLD)
	}
	return v.st.ExitSignal
}

// renderStat is /proc/<pid>/stat and task/<tid>/stat (do_task_stat).
func renderStat(v view, lim [abi.RLIM_NLIMITS]abi.Rlimit) []byte {
	st, th := &v.st, &v.th
	ms := v.p.Maps()
	vm := computeVM(ms, st)
	minflt, majflt, utime, stime := th.MinFlt, th.MajFlt, th.Utime, th.Stime
	if v.whole {
		minflt, majflt, utime, stime = st.MinFlt, st.MajFlt, st.Utime, st.Stime
	}
	wchan := uint64(0)
	if (!v.whole || len(v.ths) < 2) && th.State != 'R' {
		wchan = 1
	}
	prio := int64(20 + st.Nice)
	l := st.Layout
	var b buf
	b.i(int64(th.TID)).s(" (").s(v.comm()).s(") ").c(th.State)
	b.c(' ').i(int64(st.PPid)).c(' ').i(int64(st.Pgrp)).c(' ').i(int64(st.Session))
	b.c(' ').i(int64(int32(st.TTY))).c(' ').i(int64(st.TPGid)).c(' ').u(uint64(st.Flags))
	b.c(' ').u(minflt).c(' ').u(st.CMinFlt).c(' ').u(majflt).c(' ').u(st.CMajFlt)
	b.c(' ').u(ticks(utime)).c(' ').u(ticks(stime)).c(' ').u(ticks(st.CUtime)).c(' ').u(ticks(st.CStime))
	b.c(' ').i(prio).c(' ').i(int64(st.Nice)).c(' ').i(int64(max(len(v.ths), 1))).s(" 0")
	b.c(' ').u(ticks(th.StartTime)).c(' ').u(vm.total * pageSize).c(' ').u(vm.rss)
	b.c(' ').u(lim[abi.RLIMIT_RSS].Cur)
	b.c(' ').u(l.StartCode).c(' ').u(l.EndCode).c(' ').u(l.StartStack)
	b.s(" 0 0") // kstkesp, kstkeip: only for a task that is exiting
	b.c(' ').u(th.SigPnd & 0x7fffffff).c(' ').u(th.SigBlk & 0x7fffffff)
	b.c(' ').u(st.SigIgn & 0x7fffffff).c(' ').u(st.SigCgt & 0x7fffffff)
	b.c(' ').u(wchan).s(" 0 0") // wchan, nswap, cnswap
	b.c(' ').i(int64(v.exitSignal())).c(' ').i(int64(th.CPU))
	b.s(" 0 0 0 0 0") // rt_priority, policy, delayacct_blkio_ticks, guest_time, cguest_time
	b.c(' ').u(l.StartData).c(' ').u(l.EndData).c(' ').u(l.StartBrk)
	b.c(' ').u(l.ArgStart).c(' ').u(l.ArgEnd).c(' ').u(l.EnvStart).c(' ').u(l.EnvEnd)
	b.c(' ').i(int64(st.ExitCode)).c('\n')
	return b
}

// renderStatm is /proc/<pid>/statm (task_statm): size resident shared
// text lib data dt, in pages.
func renderStatm(p Process) []byte {
	st := p.Status()
	vm := computeVM(p.Maps(), &st)
	var b buf
	b.u(vm.total).c(' ').u(vm.rss).c(' ').u(vm.rssFile + vm.rssShmem).c(' ').u(vm.textKB >> 2)
	b.s(" 0 ").u(vm.data + vm.stack).s(" 0\n")
	return b
}

// ---- status ----

var stateNames = map[byte]string{
	'R': "R (running)", 'S': "S (sleeping)", 'D': "D (disk sleep)", 'T': "T (stopped)",
	't': "t (tracing stop)", 'X': "X (dead)", 'Z': "Z (zombie)", 'P': "P (parked)", 'I': "I (idle)",
}

func stateName(s byte) string {
	if n, ok := stateNames[s]; ok {
		return n
	}
	return "S (sleeping)"
}

// fdSize is the fd table's max_fds for a table whose highest fd is maxFD
// (NR_OPEN_DEFAULT, then expand_fdtable's rounding).
func fdSize(fds []FD) int {
	hi := -1
	for _, f := range fds {
		hi = max(hi, f.Num)
	}
	if hi < 64 {
		return 64
	}
	const perKB = 1024 / 8
	n := hi / perKB
	r := 1
	for r < n+1 {
		r <<= 1
	}
	return r * perKB
}

// renderStatus is /proc/<pid>/status and task/<tid>/status
// (proc_pid_status).
func renderStatus(v view, c Creds, fds []FD, lim [abi.RLIM_NLIMITS]abi.Rlimit, ncpu int) []byte {
	st, th := &v.st, &v.th
	var b buf
	b.s("Name:\t")
	for _, ch := range []byte(v.comm()) {
		switch ch {
		case '\n':
			b.s(`\n`)
		case '\\':
			b.s(`\\`)
		default:
			b.c(ch)
		}
	}
	b.s("\nUmask:\t").s(padOctal(st.Umask & 0o777))
	b.s("\nState:\t").s(stateName(th.State))
	b.s("\nTgid:\t").i(int64(v.p.Pid()))
	b.s("\nNgid:\t0")
	b.s("\nPid:\t").i(int64(th.TID))
	b.s("\nPPid:\t").i(int64(st.PPid))
	b.s("\nTracerPid:\t0")
	b.s("\nUid:\t").u(uint64(c.UID)).c('\t').u(uint64(c.EUID)).c('\t').u(uint64(c.SUID)).c('\t').u(uint64(c.FSUID))
	b.s("\nGid:\t").u(uint64(c.GID)).c('\t').u(uint64(c.EGID)).c('\t').u(uint64(c.SGID)).c('\t').u(uint64(c.FSGID))
	b.s("\nFDSize:\t").i(int64(fdSize(fds)))
	b.s("\nGroups:\t")
	for i, g := range c.Groups {
		if i > 0 {
			b.c(' ')
		}
		b.u(uint64(g))
	}
	b.s(" \nNStgid:\t").i(int64(v.p.Pid()))
	b.s("\nNSpid:\t").i(int64(th.TID))
	b.s("\nNSpgid:\t").i(int64(st.Pgrp))
	b.s("\nNSsid:\t").i(int64(st.Session))
	b.s("\nKthread:\t0\n")

	vm := computeVM(v.p.Maps(), st)
	kb := func(label string, pages uint64) {
		b.s(label).uw(pages*pageSize>>10, 8).s(" kB\n")
	}
	kb("VmPeak:\t", vm.peakVM)
	kb("VmSize:\t", vm.total)
	kb("VmLck:\t", 0)
	kb("VmPin:\t", 0)
	kb("VmHWM:\t", vm.hwmRSS)
	kb("VmRSS:\t", vm.rss)
	kb("RssAnon:\t", vm.rssAnon())
	kb("RssFile:\t", vm.rssFile)
	kb("RssShmem:\t", vm.rssShmem)
	kb("VmData:\t", vm.data)
	kb("VmStk:\t", vm.stack)
	b.s("VmExe:\t").uw(vm.textKB, 8).s(" kB\n")
	b.s("VmLib:\t").uw(vm.libKB, 8).s(" kB\n")
	b.s("VmPTE:\t").uw(vm.pteKB, 8).s(" kB\n")
	kb("VmSwap:\t", 0)
	b.s("HugetlbPages:\t").uw(0, 8).s(" kB\n")
	b.s("CoreDumping:\t0\n")
	b.s("THP_enabled:\t1\n")

	b.s("Threads:\t").i(int64(max(len(v.ths), 1)))
	b.s("\nSigQ:\t").i(int64(st.SigQ)).c('/').u(lim[abi.RLIMIT_SIGPENDING].Cur)
	b.s("\nSigPnd:\t").hex(th.SigPnd, 16)
	b.s("\nShdPnd:\t").hex(st.ShdPnd, 16)
	b.s("\nSigBlk:\t").hex(th.SigBlk, 16)
	b.s("\nSigIgn:\t").hex(st.SigIgn, 16)
	b.s("\nSigCgt:\t").hex(st.SigCgt, 16)
	b.s("\nCapInh:\t").hex(c.CapInh, 16)
	b.s("\nCapPrm:\t").hex(c.CapPrm, 16)
	b.s("\nCapEff:\t").hex(c.CapEff, 16)
	b.s("\nCapBnd:\t").hex(c.CapBnd, 16)
	b.s("\nCapAmb:\t").hex(c.CapAmb, 16)
	b.s("\nNoNewPrivs:\t").c(pick(st.NoNewPrivs, '1', '0'))
	b.s("\nSeccomp:\t").i(int64(st.Seccomp))
	b.s("\nSeccomp_filters:\t0")
	b.s("\nSpeculation_Store_Bypass:\tthread vulnerable")
	b.s("\nSpeculationIndirectBranch:\tunknown")
	b.s("\nCpus_allowed:\t").s(cpumaskHex(ncpu))
	b.s("\nCpus_allowed_list:\t").s(cpuList(ncpu))
	b.s("\nMems_allowed:\t1")
	b.s("\nMems_allowed_list:\t0")
	b.s("\nvoluntary_ctxt_switches:\t").u(th.VolCtx)
	b.s("\nnonvoluntary_ctxt_switches:\t").u(th.NonVolCtx)
	b.c('\n')
	return b
}

// padOctal formats a umask as "%#04o": "0022", "0007", "0000".
func padOctal(v uint32) string {
	s := strconv.FormatUint(uint64(v), 8)
	for len(s) < 3 {
		s = "0" + s
	}
	return "0" + s
}

// cpumaskHex is "%*pb" of a mask of n CPUs, all set: 32-bit chunks in hex,
// most significant first, separated by commas.
func cpumaskHex(n int) string {
	if n <= 0 {
		return "0"
	}
	var parts []string
	first := n % 32
	if first == 0 {
		first = 32
	}
	for bits := n; bits > 0; {
		w := 32
		if len(parts) == 0 {
			w = first
		}
		v := uint64(1)<<w - 1
		s := strconv.FormatUint(v, 16)
		for len(s) < (w+3)/4 {
			s = "0" + s
		}
		parts = append(parts, s)
		bits -= w
	}
	return strings.Join(parts, ",")
}

// cpuList is "%*pbl" of n CPUs all set: "0-7", or "0".
func cpuList(n int) string {
	if n <= 1 {
		return "0"
	}
	return "0-" + strconv.Itoa(n-1)
}

// ---- limits ----

var limitNames = [abi.RLIM_NLIMITS]struct{ name, unit string }{
	{"Max cpu time", "seconds"},
	{"Max file size", "bytes"},
	{"Max data size", "bytes"},
	{"Max stack size", "bytes"},
	{"Max core file size", "bytes"},
	{"Max resident set", "bytes"},
	{"Max processes", "processes"},
	{"Max open files", "files"},
	{"Max locked memory", "bytes"},
	{"Max address space", "bytes"},
	{"Max file locks", "locks"},
	{"Max pending signals", "signals"},
	{"Max msgqueue size", "bytes"},
	{"Max nice priority", ""},
	{"Max realtime priority", ""},
	{"Max realtime timeout", "us"},
}

const rlimInfinity = ^uint64(0)

// renderLimits is /proc/<pid>/limits (proc_pid_limits).
func renderLimits(lim [abi.RLIM_NLIMITS]abi.Rlimit) []byte {
	var b buf
	pad := func(s string, w int) {
		b.s(s)
		for n := len(s); n < w; n++ {
			b.c(' ')
		}
	}
	val := func(v uint64) string {
		if v == rlimInfinity {
			return "unlimited"
		}
		return strconv.FormatUint(v, 10)
	}
	pad("Limit", 25)
	b.c(' ')
	pad("Soft Limit", 20)
	b.c(' ')
	pad("Hard Limit", 20)
	b.c(' ')
	pad("Units", 10)
	b.c('\n')
	for i, l := range lim {
		pad(limitNames[i].name, 25)
		b.c(' ')
		pad(val(l.Cur), 20)
		b.c(' ')
		pad(val(l.Max), 20)
		b.c(' ')
		if u := limitNames[i].unit; u != "" {
			pad(u, 10)
		}
		b.c('\n')
	}
	return b
}

// ---- fd, fdinfo ----

// internalMntID is the mount id shown for files on kernel-internal mounts
// (pipefs, sockfs, anon_inodefs), which mountinfo does not list.
const internalMntID = 15

// mntIDOf is the id of the mount holding guest path p: the longest mount
// target that is p or a parent of it.
func mntIDOf(mounts []Mount, p string) int {
	if !strings.HasPrefix(p, "/") {
		return internalMntID
	}
	best, bestLen := internalMntID, -1
	for _, m := range mounts {
		t := m.Target
		if t == p || t == "/" || strings.HasPrefix(p, t+"/") {
			if len(t) > bestLen {
				best, bestLen = m.ID, len(t)
			}
		}
	}
	return best
}

// renderFdinfo is /proc/<pid>/fdinfo/<fd> (seq_show in fs/proc/fd.c).
func renderFdinfo(f FD, mounts []Mount) []byte {
	id := f.MntID
	if id == 0 {
		id = mntIDOf(mounts, f.Target)
	}
	var b buf
	b.s("pos:\t").i(f.Pos)
	b.s("\nflags:\t0").s(strconv.FormatUint(uint64(uint32(f.Flags)), 8))
	b.s("\nmnt_id:\t").i(int64(id))
	b.s("\nino:\t").u(f.Ino).c('\n')
	b.s(f.Extra)
	return b
}

// fdLinkMode is the mode of /proc/<pid>/fd/<n>: the owner's r, w and x
// bits by the description's access mode.
func fdLinkMode(flags int) uint32 {
	m := uint32(sIFLNK)
	if flags&abi.O_PATH != 0 {
		return m
	}
	switch flags & abi.O_ACCMODE {
	case abi.O_RDONLY:
		m |= 0o500
	case abi.O_WRONLY:
		m |= 0o300
	default:
		m |= 0o700
	}
	return m
}

// ---- mounts, mountinfo ----

// mangle escapes space, tab, newline and backslash as octal (mangle() in
// fs/proc_namespace.c).
func mangle(s string) string {
	if !strings.ContainsAny(s, " \t\n\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ' ', '\t', '\n', '\\':
			b.WriteByte('\\')
			b.WriteByte('0' + c>>6)
			b.WriteByte('0' + c>>3&7)
			b.WriteByte('0' + c&7)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func joinOpts(opts ...string) string {
	var parts []string
	for _, o := range opts {
		if o != "" {
			parts = append(parts, o)
		}
	}
	return strings.Join(parts, ",")
}

func rwOpt(ro bool) string {
	if ro {
		return "ro"
	}
	return "rw"
}

// renderMounts is /proc/<pid>/mounts (show_vfsmnt).
func renderMounts(ms []Mount) []byte {
	var b buf
	for _, m := range ms {
		src := m.Source
		if src == "" {
			src = "none"
		}
		b.s(mangle(src)).c(' ').s(mangle(m.Target)).c(' ').s(mangle(m.FSType)).c(' ')
		b.s(joinOpts(rwOpt(m.ReadOnly), m.MntOpts, m.FSOpts)).s(" 0 0\n")
	}
	return b
}

// renderMountinfo is /proc/<pid>/mountinfo (show_mountinfo).
func renderMountinfo(ms []Mount) []byte {
	var b buf
	for _, m := range ms {
		root := m.Root
		if root == "" {
			root = "/"
		}
		src := m.Source
		if src == "" {
			src = "none"
		}
		b.i(int64(m.ID)).c(' ').i(int64(m.Parent)).c(' ')
		b.u(uint64(devMajor(m.Dev))).c(':').u(uint64(devMinor(m.Dev))).c(' ')
		b.s(mangle(root)).c(' ').s(mangle(m.Target)).c(' ')
		b.s(joinOpts(rwOpt(m.ReadOnly), m.MntOpts))
		b.s(" - ").s(mangle(m.FSType)).c(' ').s(mangle(src)).c(' ')
		b.s(joinOpts(rwOpt(m.ReadOnly), m.FSOpts)).c('\n')
	}
	return b
}
