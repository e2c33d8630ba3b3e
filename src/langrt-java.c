/*
 * langrt-java.c - Java functions run locally (langrt-private.h): the
 * host's java started as Lambda's Java runtime starts it (its flags, the
 * class path: the task root and the jars of its lib/), running lambdactl's runtime loop
 * (runtimes/java/LambdaRuntime.java).  The loop is compiled once with the
 * JDK's javac into the cache, by its content and the JVM's version; with
 * no javac a Java 11+ JVM runs the source file itself (slower to start).
 * The -XX flags go in a settings file of the cache (-XX:Flags=), which
 * JAVA_TOOL_OPTIONS overrides.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "langrt-java.h"
#include "langrt-private.h"
#include "proc.h"
#include "sha256.h"
#include "xmalloc.h"

#define LOOP_FILE	"java/LambdaRuntime.java"
#define LOOP_CLASS	"lambdactl.LambdaRuntime"

/* How long `java -version` may take, and how much it may print. */
#define JAVA_VERSION_TIMEOUT	10
#define JAVA_VERSION_MAX	65536

int
langrt_java_major(const char *text)
{
	const char *q = strchr(text, '"');
	long v;
	char *end;

	if (q == NULL || !isdigit((unsigned char)q[1]))
		return -1;
	v = strtol(q + 1, &end, 10);
	/* "1.8.0_392": the versions before 9 were 1.N. */
	if (v == 1 && *end == '.' && isdigit((unsigned char)end[1]))
		v = strtol(end + 1, &end, 10);
	return v > 0 && v < 1000 ? (int)v : -1;
}

int
langrt_java_target(const char *runtime)
{
	long v;
	char *end;

	if (strncmp(runtime, "java", 4) != 0 ||
	    !isdigit((unsigned char)runtime[4]))
		return -1;
	v = strtol(runtime + 4, &end, 10);
	return (*end == '\0' || *end == '.') && v > 0 && v < 1000 ?
	    (int)v : -1;
}

size_t
langrt_java_flags(int target, long memory, char **out)
{
	long kib = memory * 1024, meta, code;
	size_t n = 0;

	/* The heap is what is left: 222823k + 26214k + 13107k at 256 MB. */
	meta = (kib * 10 + 50) / 100;
	code = (kib * 5 + 50) / 100;
	out[n++] = xasprintf("-XX:MaxHeapSize=%ldk", kib - meta - code);
	out[n++] = xasprintf("-XX:MaxMetaspaceSize=%ldk", meta);
	out[n++] = xasprintf("-XX:ReservedCodeCacheSize=%ldk", code);
	out[n++] = xstrdup("-XX:+UseSerialGC");
	if (target >= 17) {
		out[n++] = xstrdup("-XX:+TieredCompilation");
		out[n++] = xstrdup("-XX:TieredStopAtLevel=1");
	}
	out[n++] = xstrdup("-Xshare:auto");
	out[n++] = xstrdup("-Djava.net.preferIPv4Stack=true");
	return n;
}

/*
 * What `java -version` prints (on stderr), into b, within
 * JAVA_VERSION_TIMEOUT seconds (a JVM that hangs is killed, with its
 * tree); 0, or -1 with err.
 */
static int
java_version_text(const char *java, struct buf *b, struct lc_err *err)
{
	const char *argv[] = { java, "-version", NULL };
	struct proc_spawn sp;
	struct proc_capture pc = { 0 };
	char *out = xmalloc(JAVA_VERSION_MAX + 1);
	int rv = -1;

	proc_spawn_init(&sp);
	sp.path = java;
	sp.argv = argv;
	sp.fd[0] = PROC_DEVNULL;
	sp.flags = PROC_LIVE;
	pc.out = out;
	pc.max = JAVA_VERSION_MAX;
	pc.timeout_ms = JAVA_VERSION_TIMEOUT * 1000.0;
	pc.flags = PROC_CAPTURE_STDERR;
	if (proc_capture_run(&sp, &pc) == -1)
		lc_error(err, LC_ECONFIG, "cannot run '%s': %s", java,
		    strerror(sp.error));
	else if (pc.end == PROC_CAPTURE_TIMEOUT)
		lc_error(err, LC_ECONFIG, "'%s -version' did not answer in %d "
		    "s; killed it", java, JAVA_VERSION_TIMEOUT);
	else if (pc.end == PROC_CAPTURE_FULL)
		lc_error(err, LC_ECONFIG, "'%s -version' printed over %d "
		    "bytes; killed it", java, JAVA_VERSION_MAX);
	else if (pc.end != PROC_CAPTURE_DONE)
		lc_error(err, LC_ECONFIG, "'%s -version': %s", java,
		    strerror(pc.error));
	else {
		buf_add(b, out, pc.len);
		rv = 0;
	}
	free(out);
	return rv;
}

/*
 * The JVM's major version (langrt.h): its JDK's release file
 * (JAVA_VERSION=, next to bin/), read at no cost, else what `java
 * -version` says.
 */
int
langrt_java_version(const char *java, struct lc_err *err)
{
	char *real = realpath(java, NULL), *rel, *slash, line[256];
	struct buf b;
	FILE *fp = NULL;
	int v = -1;

	if (real != NULL && (slash = strrchr(real, '/')) != NULL) {
		*slash = '\0';
		rel = xasprintf("%s/../release", real);
		fp = fopen(rel, "r");
		free(rel);
	}
	while (fp != NULL && v == -1 && fgets(line, sizeof line, fp) != NULL)
		if (strncmp(line, "JAVA_VERSION=", 13) == 0)
			v = langrt_java_major(line);
	if (fp != NULL)
		fclose(fp);
	free(real);
	if (v != -1)
		return v;
	buf_init(&b);
	if (java_version_text(java, &b, err) == 0 &&
	    (v = langrt_java_major(b.data)) == -1)
		lc_error(err, LC_ECONFIG, "cannot tell the Java version of "
		    "'%s' (java -version says: %.*s)", java,
		    (int)strcspn(b.data, "\n"), b.data);
	buf_release(&b);
	return v;
}

/* The javac of java's JDK (next to it), else PATH's; NULL if none. */
static char *
find_javac(const char *java, int *from_path)
{
	char *real = realpath(java, NULL), *slash, *p;
	struct lc_err ignored;

	*from_path = 0;
	if (real != NULL && (slash = strrchr(real, '/')) != NULL) {
		*slash = '\0';
		p = xasprintf("%s/javac", real);
		free(real);
		if (access(p, X_OK) == 0)
			return p;
		free(p);
	} else {
		free(real);
	}
	memset(&ignored, 0, sizeof ignored);
	if (langrt_find("LAMBDACTL_JAVAC", "javac", "", &p, &ignored) == -1)
		p = NULL;
	*from_path = p != NULL;
	return p;
}

/* Removes what javac wrote into dir (the classes of lambdactl/), dir. */
static void
remove_classes(const char *dir)
{
	char *pkg = xasprintf("%s/lambdactl", dir), *f;
	struct dirent *de;
	DIR *d;

	if ((d = opendir(pkg)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			f = xasprintf("%s/%s", pkg, de->d_name);
			unlink(f);
			free(f);
		}
		closedir(d);
	}
	rmdir(pkg);
	rmdir(dir);
	free(pkg);
}

/*
 * Runs javac -d out src, for Java release (0: javac's own): --release N,
 * or -source N -target N when javac has no --release (JDK 8's); 0 when it
 * succeeded.
 */
static int
run_javac(const char *javac, int release, int old_flags, const char *out,
    const char *src)
{
	const char *argv[12];
	char rel[16];
	struct proc_spawn sp;
	int n = 0, status = -1;

	argv[n++] = javac;
	snprintf(rel, sizeof rel, "%d", release);
	if (release > 0 && !old_flags) {
		argv[n++] = "--release";
		argv[n++] = rel;
	} else if (release > 0) {
		argv[n++] = "-source";
		argv[n++] = rel;
		argv[n++] = "-target";
		argv[n++] = rel;
	}
	if (release > 0)
		argv[n++] = "-Xlint:-options";
	argv[n++] = "-nowarn";
	argv[n++] = "-d";
	argv[n++] = out;
	argv[n++] = src;
	argv[n] = NULL;
	proc_spawn_init(&sp);
	sp.path = javac;
	sp.argv = argv;
	sp.fd[0] = sp.fd[1] = sp.fd[2] = PROC_DEVNULL;
	sp.flags = PROC_LIVE;
	if (proc_spawn(&sp) == -1)
		return -1;
	while (waitpid(sp.pid, &status, 0) == -1 && errno == EINTR)
		continue;
	proc_live_remove(sp.pid);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* What javac wrote into dir (lambdactl/\*.class) and dir made durable. */
static int
sync_classes(const char *dir)
{
	char *pkg = xasprintf("%s/lambdactl", dir), *f;
	struct dirent *de;
	DIR *d;
	int fd, rv = -1;

	if ((d = opendir(pkg)) == NULL)
		goto out;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		f = xasprintf("%s/%s", pkg, de->d_name);
		fd = open(f, O_RDONLY | O_NOFOLLOW);
		free(f);
		if (fd == -1 || fsync(fd) == -1) {
			if (fd != -1)
				close(fd);
			closedir(d);
			goto out;
		}
		close(fd);
	}
	closedir(d);
	if ((fd = open(pkg, O_RDONLY | O_DIRECTORY)) == -1)
		goto out;
	rv = fsync(fd);
	close(fd);
out:
	free(pkg);
	return rv;
}

/* The tmp.XXXXXX dirs of dir a killed compile left, over a day old. */
static void
remove_stale_tmp(const char *dir)
{
	struct dirent *de;
	struct stat st;
	char *p;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "tmp.", 4) != 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode) &&
		    st.st_mtime < time(NULL) - 86400)
			remove_classes(p);
		free(p);
	}
	closedir(d);
}

/*
 * The loop's classes for a JVM of version major and a function of version
 * target: DIR/classes-MAJOR[-r8] (compiled --release 8 for java8.* where
 * the JDK can), compiled once into a private directory renamed into place
 * (who loses a race removes its own).  *classes NULL when there is no
 * javac (or it failed) and the JVM can run the source file (Java 11+).
 */
static int
java_classes(const char *java, int major, int target, const char *src,
    const char *dir, char **classes, struct lc_err *err)
{
	char *javac, *tmp, *probe;
	int from_path, release, ok;
	struct stat st;

	*classes = xasprintf("%s/classes-%d%s", dir, major,
	    target == 8 && major >= 9 ? "-r8" : "");
	probe = xasprintf("%s/lambdactl/LambdaRuntime.class", *classes);
	/* An empty class file is a compile a crash cut short. */
	ok = lstat(probe, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
	free(probe);
	if (ok)
		return 0;
	remove_classes(*classes);	/* a broken one, else nothing */
	remove_stale_tmp(dir);
	/*
	 * PATH's javac may be another JDK's: compile for this JVM (for Java
	 * 8, --release 8, or -source/-target 8 for a javac without it).
	 */
	javac = find_javac(java, &from_path);
	release = target == 8 && major >= 9 ? 8 : from_path ? major : 0;
	tmp = xasprintf("%s/tmp.XXXXXX", dir);
	ok = javac != NULL && mkdtemp(tmp) != NULL &&
	    (run_javac(javac, release, 0, tmp, src) == 0 ||
	    (release > 0 && release < 9 &&
	    run_javac(javac, release, 1, tmp, src) == 0)) &&
	    sync_classes(tmp) == 0;
	if (ok && rename(tmp, *classes) == -1 && errno != EEXIST &&
	    errno != ENOTEMPTY)
		ok = 0;
	if (javac != NULL)
		remove_classes(tmp);	/* nothing left once renamed */
	free(tmp);
	free(javac);
	if (ok)
		return 0;
	free(*classes);
	*classes = NULL;
	if (major >= 11)
		return 0;
	return lc_error(err, LC_ECONFIG, "'%s' is Java %d and has no javac "
	    "to compile lambdactl's runtime loop with: install its JDK (Debian: "
	    "openjdk-%d-jdk-headless) or use Java 11 or later", java, major,
	    major);
}

/*
 * The -XX flags among flags[0..n) written (without "-XX:", one a line) to
 * a file of dir named by its content, taken out of flags (freed, NULL),
 * for -XX:Flags=: a settings file is the JVM's lowest precedence, so that
 * JAVA_TOOL_OPTIONS in the function's environment overrides them, as it
 * does Lambda's (the tiered compilation level, the heap).  *path the
 * caller's.
 */
static int
flags_file(char **flags, size_t n, const char *dir, char **path,
    struct lc_err *err)
{
	char hex[SHA256_HEX_LEN + 1], *tmp;
	struct buf b = BUF_INIT;
	struct stat st;
	size_t i;
	int fd, rv = -1;

	for (i = 0; i < n; i++) {
		if (strncmp(flags[i], "-XX:", 4) != 0)
			continue;
		buf_addf(&b, "%s\n", flags[i] + 4);
		free(flags[i]);
		flags[i] = NULL;
	}
	sha256_hex(b.data, b.len, hex);
	*path = xasprintf("%s/jvm-%.16s.flags", dir, hex);
	if (lstat(*path, &st) == 0 && S_ISREG(st.st_mode) &&
	    (size_t)st.st_size == b.len) {
		buf_release(&b);
		return 0;
	}
	tmp = xasprintf("%s.%ld.tmp", *path, (long)getpid());
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW,
	    0644)) == -1 || write_all(fd, b.data, b.len) == -1 ||
	    close(fd) == -1 || rename(tmp, *path) == -1)
		lc_error(err, LC_ECONFIG, "cannot write '%s': %s", *path,
		    strerror(errno));
	else
		rv = 0;
	if (rv == -1) {
		unlink(tmp);
		free(*path);
		*path = NULL;
	}
	free(tmp);
	buf_release(&b);
	return rv;
}

int
langrt_java(const char *runtime, const char *handler, const char *task_root,
    long memory, struct langrt_launch *l, struct lc_err *err)
{
	char *java = NULL, *src = NULL, *dir = NULL, *classes = NULL;
	char *flags[LANGRT_JAVA_MAXFLAGS], *ff = NULL;
	int major, target = langrt_java_target(runtime), rv = -1;
	size_t i, n = 0;

	(void)handler;		/* the loop reads $_HANDLER */
	if (langrt_interpreter(LANGRT_JAVA, &java, err) == -1)
		return -1;
	if (langrt_cache_file(LOOP_FILE, &src, &dir, err) == -1 ||
	    (major = langrt_java_version(java, err)) == -1 ||
	    java_classes(java, major, target, src, dir, &classes, err) == -1)
		goto out;
	n = langrt_java_flags(target > 0 ? target : major, memory, flags);
	if (flags_file(flags, n, dir, &ff, err) == -1)
		goto out;
	langrt_arg(l, java);
	java = NULL;
	langrt_arg(l, xasprintf("-XX:Flags=%s", ff));
	for (i = 0; i < n; i++)
		if (flags[i] != NULL) {
			langrt_arg(l, flags[i]);
			flags[i] = NULL;
		}
	langrt_arg(l, xstrdup("-cp"));
	if (classes != NULL) {
		langrt_arg(l, xasprintf("%s:%s:%s/lib/*", classes, task_root,
		    task_root));
		langrt_arg(l, xstrdup(LOOP_CLASS));
	} else {
		/* Java 11+ runs a source file: compiled at each start. */
		langrt_arg(l, xasprintf("%s:%s/lib/*", task_root, task_root));
		langrt_arg(l, xstrdup(src));
	}
	langrt_env(l, xasprintf("AWS_EXECUTION_ENV=AWS_Lambda_%s", runtime));
	rv = 0;
out:
	for (i = 0; i < n; i++)
		free(flags[i]);
	free(ff);
	free(java);
	free(src);
	free(dir);
	free(classes);
	return rv;
}
