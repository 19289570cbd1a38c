package risu

// Fixed guest addresses and record layout, shared with runner.S (keep the
// .equ lines there in sync; TestRunnerLayout checks them).
const (
	IOBase      = 0x10000000 // rw, 64 KiB: header, input and output records
	HeaderAddr  = IOBase     // 16-byte case header
	StateInAddr = IOBase + 0x1000
	StateOut    = IOBase + 0x2000
	CodeBase    = 0x20000000 // rwx, 64 KiB: the generated block runs here
	CodeMax     = 0x4000     // largest block, bytes
	ScratchBase = 0x30000000 // rw, 64 KiB mapped
	ScratchSize = 0x2000     // bytes initialised per case and compared

	// Memory operands (Pattern.Mem): base = ScratchBase + MemBaseOff + a
	// 16-aligned offset in [-MemBaseJitter, +MemBaseJitter]; accesses must
	// stay in [base-MemReach, base+MemReach).
	MemBaseOff    = 0x1000
	MemBaseJitter = 0x400
	MemReach      = 0xc00
	MaxIndex      = 64 // Pattern.Index: index register in [0, MaxIndex)

	// InitialSP is in the scratch block at MemBaseOff±MemBaseJitter too.

	HeaderMagic = 0x55534952 // "RISU"
	HeaderSize  = 16         // magic u32, code length u32, case index u64
	RecordSize  = 1024       // state record
	OutSize     = RecordSize + ScratchSize
)

// State record layout (input and output), little endian.
const (
	offX     = 0   // X0..X30, 8 bytes each
	offSP    = 248 // SP
	offNZCV  = 256 // NZCV as read by MRS (bits 31:28)
	offFPCR  = 264
	offFPSR  = 272
	offMagic = 496 // output only: HeaderMagic, written by the runner
	offIndex = 504 // output only: the case index from the header
	offV     = 512 // V0..V31, 16 bytes each
)
