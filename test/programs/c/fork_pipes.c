// Pipes between forked processes: a reader sees EOF once every writer
// closed its end (no hidden copy keeps a pipe open), and a five-stage
// pipeline of forked filters, as a shell builds one.
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void say(const char *s) { write(1, s, strlen(s)); }

// stage runs filter k on stdin to stdout.
static void stage(int k) {
	char buf[256];
	int n;
	while ((n = read(0, buf, sizeof buf)) > 0) {
		for (int i = 0; i < n; i++) {
			switch (k) {
			case 0: buf[i] = toupper((unsigned char)buf[i]); break;
			case 1: if (buf[i] == 'A') buf[i] = '4'; break;
			case 2: if (buf[i] == 'E') buf[i] = '3'; break;
			case 3: if (buf[i] == ' ') buf[i] = '_'; break;
			default: break;
			}
		}
		write(1, buf, n);
	}
	_exit(k);
}

int main(void) {
	int p[2];
	pipe(p);
	pid_t c = fork();
	if (c == 0) {
		close(p[1]);
		char buf[64], msg[64];
		int n, total = 0;
		while ((n = read(p[0], buf, sizeof buf)) > 0)
			total += n;
		snprintf(msg, sizeof msg, "child read %d bytes, then EOF\n", total);
		say(msg);
		_exit(0);
	}
	close(p[0]);
	write(p[1], "hello", 5);
	close(p[1]);
	int st;
	waitpid(c, &st, 0);
	say("reader finished\n");

	// feeder | s0 | s1 | s2 | s3 | s4 -> this process
	int in[2];
	pipe(in);
	pid_t feeder = fork();
	if (feeder == 0) {
		close(in[0]);
		for (int i = 0; i < 200; i++)
			write(in[1], "a pipeline eats each line here\n", 31);
		_exit(9);
	}
	close(in[1]);
	int prev = in[0];
	pid_t kids[5];
	for (int k = 0; k < 5; k++) {
		int q[2];
		pipe(q);
		kids[k] = fork();
		if (kids[k] == 0) {
			dup2(prev, 0);
			dup2(q[1], 1);
			close(prev);
			close(q[0]);
			close(q[1]);
			stage(k);
		}
		close(prev);
		close(q[1]);
		prev = q[0];
	}
	char buf[512];
	int n, total = 0, lines = 0;
	char first[64] = {0};
	while ((n = read(prev, buf, sizeof buf)) > 0) {
		if (!first[0])
			memcpy(first, buf, n < 31 ? n : 31);
		for (int i = 0; i < n; i++)
			lines += buf[i] == '\n';
		total += n;
	}
	printf("pipeline: %d bytes, %d lines, first %s", total, lines, first);
	int sum = 0;
	waitpid(feeder, &st, 0);
	sum += WEXITSTATUS(st);
	for (int k = 0; k < 5; k++) {
		waitpid(kids[k], &st, 0);
		sum += WEXITSTATUS(st);
	}
	printf("\nstatuses sum %d\n", sum);
	return 0;
}
