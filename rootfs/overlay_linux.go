package rootfs

import "golang.org/x/sys/unix"

// cloneFile creates tmp in dstDir holding src's content (src is name in
// srcDir, open for reading) and returns it open for writing: a reflink
// (FICLONE) where the file system shares extents (btrfs, XFS), else a copy
// in the kernel (copy_file_range), else through memory.
func cloneFile(srcDir int, name string, src, dstDir int, tmp string) (int, error) {
	dst, err := unix.Openat(dstDir, tmp, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return -1, err
	}
	if unix.IoctlFileClone(dst, src) == nil {
		return dst, nil
	}
	if err := copyRange(src, dst); err != nil {
		unix.Close(dst)
		return -1, err
	}
	return dst, nil
}

// copyRange copies with copy_file_range, falling back to copyData where
// the kernel cannot (across file systems on old kernels, special files).
func copyRange(src, dst int) error {
	var off int64
	for {
		roff, woff := off, off
		n, err := unix.CopyFileRange(src, &roff, dst, &woff, 1<<30, 0)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			if off == 0 {
				return copyData(src, dst)
			}
			return err
		}
		if n == 0 {
			return nil
		}
		off += int64(n)
	}
}
