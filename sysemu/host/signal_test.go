package host

import "testing"

func TestSignals(t *testing.T) {
	sources(t)
	rows := darwinSrc.tables["signalList"]
	if len(rows) < 31 {
		t.Fatalf("x/sys/unix's darwin signal table has %d rows", len(rows))
	}
	darwinOnly := map[string]bool{"SIGEMT": true, "SIGINFO": true}
	for _, r := range rows {
		if darwinVal(t, r.name) != r.num {
			t.Errorf("x/sys/unix's darwin %s: table %d, constant %d", r.name, r.num, darwinVal(t, r.name))
		}
		l, ok := SignalFromDarwin(int(r.num))
		if darwinOnly[r.name] {
			if ok {
				t.Errorf("darwin-only %s → Linux %d", r.name, l)
			}
			continue
		}
		want := linuxVal(t, r.name)
		if !ok || int64(l) != want {
			t.Errorf("darwin %s (%d) → Linux %d %v, want %d", r.name, r.num, l, ok, want)
		}
		if d, ok := SignalToDarwin(int(want)); !ok || int64(d) != r.num {
			t.Errorf("Linux %s (%d) → darwin %d %v, want %d", r.name, want, d, ok, r.num)
		}
	}
	for _, name := range []string{"SIGPOLL", "SIGIOT"} { // Linux's aliases
		if d, ok := SignalToDarwin(int(linuxVal(t, name))); !ok || d == 0 {
			t.Errorf("Linux %s has no darwin signal", name)
		}
	}
	for _, name := range []string{"SIGSTKFLT", "SIGPWR"} {
		if d, ok := SignalToDarwin(int(linuxVal(t, name))); ok {
			t.Errorf("Linux-only %s → darwin %d", name, d)
		}
	}
	for sig := int(linuxVal(t, "SIGRTMIN")); sig <= int(linuxVal(t, "NSIG")); sig++ {
		if d, ok := SignalToDarwin(sig); ok {
			t.Errorf("real-time signal %d → darwin %d", sig, d)
		}
	}
	for _, bad := range []int{0, -1, 65} {
		if _, ok := SignalToDarwin(bad); ok {
			t.Errorf("SignalToDarwin(%d) ok", bad)
		}
		if _, ok := SignalFromDarwin(bad); ok {
			t.Errorf("SignalFromDarwin(%d) ok", bad)
		}
	}
}
