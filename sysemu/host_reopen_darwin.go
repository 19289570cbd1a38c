package sysemu

// hostReopen on darwin duplicates the descriptor, as darwin's own /dev/fd
// does: the new fd shares the offset and flags (a difference from Linux).
func hostReopen(fd, flags int) (int, error) { return dupCloexec(fd) }
