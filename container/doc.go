// Package container keeps docker-style containers made from images: the
// user's `carrick run/create/start/ps/logs/stop/kill/rm/wait/exec/inspect`.
//
// A container is an OCI bundle under the store ($CARRICK_HOME/containers/ID:
// config.json, container.json with what docker would show, its writable
// root directory and, when detached, its logs), run by package runtime
// exactly as carrick-runtime runs any bundle (state under
// $CARRICK_HOME/run). Its root is an overlay: the image's layers, unpacked
// once per digest into $CARRICK_HOME/layers and shared read-only by every
// container of the image, beneath the container's own empty directory,
// so creating a container copies nothing (rootfs.Options.Lowers).
//
// There is no daemon: every command reads the records and the runtime
// state from disk, and a container's processes are plain host processes
// that `ps` and `kill` see.
package container
