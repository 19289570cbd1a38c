// A socket inherited through posix_spawn (glibc: clone with CLONE_VFORK,
// then execve) is still a socket in the new program: SO_TYPE, getsockname
// and sending work on it, and fds it passes back with SCM_RIGHTS arrive.
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int child(int fd) {
	int type = -1;
	socklen_t l = sizeof type;
	int r = getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &l);
	printf("child: SO_TYPE %d %d\n", r, type);
	struct sockaddr_un a;
	l = sizeof a;
	r = getsockname(fd, (struct sockaddr *)&a, &l);
	printf("child: getsockname %d family %d len %u\n", r, a.sun_family, l);
	int p[2];
	pipe(p);
	write(p[1], "through the pipe", 16);
	close(p[1]);
	char data = 'x';
	struct iovec iov = {&data, 1};
	char ctl[CMSG_SPACE(sizeof(int))];
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &p[0], sizeof(int));
	printf("child: sendmsg %zd\n", sendmsg(fd, &m, 0));
	fflush(stdout);
	return 0;
}

int main(int argc, char **argv) {
	if (argc == 3 && strcmp(argv[1], "child") == 0)
		return child(atoi(argv[2]));
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
		perror("socketpair");
		return 1;
	}
	char fdarg[16];
	snprintf(fdarg, sizeof fdarg, "%d", sv[1]);
	char *args[] = {argv[0], "child", fdarg, NULL};
	fflush(stdout);
	pid_t pid;
	int r = posix_spawn(&pid, argv[0], NULL, NULL, args, environ);
	if (r != 0) {
		printf("posix_spawn: %s\n", strerror(r));
		return 1;
	}
	close(sv[1]);
	int st;
	waitpid(pid, &st, 0);
	printf("parent: child exited %d\n", WEXITSTATUS(st));
	char data;
	struct iovec iov = {&data, 1};
	char ctl[CMSG_SPACE(sizeof(int))];
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	ssize_t n = recvmsg(sv[0], &m, 0);
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	printf("parent: recvmsg %zd rights %s\n", n, c && c->cmsg_type == SCM_RIGHTS ? "yes" : "no");
	if (c && c->cmsg_type == SCM_RIGHTS) {
		int fd;
		memcpy(&fd, CMSG_DATA(c), sizeof fd);
		char buf[32] = {0};
		printf("parent: read %zd \"%s\"\n", read(fd, buf, sizeof buf - 1), buf);
	}
	return 0;
}
