package sysemu

import (
	"bytes"
	"encoding/binary"
	"net"

	"github.com/carrick-go/carrick/sysemu/abi"
	"github.com/carrick-go/carrick/sysemu/procfs"
)

// The interface ioctls any Linux socket answers (dev_ioctl: ifconfig,
// glibc's if_nametoindex), from the host's interfaces as netlink sees
// them (procfs.HostNet). Changing an interface needs CAP_NET_ADMIN, which
// a container does not have: EPERM.

// ifreq (struct ifreq) is 40 bytes: the name, then a 24-byte union.
const sizeofIfreq = 40

// sockIoctl answers an interface request on a socket, and SIOCATMARK and
// SIOCOUTQ on a host socket; handled is false for any other request.
func (t *Task) sockIoctl(f socketFile, req uint32, arg uint64) (ret uint64, handled bool) {
	switch req {
	case abi.SIOCATMARK, abi.SIOCOUTQ:
		hs, ok := f.(*hostSocket)
		if !ok {
			return errno(abi.ENOTTY), true
		}
		v, err := hostSockIoctl(hs.fd, req)
		if err != nil {
			return errno(hostErrno(err)), true
		}
		if t.writeU32(arg, uint32(v)) != nil {
			return errno(abi.EFAULT), true
		}
		return 0, true
	case abi.SIOCGIFCONF:
		return errno(t.ifconf(arg)), true
	case abi.SIOCGIFNAME, abi.SIOCGIFFLAGS, abi.SIOCGIFADDR, abi.SIOCGIFBRDADDR, abi.SIOCGIFNETMASK,
		abi.SIOCGIFMTU, abi.SIOCGIFHWADDR, abi.SIOCGIFINDEX, abi.SIOCGIFTXQLEN:
	case abi.SIOCSIFFLAGS, abi.SIOCSIFADDR, abi.SIOCSIFBRDADDR, abi.SIOCSIFNETMASK, abi.SIOCSIFMTU,
		abi.SIOCSIFHWADDR, abi.SIOCSIFNAME, abi.SIOCSIFTXQLEN:
		return errno(abi.EPERM), true
	default:
		return 0, false
	}
	ifr := make([]byte, sizeofIfreq)
	if t.copyIn(arg, ifr) != nil {
		return errno(abi.EFAULT), true
	}
	info := procfs.HostNet()
	var link *procfs.NetLink
	if req == abi.SIOCGIFNAME {
		link = info.Link(int(int32(binary.LittleEndian.Uint32(ifr[16:]))))
	} else {
		name := ifr[:16]
		if i := bytes.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		for k := range info.Links {
			if info.Links[k].Name == string(name) {
				link = &info.Links[k]
			}
		}
	}
	if link == nil {
		return errno(abi.ENODEV), true
	}
	u := ifr[16:]
	clear(u)
	le := binary.LittleEndian
	switch req {
	case abi.SIOCGIFNAME:
		clear(ifr[:16])
		copy(ifr[:15], link.Name)
		le.PutUint32(u, uint32(link.Index))
	case abi.SIOCGIFINDEX:
		le.PutUint32(u, uint32(link.Index))
	case abi.SIOCGIFFLAGS:
		le.PutUint16(u, uint16(link.Flags)) // a short: the low flags
	case abi.SIOCGIFMTU:
		le.PutUint32(u, uint32(link.MTU))
	case abi.SIOCGIFTXQLEN:
		le.PutUint32(u, uint32(link.TxQueueLen))
	case abi.SIOCGIFHWADDR:
		le.PutUint16(u, link.Type)
		copy(u[2:16], link.HWAddr)
	default: // the IPv4 address, broadcast or netmask
		a := firstIPv4(info, link.Index)
		if a == nil {
			return errno(abi.EADDRNOTAVAIL), true
		}
		ip := a.IP.To4()
		switch req {
		case abi.SIOCGIFBRDADDR:
			ip = a.Broadcast.To4()
			if ip == nil {
				ip = net.IPv4zero.To4()
			}
		case abi.SIOCGIFNETMASK:
			ip = net.IP(net.CIDRMask(a.PrefixLen, 32))
		}
		le.PutUint16(u, abi.AF_INET)
		copy(u[4:8], ip)
	}
	if t.copyOut(arg, ifr) != nil {
		return errno(abi.EFAULT), true
	}
	return 0, true
}

// firstIPv4 is an interface's first IPv4 address.
func firstIPv4(info *procfs.NetInfo, index int) *procfs.NetAddr {
	for k := range info.Addrs {
		if a := &info.Addrs[k]; a.Index == index && a.IP.To4() != nil && len(a.IP) == 4 {
			return a
		}
	}
	for k := range info.Addrs {
		if a := &info.Addrs[k]; a.Index == index && a.IP.To4() != nil {
			return a
		}
	}
	return nil
}

// ifconf is SIOCGIFCONF: one ifreq per interface with an IPv4 address;
// with no buffer, the length they need.
func (t *Task) ifconf(arg uint64) abi.Errno {
	hdr := make([]byte, 16) // struct ifconf: int ifc_len, then the buffer pointer
	if t.copyIn(arg, hdr) != nil {
		return abi.EFAULT
	}
	room := int(int32(binary.LittleEndian.Uint32(hdr)))
	buf := binary.LittleEndian.Uint64(hdr[8:])
	info := procfs.HostNet()
	var out []byte
	for _, l := range info.Links {
		a := firstIPv4(info, l.Index)
		if a == nil {
			continue
		}
		ifr := make([]byte, sizeofIfreq)
		copy(ifr[:15], l.Name)
		binary.LittleEndian.PutUint16(ifr[16:], abi.AF_INET)
		copy(ifr[20:24], a.IP.To4())
		if buf != 0 && len(out)+sizeofIfreq > room {
			break
		}
		out = append(out, ifr...)
	}
	if buf != 0 && len(out) > 0 && t.copyOut(buf, out) != nil {
		return abi.EFAULT
	}
	if t.writeU32(arg, uint32(len(out))) != nil {
		return abi.EFAULT
	}
	return 0
}
