package hvf

import "fmt"

// hv_return_t values.
const (
	hvSuccess     = 0
	hvError       = 0xfae94001
	hvBusy        = 0xfae94002
	hvBadArgument = 0xfae94003
	hvIllegal     = 0xfae94004
	hvNoResources = 0xfae94005
	hvNoDevice    = 0xfae94006
	hvDenied      = 0xfae94007
	hvFault       = 0xfae94008
	hvUnsupported = 0xfae9400f
)

// HVError is a failed Hypervisor.framework call.
type HVError uint32

func (e HVError) Error() string {
	switch e {
	case hvError:
		return "HV_ERROR"
	case hvBusy:
		return "HV_BUSY"
	case hvBadArgument:
		return "HV_BAD_ARGUMENT"
	case hvIllegal:
		return "HV_ILLEGAL_GUEST_STATE"
	case hvNoResources:
		return "HV_NO_RESOURCES"
	case hvNoDevice:
		return "HV_NO_DEVICE"
	case hvDenied:
		return "HV_DENIED: the binary lacks the com.apple.security.hypervisor entitlement (sign it: make darwin, or codesign --sign - --entitlements packaging/macos/carrick.entitlements --force BINARY)"
	case hvFault:
		return "HV_FAULT"
	case hvUnsupported:
		return "HV_UNSUPPORTED"
	}
	return fmt.Sprintf("hv_return_t %#x", uint32(e))
}

func hvResult(r uint32) error {
	if r == hvSuccess {
		return nil
	}
	return HVError(r)
}
