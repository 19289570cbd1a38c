package sysemu

import (
	"encoding/binary"
	"sync"
	"time"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// timerFile is an emulated timerfd: expirations are counted by carrick on
// every host (macOS has no timerfd), and readiness feeds epoll and poll
// like an eventfd's. Times are kept on the timer's Linux clock (clockNow);
// a Go timer only wakes the count up at the next expiry.
type timerFile struct {
	notifier
	nonblockFlag
	clock uint64

	mu sync.Mutex
	// Guarded by mu: the next expiry on the clock (0: disarmed), the
	// period (0: one-shot), expirations not read yet, the Go timer.
	next, interval time.Duration
	count          uint64
	timer          *time.Timer
}

// sysTimerfdCreate implements timerfd_create(2).
func sysTimerfdCreate(t *Task, a [6]uint64) uint64 {
	clock, flags := a[0], a[1]
	switch clock {
	case abi.CLOCK_REALTIME, abi.CLOCK_MONOTONIC, abi.CLOCK_BOOTTIME:
	default:
		return errno(abi.EINVAL)
	}
	if flags&^uint64(abi.TFD_NONBLOCK|abi.TFD_CLOEXEC) != 0 {
		return errno(abi.EINVAL)
	}
	tf := &timerFile{clock: clock}
	tf.on.Store(flags&abi.TFD_NONBLOCK != 0)
	fd, e := t.p.files.Install(tf, 0, flags&abi.TFD_CLOEXEC != 0)
	if e != 0 {
		return errno(e)
	}
	return uint64(fd)
}

func (t *Task) timerFile(fd uint64) (*timerFile, abi.Errno) {
	f, ok := t.p.files.Get(int(int32(fd)))
	if !ok {
		return nil, abi.EBADF
	}
	tf, ok := f.(*timerFile)
	if !ok {
		return nil, abi.EINVAL
	}
	return tf, 0
}

// sysTimerfdSettime implements timerfd_settime(2). TFD_TIMER_CANCEL_ON_SET
// is accepted; its ECANCELED never comes, since a guest cannot set the
// host's clock.
func sysTimerfdSettime(t *Task, a [6]uint64) uint64 {
	tf, e := t.timerFile(a[0])
	if e != 0 {
		return errno(e)
	}
	flags := a[1]
	if flags&^uint64(abi.TFD_TIMER_ABSTIME|abi.TFD_TIMER_CANCEL_ON_SET) != 0 {
		return errno(abi.EINVAL)
	}
	interval, e := t.readTimespec(a[2])
	if e != 0 {
		return errno(e)
	}
	value, e := t.readTimespec(a[2] + abi.SizeofTimespec)
	if e != 0 {
		return errno(e)
	}
	oldInterval, oldValue := tf.set(value, interval, flags&abi.TFD_TIMER_ABSTIME != 0)
	if a[3] != 0 {
		if t.writeTimespec(a[3], oldInterval) != nil || t.writeTimespec(a[3]+abi.SizeofTimespec, oldValue) != nil {
			return errno(abi.EFAULT)
		}
	}
	return 0
}

// sysTimerfdGettime implements timerfd_gettime(2).
func sysTimerfdGettime(t *Task, a [6]uint64) uint64 {
	tf, e := t.timerFile(a[0])
	if e != 0 {
		return errno(e)
	}
	tf.mu.Lock()
	tf.update()
	interval, value := tf.interval, tf.remaining()
	tf.mu.Unlock()
	if t.writeTimespec(a[1], interval) != nil || t.writeTimespec(a[1]+abi.SizeofTimespec, value) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

func (tf *timerFile) now() time.Duration {
	d, _ := clockNow(tf.clock)
	return d
}

// set arms (value > 0) or disarms the timer, clearing unread
// expirations, and returns the old setting as gettime shows it.
func (tf *timerFile) set(value, interval time.Duration, abs bool) (oldInterval, oldValue time.Duration) {
	tf.mu.Lock()
	tf.update()
	oldInterval, oldValue = tf.interval, tf.remaining()
	tf.count = 0
	if tf.timer != nil {
		tf.timer.Stop()
		tf.timer = nil
	}
	tf.next, tf.interval = 0, interval
	if value > 0 {
		if abs {
			tf.next = value
		} else {
			tf.next = tf.now() + value
		}
		tf.update()
		tf.schedule()
	} else {
		tf.interval = 0
	}
	tf.mu.Unlock()
	tf.changed()
	return oldInterval, oldValue
}

// update counts the expirations that are due (mu held).
func (tf *timerFile) update() {
	if tf.next == 0 {
		return
	}
	now := tf.now()
	if now < tf.next {
		return
	}
	if tf.interval == 0 {
		tf.count++
		tf.next = 0
		return
	}
	n := uint64((now-tf.next)/tf.interval) + 1
	tf.count += n
	tf.next += time.Duration(n) * tf.interval
}

// remaining is the time to the next expiry (mu held, after update).
func (tf *timerFile) remaining() time.Duration {
	if tf.next == 0 {
		return 0
	}
	return max(tf.next-tf.now(), 1)
}

// schedule sets the Go timer for the next expiry (mu held).
func (tf *timerFile) schedule() {
	if tf.next == 0 {
		return
	}
	var timer *time.Timer
	timer = time.AfterFunc(tf.next-tf.now(), func() {
		tf.mu.Lock()
		if tf.timer != timer {
			tf.mu.Unlock()
			return // re-armed or closed meanwhile
		}
		tf.update()
		tf.schedule()
		tf.mu.Unlock()
		tf.changed()
	})
	tf.timer = timer
}

func (tf *timerFile) Read(t *Task, p []byte) (int, abi.Errno) {
	if len(p) < 8 {
		return 0, abi.EINVAL
	}
	for {
		gen := tf.generation()
		tf.mu.Lock()
		tf.update()
		if n := tf.count; n > 0 {
			tf.count = 0
			tf.mu.Unlock()
			binary.LittleEndian.PutUint64(p, n)
			tf.changed()
			return 8, 0
		}
		tf.mu.Unlock()
		if tf.isNonblock() {
			return 0, abi.EAGAIN
		}
		if e := t.waitFor(&tf.notifier, gen); e != 0 {
			return 0, e
		}
	}
}

// Write: a timerfd cannot be written.
func (tf *timerFile) Write(t *Task, p []byte) (int, abi.Errno) { return 0, abi.EINVAL }

func (tf *timerFile) Close() {
	tf.mu.Lock()
	if tf.timer != nil {
		tf.timer.Stop()
		tf.timer = nil
	}
	tf.mu.Unlock()
}

func (tf *timerFile) Ready() (uint32, uint64) {
	gen := tf.generation()
	tf.mu.Lock()
	defer tf.mu.Unlock()
	tf.update()
	if tf.count > 0 {
		return evIn, gen
	}
	return 0, gen
}
