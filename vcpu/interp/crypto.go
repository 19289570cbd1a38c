package interp

func decodeAES(raw uint32, in *Inst) bool     { return false }
func decodeSHA2Reg(raw uint32, in *Inst) bool { return false }
func decodeSHA3Reg(raw uint32, in *Inst) bool { return false }
func decodePmull64(raw uint32, in *Inst) bool { return false }
