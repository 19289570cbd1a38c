package interp

// decodeLoadStore decodes the loads-and-stores class (op0 = x1x0).
func decodeLoadStore(raw uint32, pc uint64, in *Inst) bool {
	return false
}
