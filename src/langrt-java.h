/*
 * langrt-java.h - the pure parts of langrt-java.c (Java functions run
 * locally), for its unit tests: the Java version a JVM reports, the
 * runtime's Java version, the JVM flags Lambda's Java runtime starts with.
 */
#ifndef LC_LANGRT_JAVA_H
#define LC_LANGRT_JAVA_H

#include <stddef.h>

/* The most flags langrt_java_flags gives. */
#define LANGRT_JAVA_MAXFLAGS	10

/*
 * The major version in the first quoted version of text, as `java
 * -version` prints it (openjdk version "17.0.15" ...; java version
 * "1.8.0_392") or a JDK's release file (JAVA_VERSION="21.0.2"): 17, 8,
 * 21; -1 when there is none.
 */
int langrt_java_major(const char *text);

/* The Java version of a runtime name: java8.al2 8, java21 21; else -1. */
int langrt_java_target(const char *runtime);

/*
 * The JVM flags for a function of Java version target with memory MB, as
 * Lambda's Java runtime sets them: of the memory, 10% metaspace, 5%
 * code cache, the rest (about 85%) heap, in KiB; the serial collector;
 * tiered compilation stopped at level 1 from java17 on; class data
 * sharing when the JVM has it; IPv4 preferred.  Fills out (the caller
 * frees each; LANGRT_JAVA_MAXFLAGS entries) and returns how many.
 */
size_t langrt_java_flags(int target, long memory, char **out);

#endif
