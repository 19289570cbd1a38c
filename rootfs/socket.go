package rootfs

import "github.com/carrick-go/carrick/sysemu/abi"

// Sockets named by path (AF_UNIX): the caller's host socket is bound or
// connected at the host directory fd and name the guest path resolves to,
// confined like every other lookup, so a guest can only name sockets of
// its own tree.

// BindSocket creates the socket file p for bind(2): bind makes it at
// (dirfd, name), and the file then gets the guest's owner and mode (mode
// as Linux gives it, 0777 less the umask). An existing name is
// EADDRINUSE, as Linux's bind says.
func (fs *FS) BindSocket(at *Dir, p string, mode uint32, bind func(dirfd int, name string) error) abi.Errno {
	w, n, e := fs.createTarget(at, p)
	defer w.release()
	if e == abi.EEXIST {
		return abi.EADDRINUSE
	}
	if e != 0 {
		return e
	}
	o, perm, e := fs.newOwner(n.dir, sIFSOCK, mode&0o7777)
	if e != 0 {
		return e
	}
	dirfd, name := n.hostAt()
	if err := bind(dirfd, name); err != nil {
		return errnoOf(err)
	}
	if fs.meta == MetadataXattr {
		// A socket carries no xattrs: the host mode is all there is.
		return errnoOf(chmodAt(dirfd, name, hostPerm(sIFSOCK, perm)))
	}
	return fs.initAt(dirfd, name, sIFSOCK, perm, 0, 0, o)
}

// ConnectSocket resolves p, following links, to a socket file the guest
// may write (connect(2) and sendto(2) on a named socket need write
// permission) and calls connect with its host directory fd and name. A
// name that is no socket is ECONNREFUSED, as Linux says.
func (fs *FS) ConnectSocket(at *Dir, p string, connect func(dirfd int, name string) error) abi.Errno {
	w, n, e := fs.resolve(at, p, lkFollow)
	defer w.release()
	if e != 0 {
		return e
	}
	if n.mnt.synth != nil || n.st.Mode&sIFMT != sIFSOCK {
		return abi.ECONNREFUSED
	}
	if !fs.privileged() {
		st := n.st
		if e := fs.overlayNode(&n, &st); e != 0 {
			return e
		}
		if !fs.permits(&st, mayWrite) {
			return abi.EACCES
		}
	}
	dirfd, name := n.hostAt()
	return errnoOf(connect(dirfd, name))
}
