package abi

// Credentials (include/uapi/linux/limits.h, capability.h).
const (
	// NGROUPS_MAX is the most supplementary groups setgroups takes.
	NGROUPS_MAX = 65536

	CAP_CHOWN           = 0
	CAP_DAC_OVERRIDE    = 1
	CAP_DAC_READ_SEARCH = 2
	CAP_FOWNER          = 3
	CAP_FSETID          = 4
	CAP_LINUX_IMMUTABLE = 9
	CAP_MKNOD           = 27
	CAP_MAC_OVERRIDE    = 32

	// CAP_FS_MASK are the capabilities that follow the file-system uid:
	// dropped from the effective set when the fsuid leaves 0, raised again
	// (from the permitted set) when it returns (security/commoncap.c).
	CAP_FS_MASK = 1<<CAP_CHOWN | 1<<CAP_DAC_OVERRIDE | 1<<CAP_DAC_READ_SEARCH | 1<<CAP_FOWNER |
		1<<CAP_FSETID | 1<<CAP_LINUX_IMMUTABLE | 1<<CAP_MKNOD | 1<<CAP_MAC_OVERRIDE
)

// CapNames are the capabilities by number, as OCI configs and
// /usr/include/linux/capability.h name them (6.12: CAP_LAST_CAP is 40).
var CapNames = [...]string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
	"CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
	"CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT",
	"CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
	"CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
}

// CapMask is the set of the named capabilities; unknown names are
// returned apart (runc warns about them and goes on).
func CapMask(names []string) (mask uint64, unknown []string) {
next:
	for _, n := range names {
		for i, c := range CapNames {
			if c == n {
				mask |= 1 << i
				continue next
			}
		}
		unknown = append(unknown, n)
	}
	return mask, unknown
}
