package runtime

import (
	"errors"
	"fmt"
	"os"
	goruntime "runtime"

	"github.com/carrick-go/carrick/sysemu"
	"github.com/carrick-go/carrick/vcpu/hvf"
	"github.com/carrick-go/carrick/vcpu/interp"
)

// CPUVar carries the chosen CPU backend to the carrick processes a guest's
// fork and execve start (never passed to the guest).
const CPUVar = "CARRICK_CPU"

// Backend picks a CPU backend by name: hvf on Apple Silicon Macs and the
// interpreter elsewhere (auto), or the one named.
func Backend(name string) (sysemu.NewMachine, error) {
	if name == "auto" || name == "" {
		name = "interp"
		if goruntime.GOOS == "darwin" && goruntime.GOARCH == "arm64" {
			name = "hvf"
		}
	}
	switch name {
	case "interp":
		return interp.New, nil
	case "hvf":
		if goruntime.GOOS != "darwin" || goruntime.GOARCH != "arm64" {
			return nil, errors.New("--cpu hvf needs macOS on Apple Silicon; use --cpu interp")
		}
		return hvf.New, nil
	}
	return nil, fmt.Errorf("unknown --cpu %q (auto, interp, hvf)", name)
}

// ChildBackend is the backend of a child carrick process: its parent's.
func ChildBackend() (sysemu.NewMachine, error) { return Backend(os.Getenv(CPUVar)) }
