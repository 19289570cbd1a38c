/* Death by signal: a store to an unmapped address raises SIGSEGV with the
 * default action; the exit status must be 128+11. Output written before
 * the fault (and flushed) must appear. */
#include <stdint.h>
#include <stdio.h>

int main(void)
{
	printf("about to fault\n");
	fflush(stdout);
	volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)0x10;
	*p = 42;
	printf("not reached\n");
	return 0;
}
