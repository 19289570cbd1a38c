package vcpu

import (
	"bytes"
	"errors"
	"testing"
)

func newTestMem(t *testing.T) *Memory {
	t.Helper()
	m, err := newMemory(1<<32, MemoryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestMemoryMapProtectUnmap(t *testing.T) {
	m := newTestMem(t)
	const a = 0x100000
	if err := m.Map(a, 4*GuestPageSize, ProtRead|ProtWrite); err != nil {
		t.Fatal(err)
	}
	if err := m.Write(a+10, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 5)
	if err := m.Read(a+10, got); err != nil || string(got) != "hello" {
		t.Fatalf("read back %q, %v", got, err)
	}
	// Read-only pages refuse guest-checked writes but accept loader writes.
	if err := m.Protect(a, GuestPageSize, ProtRead); err != nil {
		t.Fatal(err)
	}
	if err := m.Write(a, []byte{1}); !errors.Is(err, ErrFault) {
		t.Fatalf("write to read-only page: %v, want ErrFault", err)
	}
	if err := m.WriteForce(a, []byte{1}); err != nil {
		t.Fatalf("WriteForce: %v", err)
	}
	if p, ok := m.ProtAt(a); !ok || p != ProtRead {
		t.Fatalf("prot after WriteForce = %v %v, want r--", p, ok)
	}
	// A range straddling mapped and unmapped pages faults.
	if err := m.Check(a+3*GuestPageSize, 2*GuestPageSize, AccessRead); !errors.Is(err, ErrFault) {
		t.Fatalf("check across the end: %v", err)
	}
	// Unmapped then remapped memory reads as zeros.
	if err := m.Unmap(a, 4*GuestPageSize); err != nil {
		t.Fatal(err)
	}
	if _, ok := m.ProtAt(a); ok {
		t.Fatal("still mapped after Unmap")
	}
	if err := m.Map(a, GuestPageSize, ProtRead); err != nil {
		t.Fatal(err)
	}
	if err := m.Read(a+10, got); err != nil || !bytes.Equal(got, make([]byte, 5)) {
		t.Fatalf("remapped memory = %v, %v; want zeros", got, err)
	}
}

func TestMemoryRejectsBadRanges(t *testing.T) {
	m := newTestMem(t)
	for _, r := range []struct{ addr, n uint64 }{
		{0x1001, GuestPageSize}, {0x1000, 100}, {0x1000, 0}, {m.Size(), GuestPageSize}, {m.Size() - GuestPageSize, 2 * GuestPageSize},
	} {
		if err := m.Map(r.addr, r.n, ProtRead); err == nil {
			t.Errorf("Map(%#x, %#x) succeeded", r.addr, r.n)
		}
	}
	if err := m.Protect(0x10000, GuestPageSize, ProtRead); err == nil {
		t.Error("Protect of an unmapped range succeeded")
	}
	if _, err := m.Slice(m.Size()-1, 2, AccessRead); !errors.Is(err, ErrFault) {
		t.Errorf("Slice past the end: %v", err)
	}
}

type recordingCache struct{ spans [][2]uint64 }

func (r *recordingCache) InvalidateCode(addr, n uint64) {
	r.spans = append(r.spans, [2]uint64{addr, n})
}

func TestMemoryInvalidatesCodeCaches(t *testing.T) {
	m := newTestMem(t)
	rc := &recordingCache{}
	m.AddCodeCache(rc)
	m.Map(0x10000, GuestPageSize, ProtRead|ProtExec)
	m.Protect(0x10000, GuestPageSize, ProtRead)
	m.Unmap(0x10000, GuestPageSize)
	m.InvalidateCode(0x20000, 64)
	if len(rc.spans) != 4 {
		t.Fatalf("caches told %d times, want 4 (map, protect, unmap, ic ivau): %v", len(rc.spans), rc.spans)
	}
	m.RemoveCodeCache(rc)
	m.InvalidateCode(0x20000, 64)
	if len(rc.spans) != 4 {
		t.Fatal("removed cache still told")
	}
}
