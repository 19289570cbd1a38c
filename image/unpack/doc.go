// Package unpack applies OCI and docker image layers (tar, uncompressed)
// to host directories that rootfs then serves to the guest.
//
// Every write goes through a rootfs view of the target directory, so it is
// confined as a guest's would be, and Linux metadata the host cannot hold
// lands in rootfs's own format: with MetadataHost (host root on Linux)
// real owners and device nodes; with MetadataXattr (a non-root user,
// macOS) rootfs's user.carrick.* attributes and stand-in device files. A
// tree must later be opened with the mode it was unpacked with.
//
// Entries are refused, and with them the layer, when they would write
// outside the tree: absolute names, names whose ".." leaves it, names
// below a symbolic link (any earlier entry's or lower layer's), hard links
// whose target is outside, a directory, or reached through a link.
// Symbolic link targets are stored as given: rootfs resolves them,
// confined, at run time.
//
// Apply applies whiteouts (.wh.NAME deletes NAME, .wh..wh..opq empties a
// directory) to what lower layers left in the directory, in tar order; an
// entry of the same layer is never hidden by them. Unpack instead keeps a
// layer on its own in a per-digest cache, whiteouts kept as their marker
// files, and Lowers lists an image's cached layers in order.
//
// # A container's writable view without copying (recommended next step)
//
// Give rootfs an overlay root: Options gains Lowers []string (cached
// layer directories, top first) beside the writable upper directory
// (the container's own, empty at start). What rootfs would need:
//
//   - lookup: resolve each component in the upper, then down the lowers,
//     stopping at a .wh.NAME marker (ENOENT) or below a directory holding
//     .wh..wh..opq; a node is the first layer's that has it. A walk holds
//     one descriptor per layer for a merged directory;
//   - readdir merges the layers' entries (upper first), drops markers and
//     what they hide, and keeps d_ino stable (the inode of the layer the
//     entry comes from);
//   - copy-up before any write, chmod, chown, utimes, xattr change, link
//     or truncate of a lower node: create its parents in the upper with
//     their metadata, then copy the file (a reflink where the host has one:
//     FICLONE on Linux btrfs/xfs, clonefile on APFS; a plain copy
//     otherwise) and its metadata xattrs, and rename it into place;
//   - unlink, rmdir and rename of a name present in a lower layer leave a
//     .wh.NAME marker in the upper (rename of a lower directory: EXDEV, as
//     overlayfs without redirect_dir does, which mv handles by copying);
//   - st_dev/st_ino: report the lower's; hard links across a copy-up break
//     (as in overlayfs without index=on), which images rarely notice;
//   - markers stay invisible to the guest, like user.carrick.*.
//
// Lower layers are shared read-only between containers and never written,
// so a layer is unpacked once per host. The alternative, cloning the
// flattened tree per container (clonefile on APFS, FICLONE per file on
// Linux), is simpler for rootfs but costs a full tree walk at each start
// and works only on file systems with clones; it is a fallback for hosts
// where the overlay walk proves too slow.
package unpack
