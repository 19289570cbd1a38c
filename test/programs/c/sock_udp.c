// UDP over 127.0.0.1 and ::1: sendto/recvfrom and the source address
// they report, connect (peer filter, disconnect with AF_UNSPEC),
// truncation (MSG_TRUNC both ways), sendmmsg/recvmmsg, zero-length
// datagrams, FIONREAD, v4-mapped destinations, and the errors. Ports are
// never printed, only compared.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *ename(int e) {
	static char buf[32];
	switch (e) {
	case 0: return "ok";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case EMSGSIZE: return "EMSGSIZE";
	case EDESTADDRREQ: return "EDESTADDRREQ";
	case ENOTCONN: return "ENOTCONN";
	case EISCONN: return "EISCONN";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	case ECONNREFUSED: return "ECONNREFUSED";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EADDRINUSE: return "EADDRINUSE";
	case ENETUNREACH: return "ENETUNREACH";
	}
	snprintf(buf, sizeof buf, "errno %d", e);
	return buf;
}

static void say(const char *what, long r) {
	if (r < 0)
		printf("%s: -1 %s\n", what, ename(errno));
	else
		printf("%s: %ld\n", what, r);
}
#define TRY(what, expr) do { errno = 0; say(what, (long)(expr)); } while (0)

static const char *yes(int b) { return b ? "yes" : "no"; }

static socklen_t loopback(int fam, struct sockaddr_storage *ss, int port) {
	memset(ss, 0, sizeof *ss);
	if (fam == AF_INET) {
		struct sockaddr_in *s = (struct sockaddr_in *)ss;
		s->sin_family = AF_INET;
		s->sin_port = htons(port);
		s->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return sizeof *s;
	}
	struct sockaddr_in6 *s = (struct sockaddr_in6 *)ss;
	s->sin6_family = AF_INET6;
	s->sin6_port = htons(port);
	s->sin6_addr = in6addr_loopback;
	return sizeof *s;
}

static int port(const struct sockaddr_storage *ss) {
	return ss->ss_family == AF_INET ? ntohs(((struct sockaddr_in *)ss)->sin_port)
	                                : ntohs(((struct sockaddr_in6 *)ss)->sin6_port);
}

// bound returns a UDP socket bound to the loopback address, and its name.
static int bound(int fam, struct sockaddr_storage *name, socklen_t *len) {
	int fd = socket(fam, SOCK_DGRAM, 0);
	*len = loopback(fam, name, 0);
	bind(fd, (struct sockaddr *)name, *len);
	*len = sizeof *name;
	getsockname(fd, (struct sockaddr *)name, len);
	return fd;
}

// ready waits for a datagram: loopback delivery is quick but not
// guaranteed to finish inside sendto.
static int ready(int fd, int ms) {
	struct pollfd p = {fd, POLLIN, 0};
	return poll(&p, 1, ms);
}

static int fionread(int fd) {
	int n = -1;
	ioctl(fd, FIONREAD, &n);
	return n;
}

static void family(int fam) {
	printf("== %s\n", fam == AF_INET ? "AF_INET" : "AF_INET6");
	struct sockaddr_storage an, bn, from;
	socklen_t alen, blen, flen;
	int a = bound(fam, &an, &alen), b = bound(fam, &bn, &blen);
	int ty = -1, pr = -1;
	socklen_t ol = sizeof ty;
	getsockopt(a, SOL_SOCKET, SO_TYPE, &ty, &ol);
	getsockopt(a, SOL_SOCKET, SO_PROTOCOL, &pr, &ol);
	printf("SO_TYPE %d SO_PROTOCOL %d\n", ty, pr);
	char buf[128];
	printf("FIONREAD empty: %d\n", fionread(b));
	TRY("recvfrom MSG_DONTWAIT empty", recvfrom(b, buf, sizeof buf, MSG_DONTWAIT, NULL, NULL));
	TRY("send unconnected, no address", send(a, "x", 1, 0));
	TRY("sendto", sendto(a, "ping", 4, 0, (struct sockaddr *)&bn, blen));
	ready(b, 5000);
	flen = sizeof from;
	memset(&from, 0xff, sizeof from);
	memset(buf, 0, sizeof buf);
	TRY("recvfrom", recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
	printf("data %s, from len is the address size %s, from is a's name %s\n", buf, yes(flen == alen),
	       yes(flen == alen && memcmp(&from, &an, alen) == 0));
	flen = 4;
	sendto(a, "tiny", 4, 0, (struct sockaddr *)&bn, blen);
	ready(b, 5000);
	TRY("recvfrom, address buffer of 4", recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
	printf("from len reports the full size: %s\n", yes(flen == alen));

	// Two datagrams queued: FIONREAD is the first one's size.
	sendto(a, "seven!!", 7, 0, (struct sockaddr *)&bn, blen);
	sendto(a, "three", 3, 0, (struct sockaddr *)&bn, blen);
	ready(b, 5000);
	printf("FIONREAD two queued: %d\n", fionread(b));
	TRY("recv into 4 bytes", recv(b, buf, 4, 0));
	ready(b, 5000);
	TRY("recv MSG_TRUNC into 1 byte (the real length)", recv(b, buf, 1, MSG_TRUNC));
	sendto(a, "0123456789", 10, 0, (struct sockaddr *)&bn, blen);
	ready(b, 5000);
	struct iovec iov = {buf, 4};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	TRY("recvmsg into 4 bytes", recvmsg(b, &mh, 0));
	printf("msg_flags MSG_TRUNC: %s\n", yes(mh.msg_flags & MSG_TRUNC));
	sendto(a, "peekaboo", 8, 0, (struct sockaddr *)&bn, blen);
	ready(b, 5000);
	TRY("recv MSG_PEEK 4", recv(b, buf, 4, MSG_PEEK));
	TRY("recv after the peek", recv(b, buf, sizeof buf, 0));

	// Zero-length datagrams are datagrams.
	TRY("sendto zero bytes", sendto(a, "", 0, 0, (struct sockaddr *)&bn, blen));
	printf("poll sees it: %d\n", ready(b, 5000));
	printf("FIONREAD: %d\n", fionread(b));
	flen = sizeof from;
	TRY("recvfrom zero-length", recvfrom(b, buf, sizeof buf, 0, (struct sockaddr *)&from, &flen));
	printf("from a: %s\n", yes(flen == alen && memcmp(&from, &an, alen) == 0));
	TRY("then empty", recv(b, buf, sizeof buf, MSG_DONTWAIT));

	// sendmmsg and recvmmsg.
	struct mmsghdr mm[4];
	struct iovec iv[4];
	char bufs[4][16];
	const char *words[] = {"a", "bb", "ccc"};
	memset(mm, 0, sizeof mm);
	for (int i = 0; i < 3; i++) {
		iv[i] = (struct iovec){(void *)words[i], strlen(words[i])};
		mm[i].msg_hdr = (struct msghdr){.msg_name = &bn, .msg_namelen = blen, .msg_iov = &iv[i], .msg_iovlen = 1};
	}
	TRY("sendmmsg 3", sendmmsg(a, mm, 3, 0));
	printf("msg_len: %u %u %u\n", mm[0].msg_len, mm[1].msg_len, mm[2].msg_len);
	struct sockaddr_storage froms[4];
	memset(mm, 0, sizeof mm);
	for (int i = 0; i < 4; i++) {
		iv[i] = (struct iovec){bufs[i], sizeof bufs[i]};
		mm[i].msg_hdr = (struct msghdr){.msg_name = &froms[i], .msg_namelen = sizeof froms[i], .msg_iov = &iv[i], .msg_iovlen = 1};
	}
	TRY("recvmmsg 3 (blocking)", recvmmsg(b, mm, 3, 0, NULL));
	for (int i = 0; i < 3; i++)
		printf("  [%d] len %u %.*s from a %s\n", i, mm[i].msg_len, (int)mm[i].msg_len, bufs[i],
		       yes(mm[i].msg_hdr.msg_namelen == alen && memcmp(&froms[i], &an, alen) == 0));
	TRY("recvmmsg MSG_DONTWAIT empty", recvmmsg(b, mm, 4, MSG_DONTWAIT, NULL));
	sendto(a, "one", 3, 0, (struct sockaddr *)&bn, blen);
	ready(b, 5000);
	TRY("recvmmsg MSG_WAITFORONE with one queued", recvmmsg(b, mm, 4, MSG_WAITFORONE, NULL));

	// connect: a default destination and a filter on the source.
	TRY("connect", connect(a, (struct sockaddr *)&bn, blen));
	struct sockaddr_storage pn;
	socklen_t plen = sizeof pn;
	getpeername(a, (struct sockaddr *)&pn, &plen);
	printf("getpeername is b: %s\n", yes(plen == blen && memcmp(&pn, &bn, blen) == 0));
	TRY("send connected", send(a, "conn", 4, 0));
	ready(b, 5000);
	TRY("recv", recv(b, buf, sizeof buf, 0));
	struct sockaddr_storage cn;
	socklen_t clen;
	int c = bound(fam, &cn, &clen);
	sendto(c, "stranger", 8, 0, (struct sockaddr *)&an, alen);
	sendto(b, "peer", 4, 0, (struct sockaddr *)&an, alen);
	ready(a, 5000);
	memset(buf, 0, sizeof buf);
	TRY("connected socket receives only from its peer", recv(a, buf, sizeof buf, 0));
	printf("got %s; anything else: %d\n", buf, ready(a, 100));
	TRY("connect again elsewhere", connect(a, (struct sockaddr *)&cn, clen));
	struct sockaddr unspec = {.sa_family = AF_UNSPEC};
	TRY("connect AF_UNSPEC", connect(a, &unspec, sizeof unspec));
	plen = sizeof pn;
	TRY("getpeername after disconnect", getpeername(a, (struct sockaddr *)&pn, &plen));
	TRY("send after disconnect", send(a, "x", 1, 0));

	// A port nobody has: the ICMP error comes back to a connected socket.
	struct sockaddr_storage dn;
	socklen_t dlen;
	int d = bound(fam, &dn, &dlen);
	close(d);
	connect(c, (struct sockaddr *)&dn, dlen);
	send(c, "void", 4, 0);
	struct pollfd p = {c, POLLIN, 0};
	pr = poll(&p, 1, 5000);
	printf("poll after sending to a closed port: %d revents %#x\n", pr, p.revents);
	TRY("recv reports", recv(c, buf, sizeof buf, MSG_DONTWAIT));
	TRY("then", recv(c, buf, sizeof buf, MSG_DONTWAIT));

	char *big = calloc(1, 70000);
	TRY("sendto 70000 bytes", sendto(b, big, 70000, 0, (struct sockaddr *)&an, alen));
	free(big);
	TRY("bind b's address again", bind(socket(fam, SOCK_DGRAM, 0), (struct sockaddr *)&bn, blen));
	TRY("listen on UDP", listen(b, 1));
	TRY("accept on UDP", accept(b, NULL, NULL));
	close(a);
	close(b);
	close(c);
}

// The IPv4-mapped address reaches an AF_INET socket from an AF_INET6 one,
// which the receiver sees as an IPv4 sender.
static void v4mapped(void) {
	printf("== v4-mapped\n");
	struct sockaddr_storage rn, sn;
	socklen_t rlen, slen;
	int r = bound(AF_INET, &rn, &rlen);
	int s = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 to = {.sin6_family = AF_INET6, .sin6_port = ((struct sockaddr_in *)&rn)->sin_port};
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &to.sin6_addr);
	TRY("sendto ::ffff:127.0.0.1", sendto(s, "mapped", 6, 0, (struct sockaddr *)&to, sizeof to));
	slen = sizeof sn;
	getsockname(s, (struct sockaddr *)&sn, &slen);
	struct sockaddr_in from;
	socklen_t flen = sizeof from;
	ready(r, 5000);
	TRY("recvfrom", recvfrom(r, (char[16]){0}, 16, 0, (struct sockaddr *)&from, &flen));
	char txt[32];
	inet_ntop(AF_INET, &from.sin_addr, txt, sizeof txt);
	printf("from family AF_INET %s, %s, len %u, port is the sender's %s\n", yes(from.sin_family == AF_INET), txt, flen,
	       yes(ntohs(from.sin_port) == port(&sn)));
	int v6only = 1;
	TRY("IPV6_V6ONLY after autobind", setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, sizeof v6only));
	slen = sizeof v6only;
	getsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &slen);
	printf("reads %d\n", v6only);
	int t = socket(AF_INET6, SOCK_DGRAM, 0);
	setsockopt(t, IPPROTO_IPV6, IPV6_V6ONLY, &(int){1}, sizeof(int));
	TRY("V6ONLY socket sends to a mapped address", sendto(t, "x", 1, 0, (struct sockaddr *)&to, sizeof to));
	close(r);
	close(s);
	close(t);
}

int main(void) {
	setvbuf(stdout, NULL, _IONBF, 0);
	family(AF_INET);
	family(AF_INET6);
	v4mapped();
	return 0;
}
