/* Credentials and file permissions: started as root, set up files, then
 * drop to 1000:1000 with groups {1000, 27} (setgroups, setresgid,
 * setresuid, through a stage with real uid 0 and effective uid 1000, where
 * a forked child shows the same ids), and
 * show what the kernel allows: set*id rules, getgroups sizes, the owner of
 * new files (a setgid directory's group), access/open/exec/unlink/chmod/
 * chown/utimes/link/mknod/chroot permission errors, and the Uid/Gid/Groups
 * lines of /proc/self/status. Runs in its private working directory. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <grp.h>

static void res(const char *what, int r)
{
	if (r < 0)
		printf("%-34s -> -1 %s\n", what, strerror(errno));
	else
		printf("%-34s -> %d\n", what, r);
}

static void ids(const char *when)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	getresuid(&r, &e, &s);
	getresgid(&rg, &eg, &sg);
	printf("%s: uid %u %u %u gid %u %u %u getuid %u geteuid %u getgid %u getegid %u\n", when,
	       r, e, s, rg, eg, sg, getuid(), geteuid(), getgid(), getegid());
}

static void groups(void)
{
	gid_t g[8];
	int n = getgroups(0, NULL);
	printf("getgroups(0): %d;", n);
	n = getgroups(8, g);
	for (int i = 0; i < n; i++)
		printf(" %u", g[i]);
	printf("\n");
	errno = 0;
	res("getgroups(1, buf)", getgroups(1, g));
}

static void owner(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0) {
		printf("stat %-29s -> -1 %s\n", path, strerror(errno));
		return;
	}
	printf("stat %-29s -> uid %u gid %u mode %o\n", path, st.st_uid, st.st_gid, st.st_mode);
}

static int mkfile(const char *path, mode_t mode, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	if (text)
		write(fd, text, strlen(text));
	close(fd);
	return 0;
}

static int openclose(const char *path, int flags)
{
	int fd = open(path, flags, 0644);
	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

static void status(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	if (!f) {
		printf("/proc/self/status: %s\n", strerror(errno));
		return;
	}
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "Uid:", 4) || !strncmp(line, "Gid:", 4) || !strncmp(line, "Groups:", 7))
			fputs(line, stdout);
	fclose(f);
}

int main(void)
{
	umask(022);
	/* As root: files and directories the user will meet. */
	mkfile("secret", 0600, "secret\n");
	mkfile("public", 0644, "public\n");
	mkfile("prog700", 0700, "#!/bin/sh\nexit 0\n");
	mkfile("prog755", 0755, "#!/nonexistent-interpreter\n");
	mkdir("d", 0755);
	chown("d", 1000, 1000);
	mkdir("sg", 0775);
	chown("sg", 0, 27);
	chmod("sg", 02775);
	mkdir("tmp", 0777);
	chmod("tmp", 01777);
	mkfile("tmp/rootfile", 0666, NULL);
	mkdir("closed", 0700);
	mkfile("closed/x", 0644, NULL);
	chmod("closed", 0700);
	ids("root");

	res("setgroups({1000, 27})", setgroups(2, (gid_t[]){1000, 27}));
	res("setresgid(1000, 1000, 1000)", setresgid(1000, 1000, 1000));
	groups();
	res("setresuid(0, 1000, 0)", setresuid(0, 1000, 0));
	ids("real root");
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) { /* a fork keeps all the ids, the saved one too */
		ids("forked child");
		groups();
		fflush(stdout);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	res("access secret R_OK (real uid 0)", access("secret", R_OK));
	res("faccessat secret AT_EACCESS", faccessat(AT_FDCWD, "secret", R_OK, AT_EACCESS));
	res("open secret (fsuid 1000)", openclose("secret", O_RDONLY));
	printf("setfsuid(0) returned %d\n", setfsuid(0));
	res("open secret (fsuid 0)", openclose("secret", O_RDONLY));
	printf("setfsuid(1000) returned %d\n", setfsuid(1000));
	res("setresuid(1000, 1000, 1000)", setresuid(1000, 1000, 1000));
	ids("user");
	groups();

	res("setuid(0)", setuid(0));
	res("setgid(0)", setgid(0));
	res("setresuid(-1, 0, -1)", setresuid(-1, 0, -1));
	res("setreuid(-1, 1000)", setreuid(-1, 1000));
	res("setgroups(0)", setgroups(0, NULL));
	int before = setfsuid(0), after = setfsuid(-1);
	printf("setfsuid(0) returned %d, then %d\n", before, after);
	before = setfsgid(27), after = setfsgid(-1);
	printf("setfsgid(27) returned %d, then %d\n", before, after);
	ids("user");

	res("create d/mine", mkfile("d/mine", 0640, "mine\n"));
	owner("d/mine");
	res("mkdir sg/sub", mkdir("sg/sub", 0755));
	owner("sg/sub");
	res("create sg/f", mkfile("sg/f", 02755, NULL));
	owner("sg/f");
	res("symlink d/link", symlink("mine", "d/link"));
	owner("d/link");
	res("create ./new (root's dir)", mkfile("new", 0644, NULL));
	res("mkdir ./newdir (root's dir)", mkdir("newdir", 0755));

	res("access secret R_OK", access("secret", R_OK));
	res("open secret O_RDONLY", openclose("secret", O_RDONLY));
	res("access public R_OK", access("public", R_OK));
	res("access public W_OK", access("public", W_OK));
	res("open public O_RDONLY", openclose("public", O_RDONLY));
	res("open public O_WRONLY", openclose("public", O_WRONLY));
	res("open public O_RDONLY|O_TRUNC", openclose("public", O_RDONLY | O_TRUNC));
	res("access d W_OK", access("d", W_OK));
	res("access prog700 X_OK", access("prog700", X_OK));
	res("stat closed/x", access("closed/x", F_OK));
	res("chdir closed", chdir("closed"));

	res("unlink tmp/rootfile (sticky)", unlink("tmp/rootfile"));
	res("create tmp/mine", mkfile("tmp/mine", 0644, NULL));
	res("rename d/mine tmp/moved", rename("d/mine", "tmp/moved"));
	res("unlink tmp/moved", unlink("tmp/moved"));
	res("unlink public (root's dir)", unlink("public"));
	res("rename public d/public", rename("public", "d/public"));
	res("rmdir closed", rmdir("closed"));

	res("chmod public", chmod("public", 0666));
	res("create d/own", mkfile("d/own", 0644, NULL));
	res("chmod d/own 0600", chmod("d/own", 0600));
	res("chown d/own 0:-1", chown("d/own", 0, -1));
	res("chown d/own -1:27", chown("d/own", -1, 27));
	res("chown d/own -1:5", chown("d/own", -1, 5));
	owner("d/own");
	res("chmod d/own 02755 (group 27)", chmod("d/own", 02755));
	owner("d/own");
	res("utimes public now", utimensat(AT_FDCWD, "public", NULL, 0));
	res("utimes public set", utimensat(AT_FDCWD, "public", (struct timespec[]){{1, 0}, {1, 0}}, 0));
	res("utimes d/own set", utimensat(AT_FDCWD, "d/own", (struct timespec[]){{1, 0}, {1, 0}}, 0));
	res("truncate public", truncate("public", 0));
	res("link public d/hard", link("public", "d/hard"));
	res("link d/own d/hard", link("d/own", "d/hard"));
	res("mknod d/null", mknod("d/null", S_IFCHR | 0666, makedev(1, 3)));
	res("mkfifo d/fifo", mkfifo("d/fifo", 0644));
	owner("d/fifo");
	res("chroot d", chroot("d"));

	char *argv[] = {"prog", NULL};
	res("execve prog700", execve("prog700", argv, argv + 1));
	res("execve prog755 (missing interp)", execve("prog755", argv, argv + 1));
	status();
	return 0;
}
