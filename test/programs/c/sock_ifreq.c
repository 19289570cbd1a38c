// Interface ioctls on a socket (SIOCGIFCONF, SIOCGIFINDEX, SIOCGIFNAME,
// SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFADDR, SIOCGIFNETMASK, SIOCGIFFLAGS),
// if_nametoindex, and an IPv6 datagram socket connected to an IPv4
// address (v4-mapped), as glibc's getaddrinfo uses it. Interfaces are the
// host's, the same under both emulators; flags are shown for the bits
// carrick models (up, loopback, running, broadcast).
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *ename(int e) {
	switch (e) {
	case 0: return "0";
	case ENODEV: return "ENODEV";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case EAFNOSUPPORT: return "EAFNOSUPPORT";
	}
	return "other";
}

static void addr(const char *what, struct sockaddr *sa) {
	struct sockaddr_in *in = (struct sockaddr_in *)sa;
	char b[32];
	printf("  %s: family %d %s\n", what, sa->sa_family, inet_ntop(AF_INET, &in->sin_addr, b, sizeof b));
}

int main(void) {
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifconf ic = {0};
	int r = ioctl(s, SIOCGIFCONF, &ic);
	printf("SIOCGIFCONF no buffer: %d len multiple of ifreq %s\n", r, ic.ifc_len % sizeof(struct ifreq) == 0 ? "yes" : "no");
	struct ifreq reqs[32];
	ic.ifc_len = sizeof reqs;
	ic.ifc_req = reqs;
	r = ioctl(s, SIOCGIFCONF, &ic);
	int n = ic.ifc_len / (int)sizeof(struct ifreq);
	printf("SIOCGIFCONF: %d, %d interfaces with IPv4\n", r, n);
	for (int i = 0; i < n; i++) {
		struct ifreq q;
		printf("%s\n", reqs[i].ifr_name);
		addr("conf address", &reqs[i].ifr_addr);
		memset(&q, 0, sizeof q);
		strcpy(q.ifr_name, reqs[i].ifr_name);
		r = ioctl(s, SIOCGIFINDEX, &q);
		int index = q.ifr_ifindex;
		printf("  index: %d %d, if_nametoindex same %s\n", r, index, if_nametoindex(q.ifr_name) == (unsigned)index ? "yes" : "no");
		memset(&q, 0, sizeof q);
		q.ifr_ifindex = index;
		r = ioctl(s, SIOCGIFNAME, &q);
		printf("  name by index: %d %s\n", r, q.ifr_name);
		strcpy(q.ifr_name, reqs[i].ifr_name);
		r = ioctl(s, SIOCGIFMTU, &q);
		printf("  mtu: %d %d\n", r, q.ifr_mtu);
		r = ioctl(s, SIOCGIFFLAGS, &q);
		printf("  flags: %d up %d loopback %d running %d broadcast %d\n", r, !!(q.ifr_flags & IFF_UP),
		       !!(q.ifr_flags & IFF_LOOPBACK), !!(q.ifr_flags & IFF_RUNNING), !!(q.ifr_flags & IFF_BROADCAST));
		r = ioctl(s, SIOCGIFHWADDR, &q);
		unsigned char *h = (unsigned char *)q.ifr_hwaddr.sa_data;
		printf("  hwaddr: %d type %d %02x:%02x:%02x:%02x:%02x:%02x\n", r, q.ifr_hwaddr.sa_family, h[0], h[1], h[2], h[3], h[4], h[5]);
		r = ioctl(s, SIOCGIFADDR, &q);
		addr("address", &q.ifr_addr);
		r = ioctl(s, SIOCGIFNETMASK, &q);
		addr("netmask", &q.ifr_netmask);
	}
	struct ifreq q = {0};
	strcpy(q.ifr_name, "nosuchif0");
	errno = 0;
	r = ioctl(s, SIOCGIFINDEX, &q);
	printf("unknown interface: %d %s\n", r, ename(errno));
	printf("if_nametoindex unknown: %u\n", if_nametoindex("nosuchif0"));

	int u = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in v4 = {.sin_family = AF_INET, .sin_port = htons(9)};
	inet_pton(AF_INET, "127.0.0.1", &v4.sin_addr);
	errno = 0;
	r = connect(u, (struct sockaddr *)&v4, sizeof v4);
	printf("IPv6 datagram socket to an IPv4 address: %d %s\n", r, ename(errno));
	struct sockaddr_in6 me;
	socklen_t ml = sizeof me;
	getsockname(u, (struct sockaddr *)&me, &ml);
	char b[64];
	printf("its local address: family %d %s\n", me.sin6_family, inet_ntop(AF_INET6, &me.sin6_addr, b, sizeof b));
	int on = 1;
	int u2 = socket(AF_INET6, SOCK_DGRAM, 0);
	setsockopt(u2, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
	errno = 0;
	r = connect(u2, (struct sockaddr *)&v4, sizeof v4);
	printf("the same with IPV6_V6ONLY: %d %s\n", r, ename(errno));
	return 0;
}
