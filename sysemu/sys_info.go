package sysemu

import (
	"crypto/rand"
	"encoding/binary"
	"os"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"github.com/carrick-go/carrick/sysemu/abi"
)

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

func hostPpid() int { return os.Getppid() }

// sysGetrandom implements getrandom(2).
func sysGetrandom(t *Task, a [6]uint64) uint64 {
	n := min(a[1], 1<<25)
	buf := make([]byte, n)
	if _, err := rand.Read(buf); err != nil {
		return errno(abi.EIO)
	}
	if t.copyOut(a[0], buf) != nil {
		return errno(abi.EFAULT)
	}
	return n
}

// clockNow reads a Linux clock as a duration since its epoch.
func clockNow(id uint64) (time.Duration, abi.Errno) {
	var hostID int32
	switch id {
	case abi.CLOCK_REALTIME, abi.CLOCK_REALTIME_COARSE:
		hostID = unix.CLOCK_REALTIME
	case abi.CLOCK_MONOTONIC, abi.CLOCK_MONOTONIC_COARSE, abi.CLOCK_MONOTONIC_RAW, abi.CLOCK_BOOTTIME:
		hostID = unix.CLOCK_MONOTONIC
	case abi.CLOCK_PROCESS_CPUTIME_ID:
		hostID = unix.CLOCK_PROCESS_CPUTIME_ID
	case abi.CLOCK_THREAD_CPUTIME_ID:
		// A guest thread is not pinned to a host thread under the
		// interpreter; the process clock is the honest upper bound.
		hostID = unix.CLOCK_PROCESS_CPUTIME_ID
	default:
		return 0, abi.EINVAL
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(hostID, &ts); err != nil {
		return 0, abi.EINVAL
	}
	return time.Duration(ts.Nano()), 0
}

func monotonicNow() time.Duration {
	d, _ := clockNow(abi.CLOCK_MONOTONIC)
	return d
}

func (t *Task) writeTimespec(addr uint64, d time.Duration) error {
	var b [abi.SizeofTimespec]byte
	binary.LittleEndian.PutUint64(b[0:], uint64(d/time.Second))
	binary.LittleEndian.PutUint64(b[8:], uint64(d%time.Second))
	return t.copyOut(addr, b[:])
}

func (t *Task) readTimespec(addr uint64) (time.Duration, abi.Errno) {
	var b [abi.SizeofTimespec]byte
	if t.copyIn(addr, b[:]) != nil {
		return 0, abi.EFAULT
	}
	sec := int64(binary.LittleEndian.Uint64(b[0:]))
	nsec := int64(binary.LittleEndian.Uint64(b[8:]))
	if sec < 0 || nsec < 0 || nsec >= 1e9 {
		return 0, abi.EINVAL
	}
	if sec > int64(1<<62)/1e9 {
		sec = int64(1<<62) / 1e9
	}
	return time.Duration(sec)*time.Second + time.Duration(nsec), 0
}

// sysClockGettime implements clock_gettime(2).
func sysClockGettime(t *Task, a [6]uint64) uint64 {
	d, e := clockNow(a[0])
	if e != 0 {
		return errno(e)
	}
	if t.writeTimespec(a[1], d) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysClockGetres implements clock_getres(2).
func sysClockGetres(t *Task, a [6]uint64) uint64 {
	if _, e := clockNow(a[0]); e != 0 {
		return errno(e)
	}
	res := time.Nanosecond
	if a[0] == abi.CLOCK_REALTIME_COARSE || a[0] == abi.CLOCK_MONOTONIC_COARSE {
		res = 4 * time.Millisecond
	}
	if a[1] != 0 && t.writeTimespec(a[1], res) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sysGettimeofday implements gettimeofday(2).
func sysGettimeofday(t *Task, a [6]uint64) uint64 {
	if a[0] != 0 {
		d, _ := clockNow(abi.CLOCK_REALTIME)
		var b [16]byte
		binary.LittleEndian.PutUint64(b[0:], uint64(d/time.Second))
		binary.LittleEndian.PutUint64(b[8:], uint64(d%time.Second/time.Microsecond))
		if t.copyOut(a[0], b[:]) != nil {
			return errno(abi.EFAULT)
		}
	}
	if a[1] != 0 && t.copyOut(a[1], make([]byte, 8)) != nil {
		return errno(abi.EFAULT)
	}
	return 0
}

// sleepUntil sleeps to deadline. Interrupted, it writes the time left to
// rem (when not 0) and restarts through restart_syscall toward the same
// deadline, or returns EINTR when a handler runs, as Linux's
// hrtimer_nanosleep.
func (t *Task) sleepUntil(deadline time.Time, rem uint64) uint64 {
	if t.sleepOn(nil, max(time.Until(deadline), 0)) == 0 {
		return 0
	}
	left := time.Until(deadline)
	if left <= 0 {
		return 0
	}
	if rem != 0 && t.writeTimespec(rem, left) != nil {
		return errno(abi.EFAULT)
	}
	t.restartFn = func(t *Task) uint64 { return t.sleepUntil(deadline, rem) }
	return errno(errRestartBlock)
}

// sysNanosleep implements nanosleep(2).
func sysNanosleep(t *Task, a [6]uint64) uint64 {
	d, e := t.readTimespec(a[0])
	if e != 0 {
		return errno(e)
	}
	return t.sleepUntil(time.Now().Add(d), a[1])
}

// sysClockNanosleep implements clock_nanosleep(2). An absolute sleep that
// a signal interrupts restarts as it was called unless a handler runs.
func sysClockNanosleep(t *Task, a [6]uint64) uint64 {
	now, e := clockNow(a[0])
	if e != 0 || a[0] == abi.CLOCK_THREAD_CPUTIME_ID {
		return errno(abi.EINVAL)
	}
	d, e := t.readTimespec(a[2])
	if e != 0 {
		return errno(e)
	}
	if a[1]&abi.TIMER_ABSTIME == 0 {
		return t.sleepUntil(time.Now().Add(d), a[3])
	}
	if t.sleepOn(nil, max(d-now, 0)) != 0 {
		return errno(errRestartNoHand)
	}
	return 0
}
