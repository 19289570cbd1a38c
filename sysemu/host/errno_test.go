package host

import (
	"testing"

	"github.com/carrick-go/carrick/sysemu/abi"
)

// darwinOnlyChoice is the Linux errno chosen for each darwin errno Linux
// has no name for.
var darwinOnlyChoice = map[string]string{
	"EPROCLIM": "EAGAIN", "EBADRPC": "EREMOTEIO", "ERPCMISMATCH": "EREMOTEIO",
	"EPROGUNAVAIL": "EREMOTEIO", "EPROGMISMATCH": "EREMOTEIO", "EPROCUNAVAIL": "EREMOTEIO",
	"EFTYPE": "EINVAL", "EAUTH": "EACCES", "ENEEDAUTH": "EACCES", "EPWROFF": "ENXIO",
	"EDEVERR": "EIO", "EBADEXEC": "ENOEXEC", "EBADARCH": "ENOEXEC", "ESHLIBVERS": "ELIBBAD",
	"EBADMACHO": "ENOEXEC", "ENOPOLICY": "EOPNOTSUPP", "EQFULL": "ENOBUFS",
	"ENOATTR": "ENODATA",
}

// darwinErrnos lists darwin's errnos by name, from x/sys/unix's error table.
func darwinErrnos(t *testing.T) map[string]int64 {
	sources(t)
	m := map[string]int64{}
	for _, e := range darwinSrc.tables["errorList"] {
		m[e.name] = e.num
	}
	if len(m) < 100 {
		t.Fatalf("x/sys/unix's darwin error table has %d rows", len(m))
	}
	return m
}

func TestErrnoFromDarwin(t *testing.T) {
	errs := darwinErrnos(t)
	seen := map[int64]bool{}
	for name, d := range errs {
		if darwinVal(t, name) != d {
			t.Errorf("x/sys/unix's darwin %s: table %d, constant %d", name, d, darwinVal(t, name))
		}
		lname := name
		if c, ok := darwinOnlyChoice[name]; ok {
			lname = c
		}
		want := abi.Errno(linuxVal(t, lname))
		if got := ErrnoFromDarwin(int(d)); got != want {
			t.Errorf("darwin %s (%d) → %d, want Linux %s (%d)", name, d, got, lname, want)
		}
		seen[d] = true
	}
	for d := int64(1); d <= darwinVal(t, "ELAST"); d++ {
		if !seen[d] {
			t.Errorf("darwin errno %d is not covered", d)
		}
	}
	if got := ErrnoFromDarwin(0); got != abi.EIO {
		t.Errorf("errno 0 → %v, want EIO", got)
	}
	if got := ErrnoFromDarwin(int(darwinVal(t, "ELAST")) + 1); got != abi.EIO {
		t.Errorf("errno past ELAST → %v, want EIO", got)
	}
}

func TestErrnoToDarwinRoundTrip(t *testing.T) {
	errs := darwinErrnos(t)
	// Linux names darwin has too, with darwin's preferred one where two
	// darwin errnos share a Linux errno.
	prefer := map[string]string{"EOPNOTSUPP": "ENOTSUP", "ENOTSUP": "ENOTSUP", "ENODATA": "ENOATTR"}
	n := 0
	for name, d := range errs {
		lv, ok := linuxSrc.consts[name]
		if !ok || darwinOnlyChoice[name] != "" {
			continue
		}
		want := d
		if p, ok := prefer[name]; ok {
			want = errs[p]
		}
		got, ok := ErrnoToDarwin(abi.Errno(lv))
		if !ok || int64(got) != want {
			t.Errorf("Linux %s (%d) → darwin %d %v, want %d", name, lv, got, ok, want)
		}
		if back := ErrnoFromDarwin(got); int64(back) != lv {
			t.Errorf("Linux %s: round trip gives %d", name, back)
		}
		n++
	}
	if n < 85 {
		t.Errorf("only %d errnos round-tripped", n)
	}
	for _, name := range []string{"ECHRNG", "ENOKEY", "ERFKILL", "EREMOTEIO"} {
		if d, ok := ErrnoToDarwin(abi.Errno(linuxVal(t, name))); ok {
			t.Errorf("Linux-only %s → darwin %d", name, d)
		}
	}
}
