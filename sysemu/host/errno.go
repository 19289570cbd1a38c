package host

import "github.com/carrick-go/carrick/sysemu/abi"

// Linux errno values that sysemu/abi lacks (asm-generic/errno.h).
const (
	linuxENOMSG          abi.Errno = 42
	linuxEIDRM           abi.Errno = 43
	linuxENOSTR          abi.Errno = 60
	linuxENOSR           abi.Errno = 63
	linuxEREMOTE         abi.Errno = 66
	linuxENOLINK         abi.Errno = 67
	linuxEPROTO          abi.Errno = 71
	linuxEMULTIHOP       abi.Errno = 72
	linuxEBADMSG         abi.Errno = 74
	linuxELIBBAD         abi.Errno = 80
	linuxEUSERS          abi.Errno = 87
	linuxENOTSOCK        abi.Errno = 88
	linuxEDESTADDRREQ    abi.Errno = 89
	linuxEMSGSIZE        abi.Errno = 90
	linuxEPROTOTYPE      abi.Errno = 91
	linuxENOPROTOOPT     abi.Errno = 92
	linuxEPROTONOSUPPORT abi.Errno = 93
	linuxESOCKTNOSUPPORT abi.Errno = 94
	linuxEPFNOSUPPORT    abi.Errno = 96
	linuxEAFNOSUPPORT    abi.Errno = 97
	linuxEADDRINUSE      abi.Errno = 98
	linuxEADDRNOTAVAIL   abi.Errno = 99
	linuxENETDOWN        abi.Errno = 100
	linuxENETUNREACH     abi.Errno = 101
	linuxENETRESET       abi.Errno = 102
	linuxECONNABORTED    abi.Errno = 103
	linuxECONNRESET      abi.Errno = 104
	linuxENOBUFS         abi.Errno = 105
	linuxEISCONN         abi.Errno = 106
	linuxENOTCONN        abi.Errno = 107
	linuxESHUTDOWN       abi.Errno = 108
	linuxETOOMANYREFS    abi.Errno = 109
	linuxECONNREFUSED    abi.Errno = 111
	linuxEHOSTDOWN       abi.Errno = 112
	linuxEHOSTUNREACH    abi.Errno = 113
	linuxEALREADY        abi.Errno = 114
	linuxEINPROGRESS     abi.Errno = 115
	linuxEREMOTEIO       abi.Errno = 121
	linuxECANCELED       abi.Errno = 125
	linuxEOWNERDEAD      abi.Errno = 130
	linuxENOTRECOVERABLE abi.Errno = 131
)

// errnoFromDarwin maps each darwin errno (the index, sys/errno.h) to the
// Linux errno of the same name and meaning. Darwin's numbers agree with
// Linux's only up to 34, then diverge (EAGAIN is 35 on darwin, 11 on
// Linux). darwin's ENOATTR is Linux's ENODATA (Linux defines ENOATTR as
// ENODATA); darwin's ENOTSUP and EOPNOTSUPP are distinct, Linux's are both
// 95. Errnos only darwin has are in darwinOnlyErrnos.
var errnoFromDarwin = [...]abi.Errno{
	1: abi.EPERM, 2: abi.ENOENT, 3: abi.ESRCH, 4: abi.EINTR, 5: abi.EIO,
	6: abi.ENXIO, 7: abi.E2BIG, 8: abi.ENOEXEC, 9: abi.EBADF, 10: abi.ECHILD,
	11: abi.EDEADLK, 12: abi.ENOMEM, 13: abi.EACCES, 14: abi.EFAULT, 15: abi.ENOTBLK,
	16: abi.EBUSY, 17: abi.EEXIST, 18: abi.EXDEV, 19: abi.ENODEV, 20: abi.ENOTDIR,
	21: abi.EISDIR, 22: abi.EINVAL, 23: abi.ENFILE, 24: abi.EMFILE, 25: abi.ENOTTY,
	26: abi.ETXTBSY, 27: abi.EFBIG, 28: abi.ENOSPC, 29: abi.ESPIPE, 30: abi.EROFS,
	31: abi.EMLINK, 32: abi.EPIPE, 33: abi.EDOM, 34: abi.ERANGE,
	35: abi.EAGAIN, // also EWOULDBLOCK
	36: linuxEINPROGRESS, 37: linuxEALREADY, 38: linuxENOTSOCK, 39: linuxEDESTADDRREQ,
	40: linuxEMSGSIZE, 41: linuxEPROTOTYPE, 42: linuxENOPROTOOPT, 43: linuxEPROTONOSUPPORT,
	44: linuxESOCKTNOSUPPORT,
	45: abi.ENOTSUP,
	46: linuxEPFNOSUPPORT, 47: linuxEAFNOSUPPORT, 48: linuxEADDRINUSE, 49: linuxEADDRNOTAVAIL,
	50: linuxENETDOWN, 51: linuxENETUNREACH, 52: linuxENETRESET, 53: linuxECONNABORTED,
	54: linuxECONNRESET, 55: linuxENOBUFS, 56: linuxEISCONN, 57: linuxENOTCONN,
	58: linuxESHUTDOWN, 59: linuxETOOMANYREFS,
	60: abi.ETIMEDOUT,
	61: linuxECONNREFUSED,
	62: abi.ELOOP, 63: abi.ENAMETOOLONG,
	64: linuxEHOSTDOWN, 65: linuxEHOSTUNREACH,
	66: abi.ENOTEMPTY,
	68: linuxEUSERS,
	69: abi.EDQUOT, 70: abi.ESTALE,
	71: linuxEREMOTE,
	77: abi.ENOLCK, 78: abi.ENOSYS,
	84: abi.EOVERFLOW,
	89: linuxECANCELED, 90: linuxEIDRM, 91: linuxENOMSG,
	92: abi.EILSEQ,
	93: abi.ENODATA, // ENOATTR
	94: linuxEBADMSG, 95: linuxEMULTIHOP,
	96: abi.ENODATA,
	97: linuxENOLINK, 98: linuxENOSR, 99: linuxENOSTR, 100: linuxEPROTO,
	101: abi.ETIME,
	102: abi.EOPNOTSUPP,
	104: linuxENOTRECOVERABLE, 105: linuxEOWNERDEAD,
}

// darwinOnlyErrnos maps the darwin errnos Linux has no name for to the
// Linux errno a Linux program would best understand. They never map back.
var darwinOnlyErrnos = map[int]abi.Errno{
	67:  abi.EAGAIN,     // EPROCLIM: the process limit; Linux's fork says EAGAIN
	72:  linuxEREMOTEIO, // EBADRPC: Sun RPC errors (NFS only): a remote failure
	73:  linuxEREMOTEIO, // ERPCMISMATCH
	74:  linuxEREMOTEIO, // EPROGUNAVAIL
	75:  linuxEREMOTEIO, // EPROGMISMATCH
	76:  linuxEREMOTEIO, // EPROCUNAVAIL
	79:  abi.EINVAL,     // EFTYPE: inappropriate file type or format for the call
	80:  abi.EACCES,     // EAUTH: authentication refused
	81:  abi.EACCES,     // ENEEDAUTH: authentication needed
	82:  abi.ENXIO,      // EPWROFF: the device is powered off, so not there
	83:  abi.EIO,        // EDEVERR: a device error
	85:  abi.ENOEXEC,    // EBADEXEC: bad executable
	86:  abi.ENOEXEC,    // EBADARCH: executable for another CPU
	87:  linuxELIBBAD,   // ESHLIBVERS: shared library version mismatch
	88:  abi.ENOEXEC,    // EBADMACHO: malformed Mach-O file
	103: abi.ENOTSUP,    // ENOPOLICY: the MAC policy that would serve it is absent
	106: linuxENOBUFS,   // EQFULL: interface queue full, Linux's ENOBUFS
}

// errnoToDarwin inverts errnoFromDarwin; where two darwin errnos share a
// Linux one the lower wins: ENOTSUP (45) over EOPNOTSUPP (102), ENOATTR
// (93) over ENODATA (96), as Linux's ENODATA is nearly always the xattr one.
var errnoToDarwin = func() map[abi.Errno]int {
	m := make(map[abi.Errno]int, len(errnoFromDarwin))
	for d, l := range errnoFromDarwin {
		if _, dup := m[l]; l != 0 && !dup {
			m[l] = d
		}
	}
	return m
}()

// ErrnoFromDarwin returns the Linux errno for darwin errno e: the same one
// by meaning, or for an errno only darwin has, the closest. An unknown
// value is EIO.
func ErrnoFromDarwin(e int) abi.Errno {
	if e > 0 && e < len(errnoFromDarwin) && errnoFromDarwin[e] != 0 {
		return errnoFromDarwin[e]
	}
	if l, ok := darwinOnlyErrnos[e]; ok {
		return l
	}
	return abi.EIO
}

// ErrnoToDarwin returns darwin's errno with the meaning of Linux errno e;
// ok is false for one darwin lacks (ECHRNG, ENOKEY, ERFKILL…).
func ErrnoToDarwin(e abi.Errno) (d int, ok bool) {
	d, ok = errnoToDarwin[e]
	return d, ok
}
