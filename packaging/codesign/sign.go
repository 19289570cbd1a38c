// Package codesign ad-hoc signs thin arm64 Mach-O executables with
// entitlements, without Apple's tools, so that Linux can build darwin
// binaries that use Hypervisor.framework (which needs the entitlement
// com.apple.security.hypervisor).
//
// Go's linker already signs darwin/arm64 output, but "linker-signed"
// (CodeDirectory flag 0x20000) signatures cannot carry entitlements. Sign
// replaces that signature with a plain ad-hoc one of the shape Apple's
// `codesign -s - --entitlements` writes: a SuperBlob with a CodeDirectory,
// an empty requirement set, the entitlements as XML and as DER, and an
// empty CMS wrapper.
//
// Layouts and constants are from xnu's osfmk/kern/cs_blobs.h and Apple's
// <mach-o/loader.h>; Go's cmd/internal/codesign was the reference for the
// CodeDirectory 0x20400 header and page hashing.
package codesign

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
)

// Code signature constants (cs_blobs.h). The signature is big-endian.
const (
	csMagicRequirements    = 0xfade0c01
	csMagicCodeDirectory   = 0xfade0c02
	csMagicEmbeddedSig     = 0xfade0cc0
	csMagicEntitlements    = 0xfade7171
	csMagicEntitlementsDER = 0xfade7172
	csMagicBlobWrapper     = 0xfade0b01

	csSlotCodeDirectory   = 0
	csSlotInfo            = 1
	csSlotRequirements    = 2
	csSlotResourceDir     = 3
	csSlotApplication     = 4
	csSlotEntitlements    = 5
	csSlotRepSpecific     = 6
	csSlotEntitlementsDER = 7
	csSlotCMSSignature    = 0x10000

	csHashTypeSHA256 = 2
	hashSize         = sha256.Size

	// cdVersion 0x20400 is the first with the exec segment fields.
	cdVersion    = 0x20400
	cdHeaderSize = 88

	superBlobHeaderSize = 12
	blobIndexSize       = 8
	blobHeaderSize      = 8
)

// CodeDirectory flags and exec segment flags (cs_blobs.h).
const (
	FlagAdhoc        = 0x2
	FlagRuntime      = 0x10000
	FlagLinkerSigned = 0x20000

	ExecSegMainBinary = 0x1
)

// Options controls Sign.
type Options struct {
	// Identifier is the signing identifier (codesign uses the file name).
	Identifier string
	// Entitlements is an XML plist whose root is a dict; nil signs
	// without entitlements.
	Entitlements []byte
	// PageSize is the size of the hashed code pages; 0 means 4096, which
	// is what Apple's tools use on arm64 too.
	PageSize int
}

// Sign returns a copy of the Mach-O in with its code signature (if any)
// replaced by an ad-hoc signature carrying opts.Entitlements. The result
// is checked with Verify before it is returned.
func Sign(in []byte, opts Options) ([]byte, error) {
	m, err := parseMachO(in)
	if err != nil {
		return nil, err
	}
	pageSize := opts.PageSize
	if pageSize == 0 {
		pageSize = 4096
	}
	if pageSize < 512 || pageSize > 65536 || bits.OnesCount(uint(pageSize)) != 1 {
		return nil, fmt.Errorf("codesign: page size %d is not a power of two in [512, 65536]", pageSize)
	}
	if opts.Identifier == "" || bytes.IndexByte([]byte(opts.Identifier), 0) >= 0 {
		return nil, fmt.Errorf("codesign: identifier %q must be non-empty without NUL bytes", opts.Identifier)
	}

	// The special blobs, each hashed into its slot.
	special := map[uint32][]byte{
		csSlotRequirements: blob(csMagicRequirements, []byte{0, 0, 0, 0}), // count 0
	}
	if opts.Entitlements != nil {
		der, err := EncodeDER(opts.Entitlements)
		if err != nil {
			return nil, err
		}
		special[csSlotEntitlements] = blob(csMagicEntitlements, opts.Entitlements)
		special[csSlotEntitlementsDER] = blob(csMagicEntitlementsDER, der)
	}
	nSpecial := uint32(0)
	for slot := range special {
		nSpecial = max(nSpecial, slot)
	}

	// The code ends where the signature starts: at the old signature, or
	// at the end of __LINKEDIT, rounded up to 16 bytes.
	lk := m.linkedit
	base := lk.fileoff + lk.filesize
	if m.sigCmdOff >= 0 {
		base = uint64(m.dataoff)
	} else if base != uint64(len(in)) {
		return nil, fmt.Errorf("%w: %d bytes after __LINKEDIT", ErrUnsupported, uint64(len(in))-base)
	}
	codeLimit := alignUp(base, 16)
	nCode := (codeLimit + uint64(pageSize) - 1) / uint64(pageSize)
	identOff := uint64(cdHeaderSize)
	hashOff := identOff + uint64(len(opts.Identifier)) + 1 + uint64(nSpecial)*hashSize
	cdSize := hashOff + nCode*hashSize

	// Blobs in the SuperBlob, in slot order as codesign writes them.
	type entry struct {
		slot uint32
		data []byte
	}
	entries := []entry{{slot: csSlotCodeDirectory}}
	for slot := uint32(1); slot <= nSpecial; slot++ {
		if b, ok := special[slot]; ok {
			entries = append(entries, entry{slot, b})
		}
	}
	// An empty CMS wrapper, as codesign and rcodesign write for ad-hoc
	// signatures; no slot hashes it.
	entries = append(entries, entry{csSlotCMSSignature, blob(csMagicBlobWrapper, nil)})

	sbSize := uint64(superBlobHeaderSize + blobIndexSize*len(entries))
	sbSize += cdSize
	for _, e := range entries[1:] {
		sbSize += uint64(len(e.data))
	}
	dataSize := alignUp(sbSize, 16)
	fileSize := codeLimit + dataSize
	if fileSize > math.MaxUint32 {
		return nil, fmt.Errorf("%w: %d bytes is too large for a 32-bit code limit", ErrUnsupported, fileSize)
	}

	out := make([]byte, fileSize)
	copy(out, in[:base])

	// Load commands: LC_CODE_SIGNATURE and __LINKEDIT must describe the
	// final layout before the header pages are hashed.
	sigCmd := m.sigCmdOff
	if sigCmd < 0 {
		sigCmd = machHeader64Size + int(m.sizeofcmds)
		if uint64(sigCmd+linkeditCmdSize) > m.firstData {
			return nil, fmt.Errorf("%w: no room after the load commands for LC_CODE_SIGNATURE", ErrUnsupported)
		}
		for _, c := range out[sigCmd : sigCmd+linkeditCmdSize] {
			if c != 0 {
				return nil, fmt.Errorf("%w: the space after the load commands is in use", ErrUnsupported)
			}
		}
		le.PutUint32(out[16:], m.ncmds+1)
		le.PutUint32(out[20:], m.sizeofcmds+linkeditCmdSize)
		le.PutUint32(out[sigCmd:], lcCodeSignature)
		le.PutUint32(out[sigCmd+4:], linkeditCmdSize)
	}
	le.PutUint32(out[sigCmd+8:], uint32(codeLimit))
	le.PutUint32(out[sigCmd+12:], uint32(dataSize))
	lkFilesize := fileSize - lk.fileoff
	lkVmsize := alignUp(lkFilesize, segPageSize)
	for _, s := range m.segments {
		if s.name != "__LINKEDIT" && s.vmsize > 0 && s.vmaddr < lk.vmaddr+lkVmsize && lk.vmaddr < s.vmaddr+s.vmsize {
			return nil, fmt.Errorf("%w: grown __LINKEDIT would overlap segment %s in memory", ErrUnsupported, s.name)
		}
	}
	le.PutUint64(out[lk.cmdOff+32:], lkVmsize)
	le.PutUint64(out[lk.cmdOff+48:], lkFilesize)

	// The CodeDirectory.
	cd := make([]byte, cdSize)
	be := binary.BigEndian
	be.PutUint32(cd[0:], csMagicCodeDirectory)
	be.PutUint32(cd[4:], uint32(cdSize))
	be.PutUint32(cd[8:], cdVersion)
	be.PutUint32(cd[12:], FlagAdhoc)
	be.PutUint32(cd[16:], uint32(hashOff))
	be.PutUint32(cd[20:], uint32(identOff))
	be.PutUint32(cd[24:], nSpecial)
	be.PutUint32(cd[28:], uint32(nCode))
	be.PutUint32(cd[32:], uint32(codeLimit))
	cd[36] = hashSize
	cd[37] = csHashTypeSHA256
	cd[38] = 0 // platform
	cd[39] = byte(bits.TrailingZeros(uint(pageSize)))
	// 40 spare2, 44 scatterOffset, 48 teamOffset, 52 spare3 and
	// 56 codeLimit64 stay zero.
	be.PutUint64(cd[64:], m.text.fileoff)
	be.PutUint64(cd[72:], m.text.filesize)
	if m.filetype == mhExecute {
		be.PutUint64(cd[80:], ExecSegMainBinary)
	}
	copy(cd[identOff:], opts.Identifier) // NUL from make
	for slot, b := range special {
		h := sha256.Sum256(b)
		copy(cd[hashOff-uint64(slot)*hashSize:], h[:])
	}
	for i := uint64(0); i < nCode; i++ {
		end := min((i+1)*uint64(pageSize), codeLimit)
		h := sha256.Sum256(out[i*uint64(pageSize) : end])
		copy(cd[hashOff+i*hashSize:], h[:])
	}
	entries[0].data = cd

	// The SuperBlob.
	sb := out[codeLimit:]
	be.PutUint32(sb[0:], csMagicEmbeddedSig)
	be.PutUint32(sb[4:], uint32(sbSize))
	be.PutUint32(sb[8:], uint32(len(entries)))
	off := uint32(superBlobHeaderSize + blobIndexSize*len(entries))
	for i, e := range entries {
		be.PutUint32(sb[superBlobHeaderSize+blobIndexSize*i:], e.slot)
		be.PutUint32(sb[superBlobHeaderSize+blobIndexSize*i+4:], off)
		copy(sb[off:], e.data)
		off += uint32(len(e.data))
	}

	if _, err := Verify(out); err != nil {
		return nil, fmt.Errorf("codesign: internal error, the new signature does not verify: %w", err)
	}
	return out, nil
}

// blob is a generic blob: big-endian magic, total length, payload.
func blob(magic uint32, payload []byte) []byte {
	b := make([]byte, blobHeaderSize+len(payload))
	binary.BigEndian.PutUint32(b, magic)
	binary.BigEndian.PutUint32(b[4:], uint32(len(b)))
	copy(b[blobHeaderSize:], payload)
	return b
}
