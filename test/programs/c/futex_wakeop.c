/* FUTEX_WAKE_OP: every operation (SET, ADD, OR, ANDN, XOR, shifted
 * operand) and comparison, with signed 12-bit operands. */
#include <linux/futex.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
static long fx(uint32_t *u, int op, int val, long val2, uint32_t *u2, int val3)
{ return syscall(SYS_futex, u, op, val, val2, u2, val3); }
int main(void)
{
	uint32_t a = 0, b = 10;
	struct { int op, arg, cmp, carg; } t[] = {
		{FUTEX_OP_SET, 5, FUTEX_OP_CMP_EQ, 10}, {FUTEX_OP_ADD, 3, FUTEX_OP_CMP_GT, 4},
		{FUTEX_OP_OR, 8, FUTEX_OP_CMP_LT, 0}, {FUTEX_OP_ANDN, 1, FUTEX_OP_CMP_NE, 9},
		{FUTEX_OP_XOR, 0xff, FUTEX_OP_CMP_GE, -1}, {FUTEX_OP_ADD | 8, 4, FUTEX_OP_CMP_LE, 100},
		{FUTEX_OP_SET, -2, FUTEX_OP_CMP_EQ, -1},
	};
	for (unsigned i = 0; i < sizeof t / sizeof t[0]; i++) {
		long r = fx(&a, FUTEX_WAKE_OP_PRIVATE, 1, 1, &b, FUTEX_OP(t[i].op, t[i].arg, t[i].cmp, t[i].carg));
		printf("op %d: ret %ld b=%d\n", i, r, (int)b);
	}
	return 0;
}
