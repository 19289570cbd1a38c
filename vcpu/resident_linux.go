package vcpu

import (
	"encoding/binary"
	"os"
	"unsafe"
)

// residentRuns reports the runs of host pages of b that are present or
// swapped out, from /proc/self/pagemap (mincore would miss swapped pages,
// whose contents a fork must still copy). Offsets are relative to b.
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
	runStart, inRun := uint64(0), false
	for done := uint64(0); done < pages; {
		n := min(pages-done, uint64(len(buf)/8))
		chunk := buf[:n*8]
		if _, err := f.ReadAt(chunk, int64((base/ps+done)*8)); err != nil {
			return err
		}
		for i := uint64(0); i < n; i++ {
			e := binary.LittleEndian.Uint64(chunk[i*8:])
			used := e&(3<<62) != 0 // bit 63 present, bit 62 swapped
			off := (done + i) * ps
			if used && !inRun {
				runStart, inRun = off, true
			} else if !used && inRun {
				fn(runStart, off)
				inRun = false
			}
		}
		done += n
	}
	if inRun {
		fn(runStart, pages*ps)
	}
	return nil
}
