/*
 * fuzz-manifest.c - lambda.yml through manifest_load_mem: YAML syntax,
 * anchors and aliases, nesting, keys and values, ${env:...} interpolation
 * and inheritance.  The first byte's low bit picks MANIFEST_DEFER_ENV ('1'
 * in a seed, '0' without); the rest is the manifest.  A few variables are
 * set for interpolation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "manifest.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("FUZZ_SET", "eu-west-1", 1);
	setenv("FUZZ_EMPTY", "", 1);
	setenv("FUZZ_NUM", "512", 1);
	unsetenv("FUZZ_UNSET");
	return 0;
}

/* What a successful load promises its callers. */
static void
check(const struct manifest *m)
{
	const struct manifest_fn *f;
	size_t i, j;

	for (i = 0; i < m->nfns; i++) {
		f = &m->fns[i];
		if (f->name == NULL || f->runtime == NULL || f->role == NULL ||
		    f->artifact == NULL || f->architecture == NULL ||
		    f->memory < 128 || f->timeout < 1 ||
		    f->ephemeral_storage < 512 || f->build_timeout < 1 ||
		    f->build_timeout > 86400 || manifest_find(m, f->name) != f)
			abort();
		for (j = 1; j < f->nenv; j++)
			if (strcmp(f->env[j - 1].key, f->env[j].key) >= 0)
				abort();
		for (j = 0; j < f->nunresolved; j++)
			if (!manifest_fn_unresolved(f, f->unresolved[j]))
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct manifest m;
	struct lc_err err;
	unsigned flags;

	if (size < 1)
		return 0;
	flags = (data[0] & 1) ? MANIFEST_DEFER_ENV : 0;
	lc_error_clear(&err);
	if (manifest_load_mem(&m, "fuzz.yml", (const char *)data + 1, size - 1,
	    flags, &err) == 0) {
		check(&m);
		lc_error_clear(&err);
		if (manifest_require_env(&m, &err) == -1 &&
		    (!(flags & MANIFEST_DEFER_ENV) || err.status != LC_ECONFIG))
			abort();
	} else if (err.status != LC_ECONFIG || err.msg[0] == '\0')
		abort();
	manifest_release(&m);
	return 0;
}
