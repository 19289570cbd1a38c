/* The embedded example: stdio, argv and an exit code. */
// args: alpha beta-gamma 3
#include <stdio.h>

int main(int argc, char **argv)
{
	printf("Hello from ARM64 Linux: %d argument(s), I am %s\n", argc - 1, argv[0]);
	for (int i = 1; i < argc; i++)
		printf("  argv[%d] = %s\n", i, argv[i]);
	return 0;
}
