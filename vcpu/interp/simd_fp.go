package interp

func decodeFPThreeSame(raw uint32, in *Inst, scalar bool) bool { return false }
func decodeFPTwoMisc(raw uint32, in *Inst, scalar bool) bool   { return false }
func decodeFPAcross(raw uint32, in *Inst) bool                 { return false }
func decodeFPPairScalar(raw uint32, in *Inst) bool             { return false }
func decodeFPFixedVec(raw uint32, in *Inst, scalar bool) bool  { return false }
func decodeFPElem(raw uint32, in *Inst, scalar bool) bool      { return false }
