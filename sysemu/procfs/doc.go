// Package procfs provides the synthetic /proc, /sys and /dev file systems
// a Linux guest expects, as rootfs.Synthetic implementations: Proc, Sys and
// Dev. They are data-driven: the kernel state they show comes in through
// small interfaces (Table, Process, Host) and plain structs (System,
// DevConfig), and each file is rendered by a pure function in the format of
// the Linux 6.12 arm64 kernel, so the renderers are tested against
// hand-written expected text.
//
// # Wiring
//
// rootfs.Synthetic calls carry no caller, so Table.Self is the process
// whose file view the mount belongs to: sysemu makes one Proc per view.
// The view is built before the Process exists, so the Table is filled in
// afterwards:
//
//	table := &procTable{} // sysemu's Table; table.p = p once p exists
//	proc := procfs.NewProc(procfs.System{
//		KernelRelease: KernelRelease, KernelVersion: KernelVersion,
//		HWCAP: feat.HWCAP, HWCAP2: feat.HWCAP2,
//	}, table)
//	shm, _ := os.MkdirTemp("", "carrick-shm-") // then chmod 01777
//	mounts := append([]rootfs.Mount{
//		{Guest: "/proc", Synthetic: proc},
//		{Guest: "/sys", Synthetic: procfs.NewSys(proc.System())},
//		{Guest: "/dev", Synthetic: procfs.NewDev(procfs.DevConfig{})},
//		{Guest: "/dev/shm", Host: shm},
//	}, cfg.Mounts...)
//	view, err := rootfs.New(root, rootfs.Options{Mounts: mounts})
//
// The process's mount table for mounts and mountinfo comes from the view:
// Process.Mounts returns MountsFromView(view).
//
// # Reads, writes and positions
//
// A file's contents are rendered when it is opened and every ReadAt of that
// open file reads the same snapshot, at the offset the caller keeps (sysemu's
// osFile position), so a guest reading /proc/self/maps in small pieces sees
// one consistent text. Devices ignore the offset. Writes follow Linux per
// file: procfs files without a write method accept an open for writing by a
// caller with CAP_DAC_OVERRIDE and fail the write with EINVAL (EIO for the
// proc_create files such as cpuinfo); /proc/sys and /sys are read-only
// mounts, as in a container: EACCES to open a 0444 file for writing, EROFS
// for a writable one. comm is writable when the Process implements
// CommSetter.
package procfs
