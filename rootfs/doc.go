// Package rootfs is the guest's view of files: confined path resolution
// over a host directory, a mount table (bind mounts of host directories
// and files, read-only or read-write, and synthetic mounts served by Go
// code), and Linux metadata the host cannot hold. sysemu keeps one *FS per
// container or process and calls it for every path-based syscall, with the
// directory a relative path starts from (a *Dir: the cwd, or an openat
// dirfd) and Linux flag values; every result is a Linux errno (abi.Errno).
//
// # Resolution
//
// A guest path is never handed to the host. resolve walks it one
// component at a time, like openat2(RESOLVE_IN_ROOT), holding each
// directory open:
//
//   - each component is opened relative to the directory descriptor
//     already held, with O_NOFOLLOW|O_DIRECTORY (O_PATH on Linux), so the
//     host never follows a link or crosses ".." for us, and a concurrent
//     rename can only change which directory we enter, never move the walk
//     out of the tree;
//   - a component that is a link is read (readlinkat) and its target is
//     walked in its place: an absolute target restarts at the view's root,
//     a relative one continues in the directory holding the link; after
//     40 links the lookup fails with ELOOP, as Linux;
//   - ".." pops the stack of directories this lookup entered, and never
//     goes above the root. Above the directory the lookup started from, it
//     walks the lexical parent of that directory's guest path again from
//     the root. The host's own ".." is never used, so no directory the
//     guest can move makes ".." land outside;
//   - the guest path of each directory is tracked as the walk goes; a
//     component whose guest path is a mount point enters the mount's root
//     instead (and ".." from there pops back to the directory holding the
//     mount point). Synthetic mounts are walked through their provider's
//     Stat and Readlink.
//
// The final component is then acted on through the directory that holds
// it, with *at calls that do not follow links (fstatat with
// AT_SYMLINK_NOFOLLOW, openat with O_NOFOLLOW, unlinkat, renameat2,
// linkat without AT_SYMLINK_FOLLOW, fchownat/utimensat with
// AT_SYMLINK_NOFOLLOW, fchmodat2). Following a final link, when asked,
// is done by the walk above, so every host call names either a descriptor
// we hold or a single name inside one. That is what makes confinement hold
// on darwin too, where there is no openat2.
//
// Guest paths of directories are recorded when they are walked. A
// directory renamed after a *Dir for it was made keeps its old recorded
// path (getcwd and ".." from it use that path), and mount points are
// recognised by guest path; both are confined whatever the path says.
//
// # Metadata
//
// MetadataHost stores ownership, modes and device nodes in the host file
// system. MetadataXattr (a non-root host user, macOS) records them in
// user.carrick.* extended attributes; see meta.go. In both modes the host
// umask is undone: the mode a guest asks for (already masked by its own
// umask in sysemu) is the mode it gets.
//
// # Overlay root
//
// With Options.Lowers, the root directory is the writable upper layer of
// an overlay, and the lowers are read-only layers beneath it, top first,
// as image/unpack's cache keeps them: a .wh.NAME file hides NAME in the
// layers below, a directory holding .wh..wh..opq hides theirs. Linux's
// overlayfs without redirect_dir or index is the model. Nothing is
// copied or walked at New, so a container starts in the same time
// whatever its image's size; the lowers are never written, so one
// unpacked layer serves every container of every image holding it.
//
//   - A merged directory is held as one descriptor per layer that has it
//     (Dir.ov), down to a whiteout, a non-directory or an opaque
//     directory. A name is looked up in each layer, top first, until one
//     has it or a whiteout hides it. The lowers never change, so a view
//     remembers which of their directories are opaque and which names
//     they lack; the upper is asked every time. Marker names are never
//     visible: looking one up is ENOENT, creating one EINVAL, readdir
//     drops them.
//   - readdir merges the layers, upper first; d_ino is the inode of the
//     layer the entry comes from, which is what stat reports. Reading,
//     executing and mapping a lower file use the lower file itself.
//   - Before a lower node changes (open for writing or O_TRUNC, truncate,
//     chmod, chown, utimes, xattrs, link's source, rename's source, the
//     f* forms on an open File) it is copied up, after the permission
//     checks: missing parents first, as copies of the topmost lower's
//     directory (mode, owner, times, xattrs, user.carrick.* included),
//     then the node (FICLONE or clonefile where the host can, else a copy)
//     under a temporary marker name, renamed into place without replacing:
//     of two views copying at once, one copy wins whole. The parent's
//     times are put back. A File open on a lower node keeps reading the
//     lower copy (as overlayfs before 4.19); its metadata calls go to the
//     upper copy from then on.
//   - Creating a name makes its directory in the upper first and drops a
//     whiteout of the name; a directory made over a whiteout is made
//     opaque under a temporary name first, then renamed into place.
//     unlink and rmdir of a name the lowers have leave a whiteout; rmdir
//     needs the merged directory empty. A directory with lower parts cannot be renamed (EXDEV: mv
//     copies), a file is copied up, renamed, and whited out at its old
//     name; a directory moved over a removed lower one is made opaque.
//   - Directories of the lowers alone are copied up only when something
//     beneath them changes; walks never write. All overlay state is on
//     disk, so FS values of several processes on one upper agree: a Dir
//     made while its directory was in the lowers alone looks for an upper
//     copy (by its guest path, which cannot change: such a directory
//     cannot be renamed) at each use.
//   - statfs reports the upper's file system; mounts, "..", getcwd and
//     chroot work as on a plain root, and links of the lowers resolve
//     confined like any other. With ReadOnly every write is EROFS and
//     nothing is copied.
//
// Hard links break across a copy-up and st_ino changes there (no index
// or xino). A name of more than 251 bytes in a lower cannot be removed
// (no room for its whiteout: ENAMETOOLONG).
//
// # Permissions
//
// A view acts for a caller: root for the view New makes, or the fsuid,
// fsgid and groups WithCred gives. Operations check Linux's permissions for
// it on the guest's ownership and modes (the metadata above), and new
// nodes get its ids as owner; perm.go says what is checked and what is not.
package rootfs
