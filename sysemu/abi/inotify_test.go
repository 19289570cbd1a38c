package abi

import (
	"encoding/binary"
	"testing"
	"unsafe"
)

func TestInotifyEventLayout(t *testing.T) {
	if s, b := unsafe.Sizeof(InotifyEvent{}), binary.Size(InotifyEvent{}); s != SizeofInotifyEvent || b != SizeofInotifyEvent {
		t.Errorf("inotify_event: unsafe.Sizeof %d, binary.Size %d, want %d", s, b, SizeofInotifyEvent)
	}
	if o := unsafe.Offsetof(InotifyEvent{}.Len); o != 12 {
		t.Errorf("inotify_event.len at %d, want 12", o)
	}
	if IN_ALL_BITS != 0xf700efff {
		t.Errorf("IN_ALL_BITS %#x", IN_ALL_BITS)
	}
}
