/* Process and thread costs, each timed inside the guest with
 * CLOCK_MONOTONIC over many operations. Prints one line per probe:
 *   proc NAME iterations=N ns_per_op=X
 * Usage: proc PROBE [N] [ARG], PROBE one of
 *   fork       fork + child _exit + waitpid
 *   forkmem    fork after touching ARG MiB of heap (default 1), child
 *              _exit + waitpid: the cost must grow with memory touched
 *   spawn      vfork + execve of ARG (a tiny static program) + waitpid
 *   thread     pthread_create + pthread_join of a thread that returns
 *   futex      a round trip between two threads that wake each other
 *              with FUTEX_WAKE and sleep with FUTEX_WAIT */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "bench.h"

static void line(const char *name, uint64_t n, uint64_t ns)
{
	printf("proc %s iterations=%llu ns_per_op=%.1f\n", name, (unsigned long long)n, (double)ns / (double)n);
}

static int reap(pid_t pid)
{
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		fprintf(stderr, "child %d failed\n", (int)pid);
		exit(2);
	}
	return 0;
}

static void bench_fork(uint64_t n, size_t mib, const char *name)
{
	size_t size = mib << 20;
	unsigned char *heap = NULL;
	if (size) {
		heap = malloc(size);
		if (!heap)
			exit(3);
		for (size_t i = 0; i < size; i += 4096) /* touch every page */
			heap[i] = (unsigned char)i;
	}
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(size && heap[size - 4096] != (unsigned char)(size - 4096)); /* the copy is there */
		reap(pid);
	}
	line(name, n, now_ns() - t0);
	free(heap);
}

static void bench_spawn(uint64_t n, char *prog)
{
	char *argv[] = {prog, NULL};
	char *envp[] = {NULL};
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		pid_t pid = vfork();
		if (pid == 0) {
			execve(prog, argv, envp);
			_exit(127);
		}
		reap(pid);
	}
	line("vfork-exec-wait", n, now_ns() - t0);
}

static void *nothing(void *arg)
{
	return arg;
}

static void bench_thread(uint64_t n)
{
	uint64_t t0 = now_ns();
	for (uint64_t i = 0; i < n; i++) {
		pthread_t t;
		void *ret;
		if (pthread_create(&t, NULL, nothing, (void *)(uintptr_t)i) != 0 || pthread_join(t, &ret) != 0 ||
		    ret != (void *)(uintptr_t)i)
			exit(4);
	}
	line("pthread-create-join", n, now_ns() - t0);
}

/* turn: whose move it is (0: main thread, 1: partner); each side waits
 * on it until it is its own, then hands it over and wakes the other. */
static _Atomic int turn;
static uint64_t rounds;

static void futex_wait(_Atomic int *addr, int val)
{
	syscall(SYS_futex, addr, FUTEX_WAIT_PRIVATE, val, NULL, NULL, 0);
}

static void futex_wake(_Atomic int *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void play(int me)
{
	for (uint64_t i = 0; i < rounds; i++) {
		while (atomic_load(&turn) != me)
			futex_wait(&turn, !me);
		atomic_store(&turn, !me);
		futex_wake(&turn);
	}
}

static void *partner(void *arg)
{
	play(1);
	return arg;
}

static void bench_futex(uint64_t n)
{
	pthread_t t;
	rounds = n;
	uint64_t t0 = now_ns();
	if (pthread_create(&t, NULL, partner, NULL) != 0)
		exit(5);
	play(0);
	pthread_join(t, NULL);
	line("futex-pingpong", n, now_ns() - t0);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: proc fork|forkmem|spawn|thread|futex [N] [ARG]\n");
		return 1;
	}
	const char *probe = argv[1];
	uint64_t n = iterations(argc - 1, argv + 1, 0);
	if (!strcmp(probe, "fork"))
		bench_fork(n ? n : 200, 0, "fork-exit-wait");
	else if (!strcmp(probe, "forkmem")) {
		size_t mib = argc > 3 ? strtoul(argv[3], NULL, 0) : 1;
		char name[64];
		snprintf(name, sizeof name, "fork-after-%zuMiB", mib);
		bench_fork(n ? n : 20, mib, name);
	} else if (!strcmp(probe, "spawn"))
		bench_spawn(n ? n : 100, argc > 3 ? argv[3] : "true");
	else if (!strcmp(probe, "thread"))
		bench_thread(n ? n : 1000);
	else if (!strcmp(probe, "futex"))
		bench_futex(n ? n : 20000);
	else {
		fprintf(stderr, "proc: unknown probe %s\n", probe);
		return 1;
	}
	return 0;
}
