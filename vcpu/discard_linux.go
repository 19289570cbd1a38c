package vcpu

import "golang.org/x/sys/unix"

// discard gives the host pages of b (whole host pages of the fixed
// backing) back to the host; they read as zeros afterwards. On shared
// memory only MADV_REMOVE frees the pages (MADV_DONTNEED would keep them).
func discard(b []byte) { unix.Madvise(b, unix.MADV_REMOVE) }
