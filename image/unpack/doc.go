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
// # A container's writable view without copying
//
// Implemented by rootfs's overlay root (rootfs/doc.go, "Overlay root";
// sysemu.Config.Lowers): the cached layer directories Lowers returns,
// reversed to top first, are rootfs.Options.Lowers beneath the
// container's own writable upper directory, empty at start. Lookups go
// down the layers, stopping at .wh.NAME markers and below directories
// holding .wh..wh..opq; readdir merges; a node is copied up (a reflink
// where the host has one, else a plain copy, with its metadata xattrs)
// before it changes; unlink, rmdir and rename of a lower name leave a
// .wh.NAME marker in the upper; renaming a lower directory is EXDEV. The
// layers are shared read-only between containers and never written, so a
// layer is unpacked once per host, and a start costs the same whatever
// the image's size. The layers must stay in the format Apply keeps with
// KeepWhiteouts (Unpack forces it).
//
// The alternative, cloning the flattened tree per container (clonefile
// on APFS, FICLONE per file on Linux), costs a full tree walk at each
// start and works only on file systems with clones; it stays a fallback
// should the overlay walk prove too slow somewhere.
package unpack
