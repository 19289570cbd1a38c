package sysemu

// setHostComm: macOS has no settable process name (ps shows the
// executable); the guest's own view (/proc/PID/comm) is unaffected.
func setHostComm(name string) {}
