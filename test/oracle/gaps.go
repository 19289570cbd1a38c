package oracle

// Why carrick fails a case today (issue 4's process work, as of the cases'
// introduction; each has a minimal reproduction in the commit message that
// added it).
const (
	// A process forked by a forked process (bash's nested $(...), a
	// pipeline inside $(...), xargs run by a pipeline stage, python's
	// grandchildren) runs zero pages: the grandchild dies of SIGILL on
	// instruction 0x00000000.
	gapForkOfFork = "fork from a forked child: the grandchild gets zero pages (SIGILL on 0x00000000)"
	// kill(getppid(), sig) from a child (sh -c 'kill -USR1 $PPID', perl
	// kill getppid) fails with ESRCH.
	gapKillParent = "kill from a child to its parent process fails with ESRCH"
	// A semaphore of a multiprocessing Lock or Pool lives on MAP_SHARED
	// memory; sem_post in one process does not wake sem_wait (futex) in
	// another, so the waiter sleeps forever.
	gapSharedFutex = "futex wake does not reach a waiter in another process on MAP_SHARED memory"
	// subprocess.run(["/nonexistent"]): the vfork child's execve fails and
	// it _exits, but the parent never sees EOF on its error pipe and hangs
	// (a C posix_spawn of a missing program returns ENOENT correctly).
	gapVforkExecFails = "vfork child that _exits after a failed execve: the parent's read of the error pipe never ends"
	// Go's os/exec: after a pipeline's children start, carrick's host
	// process sometimes still holds the write ends (O_WRONLY|O_CLOEXEC) of
	// the pipes the guest closed, so the readers never see EOF (a C
	// posix_spawn pipeline works); and yes, killed by SIGPIPE, is reported
	// as exit status 141 instead of death by the signal (its child-mode
	// carrick has also been seen to hang in exitLike instead).
	gapExecPipes = "os/exec: a child killed by SIGPIPE exits 141 instead of dying of it; the host process may keep closed pipes' write ends (no EOF)"
)

// KnownGaps lists, by case name, the cases carrick is known to fail and
// why. The suite fails when a listed case passes under carrick (take it off
// the list) and when an entry names no case; a case not listed must pass.
// Every entry is spelled out on purpose: a case leaves the list by an edit
// that someone can review.
var KnownGaps = map[string]string{
	"debian/bash-subshell-cmdsubst":      gapForkOfFork,
	"debian/bash-heredoc":                gapForkOfFork,
	"debian/bash-xargs-parallel":         gapForkOfFork,
	"debian/python-fork-waitpid":         gapForkOfFork,
	"busybox/sh-pipeline-stages":         gapForkOfFork,
	"busybox/sh-subshell-jobs":           gapForkOfFork,
	"busybox/sh-xargs-parallel":          gapForkOfFork,
	"debian/bash-trap":                   gapKillParent,
	"busybox/sh-trap":                    gapKillParent,
	"debian/python-multiprocessing-fork": gapSharedFutex,
	"debian/python-subprocess-pipes":     gapVforkExecFails,
	"debian/go-exec-pipeline":            gapExecPipes,
}
