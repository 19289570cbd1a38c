package vcpu

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// residentRuns reports the runs of host pages of b that the process has
// touched: any mincore state bit (in core, referenced, paged out, …) means
// the page has contents a fork must copy. Offsets are relative to b.
func residentRuns(b []byte, fn func(lo, hi uint64)) error {
	ps := uint64(os.Getpagesize())
	pages := uint64(len(b)) / ps
	vec := make([]byte, min(pages, 1<<16))
	rs := runs{ps: ps, fn: fn}
	for done := uint64(0); done < pages; {
		n := min(pages-done, uint64(len(vec)))
		chunk := unsafe.Slice((*byte)(unsafe.Add(unsafe.Pointer(&b[0]), done*ps)), n*ps)
		// x/sys/unix has no Mincore wrapper for darwin.
		if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&chunk[0])), uintptr(len(chunk)), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
			return e
		}
		for i := uint64(0); i < n; i++ {
			rs.page(done+i, vec[i] != 0)
		}
		done += n
	}
	rs.end(pages)
	return nil
}
