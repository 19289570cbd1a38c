/* Death by signal: flushes some output, then abort() raises SIGABRT; the
 * exit status must be 128+6 under both emulators. */
#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	printf("about to abort\n");
	fflush(stdout);
	fprintf(stderr, "stderr before abort\n");
	abort();
}
