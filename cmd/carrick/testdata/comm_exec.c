// A process's name (comm) is the base of the path exec was given, links
// not followed; fork keeps it; exec replaces a PR_SET_NAME name.
// argv[1] is the path of a symbolic link to this program.
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void comm(const char *who) {
	char b[32] = {0};
	FILE *f = fopen("/proc/self/comm", "r");
	fgets(b, sizeof b, f);
	fclose(f);
	printf("%s: %s", who, b);
}

int main(int argc, char **argv) {
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc > 2) {
		comm("after exec");
		return 0;
	}
	comm("started");
	if (fork() == 0) {
		comm("forked child");
		_exit(0);
	}
	wait(NULL);
	prctl(PR_SET_NAME, "renamed", 0, 0, 0);
	comm("renamed");
	execl(argv[1], "whatever-argv0", argv[1], "again", (char *)0);
	return 1;
}
