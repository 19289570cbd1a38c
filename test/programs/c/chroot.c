/* chroot(2) inside the guest's view: paths resolve under the new root,
 * ".." stops there, and the working directory stays where it was. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show(const char *path)
{
	char buf[64] = {0};
	int fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("%-24s -> missing\n", path);
		return;
	}
	read(fd, buf, sizeof buf - 1);
	close(fd);
	printf("%-24s -> %s", path, buf);
}

int main(void)
{
	mkdir("jail", 0755);
	mkdir("jail/sub", 0755);
	int fd = open("jail/inside.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, "inside\n", 7);
	close(fd);
	fd = open("outside.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	write(fd, "outside\n", 8);
	close(fd);
	symlink("/inside.txt", "jail/sub/link");
	printf("chroot: %d\n", chroot("jail"));
	show("/inside.txt");
	show("/../../inside.txt");
	show("/sub/link");
	show("/outside.txt");
	show("outside.txt"); /* cwd is still outside the new root */
	chdir("/");
	show("outside.txt");
	char cwd[256];
	printf("cwd after chdir(/): %s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
	return 0;
}
