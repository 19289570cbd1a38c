package mkimage

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// What the second layer of a RootImage does, for the tests that check it.
const (
	// AddedFile is a file the second layer adds, with AddedBody.
	AddedFile = "/etc/carrick-release"
	AddedBody = "carrick test image, layer 2\n"
	// AppUser is the user the second layer appends to /etc/passwd (a changed
	// file), with AppUID and AppGID (also appended to /etc/group, with
	// ExtraGroup), home AppHome.
	AppUser = "app"
	AppUID  = 1000
	AppGID  = 1000
	AppHome = "/home/app"
	// ExtraGroup (ExtraGID) is a group AppUser is a member of.
	ExtraGroup = "appextra"
	ExtraGID   = 1001
	// WorkDir is the image's working directory, made by the second layer and
	// holding WorkFile.
	WorkDir  = "/srv/app"
	WorkFile = "motd"
	WorkBody = "hello from layer 2\n"
	// BaseGroup is a hard link the second layer makes, before it changes
	// /etc/group, to the first layer's /etc/group: a link across layers.
	BaseGroup = "/etc/group.base"
	// ImageVar is set to ImageVal by the image's Env.
	ImageVar = "IMAGE_VAR"
	ImageVal = "from-image"
	// Path is the image's PATH.
	Path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
)

// skipTop are the fixture root's names no image carries: the oracle's x86
// emulator.
var skipTop = []string{"qemu-aarch64-static"}

// RootImage is the linux/arm64 test image of a fixture root: the root as
// it is, then a layer that adds AddedFile, links BaseGroup to the first
// layer's /etc/group, adds the directories WorkDir and AppHome, changes
// /etc/passwd and /etc/group (the AppUser entries), and
// deletes the root's file deleted with a whiteout. Its config sets Env
// (Path, ImageVar), WorkingDir (WorkDir) and Cmd (cmd).
func RootImage(root, deleted string, cmd []string) (v1.Image, error) {
	if _, err := os.Lstat(filepath.Join(root, deleted)); err != nil {
		return nil, fmt.Errorf("the file the image deletes: %w", err)
	}
	base, err := DirLayer(root, skipTop...)
	if err != nil {
		return nil, err
	}
	passwd, err := os.ReadFile(filepath.Join(root, "etc/passwd"))
	if err != nil {
		return nil, err
	}
	group, err := os.ReadFile(filepath.Join(root, "etc/group"))
	if err != nil {
		return nil, err
	}
	dir := fs.ModeDir | 0o755
	top, err := FilesLayer(
		File{Path: "/etc", Mode: dir},
		File{Path: AddedFile, Mode: 0o644, Body: AddedBody},
		File{Path: BaseGroup, HardLink: "/etc/group"},
		File{Path: "/etc/passwd", Mode: 0o644, Body: string(passwd) +
			fmt.Sprintf("%s:x:%d:%d:%s:%s:/bin/sh\n", AppUser, AppUID, AppGID, AppUser, AppHome)},
		File{Path: "/etc/group", Mode: 0o644, Body: string(group) +
			fmt.Sprintf("%s:x:%d:\n%s:x:%d:%s\n", AppUser, AppGID, ExtraGroup, ExtraGID, AppUser)},
		File{Path: "/home", Mode: dir},
		File{Path: AppHome, Mode: dir, UID: AppUID, GID: AppGID},
		File{Path: "/srv", Mode: dir},
		File{Path: WorkDir, Mode: fs.ModeDir | 0o777},
		File{Path: WorkDir + "/" + WorkFile, Mode: 0o644, Body: WorkBody},
		File{Path: deleted, Whiteout: true},
	)
	if err != nil {
		return nil, err
	}
	return Image("arm64", v1.Config{
		Env:        []string{"PATH=" + Path, ImageVar + "=" + ImageVal},
		WorkingDir: WorkDir,
		Cmd:        cmd,
	}, base, top)
}

// Amd64Image is a small linux/amd64 image (one file, /hello), the other
// platform of a multi-platform index and the image carrick must refuse.
func Amd64Image() (v1.Image, error) {
	l, err := FilesLayer(File{Path: "/hello", Mode: 0o755, Body: "#!/bin/sh\necho amd64\n"})
	if err != nil {
		return nil, err
	}
	return Image("amd64", v1.Config{Env: []string{"PATH=" + Path}, Cmd: []string{"/hello"}}, l)
}
