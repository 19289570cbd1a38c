package sysemu

import "os"

// anonFile returns a new empty host file with no name: darwin has no
// memfd, so an unlinked temporary file.
func anonFile(name string) (*os.File, error) {
	f, err := os.CreateTemp("", name+"-")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())
	return f, nil
}
