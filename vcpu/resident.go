package vcpu

// runs turns per-page "has contents" answers, page by page in address
// order, into runs [lo, hi) of offsets for fn (the host files' shared part).
type runs struct {
	ps    uint64 // host page size
	fn    func(lo, hi uint64)
	start uint64
	inRun bool
}

// page records page i (0-based) as used or not.
func (r *runs) page(i uint64, used bool) {
	off := i * r.ps
	switch {
	case used && !r.inRun:
		r.start, r.inRun = off, true
	case !used && r.inRun:
		r.fn(r.start, off)
		r.inRun = false
	}
}

// end closes a run still open at page count n.
func (r *runs) end(n uint64) {
	if r.inRun {
		r.fn(r.start, n*r.ps)
		r.inRun = false
	}
}
