package sysemu

import (
	"encoding/binary"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// Interval timers. ITIMER_REAL counts wall time and sends the process
// SIGALRM with SI_KERNEL (glibc's alarm(3) is setitimer on arm64); it is a
// Go timer, so it works the same on every host. The CPU-time timers
// (ITIMER_VIRTUAL, ITIMER_PROF) are not implemented.

// itimer is one process's ITIMER_REAL. Guarded by the signal state's mu.
type itimer struct {
	timer    *time.Timer
	deadline time.Time // zero when disarmed
	interval time.Duration
	gen      uint64 // bumped by every setitimer, so a stale expiry does nothing
}

// remaining returns the time to expiry and the interval. An armed timer
// that is due reports 1µs, as Linux does, so that it never reads as
// disarmed. Preconditions: p.sig.mu is held.
func (it *itimer) remaining() (value, interval time.Duration) {
	if it.deadline.IsZero() {
		return 0, it.interval
	}
	value = time.Until(it.deadline)
	if value < time.Microsecond {
		value = time.Microsecond
	}
	return value, it.interval
}

// arm sets the timer to expire after value and then every interval (value
// 0 disarms it). Preconditions: p.sig.mu is held.
func (p *Process) armRealTimer(value, interval time.Duration) {
	it := &p.sig.realTimer
	it.gen++
	if it.timer != nil {
		it.timer.Stop()
		it.timer = nil
	}
	it.deadline = time.Time{}
	it.interval = 0
	if value <= 0 {
		return
	}
	it.interval = interval
	it.deadline = time.Now().Add(value)
	gen := it.gen
	it.timer = time.AfterFunc(value, func() { p.realTimerExpired(gen) })
}

// realTimerExpired sends SIGALRM and re-arms a periodic timer for its next
// period after now (missed periods are skipped, as hrtimer_forward does).
func (p *Process) realTimerExpired(gen uint64) {
	s := &p.sig
	s.mu.Lock()
	it := &s.realTimer
	if it.gen != gen || it.deadline.IsZero() || p.exiting() {
		s.mu.Unlock()
		return
	}
	if it.interval > 0 {
		now := time.Now()
		next := it.deadline.Add(it.interval)
		if !next.After(now) {
			next = it.deadline.Add((now.Sub(it.deadline)/it.interval + 1) * it.interval)
		}
		it.deadline = next
		it.timer = time.AfterFunc(time.Until(next), func() { p.realTimerExpired(gen) })
	} else {
		it.deadline = time.Time{}
		it.timer = nil
	}
	s.mu.Unlock()
	p.post(nil, abi.SIGALRM, sigInfo{code: abi.SI_KERNEL})
}

// readItimerval reads a struct itimerval (two struct timeval); a timeval
// out of range is EINVAL.
func (t *Task) readItimerval(addr uint64) (interval, value time.Duration, e abi.Errno) {
	var b [abi.SizeofItimerval]byte
	if t.copyIn(addr, b[:]) != nil {
		return 0, 0, abi.EFAULT
	}
	var d [2]time.Duration
	for i := range d {
		sec := int64(binary.LittleEndian.Uint64(b[16*i:]))
		usec := int64(binary.LittleEndian.Uint64(b[16*i+8:]))
		if sec < 0 || usec < 0 || usec >= 1e6 {
			return 0, 0, abi.EINVAL
		}
		if sec > int64(time.Duration(1<<62)/time.Second) {
			sec = int64(time.Duration(1<<62) / time.Second) // far enough to be never
		}
		d[i] = time.Duration(sec)*time.Second + time.Duration(usec)*time.Microsecond
	}
	return d[0], d[1], 0
}

func (t *Task) writeItimerval(addr uint64, interval, value time.Duration) abi.Errno {
	var b [abi.SizeofItimerval]byte
	for i, d := range [2]time.Duration{interval, value} {
		binary.LittleEndian.PutUint64(b[16*i:], uint64(d/time.Second))
		binary.LittleEndian.PutUint64(b[16*i+8:], uint64(d%time.Second/time.Microsecond))
	}
	if t.copyOut(addr, b[:]) != nil {
		return abi.EFAULT
	}
	return 0
}

// sysGetitimer implements getitimer(2).
func sysGetitimer(t *Task, a [6]uint64) uint64 {
	var value, interval time.Duration
	switch a[0] {
	case abi.ITIMER_REAL:
		s := &t.p.sig
		s.mu.Lock()
		value, interval = s.realTimer.remaining()
		s.mu.Unlock()
	case abi.ITIMER_VIRTUAL, abi.ITIMER_PROF:
		// Never armed: setitimer refuses to arm them.
	default:
		return errno(abi.EINVAL)
	}
	if e := t.writeItimerval(a[1], interval, value); e != 0 {
		return errno(e)
	}
	return 0
}

// sysSetitimer implements setitimer(2) for ITIMER_REAL. A NULL new value
// disarms, as Linux still accepts. Arming a CPU-time timer is ENOSYS.
func sysSetitimer(t *Task, a [6]uint64) uint64 {
	var interval, value time.Duration
	if a[1] != 0 {
		var e abi.Errno
		if interval, value, e = t.readItimerval(a[1]); e != 0 {
			return errno(e)
		}
	}
	var oldValue, oldInterval time.Duration
	switch a[0] {
	case abi.ITIMER_REAL:
		s := &t.p.sig
		s.mu.Lock()
		oldValue, oldInterval = s.realTimer.remaining()
		t.p.armRealTimer(value, interval)
		s.mu.Unlock()
	case abi.ITIMER_VIRTUAL, abi.ITIMER_PROF:
		if value != 0 {
			t.p.compat.Record("flag:setitimer ITIMER_VIRTUAL/ITIMER_PROF")
			return errno(abi.ENOSYS)
		}
	default:
		return errno(abi.EINVAL)
	}
	if a[2] != 0 {
		if e := t.writeItimerval(a[2], oldInterval, oldValue); e != 0 {
			return errno(e)
		}
	}
	return 0
}
