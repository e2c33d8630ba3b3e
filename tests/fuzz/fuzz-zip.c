/*
 * fuzz-zip.c - zip normalising and unpacking, on zips as a user's build
 * (or an attacker) may hand them over: the input is written to a file,
 * normalised (package_normalise) into another, and both are unpacked
 * (unzip_extract) into a task root that is then removed.  The first byte
 * says whether the runtime is a provided.* one.  Everything happens in
 * one private temporary directory, removed at exit; the unzipped limit
 * is lowered so that no input takes long.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "package.h"
#include "unzip.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char fuzz_dir[] = "/tmp/fuzz-zip.XXXXXX";
static char in_path[64], out_path[64];

static void
remove_dir(void)
{
	unzip_remove_tree(fuzz_dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (mkdtemp(fuzz_dir) == NULL) {
		perror("mkdtemp");
		exit(1);
	}
	atexit(remove_dir);
	setenv("TMPDIR", fuzz_dir, 1);
	snprintf(in_path, sizeof in_path, "%s/in.zip", fuzz_dir);
	snprintf(out_path, sizeof out_path, "%s/out.zip", fuzz_dir);
	unzip_limit = 1024 * 1024;
	return 0;
}

/* Unpacks the zip at path into a task root, then removes it. */
static void
unpack(const char *path)
{
	struct lc_err err = { 0 };
	char *dir = NULL;

	if (unzip_extract(path, &dir, &err) == 0) {
		unzip_remove_tree(dir);
		free(dir);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lc_err err = { 0 };
	uint64_t entries, unzipped;
	int fd, provided;

	if (size < 1)
		return 0;
	provided = data[0] & 1;
	data++;
	size--;
	if ((fd = open(in_path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
		abort();
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	if (package_normalise(in_path, "in.zip", provided, out_path,
	    &entries, &unzipped, &err) == 0) {
		if (unzipped > unzip_limit)
			abort();
		unpack(out_path);
		unlink(out_path);
	}
	unpack(in_path);
	unlink(in_path);
	return 0;
}
