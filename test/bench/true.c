// cflags: -nostdlib
/* The smallest program: the target of proc spawn's execve. No libc, so
 * that the measured cost is the exec, not a libc's start-up. */
void _start(void)
{
	__asm__ volatile("mov x0, #0\n\tmov x8, #94\n\tsvc #0" ::: "x0", "x8", "memory"); /* exit_group(0) */
	__builtin_unreachable();
}
