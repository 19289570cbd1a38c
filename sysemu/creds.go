package sysemu

import (
	"slices"

	"github.com/carrick-go/carrick/rootfs"
	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
)

// Credentials (sys_creds.go has the syscalls). A process has Linux's ids:
// real, effective, saved set and file-system user and group ids, and the
// supplementary groups.
//
// Linux keeps them per thread (each task's struct cred); glibc's setuid
// family changes every thread's (the setxid broadcast), as Go's
// syscall.AllThreadsSyscall does. carrick keeps one set per process: a raw
// set*id syscall made by one thread changes them for all, which is where
// every libc call ends anyway.
//
// Privilege follows the ids, as for a process that never calls capset:
// CAP_SETUID and CAP_SETGID (and CAP_SYS_CHROOT) are held while the euid
// is 0, the file capabilities (CAP_DAC_OVERRIDE, CAP_FOWNER, CAP_CHOWN, …:
// rootfs/perm.go) while the fsuid is 0. The permitted set is full while any
// of the real, effective or saved uid is 0 and empty once none is
// (security/commoncap.c); PR_SET_KEEPCAPS and capset do not change that.
//
// Set-user-ID and set-group-ID bits of executables are not honoured: an
// execve keeps the real and effective ids and sets the saved and
// file-system ones to the effective ones, as Linux does for a file without
// those bits.

// Creds are the ids a process starts with: an OCI process.user (uid, gid,
// additionalGids) or docker's -u uid:gid. nil in Config means root.
type Creds struct {
	UID, GID uint32
	Groups   []uint32
	// EUID and EGID, when set, are effective ids other than UID and GID:
	// what a program a guest exec'd after setreuid starts with. The saved
	// and file-system ids are the effective ones. Leave them nil for a
	// container's process.
	EUID, EGID *uint32
	// Caps, when set, are the process's capability sets (an OCI
	// process.capabilities); nil derives them from the ids.
	Caps *CapSets
}

// CapSets are capability sets, bit n = capability n. They are modeled,
// not enforced: /proc/PID/status and capget show them, while privilege
// itself follows the ids. A root process has the effective and permitted
// sets given, a non-root one only the ambient set (what an exec leaves a
// process without file capabilities).
type CapSets struct {
	Bounding, Effective, Permitted, Inheritable, Ambient uint64
}

// Credentials are a process's ids (the ids of Linux's struct cred). A
// Process's are never changed in place: a change installs new ones.
type Credentials struct {
	UID, EUID, SUID, FSUID uint32
	GID, EGID, SGID, FSGID uint32
	Groups                 []uint32 // sorted, as setgroups leaves them
	Caps                   *CapSets // nil: derived from the ids
}

// noID is (uid_t)-1: "unchanged" for set*id, invalid as an id.
const noID = ^uint32(0)

// credentialsOf are the credentials a process starts with (nil: root,
// whose groups are {0}).
func credentialsOf(c *Creds) *Credentials {
	if c == nil {
		return &Credentials{Groups: []uint32{0}}
	}
	euid, egid := c.UID, c.GID
	if c.EUID != nil {
		euid = *c.EUID
	}
	if c.EGID != nil {
		egid = *c.EGID
	}
	gs := slices.Clone(c.Groups)
	slices.Sort(gs)
	return &Credentials{UID: c.UID, EUID: euid, SUID: euid, FSUID: euid,
		GID: c.GID, EGID: egid, SGID: egid, FSGID: egid, Groups: gs, Caps: c.Caps}
}

// execCreds are the Creds a program exec'd with c starts with (a vfork
// child's spawned program).
func (c *Credentials) execCreds() *Creds {
	out := &Creds{UID: c.UID, GID: c.GID, Groups: slices.Clone(c.Groups), Caps: c.Caps}
	if c.EUID != c.UID {
		euid := c.EUID
		out.EUID = &euid
	}
	if c.EGID != c.GID {
		egid := c.EGID
		out.EGID = &egid
	}
	return out
}

// afterExec are the credentials after an execve of a file without
// set-user-ID bits: saved and file-system ids become the effective ones.
func (c *Credentials) afterExec() *Credentials {
	n := *c
	n.SUID, n.FSUID = n.EUID, n.EUID
	n.SGID, n.FSGID = n.EGID, n.EGID
	return &n
}

// caps are the permitted and effective capability sets the ids imply.
func (c *Credentials) caps() (prm, eff uint64) {
	root := c.UID == 0 || c.EUID == 0 || c.SUID == 0
	if s := c.Caps; s != nil {
		// Shown as given (the runtime set them after any id change).
		if root {
			return s.Permitted, s.Effective & s.Permitted
		}
		return s.Ambient, s.Ambient
	}
	if root {
		prm = procfs.AllCaps
		if c.EUID == 0 {
			eff = prm
		}
	}
	if c.FSUID == 0 {
		eff |= prm & abi.CAP_FS_MASK
	} else {
		eff &^= abi.CAP_FS_MASK
	}
	return prm, eff
}

// proc is what /proc/<pid>/status shows.
func (c *Credentials) proc() procfs.Creds {
	prm, eff := c.caps()
	pc := procfs.Creds{UID: c.UID, EUID: c.EUID, SUID: c.SUID, FSUID: c.FSUID,
		GID: c.GID, EGID: c.EGID, SGID: c.SGID, FSGID: c.FSGID, Groups: slices.Clone(c.Groups),
		CapPrm: prm, CapEff: eff, CapBnd: procfs.AllCaps}
	if s := c.Caps; s != nil {
		pc.CapBnd, pc.CapInh, pc.CapAmb = s.Bounding, s.Inheritable, s.Ambient
	}
	return pc
}

// fsCred is who file operations act for: the fsuid, fsgid and groups
// (nil for 0:0, a view's default).
func (c *Credentials) fsCred() *rootfs.Cred {
	if c.FSUID == 0 && c.FSGID == 0 {
		return nil
	}
	return &rootfs.Cred{UID: c.FSUID, GID: c.FSGID, Groups: c.Groups}
}

// accessCred is who access(2) checks for: the real ids (faccessat without
// AT_EACCESS).
func (c *Credentials) accessCred() *rootfs.Cred {
	if c.UID == 0 && c.GID == 0 {
		return nil
	}
	return &rootfs.Cred{UID: c.UID, GID: c.GID, Groups: c.Groups}
}

// creds returns the process's credentials; do not modify them.
func (p *Process) creds() *Credentials { return p.cred.Load() }

// setCreds installs c and makes file operations act for it.
func (p *Process) setCreds(c *Credentials) {
	p.cred.Store(c)
	p.fs.setCred(c.fsCred())
}

// changeCreds applies change to a copy of the credentials and installs the
// copy unless change fails. change may replace Groups but not modify the
// slice it was given.
func (p *Process) changeCreds(change func(c *Credentials) abi.Errno) abi.Errno {
	p.credMu.Lock()
	defer p.credMu.Unlock()
	n := *p.creds()
	if e := change(&n); e != 0 {
		return e
	}
	p.setCreds(&n)
	return 0
}
