/*
 * test-langrt-java.c - the pure parts of Java's local runtime
 * (langrt-java.h): the Java version in what `java -version` prints and in
 * a JDK's release file, a runtime's Java version, the JVM flags Lambda's
 * Java runtime sets (85/10/5% of the memory; tiered compilation from
 * java17 on).  And the cache of the embedded runtime loops
 * (langrt-private.h): under $TMPDIR/lambdactl-UID when HOME is unusable,
 * a temporary file left by a killed run of the same pid replaced.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "langrt-java.h"
#include "langrt-private.h"
#include "xmalloc.h"

static void
test_major(void **state)
{
	(void)state;
	assert_int_equal(langrt_java_major("openjdk version \"17.0.15\" "
	    "2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6)\n"), 17);
	assert_int_equal(langrt_java_major("java version \"1.8.0_392\"\n"), 8);
	assert_int_equal(langrt_java_major("openjdk version \"21\" "
	    "2023-09-19\n"), 21);
	assert_int_equal(langrt_java_major("openjdk version \"23-ea\"\n"), 23);
	assert_int_equal(langrt_java_major("JAVA_VERSION=\"11.0.22\"\n"), 11);
	/* A JVM option picked up first says nothing of the version. */
	assert_int_equal(langrt_java_major("Picked up JAVA_TOOL_OPTIONS: "
	    "-Dx=1\nopenjdk version \"17.0.1\"\n"), 17);
	assert_int_equal(langrt_java_major(""), -1);
	assert_int_equal(langrt_java_major("no quotes here"), -1);
	assert_int_equal(langrt_java_major("version \"x.y\""), -1);
	assert_int_equal(langrt_java_major("version \"0\""), -1);
	assert_int_equal(langrt_java_major("version \"99999999999999999999\""),
	    -1);
}

static void
test_target(void **state)
{
	(void)state;
	assert_int_equal(langrt_java_target("java8.al2"), 8);
	assert_int_equal(langrt_java_target("java8"), 8);
	assert_int_equal(langrt_java_target("java11"), 11);
	assert_int_equal(langrt_java_target("java17"), 17);
	assert_int_equal(langrt_java_target("java21"), 21);
	assert_int_equal(langrt_java_target("java25"), 25);
	assert_int_equal(langrt_java_target("java"), -1);
	assert_int_equal(langrt_java_target("javax"), -1);
	assert_int_equal(langrt_java_target("java17x"), -1);
	assert_int_equal(langrt_java_target("python3.12"), -1);
}

/* The flags for target and memory, joined by spaces. */
static char *
flags(int target, long memory)
{
	char *out[LANGRT_JAVA_MAXFLAGS], *s;
	size_t i, n, len = 1;

	n = langrt_java_flags(target, memory, out);
	assert_true(n <= LANGRT_JAVA_MAXFLAGS);
	for (i = 0; i < n; i++)
		len += strlen(out[i]) + 1;
	s = calloc(1, len);
	assert_non_null(s);
	for (i = 0; i < n; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, out[i]);
		free(out[i]);
	}
	return s;
}

static void
test_flags(void **state)
{
	char *s;

	(void)state;
	/* Lambda's java8 at 256 MB: 222823k + 26214k + 13107k. */
	s = flags(8, 256);
	assert_string_equal(s, "-XX:MaxHeapSize=222823k "
	    "-XX:MaxMetaspaceSize=26214k -XX:ReservedCodeCacheSize=13107k "
	    "-XX:+UseSerialGC -Xshare:auto -Djava.net.preferIPv4Stack=true");
	free(s);
	/* At 512 MB: 445645k, 52429k, 26214k; java11: no tiering flags. */
	s = flags(11, 512);
	assert_string_equal(s, "-XX:MaxHeapSize=445645k "
	    "-XX:MaxMetaspaceSize=52429k -XX:ReservedCodeCacheSize=26214k "
	    "-XX:+UseSerialGC -Xshare:auto -Djava.net.preferIPv4Stack=true");
	free(s);
	/* At 384 MB: 334233k + 39322k + 19661k. */
	s = flags(8, 384);
	assert_non_null(strstr(s, "-XX:MaxHeapSize=334233k "
	    "-XX:MaxMetaspaceSize=39322k -XX:ReservedCodeCacheSize=19661k "));
	free(s);
	s = flags(17, 128);
	assert_string_equal(s, "-XX:MaxHeapSize=111411k "
	    "-XX:MaxMetaspaceSize=13107k -XX:ReservedCodeCacheSize=6554k "
	    "-XX:+UseSerialGC -XX:+TieredCompilation -XX:TieredStopAtLevel=1 "
	    "-Xshare:auto -Djava.net.preferIPv4Stack=true");
	free(s);
	s = flags(21, 10240);
	assert_non_null(strstr(s, "-XX:MaxHeapSize=8912896k "));
	assert_non_null(strstr(s, "-XX:TieredStopAtLevel=1"));
	free(s);
}

static void
test_cache_file(void **state)
{
	char top[] = "/tmp/test-langrt-XXXXXX", *home, *want, *path, *dir;
	char *tmp, *cmd;
	const struct langrt_file *f = langrt_file("python/bootstrap.py");
	struct lc_err err;
	struct stat st;
	FILE *fp;

	(void)state;
	assert_non_null(f);
	assert_non_null(mkdtemp(top));
	/* HOME a file, no XDG_CACHE_HOME: under $TMPDIR/lambdactl-UID, 0700
	 * (cachedir.h's rule, the task roots' too). */
	home = xasprintf("%s/home-file", top);
	assert_non_null(fp = fopen(home, "w"));
	fclose(fp);
	setenv("HOME", home, 1);
	unsetenv("XDG_CACHE_HOME");
	setenv("TMPDIR", top, 1);
	memset(&err, 0, sizeof err);
	assert_int_equal(langrt_cache_file("python/bootstrap.py", &path, &dir,
	    &err), 0);
	want = xasprintf("%s/lambdactl-%ld/lambdactl/runtimes/", top,
	    (long)getuid());
	assert_true(strncmp(path, want, strlen(want)) == 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((size_t)st.st_size, f->len);
	want[strlen(want) - strlen("/lambdactl/runtimes/")] = '\0';
	assert_int_equal(stat(want, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	/* A leftover PATH.PID.tmp of a killed run with our pid. */
	assert_int_equal(unlink(path), 0);
	tmp = xasprintf("%s.%ld.tmp", path, (long)getpid());
	assert_non_null(fp = fopen(tmp, "w"));
	fputs("partial", fp);
	fclose(fp);
	free(path);
	free(dir);
	assert_int_equal(langrt_cache_file("python/bootstrap.py", &path, &dir,
	    &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((size_t)st.st_size, f->len);
	assert_int_equal(access(tmp, F_OK), -1);
	cmd = xasprintf("rm -rf '%s'", top);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	free(tmp);
	free(path);
	free(dir);
	free(want);
	free(home);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_major),
		cmocka_unit_test(test_target),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_cache_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
