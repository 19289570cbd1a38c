// risu runner: a static Linux ARM64 program without libc that runs the test
// cases the Go side writes to stdin, one after the other, and writes each
// case's result to stdout. Build: aarch64-linux-gnu-gcc -nostdlib -static.
//
// Syscalls used: read(63), write(64), mmap(222, MAP_FIXED), exit_group(94).
// No stack, no signals: the generated code owns every register (SP too).
//
// Stream in, per case: header {u32 magic "RISU", u32 code length, u64 case
// index}, state record (1 KiB, to STATE_IN), scratch block contents
// (SCRATCH_SIZE bytes, to SCRATCH), code (to CODE). The runner cleans the
// data cache and invalidates the instruction cache over the code, then
// branches to CODE. The generated prologue loads the state record, the
// test instructions run, the generated epilogue stores all state to
// STATE_OUT and branches to risu_return.
// Stream out, per case: STATE_OUT (1 KiB, with magic and case index at
// 496/504), then the scratch block.
//
// Exit status: 0 at EOF between cases; 2 truncated case; 3 bad magic;
// 4 bad code length; 5 read error; 6 write error; 7 mmap failed.
// Keep the constants in sync with layout.go.

	.equ IO_BASE,      0x10000000
	.equ HEADER,       0x10000000
	.equ STATE_IN,     0x10001000
	.equ STATE_OUT,    0x10002000
	.equ CODE,         0x20000000
	.equ CODE_MAX,     0x4000
	.equ SCRATCH,      0x30000000
	.equ SCRATCH_SIZE, 0x2000
	.equ MAP_SIZE,     0x10000
	.equ RECORD_SIZE,  1024
	.equ MAGIC,        0x55534952
	.equ OFF_MAGIC,    496
	.equ OFF_INDEX,    504

	.equ SYS_read,       63
	.equ SYS_write,      64
	.equ SYS_exit_group, 94
	.equ SYS_mmap,       222

	// movl: load a 32-bit constant.
	.macro movl rd, imm
	movz	\rd, #((\imm) & 0xffff)
	movk	\rd, #(((\imm) >> 16) & 0xffff), lsl #16
	.endm

	.text
	.globl _start
_start:
	movl	x0, IO_BASE
	mov	x2, #3			// PROT_READ|PROT_WRITE
	bl	map
	movl	x0, CODE
	mov	x2, #7			// PROT_READ|PROT_WRITE|PROT_EXEC
	bl	map
	movl	x0, SCRATCH
	mov	x2, #3
	bl	map

next_case:
	movl	x0, HEADER
	mov	x1, #16
	bl	readfull
	cbz	x0, eof
	cmp	x0, #16
	b.ne	truncated
	movl	x9, HEADER
	ldr	w10, [x9]
	movl	w11, MAGIC
	cmp	w10, w11
	b.ne	badmagic
	ldr	w12, [x9, #4]		// code length
	mov	x13, #CODE_MAX
	cmp	x12, x13
	b.hi	badlen
	tst	x12, #3
	b.ne	badlen
	cbz	x12, badlen

	movl	x0, STATE_IN
	mov	x1, #RECORD_SIZE
	bl	readfull
	cmp	x0, #RECORD_SIZE
	b.ne	truncated
	movl	x0, SCRATCH
	mov	x1, #SCRATCH_SIZE
	bl	readfull
	cmp	x0, #SCRATCH_SIZE
	b.ne	truncated
	movl	x9, HEADER
	ldr	w19, [x9, #4]
	movl	x0, CODE
	mov	x1, x19
	bl	readfull
	cmp	x0, x19
	b.ne	truncated

	// Make the new code visible to instruction fetch, line by line
	// (64-byte lines): clean D, invalidate I.
	movl	x0, CODE
	add	x1, x0, x19
1:	dc	cvau, x0
	dsb	ish
	ic	ivau, x0
	dsb	ish
	add	x0, x0, #64
	cmp	x0, x1
	b.lo	1b
	isb

	movl	x9, CODE
	br	x9

	// The epilogue of the generated code branches here.
	.globl risu_return
risu_return:
	movl	x9, HEADER
	ldr	x10, [x9, #8]
	movl	x9, STATE_OUT
	str	x10, [x9, #OFF_INDEX]
	movl	x10, MAGIC
	str	x10, [x9, #OFF_MAGIC]
	movl	x0, STATE_OUT
	mov	x1, #RECORD_SIZE
	bl	writefull
	movl	x0, SCRATCH
	mov	x1, #SCRATCH_SIZE
	bl	writefull
	b	next_case

eof:
	mov	x0, #0
	b	exit
truncated:
	mov	x0, #2
	b	exit
badmagic:
	mov	x0, #3
	b	exit
badlen:
	mov	x0, #4
	b	exit
exit:
	mov	x8, #SYS_exit_group
	svc	#0
	b	exit

// map(x0 = addr, x2 = prot): mmap(addr, MAP_SIZE, prot,
// MAP_PRIVATE|MAP_FIXED|MAP_ANONYMOUS, -1, 0); exit 7 unless it returns addr.
map:
	mov	x9, x0
	mov	x1, #MAP_SIZE
	mov	x3, #0x32
	mov	x4, #-1
	mov	x5, #0
	mov	x8, #SYS_mmap
	svc	#0
	cmp	x0, x9
	b.ne	1f
	ret
1:	mov	x0, #7
	b	exit

// readfull(x0 = buf, x1 = len) -> x0 = bytes read (< len only at EOF).
readfull:
	mov	x20, x0
	mov	x21, x1
	mov	x22, #0
1:	cmp	x22, x21
	b.hs	3f
	mov	x0, #0
	add	x1, x20, x22
	sub	x2, x21, x22
	mov	x8, #SYS_read
	svc	#0
	cmn	x0, #4			// -EINTR: retry
	b.eq	1b
	cmp	x0, #0
	b.lt	2f
	b.eq	3f
	add	x22, x22, x0
	b	1b
2:	mov	x0, #5
	b	exit
3:	mov	x0, x22
	ret

// writefull(x0 = buf, x1 = len): write everything to stdout or exit 6.
writefull:
	mov	x20, x0
	mov	x21, x1
	mov	x22, #0
1:	cmp	x22, x21
	b.hs	3f
	mov	x0, #1
	add	x1, x20, x22
	sub	x2, x21, x22
	mov	x8, #SYS_write
	svc	#0
	cmn	x0, #4
	b.eq	1b
	cmp	x0, #0
	b.le	2f
	add	x22, x22, x0
	b	1b
2:	mov	x0, #6
	b	exit
3:	ret
