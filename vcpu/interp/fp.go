package interp

// decodeFP decodes scalar floating-point instructions.
func decodeFP(raw uint32, in *Inst) bool {
	return false
}
