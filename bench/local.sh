#!/bin/bash
# Local runtime latency: a cold 'invoke --local' (package, unpack, start the
# bootstrap, invoke) and warm invokes through 'serve' (the bootstrap kept
# running), with a shell and, when it builds, the C example's bootstrap;
# a Python and a Node handler when python3 and node are on PATH;
# and what a cold invoke pays for the artifact's size: the shell bootstrap
# beside 1 KB and beside 60 MB of data (issue 14's goal: under 1.5x).
. "$(dirname "$0")/lib.sh"
M="python3 $BENCH_DIR/measure.py"
local_bench
echo_bootstrap sh
mkdir -p small big
cp sh/bootstrap small/ && head -c 1024 /dev/urandom >small/data
cp sh/bootstrap big/ && head -c $((60 * 1024 * 1024)) /dev/urandom >big/data
{
	printf 'role: lambda-exec\nruntime: provided.al2023\nfunctions:\n'
	printf '  hello-sh: { artifact: sh }\n'
	printf '  data-1k: { artifact: small }\n'
	printf '  data-60m: { artifact: big }\n'
} >lambda.yml
C=$BENCH_DIR/../examples/hello-c
if [ -f "$C/Makefile" ] && make -s -C "$C" >/dev/null 2>&1 && [ -x "$C/bootstrap" ]; then
	printf '  hello-c: { artifact: %s/bootstrap }\n' "$C" >>lambda.yml
	fns="hello-sh hello-c"
else
	fns="hello-sh"
fi
# Python and Node, with the host's interpreters (langrt-script.c).
mkdir -p py node
printf 'def handler(event, context):\n    return event\n' >py/app.py
printf 'export const handler = async (event) => event;\n' >node/index.mjs
if command -v python3 >/dev/null; then
	printf '  hello-py: { runtime: python3.12, handler: app.handler, artifact: py }\n' >>lambda.yml
	fns="$fns hello-py"
fi
if command -v node >/dev/null; then
	printf '  hello-node: { runtime: nodejs20.x, handler: index.handler, artifact: node }\n' >>lambda.yml
	fns="$fns hello-node"
fi
echo '{"bench": true}' >event.json
# Java: a stream handler in a small jar, and a main() doing the same work
# in the same jar for a bare JVM start to compare the cold invoke with.
if command -v javac >/dev/null && command -v jar >/dev/null; then
	mkdir -p java/src/bench java/classes
	cat >java/src/bench/Hello.java <<'JAVA'
package bench;
import java.io.*;
public class Hello {
	static void copy(InputStream in, OutputStream out) throws IOException {
		byte[] b = new byte[4096];
		int n;
		while ((n = in.read(b)) > 0) out.write(b, 0, n);
	}
	public void handleRequest(InputStream in, OutputStream out) throws IOException { copy(in, out); }
	public static void main(String[] a) throws IOException {
		try (InputStream in = new FileInputStream(a[0])) { copy(in, System.out); }
	}
}
JAVA
	javac -nowarn -d java/classes java/src/bench/Hello.java && jar cf java/hello.jar -C java/classes . &&
		printf '  hello-java: { artifact: java/hello.jar, runtime: java21, handler: bench.Hello }\n' >>lambda.yml &&
		fns="$fns hello-java"
	# The runtime loop is compiled on the first use only: not timed.
	"$LAMBDACTL" invoke --local --no-build hello-java --payload event.json >/dev/null 2>&1
fi

printf '%-46s %9s %9s %9s\n' "cold: invoke --local (x10)" "wall ms" "cpu ms" "rss MB"
for f in $fns; do
	printf '%-46s %9s %9s %9s\n' "  $f" $($M 10 "$LAMBDACTL" invoke --local --no-build "$f" --payload event.json)
done
case " $fns " in *" hello-java "*)
	printf '%-46s %9s %9s %9s\n' "  bare: java -cp hello.jar bench.Hello (main)" \
		$($M 10 java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -cp java/hello.jar bench.Hello event.json)
	;;
esac
echo
printf '%-46s %9s %9s %9s\n' "artifact size: cold invoke --local" "wall ms" "cpu ms" "rss MB"
for f in data-1k data-60m; do
	chmod -R u+w "$XDG_CACHE_HOME/lambdactl/tasks" 2>/dev/null; rm -rf "$XDG_CACHE_HOME/lambdactl/tasks"
	printf '%-46s %9s %9s %9s\n' "  $f, first run (x1)" $($M 1 "$LAMBDACTL" invoke --local --no-build "$f" --payload event.json)
	printf '%-46s %9s %9s %9s\n' "  $f, again (x10)" $($M 10 "$LAMBDACTL" invoke --local --no-build "$f" --payload event.json)
done
"$LAMBDACTL" serve --port 0 --no-build >serve.url 2>serve.log &
pid=$!
for i in $(seq 100); do [ -s serve.url ] && break; sleep 0.05; done
url=$(head -1 serve.url)
echo
for f in $fns; do
	"$LAMBDACTL" --endpoint-url "$url" invoke "$f" --payload event.json >/dev/null	# the cold start
	echo "warm: serve, $f, invoke --repeat 200:"
	"$LAMBDACTL" --endpoint-url "$url" invoke "$f" --payload event.json --repeat 200 | sed 's/^/  /'
	printf '  REPORT Duration, median of the warm invocations: %s ms\n' \
		"$(grep '^REPORT' serve.log | tail -200 | sed 's/.*Duration: \([0-9.]*\) ms.*Billed.*/\1/' | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
done
kill -INT "$pid"
wait "$pid"
