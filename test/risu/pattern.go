// Package risu is an instruction-level differential test harness in the
// style of risu: it runs short random instruction sequences, generated from
// encoding patterns, both under qemu-aarch64-static (the oracle) and under
// carrick's interpreter, and compares the complete register state and a
// scratch memory block afterwards. See README.md.
package risu

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
)

// Pattern describes one instruction form to generate at random.
type Pattern struct {
	// Name is a unique human-readable name, e.g. "ADD (shifted register)".
	// It is what -risu.pattern / RISU_PATTERN match against.
	Name string
	// Class groups patterns into subtests: "int", "branch", "loadstore",
	// "simd", "fp", ... Instructions of one case are all of one class.
	Class string
	// Enc is the encoding, 32 characters, bit 31 first. '0' and '1' are
	// fixed bits, any other character is a random bit (use letters naming
	// the fields for readability: "x0001011ss0mmmmmiiiiiinnnnnddddd").
	// Spaces and underscores are ignored, so "x0001011 ss0 mmmmm ..." works.
	Enc string
	// Check, if set, rejects generated words that are unallocated,
	// UNPREDICTABLE or otherwise unsuitable; the generator draws again.
	Check func(w uint32) bool
	// Mem: the instruction accesses memory through Rn (bits 9:5). The
	// harness sets Rn to a random 16-byte aligned address
	// ScratchBase+MemBaseOff±MemBaseJitter right before the instruction (Rn
	// = 31: it resets SP the same way). The encoding must keep every access
	// within [-MemReach, +MemReach) bytes of that base (restrict immediate
	// fields with fixed bits or Check).
	Mem bool
	// Index (with Mem): Rm (bits 20:16) is an index register; the harness
	// sets it to a random value in [0, MaxIndex) right before the
	// instruction. Encodings with Rm == Rn are skipped.
	Index bool
	// FPCR: randomise FPCR (RMode, FZ, DN) for cases using this pattern.
	// Otherwise the case starts with FPCR = 0.
	FPCR bool
	// Gen, if set, turns the generated word into the sequence to place in
	// the block, e.g. to set up registers, pad after a branch, or build
	// targeted sequences such as LDXR+STXR. Gen may modify the word (e.g.
	// its offset field); the first word of the sequence that has the
	// pattern's fixed bits counts as the pattern's instruction, and there
	// must be one. The harness still inserts the Mem/Index setup (for the
	// original word's Rn/Rm) before the sequence.
	// Every branch must land on an instruction of the returned sequence or
	// just after its end.
	Gen func(r *rand.Rand, w uint32) []uint32

	fixedMask, fixedBits uint32
}

var registry []*Pattern

// Register adds patterns to the registry. Call it from init() in a
// patterns_<class>.go file. It panics on a malformed pattern.
func Register(ps ...Pattern) {
	for _, p := range ps {
		p := p
		if err := p.compile(); err != nil {
			panic(fmt.Sprintf("risu: pattern %q: %v", p.Name, err))
		}
		for _, q := range registry {
			if q.Name == p.Name {
				panic(fmt.Sprintf("risu: pattern %q registered twice", p.Name))
			}
		}
		registry = append(registry, &p)
	}
}

func (p *Pattern) compile() error {
	enc := strings.NewReplacer(" ", "", "_", "").Replace(p.Enc)
	if len(enc) != 32 {
		return fmt.Errorf("Enc has %d bits, want 32", len(enc))
	}
	if p.Name == "" || p.Class == "" {
		return fmt.Errorf("Name and Class are required")
	}
	if p.Index && !p.Mem {
		return fmt.Errorf("Index needs Mem")
	}
	p.fixedMask, p.fixedBits = 0, 0
	for i := 0; i < 32; i++ {
		bit := uint32(1) << (31 - i)
		switch enc[i] {
		case '0':
			p.fixedMask |= bit
		case '1':
			p.fixedMask |= bit
			p.fixedBits |= bit
		}
	}
	return nil
}

// Matches reports whether w has the pattern's fixed bits (Check not applied).
func (p *Pattern) Matches(w uint32) bool { return w&p.fixedMask == p.fixedBits }

// random draws a word matching the pattern and accepted by Check. It gives
// up after many rejections (a pattern bug) and reports false.
func (p *Pattern) random(r *rand.Rand) (uint32, bool) {
	for range 10000 {
		w := r.Uint32()&^p.fixedMask | p.fixedBits
		if p.Check != nil && !p.Check(w) {
			continue
		}
		if p.Index && fld(w, 16, 5) == fld(w, 5, 5) {
			continue
		}
		return w, true
	}
	return 0, false
}

// Patterns returns the registered patterns of class (all if class is ""),
// sorted by name.
func Patterns(class string) []*Pattern {
	var out []*Pattern
	for _, p := range registry {
		if class == "" || p.Class == class {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Classes returns the registered classes, sorted.
func Classes() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range registry {
		if !seen[p.Class] {
			seen[p.Class] = true
			out = append(out, p.Class)
		}
	}
	sort.Strings(out)
	return out
}

// fld extracts w[lo+width-1:lo].
func fld(w uint32, lo, width uint) uint32 { return w >> lo & (1<<width - 1) }

// setFld returns w with w[lo+width-1:lo] replaced by v.
func setFld(w uint32, lo, width uint, v uint32) uint32 {
	m := uint32(1<<width-1) << lo
	return w&^m | v<<lo&m
}
