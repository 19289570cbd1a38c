package sysemu

import (
	"encoding/binary"
	"slices"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// The credential syscalls, with Linux's rules (kernel/sys.c,
// kernel/groups.c) on the process's credentials (creds.go): CAP_SETUID and
// CAP_SETGID are "euid 0"; an unprivileged caller may only move among its
// own real, effective and saved ids. Ids live in the initial user
// namespace: every value but -1 is valid.

// sysGetuid implements getuid(2).
func sysGetuid(t *Task, a [6]uint64) uint64 { return uint64(t.p.creds().UID) }

// sysGeteuid implements geteuid(2).
func sysGeteuid(t *Task, a [6]uint64) uint64 { return uint64(t.p.creds().EUID) }

// sysGetgid implements getgid(2).
func sysGetgid(t *Task, a [6]uint64) uint64 { return uint64(t.p.creds().GID) }

// sysGetegid implements getegid(2).
func sysGetegid(t *Task, a [6]uint64) uint64 { return uint64(t.p.creds().EGID) }

// sysGetresuid implements getresuid(2).
func sysGetresuid(t *Task, a [6]uint64) uint64 {
	c := t.p.creds()
	return t.putIDs(a, c.UID, c.EUID, c.SUID)
}

// sysGetresgid implements getresgid(2).
func sysGetresgid(t *Task, a [6]uint64) uint64 {
	c := t.p.creds()
	return t.putIDs(a, c.GID, c.EGID, c.SGID)
}

// putIDs stores ids at the addresses in a, in order, stopping at the
// first bad one (EFAULT), as getresuid's put_user calls do.
func (t *Task) putIDs(a [6]uint64, ids ...uint32) uint64 {
	for i, id := range ids {
		if t.writeU32(a[i], id) != nil {
			return errno(abi.EFAULT)
		}
	}
	return 0
}

// sysGetgroups implements getgroups(2): size 0 asks for the count; a
// smaller buffer than the groups is EINVAL.
func sysGetgroups(t *Task, a [6]uint64) uint64 {
	size := int32(a[0])
	if size < 0 {
		return errno(abi.EINVAL)
	}
	gs := t.p.creds().Groups
	if size == 0 || len(gs) == 0 {
		return uint64(len(gs))
	}
	if len(gs) > int(size) {
		return errno(abi.EINVAL)
	}
	b := make([]byte, 4*len(gs))
	for i, g := range gs {
		binary.LittleEndian.PutUint32(b[4*i:], g)
	}
	if t.copyOut(a[1], b) != nil {
		return errno(abi.EFAULT)
	}
	return uint64(len(gs))
}

// sysSetgroups implements setgroups(2): CAP_SETGID, at most NGROUPS_MAX
// groups, kept sorted.
func sysSetgroups(t *Task, a [6]uint64) uint64 {
	n := uint32(a[0]) // an int: a negative count is too large
	return errnoOr0(t.p.changeCreds(func(c *Credentials) abi.Errno {
		if c.EUID != 0 {
			return abi.EPERM
		}
		if n > abi.NGROUPS_MAX {
			return abi.EINVAL
		}
		b := make([]byte, 4*n)
		if n > 0 && t.copyIn(a[1], b) != nil {
			return abi.EFAULT
		}
		gs := make([]uint32, n)
		for i := range gs {
			if gs[i] = binary.LittleEndian.Uint32(b[4*i:]); gs[i] == noID {
				return abi.EINVAL
			}
		}
		slices.Sort(gs)
		c.Groups = gs
		return 0
	}))
}

// sysSetuid implements setuid(2): root sets every uid; others only the
// effective (and file-system) one, to the real or saved uid.
func sysSetuid(t *Task, a [6]uint64) uint64 {
	uid := uint32(a[0])
	if uid == noID {
		return errno(abi.EINVAL)
	}
	return errnoOr0(t.p.changeCreds(func(c *Credentials) abi.Errno {
		switch {
		case c.EUID == 0:
			c.UID, c.SUID = uid, uid
		case uid != c.UID && uid != c.SUID:
			return abi.EPERM
		}
		c.EUID, c.FSUID = uid, uid
		return 0
	}))
}

// sysSetgid implements setgid(2), as setuid for groups.
func sysSetgid(t *Task, a [6]uint64) uint64 {
	gid := uint32(a[0])
	if gid == noID {
		return errno(abi.EINVAL)
	}
	return errnoOr0(t.p.changeCreds(func(c *Credentials) abi.Errno {
		switch {
		case c.EUID == 0:
			c.GID, c.SGID = gid, gid
		case gid != c.GID && gid != c.SGID:
			return abi.EPERM
		}
		c.EGID, c.FSGID = gid, gid
		return 0
	}))
}

// idSet is one of the uid or gid halves of Credentials, for the rules the
// two share.
type idSet struct{ real, eff, saved, fs *uint32 }

func uids(c *Credentials) idSet { return idSet{&c.UID, &c.EUID, &c.SUID, &c.FSUID} }
func gids(c *Credentials) idSet { return idSet{&c.GID, &c.EGID, &c.SGID, &c.FSGID} }

// setre is setreuid/setregid: the real id may become the effective one,
// the effective one any of the three; the saved id follows the effective
// one when the real one is set or the effective one leaves the real one.
func (t *Task) setre(a [6]uint64, half func(*Credentials) idSet) uint64 {
	r, e := uint32(a[0]), uint32(a[1])
	return errnoOr0(t.p.changeCreds(func(c *Credentials) abi.Errno {
		priv := c.EUID == 0
		s := half(c)
		oldReal, oldEff, oldSaved := *s.real, *s.eff, *s.saved
		if r != noID {
			if r != oldReal && r != oldEff && !priv {
				return abi.EPERM
			}
			*s.real = r
		}
		if e != noID {
			if e != oldReal && e != oldEff && e != oldSaved && !priv {
				return abi.EPERM
			}
			*s.eff = e
		}
		if r != noID || e != noID && e != oldReal {
			*s.saved = *s.eff
		}
		*s.fs = *s.eff
		return 0
	}))
}

// sysSetreuid implements setreuid(2).
func sysSetreuid(t *Task, a [6]uint64) uint64 { return t.setre(a, uids) }

// sysSetregid implements setregid(2).
func sysSetregid(t *Task, a [6]uint64) uint64 { return t.setre(a, gids) }

// setres is setresuid/setresgid: each of the three ids (-1: unchanged)
// must be one of the current three unless the caller has the capability;
// the file-system id follows the effective one.
func (t *Task) setres(a [6]uint64, half func(*Credentials) idSet) uint64 {
	r, e, sv := uint32(a[0]), uint32(a[1]), uint32(a[2])
	return errnoOr0(t.p.changeCreds(func(c *Credentials) abi.Errno {
		priv := c.EUID == 0
		s := half(c)
		if (r == noID || r == *s.real) && (e == noID || e == *s.eff && e == *s.fs) && (sv == noID || sv == *s.saved) {
			return 0 // nothing changes, the file-system id included
		}
		mine := func(id uint32) bool { return id == noID || id == *s.real || id == *s.eff || id == *s.saved }
		if !priv && (!mine(r) || !mine(e) || !mine(sv)) {
			return abi.EPERM
		}
		if r != noID {
			*s.real = r
		}
		if e != noID {
			*s.eff = e
		}
		if sv != noID {
			*s.saved = sv
		}
		*s.fs = *s.eff
		return 0
	}))
}

// sysSetresuid implements setresuid(2).
func sysSetresuid(t *Task, a [6]uint64) uint64 { return t.setres(a, uids) }

// sysSetresgid implements setresgid(2).
func sysSetresgid(t *Task, a [6]uint64) uint64 { return t.setres(a, gids) }

// setfs is setfsuid/setfsgid: the file-system id may become any of the
// four ids (anything with the capability); the old one is returned
// whether or not it changed, as Linux's (which reports no error).
func (t *Task) setfs(a [6]uint64, half func(*Credentials) idSet) uint64 {
	id := uint32(a[0])
	var old uint32
	t.p.changeCreds(func(c *Credentials) abi.Errno {
		s := half(c)
		old = *s.fs
		if id == noID || id != *s.real && id != *s.eff && id != *s.saved && id != *s.fs && c.EUID != 0 {
			return abi.EPERM // unchanged
		}
		*s.fs = id
		return 0
	})
	return uint64(old)
}

// sysSetfsuid implements setfsuid(2).
func sysSetfsuid(t *Task, a [6]uint64) uint64 { return t.setfs(a, uids) }

// sysSetfsgid implements setfsgid(2).
func sysSetfsgid(t *Task, a [6]uint64) uint64 { return t.setfs(a, gids) }
