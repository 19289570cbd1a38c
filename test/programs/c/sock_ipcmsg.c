// IP-level options and ancillary data on UDP over 127.0.0.1 and ::1:
// IP_TOS/IP_TTL/IP_MTU_DISCOVER/IPV6_UNICAST_HOPS/IPV6_TCLASS/SO_BROADCAST/
// SO_PRIORITY read back, the control messages a receiver asks for
// (SO_TIMESTAMP, IP_PKTINFO, IP_RECVTTL, IP_RECVTOS, IPV6_RECVPKTINFO,
// IPV6_RECVHOPLIMIT, IPV6_RECVTCLASS), those a sender attaches (IP_TTL,
// IP_TOS, IPV6_HOPLIMIT), and IP_RECVERR's error queue after sending to a
// closed port. Ports and times are never printed, only compared.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const char *ename(int e) {
	static char buf[32];
	switch (e) {
	case 0: return "ok";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case ENOPROTOOPT: return "ENOPROTOOPT";
	case ECONNREFUSED: return "ECONNREFUSED";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

static int geti(int fd, int level, int opt) {
	int v = -1;
	socklen_t l = sizeof v;
	errno = 0;
	if (getsockopt(fd, level, opt, &v, &l) < 0)
		return -1000 - errno;
	return v;
}

static void seti(const char *what, int fd, int level, int opt, int v) {
	errno = 0;
	int r = setsockopt(fd, level, opt, &v, sizeof v);
	const char *res = r < 0 ? ename(errno) : "ok";
	printf("%s = %d: %s", what, v, res);
	// qemu 7.2 cannot read IP_RECVTTL back.
	if (!(level == IPPROTO_IP && opt == IP_RECVTTL))
		printf(", reads %d", geti(fd, level, opt));
	printf("\n");
}

static void dump(int fd, int flags) {
	char ctl[512], d[16] = {0};
	struct iovec iov = {d, sizeof d};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	if (!(flags & MSG_ERRQUEUE))
		poll(&(struct pollfd){fd, POLLIN, 0}, 1, 5000);
	errno = 0;
	int r = recvmsg(fd, &mh, flags | MSG_DONTWAIT);
	printf("  recvmsg %d %s msg_flags %#x controllen %zu\n", r, r < 0 ? ename(errno) : d, mh.msg_flags, (size_t)mh.msg_controllen);
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); r >= 0 && cm; cm = CMSG_NXTHDR(&mh, cm)) {
		printf("  cmsg level %d type %d len %zu:", cm->cmsg_level, cm->cmsg_type, (size_t)cm->cmsg_len);
		int v = 0;
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SO_TIMESTAMP) {
			struct timeval tv, now;
			memcpy(&tv, CMSG_DATA(cm), sizeof tv);
			gettimeofday(&now, NULL);
			printf(" within the last 5s %s", now.tv_sec >= tv.tv_sec && now.tv_sec - tv.tv_sec < 5 ? "yes" : "no");
		} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;
			char a[32], b[32];
			memcpy(&pi, CMSG_DATA(cm), sizeof pi);
			inet_ntop(AF_INET, &pi.ipi_addr, a, sizeof a);
			inet_ntop(AF_INET, &pi.ipi_spec_dst, b, sizeof b);
			printf(" ifindex %d addr %s spec_dst %s", pi.ipi_ifindex, a, b);
		} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TOS) {
			printf(" tos %d", *(unsigned char *)CMSG_DATA(cm));
		} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL) {
			memcpy(&v, CMSG_DATA(cm), sizeof v);
			printf(" ttl %d", v);
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;
			char a[64];
			memcpy(&pi, CMSG_DATA(cm), sizeof pi);
			inet_ntop(AF_INET6, &pi.ipi6_addr, a, sizeof a);
			printf(" ifindex %d addr %s", pi.ipi6_ifindex, a);
		} else if (cm->cmsg_level == IPPROTO_IPV6 && (cm->cmsg_type == IPV6_HOPLIMIT || cm->cmsg_type == IPV6_TCLASS)) {
			memcpy(&v, CMSG_DATA(cm), sizeof v);
			printf(" %d", v);
		} else if ((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_RECVERR) ||
		           (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_RECVERR)) {
			struct sock_extended_err ee;
			memcpy(&ee, CMSG_DATA(cm), sizeof ee);
			printf(" ee_errno %s origin %d type %d code %d", ename(ee.ee_errno), ee.ee_origin, ee.ee_type, ee.ee_code);
		}
		printf("\n");
	}
}

static void send_with(int fd, void *to, socklen_t tolen, int level, int type, int v) {
	char ctl[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {"cmsg", 4};
	struct msghdr mh = {.msg_name = to, .msg_namelen = tolen, .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof ctl};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	*cm = (struct cmsghdr){.cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = level, .cmsg_type = type};
	memcpy(CMSG_DATA(cm), &v, sizeof v);
	errno = 0;
	int r = sendmsg(fd, &mh, 0);
	printf("sendmsg with cmsg level %d type %d = %d: %s\n", level, type, v, r < 0 ? ename(errno) : "ok");
}

static void v4(void) {
	printf("== AF_INET\n");
	int r = socket(AF_INET, SOCK_DGRAM, 0), s = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(r, (struct sockaddr *)&a, sizeof a);
	socklen_t al = sizeof a;
	getsockname(r, (struct sockaddr *)&a, &al);
	printf("defaults: IP_TOS %d IP_TTL %d SO_BROADCAST %d SO_PRIORITY %d\n", geti(s, IPPROTO_IP, IP_TOS),
	       geti(s, IPPROTO_IP, IP_TTL), geti(s, SOL_SOCKET, SO_BROADCAST), geti(s, SOL_SOCKET, SO_PRIORITY));
	seti("IP_TOS", s, IPPROTO_IP, IP_TOS, 0x10);
	seti("IP_TTL", s, IPPROTO_IP, IP_TTL, 33);
	seti("IP_TTL", s, IPPROTO_IP, IP_TTL, 0);
	seti("IP_MTU_DISCOVER", s, IPPROTO_IP, IP_MTU_DISCOVER, IP_PMTUDISC_DO);
	seti("SO_BROADCAST", s, SOL_SOCKET, SO_BROADCAST, 1);
	seti("SO_PRIORITY", s, SOL_SOCKET, SO_PRIORITY, 3);
	seti("SO_TIMESTAMP", r, SOL_SOCKET, SO_TIMESTAMP, 1);
	seti("IP_PKTINFO", r, IPPROTO_IP, IP_PKTINFO, 1);
	seti("IP_RECVTTL", r, IPPROTO_IP, IP_RECVTTL, 1);
	seti("IP_RECVTOS", r, IPPROTO_IP, IP_RECVTOS, 1);
	sendto(s, "plain", 5, 0, (struct sockaddr *)&a, sizeof a);
	dump(r, 0);
	send_with(s, &a, sizeof a, IPPROTO_IP, IP_TTL, 7);
	dump(r, 0);
	send_with(s, &a, sizeof a, IPPROTO_IP, IP_TOS, 0x08);
	dump(r, 0);

	printf("-- IP_RECVERR\n");
	int e = socket(AF_INET, SOCK_DGRAM, 0);
	seti("IP_RECVERR", e, IPPROTO_IP, IP_RECVERR, 1);
	int gone = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in g = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	bind(gone, (struct sockaddr *)&g, sizeof g);
	socklen_t gl = sizeof g;
	getsockname(gone, (struct sockaddr *)&g, &gl);
	close(gone);
	sendto(e, "void", 4, 0, (struct sockaddr *)&g, sizeof g);
	struct pollfd p = {e, 0, 0};
	int n = poll(&p, 1, 5000);
	printf("poll for the error: %d revents %#x\n", n, p.revents);
	int se = geti(e, SOL_SOCKET, SO_ERROR);
	printf("SO_ERROR %s\n", ename(se));
	dump(e, MSG_ERRQUEUE);
	dump(e, MSG_ERRQUEUE | MSG_DONTWAIT);
}

static void v6(void) {
	printf("== AF_INET6\n");
	int r = socket(AF_INET6, SOCK_DGRAM, 0), s = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = in6addr_loopback};
	bind(r, (struct sockaddr *)&a, sizeof a);
	socklen_t al = sizeof a;
	getsockname(r, (struct sockaddr *)&a, &al);
	printf("defaults: IPV6_UNICAST_HOPS %d IPV6_TCLASS %d\n", geti(s, IPPROTO_IPV6, IPV6_UNICAST_HOPS),
	       geti(s, IPPROTO_IPV6, IPV6_TCLASS));
	seti("IPV6_UNICAST_HOPS", s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 9);
	seti("IPV6_UNICAST_HOPS", s, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 300);
	seti("IPV6_TCLASS", s, IPPROTO_IPV6, IPV6_TCLASS, 0x20);
	seti("IPV6_RECVPKTINFO", r, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
	seti("IPV6_RECVHOPLIMIT", r, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1);
	seti("IPV6_RECVTCLASS", r, IPPROTO_IPV6, IPV6_RECVTCLASS, 1);
	sendto(s, "plain6", 6, 0, (struct sockaddr *)&a, sizeof a);
	dump(r, 0);
	send_with(s, &a, sizeof a, IPPROTO_IPV6, IPV6_HOPLIMIT, 5);
	dump(r, 0);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	v4();
	v6();
	return 0;
}
