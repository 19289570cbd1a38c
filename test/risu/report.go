package risu

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/arch/arm64/arm64asm"
)

// Diff is one differing item of a case's output.
type Diff struct {
	What        string // "x3", "nzcv", "v7", "fpsr", "scratch[0x10..0x17]"
	Want, Got   string // oracle (qemu) value, target value
	Explanation string // e.g. which flags differ
}

// Compare returns the differences between the oracle output want and the
// target output got for one case (both OutSize bytes).
func Compare(want, got []byte) []Diff {
	var d []Diff
	ws, gs := decodeState(want), decodeState(got)
	for i := range ws.X {
		if ws.X[i] != gs.X[i] {
			d = append(d, Diff{What: fmt.Sprintf("x%d", i), Want: hex64(ws.X[i]), Got: hex64(gs.X[i])})
		}
	}
	if ws.SP != gs.SP {
		d = append(d, Diff{What: "sp", Want: hex64(ws.SP), Got: hex64(gs.SP)})
	}
	if ws.NZCV != gs.NZCV {
		d = append(d, Diff{What: "nzcv", Want: nzcvString(ws.NZCV), Got: nzcvString(gs.NZCV)})
	}
	if ws.FPCR != gs.FPCR {
		d = append(d, Diff{What: "fpcr", Want: hex64(ws.FPCR), Got: hex64(gs.FPCR),
			Explanation: bitNames(ws.FPCR^gs.FPCR, fpcrBits)})
	}
	if ws.FPSR != gs.FPSR {
		d = append(d, Diff{What: "fpsr", Want: fpsrString(ws.FPSR), Got: fpsrString(gs.FPSR),
			Explanation: "differs in " + bitNames(ws.FPSR^gs.FPSR, fpsrBits)})
	}
	for i := range ws.V {
		if ws.V[i] != gs.V[i] {
			d = append(d, Diff{What: fmt.Sprintf("v%d", i), Want: hex128(ws.V[i]), Got: hex128(gs.V[i])})
		}
	}
	wm, gm := want[RecordSize:], got[RecordSize:]
	for i := 0; i < len(wm); i++ {
		if wm[i] == gm[i] {
			continue
		}
		j := i
		for j+1 < len(wm) && j+1-i < 16 && (wm[j+1] != gm[j+1] || (j+2 < len(wm) && wm[j+2] != gm[j+2])) {
			j++
		}
		d = append(d, Diff{What: fmt.Sprintf("mem[%#x..%#x]", ScratchBase+i, ScratchBase+j),
			Want: fmt.Sprintf("% x", wm[i:j+1]), Got: fmt.Sprintf("% x", gm[i:j+1])})
		i = j
	}
	return d
}

func hex64(v uint64) string     { return fmt.Sprintf("0x%016x", v) }
func hex128(v [2]uint64) string { return fmt.Sprintf("%016x:%016x", v[1], v[0]) }

func nzcvString(v uint64) string {
	s := []byte("nzcv")
	for i := range 4 {
		if v>>(31-i)&1 == 1 {
			s[i] -= 'a' - 'A'
		}
	}
	if v&^0xf0000000 != 0 {
		return fmt.Sprintf("%s (+%#x)", s, v&^0xf0000000)
	}
	return string(s)
}

var fpsrBits = map[int]string{0: "IOC", 1: "DZC", 2: "OFC", 3: "UFC", 4: "IXC", 7: "IDC", 27: "QC"}
var fpcrBits = map[int]string{8: "IOE", 9: "DZE", 10: "OFE", 11: "UFE", 12: "IXE", 15: "IDE",
	19: "FZ16", 22: "RMode0", 23: "RMode1", 24: "FZ", 25: "DN", 26: "AHP"}

func bitNames(v uint64, names map[int]string) string {
	var s []string
	for i := range 64 {
		if v>>i&1 == 1 {
			if n, ok := names[i]; ok {
				s = append(s, n)
			} else {
				s = append(s, fmt.Sprintf("bit%d", i))
			}
		}
	}
	return strings.Join(s, ",")
}

func fpsrString(v uint64) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%#x (%s)", v, bitNames(v, fpsrBits))
}

// Disassemble returns one line per word (GNU syntax, words at addr on),
// from aarch64-linux-gnu-objdump, or from arm64asm where objdump is missing
// or fails; "?" if neither decodes the word.
func Disassemble(words []uint32, addr uint64) []string {
	out := make([]string, len(words))
	lines := objdumpWords(words, addr)
	for i, w := range words {
		if s, ok := lines[i]; ok {
			out[i] = s
			continue
		}
		var b [4]byte
		binary.LittleEndian.PutUint32(b[:], w)
		if inst, err := arm64asm.Decode(b[:]); err == nil {
			out[i] = arm64asm.GNUSyntax(inst)
		} else {
			out[i] = "?"
		}
	}
	return out
}

var objdumpLine = regexp.MustCompile(`^\s*([0-9a-f]+):\s+[0-9a-f]{8}\s+(.*)$`)

// objdumpWords disassembles words (placed at addr) with
// aarch64-linux-gnu-objdump; it maps word index to text and returns nil if
// objdump is unavailable.
func objdumpWords(words []uint32, addr uint64) map[int]string {
	objdump, err := exec.LookPath("aarch64-linux-gnu-objdump")
	if err != nil {
		return nil
	}
	dir, err := os.MkdirTemp("", "risu-objdump")
	if err != nil {
		return nil
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "words.bin")
	var buf []byte
	for _, w := range words {
		buf = binary.LittleEndian.AppendUint32(buf, w)
	}
	if os.WriteFile(bin, buf, 0o644) != nil {
		return nil
	}
	out, err := exec.Command(objdump, "-D", "-b", "binary", "-m", "aarch64",
		fmt.Sprintf("--adjust-vma=%#x", addr), bin).Output()
	if err != nil {
		return nil
	}
	m := map[int]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if sub := objdumpLine.FindStringSubmatch(sc.Text()); sub != nil {
			a, _ := strconv.ParseUint(sub[1], 16, 64)
			text := strings.Join(strings.Fields(sub[2]), " ")
			if i := strings.Index(text, " //"); i >= 0 { // drop "// #imm" comments
				text = text[:i]
			}
			m[int((a-addr)/4)] = text
		}
	}
	return m
}

var regRef = regexp.MustCompile(`(?i)\b(?:([wx])([0-9]+)|(w?sp)|([bhsdqv])([0-9]+))\b`)

// regsInvolved lists the registers the disassembly mentions, as "xN" (for
// W and X names), "sp" and "vN", in order of first appearance.
func regsInvolved(lines []string) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, l := range lines {
		for _, m := range regRef.FindAllStringSubmatch(l, -1) {
			switch {
			case m[1] != "":
				if n, _ := strconv.Atoi(m[2]); n < 31 {
					add("x" + m[2])
				}
			case m[3] != "":
				add("sp")
			case m[4] != "":
				if n, _ := strconv.Atoi(m[5]); n < 32 {
					add("v" + m[5])
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i][0] > out[j][0] }) // x.., sp, v..
	return out
}

// FormatCase describes a case: its instructions with disassembly and the
// initial values of the registers involved.
func FormatCase(c *Case) string {
	var b strings.Builder
	words := make([]uint32, len(c.Seq))
	for i, in := range c.Seq {
		words[i] = in.Word
	}
	start := uint64(CodeBase + 4*SeqStart())
	dis := Disassemble(words, start)
	for i, in := range c.Seq {
		name := "setup"
		if in.Pattern != nil {
			name = in.Pattern.Name
		}
		fmt.Fprintf(&b, "    %#x: %08x  %-40s [%s]\n", start+uint64(4*i), in.Word, dis[i], name)
	}
	var init []string
	for _, r := range regsInvolved(dis) {
		switch {
		case r == "sp":
			init = append(init, "sp="+hex64(c.In.SP))
		case r[0] == 'x':
			n, _ := strconv.Atoi(r[1:])
			init = append(init, fmt.Sprintf("%s=%s", r, hex64(c.In.X[n])))
		case r[0] == 'v':
			n, _ := strconv.Atoi(r[1:])
			init = append(init, fmt.Sprintf("%s=%s", r, hex128(c.In.V[n])))
		}
	}
	init = append(init, "nzcv="+nzcvString(c.In.NZCV))
	if c.In.FPCR != 0 {
		init = append(init, "fpcr="+hex64(c.In.FPCR))
	}
	fmt.Fprintf(&b, "    initial: %s\n", strings.Join(init, " "))
	return b.String()
}

// FormatDiffs formats differences as "what: qemu X, interp Y" lines.
func FormatDiffs(d []Diff, wantName, gotName string) string {
	var b strings.Builder
	for i, x := range d {
		if i == 24 {
			fmt.Fprintf(&b, "      ... %d more\n", len(d)-i)
			break
		}
		fmt.Fprintf(&b, "      %-22s %s %s, %s %s", x.What+":", wantName, x.Want, gotName, x.Got)
		if x.Explanation != "" {
			fmt.Fprintf(&b, " (%s)", x.Explanation)
		}
		b.WriteString("\n")
	}
	return b.String()
}
