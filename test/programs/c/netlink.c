// netlink: NETLINK_ROUTE as glibc and iproute2 use it. Dumps the links,
// addresses and routes and prints the facts the host kernel (which qemu
// passes netlink to) and carrick's synthesized answers share: interface
// names, indices, hardware types and addresses, MTUs, the flags Go's net
// package reports on every host (up, broadcast, loopback,
// point-to-point, multicast, running), addresses with prefix lengths,
// scopes and labels, the routes of the main and local tables; message
// types, flags and sequence numbers; ACKs and errors; port ids; MSG_PEEK
// and MSG_TRUNC; poll readiness; and glibc's getifaddrs, if_nameindex and
// getaddrinfo(AI_ADDRCONFIG), which run on netlink (if_nametoindex is an
// ioctl, not netlink: not here).
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define GOFLAGS (IFF_UP | IFF_BROADCAST | IFF_LOOPBACK | IFF_POINTOPOINT | IFF_MULTICAST | IFF_RUNNING)

static char buf[65536];

static const char *ename(int e) {
	switch (e) {
	case 0: return "0";
	case EAGAIN: return "EAGAIN";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
	case ESOCKTNOSUPPORT: return "ESOCKTNOSUPPORT";
	case EPERM: return "EPERM";
	case EBUSY: return "EBUSY";
	}
	return "other";
}

static int nlsock(void) {
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	struct timeval tv = {5, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	return fd;
}

static void request(int fd, int type, int flags, unsigned seq, int family) {
	struct {
		struct nlmsghdr h;
		struct rtgenmsg g;
	} req = {{NLMSG_LENGTH(sizeof(struct rtgenmsg)), type, flags, seq, 0}, {family}};
	struct sockaddr_nl kernel = {AF_NETLINK, 0, 0, 0};
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) != (ssize_t)req.h.nlmsg_len)
		printf("sendto: %s\n", ename(errno));
}

static const char *ip(int family, const void *a) {
	static char s[4][INET6_ADDRSTRLEN];
	static int i;
	i = (i + 1) % 4;
	inet_ntop(family, a, s[i], sizeof s[i]);
	return s[i];
}

static void link_msg(struct nlmsghdr *h) {
	struct ifinfomsg *ifi = NLMSG_DATA(h);
	int len = IFLA_PAYLOAD(h);
	printf("  link %d type %u flags %#x", ifi->ifi_index, ifi->ifi_type, ifi->ifi_flags & GOFLAGS);
	for (struct rtattr *a = IFLA_RTA(ifi); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		unsigned char *d = RTA_DATA(a);
		switch (a->rta_type) {
		case IFLA_IFNAME: printf(" name %s", (char *)d); break;
		case IFLA_MTU: printf(" mtu %u", *(unsigned *)d); break;
		case IFLA_ADDRESS:
			printf(" addr");
			for (unsigned i = 0; i < RTA_PAYLOAD(a); i++)
				printf("%c%02x", i ? ':' : ' ', d[i]);
			break;
		}
	}
	printf("\n");
}

static void addr_msg(struct nlmsghdr *h) {
	struct ifaddrmsg *ifa = NLMSG_DATA(h);
	int len = IFA_PAYLOAD(h);
	printf("  addr family %d index %d /%d scope %d", ifa->ifa_family, ifa->ifa_index, ifa->ifa_prefixlen, ifa->ifa_scope);
	for (struct rtattr *a = IFA_RTA(ifa); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		switch (a->rta_type) {
		case IFA_ADDRESS: printf(" address %s", ip(ifa->ifa_family, RTA_DATA(a))); break;
		case IFA_LOCAL: printf(" local %s", ip(ifa->ifa_family, RTA_DATA(a))); break;
		case IFA_BROADCAST: printf(" brd %s", ip(ifa->ifa_family, RTA_DATA(a))); break;
		case IFA_LABEL: printf(" label %s", (char *)RTA_DATA(a)); break;
		}
	}
	printf("\n");
}

static void route_msg(struct nlmsghdr *h) {
	struct rtmsg *r = NLMSG_DATA(h);
	int len = RTM_PAYLOAD(h);
	if (r->rtm_table != RT_TABLE_MAIN && r->rtm_table != RT_TABLE_LOCAL)
		return;
	printf("  route family %d table %d type %d proto %d scope %d /%d", r->rtm_family, r->rtm_table, r->rtm_type,
	       r->rtm_protocol, r->rtm_scope, r->rtm_dst_len);
	for (struct rtattr *a = RTM_RTA(r); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		switch (a->rta_type) {
		case RTA_DST: printf(" dst %s", ip(r->rtm_family, RTA_DATA(a))); break;
		case RTA_GATEWAY: printf(" via %s", ip(r->rtm_family, RTA_DATA(a))); break;
		case RTA_PREFSRC: printf(" src %s", ip(r->rtm_family, RTA_DATA(a))); break;
		case RTA_OIF: printf(" oif %d", *(int *)RTA_DATA(a)); break;
		case RTA_TABLE: printf(" table %u", *(unsigned *)RTA_DATA(a)); break;
		case RTA_PRIORITY: if (r->rtm_family == AF_INET6) printf(" metric %u", *(unsigned *)RTA_DATA(a)); break;
		}
	}
	printf("\n");
}

// dump reads one dump to its NLMSG_DONE, printing each message; every
// message must carry the request's sequence number and our port id.
static void dump(int fd, unsigned seq, unsigned portid) {
	int done = 0, bad = 0;
	while (!done) {
		struct sockaddr_nl from;
		struct iovec iov = {buf, sizeof buf};
		struct msghdr mh = {&from, sizeof from, &iov, 1, NULL, 0, 0};
		ssize_t n = recvmsg(fd, &mh, 0);
		if (n < 0) {
			printf("recvmsg: %s\n", ename(errno));
			return;
		}
		if (mh.msg_namelen != sizeof from || from.nl_family != AF_NETLINK || from.nl_pid != 0 || mh.msg_flags)
			bad++;
		for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_seq != seq || h->nlmsg_pid != portid || !(h->nlmsg_flags & NLM_F_MULTI))
				bad++;
			switch (h->nlmsg_type) {
			case NLMSG_DONE:
				printf("  done len %u error %d\n", h->nlmsg_len, *(int *)NLMSG_DATA(h));
				done = 1;
				break;
			case NLMSG_ERROR: printf("  error %d\n", ((struct nlmsgerr *)NLMSG_DATA(h))->error); return;
			case RTM_NEWLINK: link_msg(h); break;
			case RTM_NEWADDR: addr_msg(h); break;
			case RTM_NEWROUTE: route_msg(h); break;
			default: printf("  type %d\n", h->nlmsg_type);
			}
		}
	}
	printf("  bad headers %d\n", bad);
}

// reply reads one datagram and describes its messages.
static void reply(int fd, const char *what) {
	ssize_t n = recv(fd, buf, sizeof buf, 0);
	printf("%s:", what);
	if (n < 0) {
		printf(" %s\n", ename(errno));
		return;
	}
	for (struct nlmsghdr *h = (void *)buf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
		printf(" [type %d flags %#x seq %u", h->nlmsg_type, h->nlmsg_flags, h->nlmsg_seq);
		if (h->nlmsg_type == NLMSG_ERROR) {
			struct nlmsgerr *e = NLMSG_DATA(h);
			printf(" error %s len %u echo type %d seq %u", ename(-e->error), h->nlmsg_len, e->msg.nlmsg_type, e->msg.nlmsg_seq);
		}
		if (h->nlmsg_type == RTM_NEWLINK)
			printf(" index %d", ((struct ifinfomsg *)NLMSG_DATA(h))->ifi_index);
		printf("]");
	}
	printf("\n");
}

int main(void) {
	printf("socket stream: %d %s\n", socket(AF_NETLINK, SOCK_STREAM, NETLINK_ROUTE), ename(errno));
	printf("socket proto 32: %d %s\n", socket(AF_NETLINK, SOCK_RAW, 32), ename(errno));

	int fd = nlsock();
	struct sockaddr_nl sa;
	socklen_t sl = sizeof sa;
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	printf("unbound: len %u family %d pid %u groups %u\n", sl, sa.nl_family, sa.nl_pid, sa.nl_groups);
	struct sockaddr_nl bad = {AF_INET, 0, 0, 0};
	printf("bind AF_INET: %d %s\n", bind(fd, (struct sockaddr *)&bad, sizeof bad), ename(errno));
	printf("bind short: %d %s\n", bind(fd, (struct sockaddr *)&sa, 4), ename(errno));
	struct sockaddr_nl me = {AF_NETLINK, 0, 0, 0};
	printf("bind: %d\n", bind(fd, (struct sockaddr *)&me, sizeof me));
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	unsigned portid = sa.nl_pid;
	printf("bound: pid is getpid %d\n", portid == (unsigned)getpid());
	int fd2 = nlsock();
	request(fd2, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 1, AF_UNSPEC); // autobinds
	getsockname(fd2, (struct sockaddr *)&sa, &sl);
	printf("second socket: autobound %d, negative %d\n", sa.nl_pid != 0, (int)sa.nl_pid < 0);
	close(fd2);
	// Strict checking and extended ACKs change the answers (the requests
	// below are glibc's short ones): set, read back, cleared.
	int one = 1, zero = 0, v = -1;
	printf("setsockopt EXT_ACK %d STRICT_CHK %d", setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof one),
	       setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one));
	sl = sizeof v;
	getsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &v, &sl);
	printf(" reads %d", v);
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &zero, sizeof zero);
	setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &zero, sizeof zero);
	getsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &v, &sl);
	printf(" then %d\n", v);
	int rcvbuf = 32768;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
	sl = sizeof rcvbuf;
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl);
	printf("SO_RCVBUF 32768 reads %d\n", rcvbuf);

	struct pollfd p = {fd, POLLIN | POLLOUT, 0};
	printf("poll idle: %d revents %#x\n", poll(&p, 1, 0), p.revents);
	printf("recv idle: %zd %s\n", recv(fd, buf, sizeof buf, MSG_DONTWAIT), ename(errno));

	printf("links:\n");
	request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 100, AF_UNSPEC);
	printf("  poll: %d revents %#x\n", poll(&p, 1, 1000), p.revents);
	dump(fd, 100, portid);
	printf("addresses:\n");
	request(fd, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 101, AF_UNSPEC);
	dump(fd, 101, portid);
	printf("IPv6 addresses:\n");
	request(fd, RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, 102, AF_INET6);
	dump(fd, 102, portid);
	printf("IPv4 routes:\n");
	request(fd, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 103, AF_INET);
	dump(fd, 103, portid);
	printf("IPv6 routes:\n");
	request(fd, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 104, AF_INET6);
	dump(fd, 104, portid);

	// iproute2's reads: the size first (MSG_PEEK|MSG_TRUNC, no buffer),
	// then the datagram.
	request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 105, AF_UNSPEC);
	ssize_t peek = recv(fd, NULL, 0, MSG_PEEK | MSG_TRUNC);
	ssize_t got = recv(fd, buf, sizeof buf, 0);
	printf("peek size %d, read same %d\n", peek > 0, peek == got);
	struct iovec iov = {buf, 16};
	struct msghdr mh = {NULL, 0, &iov, 1, NULL, 0, 0};
	got = recvmsg(fd, &mh, 0);
	printf("short read: %zd MSG_TRUNC %d\n", got, !!(mh.msg_flags & MSG_TRUNC));
	while ((got = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) > 0) // drain
		;
	request(fd, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, 106, AF_UNSPEC);
	got = recv(fd, buf, 16, MSG_TRUNC);
	printf("MSG_TRUNC read: longer than the buffer %d\n", got > 16);
	while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0)
		;

	struct {
		struct nlmsghdr h;
		struct ifinfomsg i;
	} get = {{NLMSG_LENGTH(sizeof(struct ifinfomsg)), RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 200, 0}, {0}};
	get.i.ifi_index = 1;
	send(fd, &get, get.h.nlmsg_len, 0);
	reply(fd, "getlink 1 with ACK");
	reply(fd, "  then");
	get.i.ifi_index = 0x7ffffff0;
	get.h.nlmsg_seq = 201;
	send(fd, &get, get.h.nlmsg_len, 0);
	reply(fd, "getlink missing");
	request(fd, NLMSG_NOOP, NLM_F_REQUEST | NLM_F_ACK, 203, AF_UNSPEC);
	reply(fd, "NOOP with ACK");
	request(fd, RTM_GETLINK, NLM_F_ACK, 204, AF_UNSPEC);
	reply(fd, "not a request, ACK");
	request(fd, RTM_GETLINK, NLM_F_REQUEST, 205, AF_UNSPEC);
	printf("not a dump, no ACK, no index: ");
	reply(fd, "");
	struct nlmsghdr tiny = {8, RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK, 206, 0};
	printf("short message: send %zd", send(fd, &tiny, 16, 0));
	printf(" then recv %zd %s\n", recv(fd, buf, sizeof buf, MSG_DONTWAIT), ename(errno));
	int cap = 1;
	setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &cap, sizeof cap);
	get.h.nlmsg_seq = 207;
	send(fd, &get, get.h.nlmsg_len, 0);
	reply(fd, "CAP_ACK error");
	close(fd);

	// glibc on netlink.
	struct ifaddrs *ifa;
	printf("getifaddrs: %d\n", getifaddrs(&ifa));
	for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
		int fam = i->ifa_addr ? i->ifa_addr->sa_family : -1;
		printf("  %s family %d flags %#x", i->ifa_name, fam, i->ifa_flags & GOFLAGS);
		if (fam == AF_INET)
			printf(" %s mask %s", ip(fam, &((struct sockaddr_in *)i->ifa_addr)->sin_addr),
			       ip(fam, &((struct sockaddr_in *)i->ifa_netmask)->sin_addr));
		if (fam == AF_INET6)
			printf(" %s mask %s", ip(fam, &((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr),
			       ip(fam, &((struct sockaddr_in6 *)i->ifa_netmask)->sin6_addr));
		printf("\n");
	}
	freeifaddrs(ifa);
	struct if_nameindex *ni = if_nameindex();
	printf("if_nameindex:");
	for (struct if_nameindex *i = ni; i && i->if_index; i++)
		printf(" %u=%s", i->if_index, i->if_name);
	printf("\n");
	if_freenameindex(ni);
	// One answer each (with two, glibc's RFC 6724 sort decides the order).
	struct {
		const char *host;
		int family;
	} q[] = {{NULL, AF_INET}, {NULL, AF_INET6}, {"127.0.0.1", AF_UNSPEC}, {"::1", AF_UNSPEC}};
	for (int k = 0; k < 4; k++) {
		struct addrinfo hints = {AI_ADDRCONFIG | AI_NUMERICHOST | AI_PASSIVE, q[k].family, SOCK_STREAM}, *res;
		int e = getaddrinfo(q[k].host, "80", &hints, &res);
		printf("getaddrinfo(%s, family %d, AI_ADDRCONFIG): %s", q[k].host ? q[k].host : "NULL", q[k].family,
		       e ? gai_strerror(e) : "ok");
		for (struct addrinfo *r = e ? NULL : res; r; r = r->ai_next)
			printf(" family %d", r->ai_family);
		printf("\n");
		if (!e)
			freeaddrinfo(res);
	}
	return 0;
}
