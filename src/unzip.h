/*
 * unzip.h - zips from outside, as a user's build (or an attacker) hands
 * them over (libzip): read and checked, inflated with the real bytes
 * counted, a jar's normalised entries worked out (package.c writes them),
 * and a package extracted into a task root for the local runtime.  It
 * also holds the two rules every package keeps, whether read here or
 * zipped from a tree by package.c: Lambda's limit on unzipped bytes and
 * symlinks that stay inside the root.
 *
 * Every reader refuses, naming the entry: an absolute name or one with a
 * ".." component, a symlink whose target leaves the root (as written, or
 * once a chain of links is followed), and more bytes than unzip_limit,
 * counted as inflated since a zip bomb's headers lie.  (Not zip.h: that
 * is libzip's, and the tests see src/ on their include path.)
 */
#ifndef LC_UNZIP_H
#define LC_UNZIP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct zip;

#define UNZIP_LIMIT	(250ULL * 1024 * 1024)	/* 262,144,000 */

/*
 * The most bytes a package may unzip to: UNZIP_LIMIT, Lambda's limit.  A
 * variable only so that tests can lower it rather than write 250 MB.
 */
extern uint64_t unzip_limit;

/*
 * Whether target, read from a symlink in directory dir (dirlen bytes,
 * relative to the root, "" for the root itself), stays inside the root
 * once resolved lexically: absolute targets and ".." past the root do not.
 * Used when reading a zip and when zipping a tree (package.c).
 */
int unzip_link_inside(const char *dir, size_t dirlen, const char *target);

/* Receives inflated bytes; returns 0, or -1 having filled err. */
typedef int unzip_sink_fn(void *arg, const char *data, size_t len,
    struct lc_err *err);

/*
 * Inflates entry idx of za (label names the zip in messages) into sink
 * (NULL: discard), counting the real bytes: more bytes than the entry
 * declares, or a running *total over unzip_limit, stops it with one line
 * (LC_ECONFIG), as do fewer bytes than declared and a CRC error.  Memory
 * stays one chunk.
 */
int unzip_inflate(struct zip *za, uint64_t idx, const char *label,
    uint64_t *total, unzip_sink_fn *sink, void *arg, struct lc_err *err);

/* One entry of a zip being normalised, in its normalised form. */
struct unzip_entry {
	const char	*name;		/* borrowed from the open zip */
	uint64_t	 idx;		/* its index there */
	uint32_t	 mode;		/* normalised, S_IF* included */
	char		*data;		/* rewritten contents, or NULL */
	size_t		 len;
	char		*target;	/* a symlink's target */
};

/*
 * A zip or jar being normalised: unzip_norm_open reads its directory,
 * unzip_norm_scan its entries; package_normalise (package.h) writes the
 * result.  Callers read za, v, n, declared and unzipped; the rest is the
 * scan's own.  Release with unzip_norm_release.
 */
struct unzip_norm {
	struct zip		*za;		/* the input, open */
	const char		*label;		/* the artifact as written */
	struct unzip_entry	*v;		/* sorted once scanned */
	size_t			 n;
	int			 provided;	/* a provided.* runtime */
	int			 signed_jar;	/* rewrite nothing */
	uint64_t		 declared;	/* the declared sizes' sum */
	uint64_t		 unzipped;	/* real bytes inflated */
	size_t			 kept;		/* bytes of rewritten data */
};

/*
 * Opens the zip or jar at path (label names it in messages; provided: a
 * provided.* runtime) and reads its directory into nz: every name
 * relative and without "..", nz->declared the sum of the sizes the
 * headers declare, for the caller to hold against the limit before
 * anything is inflated.  Returns 0, or -1 with err (LC_ECONFIG); nz is to
 * be released either way.
 */
int unzip_norm_open(struct unzip_norm *nz, const char *path,
    const char *label, int provided, struct lc_err *err);

/*
 * Works out nz's normalised entries: sorted by name (a duplicate is
 * refused), modes normalised as for a tree (a directory 0755, a file 0755
 * if its Unix mode has an execute bit, else 0644, a symlink kept as a
 * symlink), the root "bootstrap" 0755 when provided.  Every entry is
 * inflated once (unzip_inflate, the real bytes in nz->unzipped) and its
 * CRC checked; symlinks that leave the root or make a loop are refused.
 * The date comment that lein uberjar and older Maven write into
 * META-INF/maven/.../pom.properties is removed (the entry's data is then
 * the rewritten text), unless the jar is signed.
 */
int unzip_norm_scan(struct unzip_norm *nz, struct lc_err *err);
void unzip_norm_release(struct unzip_norm *nz);

/*
 * Extracts the zip at zip_path into a new private directory (mkdtemp
 * under TMPDIR): modes kept (0644/0755 when the zip has none), symlinks
 * made last, so that no file is ever written through one, and checked on
 * disk once made.  *dir is the caller's, to be removed with
 * unzip_remove_tree.  Nothing is left behind on failure.
 */
int unzip_extract(const char *zip_path, char **dir, struct lc_err *err);
/* As unzip_extract, under parent (NULL: TMPDIR). */
int unzip_extract_in(const char *zip_path, const char *parent, char **dir,
    struct lc_err *err);

/* Removes the tree at dir (following no symlink); NULL is a no-op. */
void unzip_remove_tree(const char *dir);

/* Fills err with libzip's message for error code: "WHAT 'PATH': ...". */
int unzip_code_error(struct lc_err *err, int status, int code,
    const char *what, const char *path);

#endif
