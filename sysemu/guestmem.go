package sysemu

import (
	"encoding/binary"

	"github.com/carrick-go/carrick/vcpu"
)

// Guest memory access for handlers. Bad pointers give vcpu.ErrFault, which
// handlers return as EFAULT.

func (t *Task) mem() *vcpu.Memory { return t.p.mm.Memory() }

func (t *Task) copyIn(addr uint64, b []byte) error { return t.mem().Read(addr, b) }

func (t *Task) copyOut(addr uint64, b []byte) error { return t.mem().Write(addr, b) }

func (t *Task) readU64(addr uint64) (uint64, error) {
	var b [8]byte
	if err := t.copyIn(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(b[:]), nil
}

func (t *Task) writeU64(addr, v uint64) error {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	return t.copyOut(addr, b[:])
}

func (t *Task) writeU32(addr uint64, v uint32) error {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return t.copyOut(addr, b[:])
}

func (t *Task) readU32(addr uint64) (uint32, error) {
	var b [4]byte
	if err := t.copyIn(addr, b[:]); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(b[:]), nil
}
