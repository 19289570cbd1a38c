// Package net holds the end-to-end networking proofs of issue 8: real
// servers and clients (python3's http.server and asyncio, a Go net/http
// program, busybox nc and wget, UNIX sockets passing descriptors) run in the
// test/fixtures root filesystems under `carrick run-elf --rootfs` and, in the
// same test, under qemu-aarch64-static chrooted into the same root, the
// reference. Guest sockets are host sockets, so the host side of each test
// (curl, a Go HTTP client, a TCP listener) talks to the guest directly.
//
// What is compared: whatever the guest prints must be byte-identical under
// both emulators, and whatever the host receives must be what the test
// expects (file contents it wrote, bodies it can compute); a failure under
// qemu means the test itself is wrong.
//
// Knobs (environment of `go test`):
//
//	CARRICK_BIN        a carrick binary to use instead of building ./cmd/carrick
//	CARRICK_FIXTURES   fixture directory (default test/fixtures/out)
//	CARRICK_NET_EMU    run only this emulator (qemu or carrick)
//
// The tests need root (the reference runs in a mount and PID namespace of its
// own), qemu-aarch64-static, curl, and the roots built by `make fixtures`;
// they fail, never skip, without them.
package net
