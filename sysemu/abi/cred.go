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
