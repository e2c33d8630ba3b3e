/*
 * package.h - deterministic deployment zips and their CodeSha256.
 *
 * The same inputs always give the same bytes: entries sorted by path,
 * a fixed DOS timestamp (1980-01-01 00:00), modes normalised to 0755 or
 * 0644 (symlinks 0777), deflate at a fixed level, no extra fields, and
 * the Unix "version made by", so that "skip unchanged code" can compare
 * hashes.  Files are streamed into the zip and the zip into the hash:
 * memory does not grow with the artifact.
 */
#ifndef LC_PACKAGE_H
#define LC_PACKAGE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "sha256.h"
#include "manifest.h"

struct stat;

/*
 * The most zip that goes inside CreateFunction/UpdateFunctionCode
 * (Code.ZipFile): its base64 must stay under Lambda's 69,905,067-byte
 * request limit.  Bigger code goes through S3 (s3_bucket).
 */
#define PACKAGE_MAX_ZIPPED	(50ULL * 1024 * 1024)	/* 52428800 */

/*
 * The fixed fields of every entry: 1980-01-01 00:00, the DOS epoch (the
 * same whatever the time zone), and the deflate level.
 */
#define PACKAGE_DOS_TIME	0
#define PACKAGE_DOS_DATE	0x21
#define PACKAGE_ZIP_LEVEL	6

/*
 * A file of at least PACKAGE_STORE_MIN bytes whose first PACKAGE_STORE_MIN
 * bytes deflate (level 1) to more than 31/32 of their size is stored
 * (method 0), not deflated: already compressed data (a jar, an image, a
 * native image's compressed sections, random bytes) would cost deflate's
 * ~25 MB/s to save next to nothing.  Content alone decides, so the same
 * input still gives the same zip and CodeSha256.
 */
#define PACKAGE_STORE_MIN	(64 * 1024)

enum package_kind {
	PACKAGE_FILE,	/* one file: "bootstrap" 0755 for provided.* */
	PACKAGE_DIR,	/* a directory tree */
	PACKAGE_ZIP,	/* a .jar or .zip, normalised */
};

struct package_result {
	enum package_kind	 kind;
	char			*path;		/* the zip (or the jar itself) */
	uint64_t		 size;		/* bytes of the zip */
	uint64_t		 unzipped;	/* bytes of its contents */
	uint64_t		 entries;
	char			 sha256[45];	/* base64: Lambda's CodeSha256 */
};

/*
 * Packages fn's artifact (relative to base_dir) into out_dir/NAME.zip
 * (out_dir is created if need be; the zip is written to a temporary file
 * and renamed, so a failure leaves no half-written zip):
 *  - a directory: its tree, sorted, relative paths; a symlink is stored as
 *    a symlink when its target stays inside the tree and is an error when
 *    it points outside; for provided.* runtimes the root must hold a
 *    "bootstrap" file, always stored 0755;
 *  - a .jar or .zip: normalised (package_normalise);
 *  - any other single file: for provided.* runtimes stored as "bootstrap"
 *    0755, otherwise under its own name.
 * Over unzip_limit (unzip.h; checked before zipping) is an error that
 * says so (LC_ECONFIG), as is a missing artifact; the zip's own size is
 * package_check_direct's.  Fills res (release with package_result_release).
 */
int package_build(const struct manifest_fn *fn, const char *base_dir,
    const char *out_dir, struct package_result *res, struct lc_err *err);
/*
 * The one rule on a zip's size: without s3_bucket, fn's zip res must fit
 * in the request (PACKAGE_MAX_ZIPPED).  0, or -1 with err (LC_ECONFIG, one
 * line naming the function, the size, the limit and 's3_bucket').
 */
int package_check_direct(const struct manifest_fn *fn,
    const struct package_result *res, struct lc_err *err);
void package_result_release(struct package_result *res);
/*
 * What package_build checks of fn's artifact before packaging it, without
 * writing anything: it is there (stat(2) into *st), a file or a directory;
 * a directory holds at least one file and, for provided.* runtimes, a
 * 'bootstrap' at its root.  0 when package_build would take it, 1 when
 * it does not exist, -1 for any other problem (err says which, both).
 */
int package_artifact_check(const struct manifest_fn *fn,
    const char *base_dir, struct stat *st, struct lc_err *err);
/* fn's artifact path: as written if absolute, else under base_dir; the
 * caller frees it. */
char *package_artifact_path(const struct manifest_fn *fn,
    const char *base_dir);

/*
 * Normalises the zip or jar at path into zip_path (written to a temporary
 * file and renamed): its entries as unzip_norm_scan (unzip.h) works them
 * out, sorted, compressed data untouched, the fixed fields, no extra
 * fields or comments.  Declared sizes over unzip_limit are refused before
 * anything is inflated.  label names the zip in messages; provided: a
 * provided.* runtime; *entries and *unzipped (may be NULL) get the number
 * of entries and their real size.  Returns 0, or -1 with err (LC_ECONFIG
 * for a bad zip, LC_EFAIL for a failed write).
 */
int package_normalise(const char *path, const char *label, int provided,
    const char *zip_path, uint64_t *entries, uint64_t *unzipped,
    struct lc_err *err);

/* Streams the file at path into SHA-256; base64 into b64, size into size. */
int package_sha256(const char *path, char b64[45], uint64_t *size,
    struct lc_err *err);

/* The zip's CodeSha256 (base64) as lowercase hex, for S3 keys. */
void package_sha256_hex(const struct package_result *pkg,
    char hex[SHA256_HEX_LEN + 1]);
/*
 * The name an artifact goes by in S3 keys: the file name of fn's artifact
 * (the function's name when it has none), so that every function shipping
 * the same artifact names the same object.  The caller frees it.
 */
char *package_s3_name(const struct manifest_fn *fn);

#endif
