/* testzip.h - building zips with Unix modes and symlinks, for unit tests. */
#ifndef LC_TESTZIP_H
#define LC_TESTZIP_H

#include <sys/stat.h>

#include <string.h>

#include <zip.h>

/*
 * Adds a file (or, with S_IFLNK in mode, a symlink to text) made on opsys
 * (ZIP_OPSYS_UNIX, or another to drop the Unix mode).  Needs cmocka.h.
 */
static inline void
zip_put_mode(zip_t *za, const char *name, const char *text, mode_t mode,
    int opsys)
{
	zip_source_t *src;
	zip_int64_t idx;

	src = zip_source_buffer(za, text, strlen(text), 0);
	assert_non_null(src);
	idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
	assert_true(idx >= 0);
	assert_int_equal(zip_file_set_external_attributes(za,
	    (zip_uint64_t)idx, 0, (zip_uint8_t)opsys,
	    (zip_uint32_t)mode << 16), 0);
}

/* zip_put_mode for a zip made on Unix. */
static inline void
zip_put(zip_t *za, const char *name, const char *text, mode_t mode)
{
	zip_put_mode(za, name, text, mode, ZIP_OPSYS_UNIX);
}

#endif
