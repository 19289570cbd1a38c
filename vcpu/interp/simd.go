package interp

// decodeSIMD decodes AdvSIMD and crypto instructions.
func decodeSIMD(raw uint32, in *Inst) bool {
	return false
}
