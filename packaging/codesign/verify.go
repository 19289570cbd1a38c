package codesign

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
)

// Signature is what Verify found in a signed Mach-O.
type Signature struct {
	// Offset and Size are LC_CODE_SIGNATURE's dataoff and datasize.
	Offset, Size uint32
	Identifier   string
	Version      uint32
	Flags        uint32
	CodeLimit    uint32
	PageSize     int
	CodeSlots    int
	SpecialSlots int
	ExecSegBase  uint64
	ExecSegLimit uint64
	ExecSegFlags uint64
	// Entitlements is the XML plist, nil if there is none.
	Entitlements []byte
	// EntitlementsDER is the DER payload, nil if there is none.
	EntitlementsDER []byte
	// CDHash is the SHA-256 of the CodeDirectory blob; macOS names code by
	// its first 20 bytes.
	CDHash [sha256.Size]byte
}

// FlagNames spells out s.Flags, e.g. "adhoc".
func (s *Signature) FlagNames() string {
	names := []struct {
		bit  uint32
		name string
	}{{FlagAdhoc, "adhoc"}, {FlagRuntime, "runtime"}, {FlagLinkerSigned, "linker-signed"}}
	var out []string
	rest := s.Flags
	for _, n := range names {
		if rest&n.bit != 0 {
			out = append(out, n.name)
			rest &^= n.bit
		}
	}
	if rest != 0 {
		out = append(out, fmt.Sprintf("%#x", rest))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ",")
}

// Verify parses the code signature of a thin arm64 Mach-O and checks it
// the way the kernel would for an ad-hoc signature: layout, every page
// hash, every special slot hash, and that the DER entitlements say what
// the XML ones say. Errors wrap ErrNotSigned or ErrBadSig (or the
// Mach-O errors of Sign).
func Verify(bin []byte) (*Signature, error) {
	m, err := parseMachO(bin)
	if err != nil {
		return nil, err
	}
	if m.sigCmdOff < 0 {
		return nil, ErrNotSigned
	}
	sig := &Signature{Offset: m.dataoff, Size: m.datasize}
	lk := m.linkedit
	fileEnd := uint64(m.dataoff) + uint64(m.datasize)
	if fileEnd != uint64(len(bin)) {
		return nil, fmt.Errorf("%w: signature ends at %#x, file at %#x", ErrBadSig, fileEnd, len(bin))
	}
	if lk.fileoff+lk.filesize != fileEnd {
		return nil, fmt.Errorf("%w: __LINKEDIT ends at %#x, signature at %#x", ErrBadSig, lk.fileoff+lk.filesize, fileEnd)
	}
	if lk.vmsize < lk.filesize {
		return nil, fmt.Errorf("%w: __LINKEDIT vmsize %#x < filesize %#x", ErrBadSig, lk.vmsize, lk.filesize)
	}
	if m.dataoff%16 != 0 {
		return nil, fmt.Errorf("%w: signature offset %#x not 16-byte aligned", ErrBadSig, m.dataoff)
	}

	blobs, err := parseSuperBlob(bin[m.dataoff:fileEnd])
	if err != nil {
		return nil, err
	}
	cd, ok := blobs[csSlotCodeDirectory]
	if !ok {
		return nil, fmt.Errorf("%w: no CodeDirectory", ErrBadSig)
	}
	if err := sig.parseCodeDirectory(cd, bin, m); err != nil {
		return nil, err
	}

	// Special slots: a blob's hash in its slot, zeros where there is none.
	hashOff := binary.BigEndian.Uint32(cd[16:])
	for slot := uint32(1); slot <= uint32(sig.SpecialSlots); slot++ {
		got := cd[hashOff-slot*hashSize : hashOff-(slot-1)*hashSize]
		want := make([]byte, hashSize)
		if b, ok := blobs[slot]; ok {
			h := sha256.Sum256(b)
			want = h[:]
		}
		if !bytes.Equal(got, want) {
			return nil, fmt.Errorf("%w: special slot %d hash %x, want %x", ErrBadSig, slot, got, want)
		}
	}
	for slot := range blobs {
		// Slots from 0x1000 are alternate CodeDirectories and the CMS
		// signature, which no special slot hashes.
		if slot != csSlotCodeDirectory && slot < 0x1000 && slot > uint32(sig.SpecialSlots) {
			return nil, fmt.Errorf("%w: blob in slot %d is not bound by the CodeDirectory (%d special slots)", ErrBadSig, slot, sig.SpecialSlots)
		}
	}

	if b, ok := blobs[csSlotRequirements]; ok {
		if err := checkBlob(b, csMagicRequirements, "requirements"); err != nil {
			return nil, err
		}
	}
	if b, ok := blobs[csSlotCMSSignature]; ok {
		if err := checkBlob(b, csMagicBlobWrapper, "CMS signature"); err != nil {
			return nil, err
		}
		if len(b) != blobHeaderSize && sig.Flags&FlagAdhoc != 0 {
			return nil, fmt.Errorf("%w: ad-hoc signature with a non-empty CMS blob", ErrBadSig)
		}
	}
	if b, ok := blobs[csSlotEntitlements]; ok {
		if err := checkBlob(b, csMagicEntitlements, "entitlements"); err != nil {
			return nil, err
		}
		sig.Entitlements = b[blobHeaderSize:]
	}
	if b, ok := blobs[csSlotEntitlementsDER]; ok {
		if err := checkBlob(b, csMagicEntitlementsDER, "DER entitlements"); err != nil {
			return nil, err
		}
		sig.EntitlementsDER = b[blobHeaderSize:]
	}
	if sig.Entitlements != nil || sig.EntitlementsDER != nil {
		if sig.Flags&FlagLinkerSigned != 0 {
			return nil, fmt.Errorf("%w: a linker-signed signature cannot carry entitlements", ErrBadSig)
		}
		if sig.Entitlements == nil || sig.EntitlementsDER == nil {
			return nil, fmt.Errorf("%w: entitlements in only one of the XML and DER forms", ErrBadSig)
		}
		der, err := EncodeDER(sig.Entitlements)
		if err != nil {
			return nil, fmt.Errorf("%w: embedded entitlements: %w", ErrBadSig, err)
		}
		if !bytes.Equal(der, sig.EntitlementsDER) {
			return nil, fmt.Errorf("%w: DER entitlements differ from the XML ones", ErrBadSig)
		}
	}
	return sig, nil
}

// parseSuperBlob returns each blob of an embedded signature by slot.
func parseSuperBlob(b []byte) (map[uint32][]byte, error) {
	be := binary.BigEndian
	if len(b) < superBlobHeaderSize {
		return nil, fmt.Errorf("%w: %d bytes is too short for a SuperBlob", ErrBadSig, len(b))
	}
	if magic := be.Uint32(b); magic != csMagicEmbeddedSig {
		return nil, fmt.Errorf("%w: SuperBlob magic %#08x, want %#08x", ErrBadSig, magic, csMagicEmbeddedSig)
	}
	length, count := uint64(be.Uint32(b[4:])), uint64(be.Uint32(b[8:]))
	if length > uint64(len(b)) || length < superBlobHeaderSize+count*blobIndexSize {
		return nil, fmt.Errorf("%w: SuperBlob length %d with %d blobs in %d bytes", ErrBadSig, length, count, len(b))
	}
	b = b[:length]
	blobs := map[uint32][]byte{}
	for i := uint64(0); i < count; i++ {
		idx := b[superBlobHeaderSize+i*blobIndexSize:]
		slot, off := be.Uint32(idx), uint64(be.Uint32(idx[4:]))
		if off < superBlobHeaderSize+count*blobIndexSize || off+blobHeaderSize > length {
			return nil, fmt.Errorf("%w: blob %d (slot %#x) at offset %d outside the SuperBlob", ErrBadSig, i, slot, off)
		}
		n := uint64(be.Uint32(b[off+4:]))
		if n < blobHeaderSize || off+n > length {
			return nil, fmt.Errorf("%w: blob %d (slot %#x) of length %d at offset %d overruns the SuperBlob (%d bytes)", ErrBadSig, i, slot, n, off, length)
		}
		if _, dup := blobs[slot]; dup {
			return nil, fmt.Errorf("%w: two blobs for slot %#x", ErrBadSig, slot)
		}
		blobs[slot] = b[off : off+n]
	}
	return blobs, nil
}

func (sig *Signature) parseCodeDirectory(cd, bin []byte, m *machO) error {
	be := binary.BigEndian
	if err := checkBlob(cd, csMagicCodeDirectory, "CodeDirectory"); err != nil {
		return err
	}
	if len(cd) < cdHeaderSize {
		return fmt.Errorf("%w: CodeDirectory of %d bytes", ErrBadSig, len(cd))
	}
	sig.CDHash = sha256.Sum256(cd)
	sig.Version = be.Uint32(cd[8:])
	sig.Flags = be.Uint32(cd[12:])
	hashOff, identOff := uint64(be.Uint32(cd[16:])), uint64(be.Uint32(cd[20:]))
	nSpecial, nCode := uint64(be.Uint32(cd[24:])), uint64(be.Uint32(cd[28:]))
	sig.CodeLimit = be.Uint32(cd[32:])
	sig.SpecialSlots, sig.CodeSlots = int(nSpecial), int(nCode)
	if sig.Version < cdVersion {
		return fmt.Errorf("%w: CodeDirectory version %#x, want at least %#x", ErrBadSig, sig.Version, cdVersion)
	}
	if cd[36] != hashSize || cd[37] != csHashTypeSHA256 {
		return fmt.Errorf("%w: hash type %d size %d, want SHA-256 (%d, %d)", ErrBadSig, cd[37], cd[36], csHashTypeSHA256, hashSize)
	}
	if cd[39] < 9 || cd[39] > 16 {
		return fmt.Errorf("%w: page size 2^%d not supported", ErrBadSig, cd[39])
	}
	sig.PageSize = 1 << cd[39]
	if be.Uint32(cd[44:]) != 0 {
		return fmt.Errorf("%w: scatter vectors are not supported", ErrBadSig)
	}
	if be.Uint64(cd[56:]) != 0 {
		return fmt.Errorf("%w: 64-bit code limit is not supported", ErrBadSig)
	}
	sig.ExecSegBase, sig.ExecSegLimit, sig.ExecSegFlags = be.Uint64(cd[64:]), be.Uint64(cd[72:]), be.Uint64(cd[80:])

	if identOff < cdHeaderSize || identOff >= uint64(len(cd)) {
		return fmt.Errorf("%w: identifier offset %d outside the CodeDirectory", ErrBadSig, identOff)
	}
	end := bytes.IndexByte(cd[identOff:], 0)
	if end < 0 {
		return fmt.Errorf("%w: identifier is not NUL-terminated", ErrBadSig)
	}
	sig.Identifier = string(cd[identOff : identOff+uint64(end)])
	if hashOff < cdHeaderSize+nSpecial*hashSize || hashOff+nCode*hashSize > uint64(len(cd)) {
		return fmt.Errorf("%w: hash slots (offset %d, %d special, %d code) outside the CodeDirectory (%d bytes)", ErrBadSig, hashOff, nSpecial, nCode, len(cd))
	}

	if uint64(sig.CodeLimit) != uint64(m.dataoff) {
		return fmt.Errorf("%w: code limit %#x, signature at %#x", ErrBadSig, sig.CodeLimit, m.dataoff)
	}
	if sig.ExecSegBase != m.text.fileoff || sig.ExecSegLimit != m.text.filesize {
		return fmt.Errorf("%w: exec segment [%#x,+%#x), __TEXT is [%#x,+%#x)", ErrBadSig, sig.ExecSegBase, sig.ExecSegLimit, m.text.fileoff, m.text.filesize)
	}
	ps := uint64(sig.PageSize)
	limit := uint64(sig.CodeLimit)
	if want := (limit + ps - 1) / ps; nCode != want {
		return fmt.Errorf("%w: %d code slots for %d bytes, want %d", ErrBadSig, nCode, limit, want)
	}
	for i := uint64(0); i < nCode; i++ {
		h := sha256.Sum256(bin[i*ps : min((i+1)*ps, limit)])
		if got := cd[hashOff+i*hashSize : hashOff+(i+1)*hashSize]; !bytes.Equal(got, h[:]) {
			return fmt.Errorf("%w: page %d (file offset %#x) hash mismatch: the file was changed after signing", ErrBadSig, i, i*ps)
		}
	}
	return nil
}

func checkBlob(b []byte, magic uint32, what string) error {
	if got := binary.BigEndian.Uint32(b); got != magic {
		return fmt.Errorf("%w: %s blob magic %#08x, want %#08x", ErrBadSig, what, got, magic)
	}
	return nil
}
