/*
 * num.h - the one ranged integer parser for option and environment values
 * (tmux's args_strtonum, OpenBSD's strtonum): callers word the message.
 */
#ifndef LC_NUM_H
#define LC_NUM_H

/*
 * s as a decimal integer (strtol's syntax, the whole string) from min to
 * max: 0 with *out, or -1 with *why (may be NULL) set to "not a number",
 * "too small" or "too large" and *out untouched.
 */
int num_parse(const char *s, long min, long max, long *out,
    const char **why);

#endif
