//go:build !(darwin && arm64)

package hvf

import (
	"errors"

	"github.com/carrick-go/carrick/vcpu"
)

// New reports that Hypervisor.framework exists only on Apple Silicon Macs.
func New() (vcpu.Machine, error) {
	return nil, errors.New("hvf: Hypervisor.framework needs macOS on Apple Silicon (darwin/arm64); use --cpu interp")
}
