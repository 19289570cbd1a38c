/* EPIPE comes with SIGPIPE: handled, ignored, and the default action
 * (the process dies by SIGPIPE). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
static volatile int got;
static void h(int s) { got = s; }
int main(void) {
	int p[2]; pipe(p); close(p[0]);
	signal(SIGPIPE, h);
	int r = write(p[1], "x", 1);
	printf("handled: write %d errno %s got %d\n", r, strerror(errno), got);
	signal(SIGPIPE, SIG_IGN);
	r = write(p[1], "x", 1);
	printf("ignored: write %d errno %s\n", r, strerror(errno));
	fflush(stdout);
	signal(SIGPIPE, SIG_DFL);
	write(p[1], "x", 1);
	printf("not reached\n");
	return 0;
}
