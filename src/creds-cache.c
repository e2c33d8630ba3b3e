/*
 * creds-cache.c - the AWS CLI's JSON caches (~/.aws/cli/cache for assumed
 * roles, ~/.aws/sso/cache for SSO tokens), read and written as it does, so
 * that either tool uses what the other got.  A cache is only ever a help:
 * anything wrong with a file is a miss.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "awsconfig.h"
#include "buf.h"
#include "creds-private.h"
#include "err.h"
#include "log.h"
#include "xmalloc.h"

/* A cache file larger than this is not one of ours: a miss. */
#define CACHE_MAX_SIZE	(256 * 1024)

char *
creds_cache_path(const char *dir, const char *key)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	char hex[2 * EVP_MAX_MD_SIZE + 1], *base, *path;
	unsigned int n = 0, i;

	if (EVP_Digest(key, strlen(key), md, &n, EVP_sha1(), NULL) != 1)
		die("SHA-1 failed");
	for (i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	base = aws_expand_home(dir);
	path = xasprintf("%s/%s.json", base, hex);
	free(base);
	return path;
}

cJSON *
creds_cache_read(const char *path)
{
	struct stat st;
	char *text;
	cJSON *o = NULL;
	ssize_t n;
	int fd;

	if (*path != '/') {
		log_debug("cache '%s': no home directory; not read", path);
		return NULL;
	}
	/* Not a link, and not a FIFO someone left there to hang us. */
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) == -1) {
		if (errno != ENOENT)
			log_debug("cache '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		log_debug("cache '%s': not a regular file; ignored", path);
		close(fd);
		return NULL;
	}
	text = xmalloc(CACHE_MAX_SIZE + 1);
	if ((n = read_all(fd, text, CACHE_MAX_SIZE + 1)) == -1)
		log_debug("cache '%s': %s", path, strerror(errno));
	close(fd);
	if (n != -1 && (size_t)n <= CACHE_MAX_SIZE)
		o = cJSON_ParseWithLength(text, (size_t)n);
	OPENSSL_cleanse(text, CACHE_MAX_SIZE + 1);
	free(text);
	if (o != NULL && !cJSON_IsObject(o)) {
		creds_json_free(o);
		o = NULL;
	}
	if (o == NULL)
		log_debug("cache '%s': not a JSON object; ignored", path);
	return o;
}

/* Makes the directories of path that are missing, each 0700. */
static int
make_dirs(const char *path, struct lc_err *err)
{
	char *dir = xstrdup(path), *p;
	int rv = 0;

	for (p = dir + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			rv = lc_error(err, LC_ECONFIG, "cannot create '%s': %s",
			    dir, strerror(errno));
			break;
		}
		*p = '/';
	}
	free(dir);
	return rv;
}

int
creds_cache_write(const char *path, const cJSON *o, struct lc_err *err)
{
	char *tmp, *text;
	int fd, rv = -1, saved;

	/* "~/.aws/..." with no home would land in the current directory. */
	if (*path != '/')
		return lc_error(err, LC_ECONFIG, "cannot write '%s': no home "
		    "directory (set HOME)", path);
	if (make_dirs(path, err) == -1)
		return -1;
	if ((text = cJSON_PrintUnformatted(o)) == NULL)
		die("out of memory");
	tmp = xasprintf("%s.XXXXXX", path);
	/* mkstemp makes it 0600 and ours alone. */
	if ((fd = mkstemp(tmp)) == -1) {
		lc_error(err, LC_ECONFIG, "cannot write '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (write_all(fd, text, strlen(text)) == -1 || fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(tmp);
		lc_error(err, LC_ECONFIG, "cannot write '%s': %s", tmp,
		    strerror(saved));
		goto out;
	}
	if (close(fd) == -1 || rename(tmp, path) == -1) {
		saved = errno;
		unlink(tmp);
		lc_error(err, LC_ECONFIG, "cannot write '%s': %s", path,
		    strerror(saved));
		goto out;
	}
	rv = 0;
out:
	OPENSSL_cleanse(text, strlen(text));
	free(text);
	free(tmp);
	return rv;
}
