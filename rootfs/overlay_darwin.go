package rootfs

import "golang.org/x/sys/unix"

// cloneFile creates tmp in dstDir holding src's content (src is name in
// srcDir, open for reading) and returns it open for writing: an APFS clone
// (clonefileat) where the volume can, else a copy.
func cloneFile(srcDir int, name string, src, dstDir int, tmp string) (int, error) {
	if unix.Clonefileat(srcDir, name, dstDir, tmp, unix.CLONE_NOFOLLOW|unix.CLONE_NOOWNERCOPY) == nil {
		fd, err := unix.Openat(dstDir, tmp, unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err == nil {
			return fd, nil
		}
		unix.Unlinkat(dstDir, tmp, 0)
	}
	dst, err := unix.Openat(dstDir, tmp, unix.O_CREAT|unix.O_EXCL|unix.O_WRONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return -1, err
	}
	if err := copyData(src, dst); err != nil {
		unix.Close(dst)
		return -1, err
	}
	return dst, nil
}
