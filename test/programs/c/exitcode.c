// args: first second-arg x
/* Exit status, stderr, argv and stdin at EOF: writes to both streams (stderr unbuffered,
 * stdout buffered until exit), runs atexit handlers in reverse order and
 * exits with a status computed from the arguments. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void h1(void) { printf("atexit 1\n"); }
static void h2(void) { printf("atexit 2\n"); }
static void h3(void) { fprintf(stderr, "atexit 3 (stderr)\n"); }

int main(int argc, char **argv)
{
	atexit(h1);
	atexit(h2);
	atexit(h3);
	int status = 0;
	for (int i = 1; i < argc; i++) {
		printf("arg %d: %s (len %zu)\n", i, argv[i], strlen(argv[i]));
		status += (int)strlen(argv[i]);
	}
	fprintf(stderr, "stderr line 1, %d args\n", argc - 1);
	printf("stdout after stderr\n");
	static const char raw[] = "raw write(2) to fd 2\n";
	if (write(2, raw, sizeof raw - 1) != (ssize_t)(sizeof raw - 1))
		return 99;
	char in[64];
	ssize_t got = read(0, in, sizeof in); /* the harness gives /dev/null */
	printf("stdin read returned %zd\n", got);
	const char *e = getenv("LANG");
	printf("LANG=%s\n", e ? e : "(unset)");
	exit(status % 256);
}
