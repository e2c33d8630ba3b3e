/*
 * replay.c - runs a libFuzzer target over its checked-in corpus without
 * libFuzzer, so `make test` (gcc, ASan + UBSan) replays every seed and
 * every fixed bug's reproducer.  Speaks TAP: one "ok" per input file.
 *
 * The corpus directory is compiled in (FUZZ_CORPUS) or given as arguments.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Feeds one file to the target; returns 0, or -1 when it can't be read. */
static int
replay_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t len = 0, cap = 0, n;

	if (fp == NULL)
		return -1;
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			data = realloc(data, cap);
			if (data == NULL)
				abort();
		}
		n = fread(data + len, 1, cap - len, fp);
		if (n == 0)
			break;
		len += n;
	}
	fclose(fp);
	/* An exact-size copy, so ASan sees reads past the input's end. */
	{
		uint8_t *exact = malloc(len ? len : 1);

		if (exact == NULL)
			abort();
		memcpy(exact, data, len);
		free(data);
		LLVMFuzzerTestOneInput(exact, len);
		free(exact);
	}
	return 0;
}

static int
replay_dir(const char *dir, int *count)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, path[4096];
	size_t n = 0, cap = 0, i;
	int bad = 0;

	if (d == NULL) {
		printf("not ok %d - %s: %s\n", ++*count, dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			names = realloc(names, cap * sizeof(*names));
			if (names == NULL)
				abort();
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof(*names), cmp);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (replay_file(path) == 0) {
			printf("ok %d - %s\n", ++*count, path);
		} else {
			printf("not ok %d - %s: %s\n", ++*count, path,
			    strerror(errno));
			bad = -1;
		}
		fflush(stdout);
		free(names[i]);
	}
	free(names);
	if (n == 0) {
		printf("not ok %d - %s: empty corpus\n", ++*count, dir);
		bad = -1;
	}
	return bad;
}

int
main(int argc, char **argv)
{
	int count = 0, rc = 0, i;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
#ifdef FUZZ_CORPUS
	if (argc < 2)
		rc |= replay_dir(FUZZ_CORPUS, &count);
#endif
	for (i = 1; i < argc; i++)
		rc |= replay_dir(argv[i], &count);
	printf("1..%d\n", count);
	return rc ? 1 : 0;
}
