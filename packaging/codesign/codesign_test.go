package codesign

import (
	"bytes"
	"crypto/sha256"
	"debug/macho"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	gomacho "github.com/blacktop/go-macho"
)

const testID = "dev.carrick.test"

var builds struct {
	sync.Mutex
	dir  string
	bins map[string][]byte
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builds.dir != "" {
		os.RemoveAll(builds.dir)
	}
	os.Exit(code)
}

// goBinary builds (once per goarch) a tiny darwin program with the go tool
// and returns a fresh copy of it.
func goBinary(t *testing.T, goarch string) []byte {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("the go tool is not on PATH; these tests build a real darwin binary with it")
	}
	builds.Lock()
	defer builds.Unlock()
	if b, ok := builds.bins[goarch]; ok {
		return bytes.Clone(b)
	}
	if builds.dir == "" {
		if builds.dir, err = os.MkdirTemp("", "codesign-test-"); err != nil {
			t.Fatal(err)
		}
		builds.bins = map[string][]byte{}
		src := `package main

import "fmt"

func main() { fmt.Println("hello from a signed binary") }
`
		if err := os.WriteFile(filepath.Join(builds.dir, "main.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(builds.dir, "go.mod"), []byte("module hello\n\ngo 1.21\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(builds.dir, "hello-"+goarch)
	cmd := exec.Command(goTool, "build", "-o", out, ".")
	cmd.Dir = builds.dir
	cmd.Env = append(os.Environ(), "GOOS=darwin", "GOARCH="+goarch, "CGO_ENABLED=0", "GOWORK=off", "GOFLAGS=-mod=mod")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build for darwin/%s: %v\n%s", goarch, err, msg)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	builds.bins[goarch] = b
	return bytes.Clone(b)
}

func shippedEntitlements(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("../macos/carrick.entitlements")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// codeSigCmd finds LC_CODE_SIGNATURE with debug/macho.
func codeSigCmd(t *testing.T, f *macho.File) (dataoff, datasize uint32) {
	t.Helper()
	n := 0
	for _, l := range f.Loads {
		raw := l.Raw()
		if f.ByteOrder.Uint32(raw) == lcCodeSignature {
			n++
			dataoff, datasize = f.ByteOrder.Uint32(raw[8:]), f.ByteOrder.Uint32(raw[12:])
		}
	}
	if n != 1 {
		t.Fatalf("%d LC_CODE_SIGNATURE commands, want 1", n)
	}
	return
}

// rawBlob is a code signing blob built here from Apple's layout rather
// than with the package's helper.
func rawBlob(magic uint32, payload []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, magic)
	b = binary.BigEndian.AppendUint32(b, uint32(8+len(payload)))
	return append(b, payload...)
}

func TestSignGoBinary(t *testing.T) {
	in := goBinary(t, "arm64")
	ents := shippedEntitlements(t)
	out, err := Sign(in, Options{Identifier: testID, Entitlements: ents})
	if err != nil {
		t.Fatal(err)
	}

	// Load commands and segments, read by the standard library.
	f, err := macho.NewFile(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if f.Cpu != macho.CpuArm64 || f.Type != macho.TypeExec {
		t.Errorf("cpu %v type %v, want arm64 executable", f.Cpu, f.Type)
	}
	fin, err := macho.NewFile(bytes.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if f.Ncmd != fin.Ncmd || f.Cmdsz != fin.Cmdsz {
		t.Errorf("load commands %d/%d bytes, input had %d/%d: the old LC_CODE_SIGNATURE must be reused", f.Ncmd, f.Cmdsz, fin.Ncmd, fin.Cmdsz)
	}
	dataoff, datasize := codeSigCmd(t, f)
	if int(dataoff)+int(datasize) != len(out) {
		t.Errorf("dataoff %#x + datasize %#x != file size %#x", dataoff, datasize, len(out))
	}
	if dataoff%16 != 0 || datasize%16 != 0 {
		t.Errorf("signature [%#x,+%#x) not 16-byte aligned", dataoff, datasize)
	}
	oldOff, _ := codeSigCmd(t, fin)
	if dataoff != oldOff || !bytes.Equal(out[:0x20], in[:0x20]) {
		t.Errorf("signature moved from %#x to %#x, or the header changed", oldOff, dataoff)
	}
	lk := f.Segment("__LINKEDIT")
	if lk.Offset > uint64(dataoff) || lk.Offset+lk.Filesz != uint64(len(out)) || lk.Memsz < lk.Filesz {
		t.Errorf("__LINKEDIT off %#x filesz %#x memsz %#x does not cover the signature [%#x,%#x)", lk.Offset, lk.Filesz, lk.Memsz, dataoff, len(out))
	}
	text := f.Segment("__TEXT")

	// The signature, read by go-macho's parser.
	gf, err := gomacho.NewFile(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	cs := gf.CodeSignature()
	if cs == nil {
		t.Fatal("go-macho finds no code signature")
	}
	if len(cs.Errors) > 0 || len(cs.CodeDirectories) != 1 {
		t.Fatalf("go-macho: errors %v, %d code directories", cs.Errors, len(cs.CodeDirectories))
	}
	cd := cs.CodeDirectories[0]
	h := cd.Header
	if cd.ID != testID {
		t.Errorf("identifier %q, want %q", cd.ID, testID)
	}
	if uint32(h.Version) != 0x20400 || uint32(h.Flags) != 0x2 || uint8(h.HashType) != 2 || h.HashSize != 32 || h.PageSize != 12 || uint8(h.Platform) != 0 {
		t.Errorf("CodeDirectory version %#x flags %#x hash type %d size %d page 2^%d platform %d; want 0x20400, 0x2 (adhoc only), SHA-256, 32, 2^12, 0",
			uint32(h.Version), uint32(h.Flags), h.HashType, h.HashSize, h.PageSize, h.Platform)
	}
	if h.CodeLimit != dataoff || cd.CodeLimit != uint64(dataoff) {
		t.Errorf("code limit %#x, want the signature offset %#x", h.CodeLimit, dataoff)
	}
	if h.ExecSegBase != text.Offset || h.ExecSegLimit != text.Filesz || uint64(h.ExecSegFlags) != 1 {
		t.Errorf("exec segment %#x+%#x flags %#x, want __TEXT %#x+%#x, main binary", h.ExecSegBase, h.ExecSegLimit, uint64(h.ExecSegFlags), text.Offset, text.Filesz)
	}

	// Every page hash.
	const page = 4096
	wantPages := (int(dataoff) + page - 1) / page
	if len(cd.CodeSlots) != wantPages || int(h.NCodeSlots) != wantPages {
		t.Fatalf("%d code slots, want %d", len(cd.CodeSlots), wantPages)
	}
	for i, s := range cd.CodeSlots {
		sum := sha256.Sum256(out[i*page : min((i+1)*page, int(dataoff))])
		if !bytes.Equal(s.Hash, sum[:]) {
			t.Fatalf("page %d hash %x, want %x", i, s.Hash, sum)
		}
	}

	// Entitlements round-trip, in both forms.
	if cs.Entitlements != string(ents) {
		t.Errorf("entitlements XML:\n%s\nwant:\n%s", cs.Entitlements, ents)
	}
	wantDER := unhex(t, `70 29 02 01 01 b0 24 30 22 0c 1d 'com.apple.security.hypervisor' 01 01 ff`)
	if !bytes.Equal(cs.EntitlementsDER, wantDER) {
		t.Errorf("DER entitlements %x, want %x", cs.EntitlementsDER, wantDER)
	}
	if len(cs.Requirements) != 0 || len(cs.CMSSignature) != 0 {
		t.Errorf("requirements %v, CMS %x; want both empty", cs.Requirements, cs.CMSSignature)
	}

	// Special slots hold the hashes of the blobs; unused ones are zero.
	emptyReqs := sha256.Sum256(rawBlob(0xfade0c01, []byte{0, 0, 0, 0}))
	// The empty requirement set's hash as rcodesign prints it for
	// codesign-compatible ad-hoc signatures.
	if hex.EncodeToString(emptyReqs[:]) != "987920904eab650e75788c054aa0b0524e6a80bfc71aa32df8d237a61743f986" {
		t.Errorf("empty requirements blob hash %x", emptyReqs)
	}
	entHash := sha256.Sum256(rawBlob(0xfade7171, ents))
	derHash := sha256.Sum256(rawBlob(0xfade7172, wantDER))
	want := map[uint32][]byte{
		1: make([]byte, 32), 2: emptyReqs[:], 3: make([]byte, 32), 4: make([]byte, 32),
		5: entHash[:], 6: make([]byte, 32), 7: derHash[:],
	}
	if h.NSpecialSlots != 7 || len(cd.SpecialSlots) != 7 {
		t.Fatalf("%d special slots, want 7", h.NSpecialSlots)
	}
	for _, s := range cd.SpecialSlots {
		if !bytes.Equal(s.Hash, want[s.Index]) {
			t.Errorf("special slot %d = %x, want %x", s.Index, s.Hash, want[s.Index])
		}
	}

	// Verify agrees with go-macho.
	sig, err := Verify(out)
	if err != nil {
		t.Fatal(err)
	}
	if sig.Identifier != testID || sig.Flags != FlagAdhoc || !bytes.Equal(sig.Entitlements, ents) || !bytes.Equal(sig.EntitlementsDER, wantDER) {
		t.Errorf("Verify = %+v", sig)
	}
	if hex.EncodeToString(sig.CDHash[:]) != cd.CDHash {
		t.Errorf("CDHash %x, go-macho says %s", sig.CDHash, cd.CDHash)
	}
}

func TestSignIsIdempotent(t *testing.T) {
	in := goBinary(t, "arm64")
	opts := Options{Identifier: testID, Entitlements: shippedEntitlements(t)}
	once, err := Sign(in, opts)
	if err != nil {
		t.Fatal(err)
	}
	twice, err := Sign(once, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(once, twice) {
		t.Error("signing a signed binary again changed it")
	}
	again, err := Sign(in, opts)
	if err != nil || !bytes.Equal(once, again) {
		t.Errorf("signing is not deterministic (err %v)", err)
	}
	// Re-signing with other options replaces, rather than stacks, the
	// signature.
	plain, err := Sign(once, Options{Identifier: "other"})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := Verify(plain)
	if err != nil {
		t.Fatal(err)
	}
	if sig.Identifier != "other" || sig.Entitlements != nil || sig.SpecialSlots != 2 || len(plain) >= len(once) {
		t.Errorf("re-signed without entitlements: %+v, %d bytes (was %d)", sig, len(plain), len(once))
	}
}

// Go's own linker signature is one macOS runs; Verify must accept it.
func TestVerifyGoLinkerSignature(t *testing.T) {
	sig, err := Verify(goBinary(t, "arm64"))
	if err != nil {
		t.Fatal(err)
	}
	if sig.Flags != FlagAdhoc|FlagLinkerSigned || sig.Entitlements != nil || sig.Identifier != "a.out" {
		t.Errorf("Go linker signature: %+v", sig)
	}
}

func TestVerifyDetectsTampering(t *testing.T) {
	signed, err := Sign(goBinary(t, "arm64"), Options{Identifier: testID, Entitlements: shippedEntitlements(t)})
	if err != nil {
		t.Fatal(err)
	}
	f, err := macho.NewFile(bytes.NewReader(signed))
	if err != nil {
		t.Fatal(err)
	}
	text := f.Section("__text")
	codeLimit, _ := codeSigCmd(t, f)
	page3 := sha256.Sum256(signed[3*4096 : 4*4096])
	entOff := bytes.Index(signed, []byte("com.apple.security.hypervisor</key>"))
	tests := []struct {
		name string
		off  int
		want string
	}{
		{"__text byte", int(text.Offset) + int(text.Size)/2, "hash mismatch"},
		{"Mach-O header", 0x18, "hash mismatch"},
		{"entitlements XML", entOff, "special slot 5"},
		{"last code byte", int(codeLimit) - 1, "hash mismatch"},
		{"page 3's hash in the CodeDirectory", int(codeLimit) + bytes.Index(signed[codeLimit:], page3[:]), "page 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := bytes.Clone(signed)
			b[tt.off] ^= 0x01
			_, err := Verify(b)
			if err == nil {
				t.Fatalf("Verify accepted a flipped byte at %#x", tt.off)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			t.Log(err)
		})
	}
}

func fatBinary(thin []byte) []byte {
	be := binary.BigEndian
	b := be.AppendUint32(nil, 0xcafebabe)
	b = be.AppendUint32(b, 1)
	b = be.AppendUint32(b, 0x0100000c) // arm64
	b = be.AppendUint32(b, 0)
	b = be.AppendUint32(b, 0x4000)
	b = be.AppendUint32(b, uint32(len(thin)))
	b = be.AppendUint32(b, 14)
	b = append(b, make([]byte, 0x4000-len(b))...)
	return append(b, thin...)
}

func TestBadInputs(t *testing.T) {
	arm := goBinary(t, "arm64")
	var x86 []byte
	if testing.Short() {
		x86 = bytes.Clone(arm)
		binary.LittleEndian.PutUint32(x86[4:], 0x01000007)
	} else {
		x86 = goBinary(t, "amd64")
	}
	b32 := bytes.Clone(arm[:64])
	binary.LittleEndian.PutUint32(b32, 0xfeedface)
	tests := []struct {
		name string
		in   []byte
		want error
		msg  string
	}{
		{"empty", nil, ErrNotMachO, ""},
		{"text file", []byte("#!/bin/sh\necho hi\n"), ErrNotMachO, "magic"},
		{"ELF", append([]byte("\x7fELF"), make([]byte, 60)...), ErrNotMachO, "magic"},
		{"fat", fatBinary(arm), ErrFat, "lipo"},
		{"x86_64", x86, ErrUnsupported, "x86_64"},
		{"32-bit", b32, ErrUnsupported, "32-bit"},
		{"header only", arm[:32], ErrMalformed, "load commands"},
		{"truncated header", arm[:20], ErrMalformed, "truncated"},
		{"truncated in load commands", arm[:1000], ErrMalformed, "load commands"},
		{"truncated in __TEXT", arm[:len(arm)/3], ErrMalformed, "past the end"},
		{"truncated in signature", arm[:len(arm)-100], ErrMalformed, "past the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := Sign(tt.in, Options{Identifier: testID, Entitlements: shippedEntitlements(t)})
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.msg) || out != nil {
				t.Errorf("Sign: %v; want %v mentioning %q", err, tt.want, tt.msg)
			}
			if _, err := Verify(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("Verify: %v; want %v", err, tt.want)
			}
			t.Log(err)
		})
	}

	// Bad options.
	for _, o := range []Options{
		{Identifier: ""},
		{Identifier: "a\x00b"},
		{Identifier: "x", PageSize: 3000},
		{Identifier: "x", Entitlements: []byte("<plist><array/></plist>")},
	} {
		if _, err := Sign(arm, o); err == nil {
			t.Errorf("Sign accepted options %+v", o)
		}
	}
}

// Corrupting the header or a signature anywhere must give an error or a
// valid result, never a panic.
func TestNoPanicOnCorruption(t *testing.T) {
	signed, err := Sign(goBinary(t, "arm64"), Options{Identifier: testID, Entitlements: shippedEntitlements(t)})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := Verify(signed)
	if err != nil {
		t.Fatal(err)
	}
	// Every byte of the header and load commands, and of the signature's
	// SuperBlob index and CodeDirectory header; a sample of the rest.
	// Sign re-hashes the whole file, so it runs on a sparser sample.
	var offs []int
	for i := 0; i < 0x1000; i++ {
		offs = append(offs, i)
	}
	for i := 0; i < int(sig.Size); i++ {
		if i < 0x200 || i%61 == 0 {
			offs = append(offs, int(sig.Offset)+i)
		}
	}
	ents := shippedEntitlements(t)
	b := bytes.Clone(signed) // mutated in place, one byte at a time
	for _, off := range offs {
		for _, v := range []byte{0x00, 0xff, 0x80} {
			if signed[off] == v {
				continue
			}
			b[off] = v
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("byte %#x set to %#x: panic: %v", off, v, r)
					}
				}()
				Verify(b)
				if off%64 == 0 {
					Sign(b, Options{Identifier: testID, Entitlements: ents})
				}
			}()
			b[off] = signed[off]
		}
	}
}

// stripSignature removes LC_CODE_SIGNATURE (the last load command in Go's
// output) and the signature, as an external linker that does not sign
// would leave the file.
func stripSignature(t *testing.T, b []byte) []byte {
	t.Helper()
	f, err := macho.NewFile(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	dataoff, _ := codeSigCmd(t, f)
	last := f.Loads[len(f.Loads)-1].Raw()
	if binary.LittleEndian.Uint32(last) != lcCodeSignature {
		t.Skip("LC_CODE_SIGNATURE is not the last load command")
	}
	out := bytes.Clone(b[:dataoff])
	cmdOff := 32 + int(f.Cmdsz) - 16
	clear(out[cmdOff : cmdOff+16])
	binary.LittleEndian.PutUint32(out[16:], f.Ncmd-1)
	binary.LittleEndian.PutUint32(out[20:], f.Cmdsz-16)
	off := 32
	for _, l := range f.Loads {
		if s, ok := l.(*macho.Segment); ok && s.Name == "__LINKEDIT" {
			binary.LittleEndian.PutUint64(out[off+48:], uint64(dataoff)-s.Offset)
		}
		off += len(l.Raw())
	}
	return out
}

func TestSignUnsignedBinary(t *testing.T) {
	unsigned := stripSignature(t, goBinary(t, "arm64"))
	if _, err := Verify(unsigned); !errors.Is(err, ErrNotSigned) {
		t.Fatalf("Verify(unsigned) = %v, want ErrNotSigned", err)
	}
	out, err := Sign(unsigned, Options{Identifier: testID, Entitlements: shippedEntitlements(t)})
	if err != nil {
		t.Fatal(err)
	}
	f, err := macho.NewFile(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	fu, _ := macho.NewFile(bytes.NewReader(unsigned))
	if f.Ncmd != fu.Ncmd+1 || f.Cmdsz != fu.Cmdsz+16 {
		t.Errorf("ncmds %d sizeofcmds %d, want %d %d", f.Ncmd, f.Cmdsz, fu.Ncmd+1, fu.Cmdsz+16)
	}
	dataoff, datasize := codeSigCmd(t, f)
	if int(dataoff) != len(unsigned) || int(dataoff+datasize) != len(out) {
		t.Errorf("signature at [%#x,+%#x), unsigned file was %#x bytes", dataoff, datasize, len(unsigned))
	}
	gf, err := gomacho.NewFile(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if cs := gf.CodeSignature(); cs == nil || len(cs.CodeDirectories) != 1 || cs.CodeDirectories[0].ID != testID {
		t.Errorf("go-macho reads no signature with our identifier")
	}
}

// Entitlements under a linker-signed CodeDirectory are ignored by macOS,
// so Verify must refuse them.
func TestVerifyRejectsLinkerSignedEntitlements(t *testing.T) {
	signed, err := Sign(goBinary(t, "arm64"), Options{Identifier: testID, Entitlements: shippedEntitlements(t)})
	if err != nil {
		t.Fatal(err)
	}
	sig, err := Verify(signed)
	if err != nil {
		t.Fatal(err)
	}
	// The CodeDirectory is the first blob; its flags are not hashed.
	cdOff := int(sig.Offset) + int(binary.BigEndian.Uint32(signed[sig.Offset+16:]))
	if binary.BigEndian.Uint32(signed[cdOff:]) != 0xfade0c02 {
		t.Fatal("first blob is not the CodeDirectory")
	}
	binary.BigEndian.PutUint32(signed[cdOff+12:], 0x20002)
	if _, err := Verify(signed); !errors.Is(err, ErrBadSig) || !strings.Contains(err.Error(), "linker-signed") {
		t.Errorf("Verify = %v, want a linker-signed error", err)
	}
}
