/*
 * unzip.h - reading zips and jars as a user's build (or an attacker) hands
 * them over (libzip): inflating an entry with its real bytes counted,
 * normalising a jar for a deterministic package, and extracting a package
 * into a task root for the local runtime.
 *
 * Every reader refuses, naming the entry: an absolute name or one with a
 * ".." component, a symlink whose target leaves the root (as written, or
 * once a chain of links is followed), and more bytes than Lambda's
 * package_max_unzipped (package.h), counted as inflated since a zip
 * bomb's headers lie.  (Not zip.h: that is libzip's, and the tests see
 * src/ on their include path.)
 */
#ifndef LC_UNZIP_H
#define LC_UNZIP_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct zip;

/* Receives inflated bytes; returns 0, or -1 having filled err. */
typedef int unzip_sink_fn(void *arg, const char *data, size_t len,
    struct lc_err *err);

/*
 * Inflates entry idx of za (label names the zip in messages) into sink
 * (NULL: discard), counting the real bytes: more bytes than the entry
 * declares, or a running *total over package_max_unzipped, stops it with
 * one line (LC_ECONFIG), as do fewer bytes than declared and a CRC error.
 * Memory stays one chunk.
 */
int unzip_inflate(struct zip *za, uint64_t idx, const char *label,
    uint64_t *total, unzip_sink_fn *sink, void *arg, struct lc_err *err);

/*
 * Normalises the zip or jar at path into zip_path (written to a temporary
 * file and renamed): entries sorted, compressed data untouched, the fixed
 * timestamp, no extra fields or comments; modes normalised as for a tree
 * (a directory 0755, a file 0755 if its Unix mode has an execute bit,
 * else 0644, a symlink kept as a symlink), the root "bootstrap" 0755 when
 * provided (a provided.* runtime).  Every entry is inflated once
 * (unzip_inflate) and its CRC checked.  Symlinks that make a loop are
 * refused too.  The date comment that lein uberjar and older Maven write
 * into META-INF/maven/.../pom.properties is removed (those entries are
 * deflated anew), unless the jar is signed.  label names the zip in
 * messages; *entries and *unzipped (may be NULL) get the number of
 * entries and their real size.  Returns 0, or -1 with err (LC_ECONFIG for
 * a bad zip, LC_EFAIL for a failed write).
 */
int unzip_normalise(const char *path, const char *label, int provided,
    const char *zip_path, uint64_t *entries, uint64_t *unzipped,
    struct lc_err *err);

/*
 * Extracts the zip at zip_path into a new private directory (mkdtemp
 * under TMPDIR): modes kept (0644/0755 when the zip has none), symlinks
 * made last, so that no file is ever written through one, and checked on
 * disk once made.  *dir is the caller's, to be removed with
 * unzip_remove_tree.  Nothing is left behind on failure.
 */
int unzip_extract(const char *zip_path, char **dir, struct lc_err *err);

/* Removes the tree at dir (following no symlink); NULL is a no-op. */
void unzip_remove_tree(const char *dir);

/* Fills err with libzip's message for error code: "WHAT 'PATH': ...". */
int unzip_code_error(struct lc_err *err, int status, int code,
    const char *what, const char *path);

#endif
