package vcpu

import (
	"encoding/binary"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// residentRuns reports the runs of host pages of b that have contents: a
// page is used if /proc/self/pagemap says present or swapped out (mincore
// alone would miss swapped anonymous pages), or if mincore says its page
// cache page is resident (a private file mapping not faulted in yet: a
// fork child's pages, mapped from its parent's page file). Offsets are
// relative to b.
func residentRuns(b []byte, fn func(lo, hi uint64)) error {
	f, err := os.Open("/proc/self/pagemap")
	if err != nil {
		return err
	}
	defer f.Close()
	ps := uint64(os.Getpagesize())
	base := uint64(uintptr(unsafe.Pointer(&b[0])))
	pages := uint64(len(b)) / ps
	buf := make([]byte, 8*4096)
	vec := make([]byte, 4096)
	rs := runs{ps: ps, fn: fn}
	for done := uint64(0); done < pages; {
		n := min(pages-done, uint64(len(buf)/8))
		chunk := buf[:n*8]
		if _, err := f.ReadAt(chunk, int64((base/ps+done)*8)); err != nil {
			return err
		}
		if _, _, e := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&b[done*ps])), uintptr(n*ps), uintptr(unsafe.Pointer(&vec[0]))); e != 0 {
			return e
		}
		for i := uint64(0); i < n; i++ {
			e := binary.LittleEndian.Uint64(chunk[i*8:])
			rs.page(done+i, e&(3<<62) != 0 || vec[i]&1 != 0) // bit 63 present, bit 62 swapped
		}
		done += n
	}
	rs.end(pages)
	return nil
}
