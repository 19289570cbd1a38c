// Package host holds the translations between the Linux ABI that guests see
// (sysemu/abi) and the darwin host's: errno, open flags, signals, struct
// stat and dirent, socket addresses and options, message flags, control
// messages and termios.
//
// Everything here is plain data and pure functions with no build tags, so
// the darwin translation compiles and is tested on Linux CI, where no Mac
// is at hand. The darwin numbers are the macOS arm64 SDK's; the tests check
// every one by name against golang.org/x/sys/unix's generated darwin files
// (zerrors_darwin_arm64.go, ztypes_darwin_arm64.go), and every Linux number
// against sysemu/abi or, where abi lacks it, zerrors_linux*.go.
//
// Constants named darwinX and linuxX mirror the host header's or Linux's X;
// the linuxX ones are Linux values sysemu/abi does not define yet.
package host
