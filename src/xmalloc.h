/* xmalloc.h - allocation that cannot fail: out of memory is fatal. */
#ifndef LC_XMALLOC_H
#define LC_XMALLOC_H

#include <stddef.h>

#if defined(__GNUC__)
#define LC_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define LC_NORETURN __attribute__((noreturn))
#else
#define LC_PRINTF(f, a)
#define LC_NORETURN
#endif

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Returns a copy the caller frees; xstrdup(NULL) is NULL. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
/* Returns a formatted string the caller frees. */
char *xasprintf(const char *fmt, ...) LC_PRINTF(1, 2);
/* Overwrites a secret string with zeroes, then frees it; NULL is a no-op. */
void free_secret(char *s);
/* For out-of-memory and impossible states only. */
void die(const char *fmt, ...) LC_PRINTF(1, 2) LC_NORETURN;

#endif
