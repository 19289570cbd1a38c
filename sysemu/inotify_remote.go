package sysemu

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Events between processes travel on a Unix stream socket per watcher
// endpoint: frames of records (a 4-byte length, then the records), each
// answered by one byte once the records are in the watcher's queues. A
// sender keeps its connections. When a watcher does not answer in time (a
// stopped process), its sender stops waiting for it: its frames stay in
// the socket for when it runs again, and the acknowledgements owed are
// collected without waiting until it catches up.

const (
	inoAckWait   = 2 * time.Second // the longest an operation waits for a watcher
	inoMaxFrame  = 1 << 20
	inoRecHeader = 1 + 4*8 + 4 + 4 + 2
)

// inoServer takes the frames of other processes for a hub.
type inoServer struct {
	l    net.Listener
	path string
	mu   sync.Mutex
	// conns are the connections being served; guarded by mu.
	conns map[net.Conn]struct{}
}

func serveInotify(h *inoHub, path string) *inoServer {
	os.Remove(path)
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil
	}
	s := &inoServer{l: l, path: path, conns: map[net.Conn]struct{}{}}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns[c] = struct{}{}
			s.mu.Unlock()
			go s.serve(h, c)
		}
	}()
	return s
}

func (s *inoServer) serve(h *inoHub, c net.Conn) {
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	var hdr [4]byte
	for {
		if _, err := io.ReadFull(c, hdr[:]); err != nil {
			return
		}
		n := binary.LittleEndian.Uint32(hdr[:])
		if n > inoMaxFrame {
			return
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(c, buf); err != nil {
			return
		}
		recs, ok := decodeRecords(buf)
		if !ok {
			return
		}
		h.deliver(recs)
		if _, err := c.Write([]byte{1}); err != nil {
			return
		}
	}
}

func (s *inoServer) close() {
	s.l.Close()
	os.Remove(s.path)
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
}

func encodeRecords(b []byte, recs []inoRecord) []byte {
	for i := range recs {
		r := &recs[i]
		b = append(b, r.Kind)
		b = binary.LittleEndian.AppendUint64(b, r.ID.Dev)
		b = binary.LittleEndian.AppendUint64(b, r.ID.Ino)
		b = binary.LittleEndian.AppendUint64(b, r.Parent.Dev)
		b = binary.LittleEndian.AppendUint64(b, r.Parent.Ino)
		b = binary.LittleEndian.AppendUint32(b, r.Mask)
		b = binary.LittleEndian.AppendUint32(b, r.Cookie)
		b = binary.LittleEndian.AppendUint16(b, uint16(len(r.Name)))
		b = append(b, r.Name...)
	}
	return b
}

func decodeRecords(b []byte) ([]inoRecord, bool) {
	var recs []inoRecord
	le := binary.LittleEndian
	for len(b) > 0 {
		if len(b) < inoRecHeader {
			return nil, false
		}
		r := inoRecord{Kind: b[0], ID: fileID{le.Uint64(b[1:]), le.Uint64(b[9:])},
			Parent: fileID{le.Uint64(b[17:]), le.Uint64(b[25:])}, Mask: le.Uint32(b[33:]), Cookie: le.Uint32(b[37:])}
		n := int(le.Uint16(b[41:]))
		b = b[inoRecHeader:]
		if len(b) < n {
			return nil, false
		}
		r.Name, b = string(b[:n]), b[n:]
		recs = append(recs, r)
	}
	return recs, true
}

// peerWants reports whether a peer watching id with events mask wants r.
func peerWants(r *inoRecord, mask uint32, parent bool) bool {
	if r.Kind == recGone {
		return !parent
	}
	return mask&r.Mask&0xfff != 0
}

// send gives records to the other processes whose watches they concern,
// each its own in order, and waits for them to be queued.
func (l *inoLink) send(recs []inoRecord) {
	peers := l.peers()
	if len(peers.byID) == 0 {
		return
	}
	var order []string
	sel := map[string][]inoRecord{}
	for i := range recs {
		r := &recs[i]
		want := map[string]bool{}
		for _, p := range peers.byID[r.ID] {
			if peerWants(r, p.mask, false) {
				want[p.ep] = true
			}
		}
		if r.Kind == recInode {
			for _, p := range peers.byID[r.Parent] {
				if r.Parent != (fileID{}) && peerWants(r, p.mask, true) {
					want[p.ep] = true
				}
			}
		}
		for ep := range want {
			if sel[ep] == nil {
				order = append(order, ep)
			}
			sel[ep] = append(sel[ep], *r)
		}
	}
	for _, ep := range order {
		l.sendTo(ep, sel[ep])
	}
}

// inoConn is a sender's connection to one endpoint.
type inoConn struct {
	mu sync.Mutex
	c  net.Conn
	// owed counts the acknowledgements not read yet (the watcher lags);
	// guarded by mu.
	owed int
}

func (l *inoLink) sendTo(ep string, recs []inoRecord) {
	frame := encodeRecords(make([]byte, 4, 64), recs)
	binary.LittleEndian.PutUint32(frame, uint32(len(frame)-4))
	for attempt := 0; attempt < 2; attempt++ {
		ic := l.conn(ep)
		if ic == nil {
			return
		}
		if ic.send(frame) {
			return
		}
		l.drop(ep, ic) // broken (the watcher closed it): once more, anew
	}
}

// conn returns the connection to ep, dialled if needed; nil when ep does
// not answer (then, if its process is gone, its list goes too).
func (l *inoLink) conn(ep string) *inoConn {
	l.cmu.Lock()
	ic := l.conns[ep]
	l.cmu.Unlock()
	if ic != nil {
		return ic
	}
	c, err := net.DialTimeout("unix", filepath.Join(l.dir, ep+".sock"), inoAckWait)
	if err != nil {
		if pid, err := strconv.Atoi(strings.SplitN(ep, ".", 2)[0]); err == nil {
			if _, _, alive := hostProcFacts(pid); !alive {
				l.forget(ep)
			}
		}
		return nil
	}
	l.cmu.Lock()
	defer l.cmu.Unlock()
	if old := l.conns[ep]; old != nil {
		c.Close()
		return old
	}
	ic = &inoConn{c: c}
	l.conns[ep] = ic
	return ic
}

func (l *inoLink) drop(ep string, ic *inoConn) {
	l.cmu.Lock()
	if l.conns[ep] == ic {
		delete(l.conns, ep)
	}
	l.cmu.Unlock()
	ic.c.Close()
}

// send writes one frame and waits for its acknowledgement, unless the
// watcher already lags. It reports false when the connection broke.
func (ic *inoConn) send(frame []byte) bool {
	ic.mu.Lock()
	defer ic.mu.Unlock()
	ic.c.SetWriteDeadline(time.Now().Add(inoAckWait))
	if _, err := ic.c.Write(frame); err != nil {
		return false // part of a frame may be out: only a new connection is sound
	}
	ic.owed++
	if ic.owed > 1 {
		// Collect what a lagging watcher acknowledged since, without
		// waiting; the frame just sent is waited for once it caught up.
		if !ic.acks(ic.owed-1, time.Millisecond) {
			return false
		}
	}
	if ic.owed == 1 {
		return ic.acks(1, inoAckWait)
	}
	return true
}

// acks reads up to n acknowledgements for at most wait. It reports false
// when the connection broke.
func (ic *inoConn) acks(n int, wait time.Duration) bool {
	ic.c.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, n)
	got, err := io.ReadAtLeast(ic.c, buf, n)
	ic.owed -= got
	if err != nil {
		var ne net.Error
		return errors.As(err, &ne) && ne.Timeout()
	}
	return true
}
