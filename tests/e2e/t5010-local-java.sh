#!/bin/bash
# Java functions run locally (invoke --local, serve) with the host's java
# and lambdactl's runtime loop: stream and RequestHandler handlers, POJOs,
# the Context, errors, timeouts, warm reuse, finding java.  The jar holds
# stand-ins for aws-lambda-java-core's interfaces (same names and
# signatures), as a user's uberjar holds the real ones.
. "$(dirname "$0")/lib.sh"
export TMPDIR=$TMP
export AWS_ACCESS_KEY_ID=AKIDJAVA AWS_SECRET_ACCESS_KEY=java-secret-0000 AWS_REGION=us-east-1
JAVA_BIN=$(command -v java) || { echo "1..0 # SKIP no java"; exit 0; }
command -v javac >/dev/null && command -v jar >/dev/null ||
	{ echo "1..0 # SKIP no javac or jar"; exit 0; }
JAVA_REAL=$(readlink -f "$JAVA_BIN")

core=src/com/amazonaws/services/lambda/runtime
mkdir -p "$core" src/example
cat >"$core/Context.java" <<'EOF'
package com.amazonaws.services.lambda.runtime;
public interface Context {
	String getAwsRequestId();
	String getLogGroupName();
	String getLogStreamName();
	String getFunctionName();
	String getFunctionVersion();
	String getInvokedFunctionArn();
	CognitoIdentity getIdentity();
	ClientContext getClientContext();
	int getRemainingTimeInMillis();
	int getMemoryLimitInMB();
	LambdaLogger getLogger();
}
EOF
cat >"$core/CognitoIdentity.java" <<'EOF'
package com.amazonaws.services.lambda.runtime;
public interface CognitoIdentity {
	String getIdentityId();
	String getIdentityPoolId();
}
EOF
cat >"$core/ClientContext.java" <<'EOF'
package com.amazonaws.services.lambda.runtime;
public interface ClientContext {
	Client getClient();
	java.util.Map<String, String> getCustom();
	java.util.Map<String, String> getEnvironment();
}
EOF
cat >"$core/Client.java" <<'EOF'
package com.amazonaws.services.lambda.runtime;
public interface Client {
	String getInstallationId();
	String getAppTitle();
	String getAppVersionName();
	String getAppVersionCode();
	String getAppPackageName();
}
EOF
cat >"$core/LambdaLogger.java" <<'EOF'
package com.amazonaws.services.lambda.runtime;
public interface LambdaLogger {
	void log(String message);
	void log(byte[] message);
}
EOF
cat >"$core/RequestHandler.java" <<'EOF'
package com.amazonaws.services.lambda.runtime;
public interface RequestHandler<I, O> {
	O handleRequest(I input, Context context);
}
EOF
cat >"$core/RequestStreamHandler.java" <<'EOF'
package com.amazonaws.services.lambda.runtime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
public interface RequestStreamHandler {
	void handleRequest(InputStream input, OutputStream output, Context context) throws IOException;
}
EOF
# A stream handler (what Clojure's gen-class makes): the S3 event's bucket
# and key, found without a JSON library.
cat >src/example/S3Stream.java <<'EOF'
package example;
import com.amazonaws.services.lambda.runtime.*;
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.util.regex.*;
public class S3Stream implements RequestStreamHandler {
	static String first(String re, String s) {
		Matcher m = Pattern.compile(re, Pattern.DOTALL).matcher(s);
		return m.find() ? m.group(1) : "?";
	}
	public void handleRequest(InputStream in, OutputStream out, Context ctx) throws IOException {
		ByteArrayOutputStream b = new ByteArrayOutputStream();
		byte[] buf = new byte[4096];
		int n;
		while ((n = in.read(buf)) > 0) b.write(buf, 0, n);
		String ev = new String(b.toByteArray(), StandardCharsets.UTF_8);
		ctx.getLogger().log("s3stream: " + ctx.getAwsRequestId() + "\n");
		ctx.getLogger().log("s3stream: bytes too\n".getBytes(StandardCharsets.UTF_8));
		String r = "{\"bucket\":\"" + first("\"bucket\"\\s*:\\s*\\{\\s*\"name\"\\s*:\\s*\"([^\"]*)\"", ev) +
		    "\",\"key\":\"" + first("\"key\"\\s*:\\s*\"([^\"]*)\"", ev) +
		    "\",\"fn\":\"" + ctx.getFunctionName() + "\"}";
		out.write(r.getBytes(StandardCharsets.UTF_8));
	}
}
EOF
cat >src/example/MapHandler.java <<'EOF'
package example;
import com.amazonaws.services.lambda.runtime.*;
import java.util.*;
public class MapHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
	private int calls;
	public Map<String, Object> handleRequest(Map<String, Object> in, Context ctx) {
		System.out.println("map: stdout line");
		ctx.getLogger().log("map: handling " + ctx.getAwsRequestId());
		Map<String, Object> m = new LinkedHashMap<>();
		m.put("echo", in.get("name"));
		m.put("nums", in.get("nums"));
		m.put("fn", ctx.getFunctionName());
		m.put("version", ctx.getFunctionVersion());
		m.put("arn", ctx.getInvokedFunctionArn());
		m.put("memory", ctx.getMemoryLimitInMB());
		m.put("remaining", ctx.getRemainingTimeInMillis());
		m.put("requestId", ctx.getAwsRequestId());
		m.put("logGroup", ctx.getLogGroupName());
		m.put("identity", ctx.getIdentity());
		m.put("pid", java.lang.management.ManagementFactory.getRuntimeMXBean().getName());
		m.put("prop", System.getProperty("lc.test"));
		m.put("execEnv", System.getenv("AWS_EXECUTION_ENV"));
		m.put("maxHeapMB", Runtime.getRuntime().maxMemory() / (1024 * 1024));
		m.put("calls", ++calls);
		return m;
	}
}
EOF
# The client context and identity through the Context; a 7 MB answer.
cat >src/example/Ctx.java <<'EOF'
package example;
import com.amazonaws.services.lambda.runtime.*;
import java.util.*;
public class Ctx implements RequestHandler<Map<String, Object>, Object> {
	private int calls;
	public Object handleRequest(Map<String, Object> in, Context ctx) {
		calls++;
		if (in != null && in.get("big") != null) {
			char[] c = new char[7 * 1024 * 1024];
			Arrays.fill(c, 'x');
			return new String(c);
		}
		Map<String, Object> m = new LinkedHashMap<>();
		ClientContext cc = ctx.getClientContext();
		if (cc != null) {
			String k = cc.getCustom() != null ? cc.getCustom().get("k") : null;
			m.put("k", k);
			m.put("env", cc.getEnvironment());
			m.put("title", cc.getClient() != null ? cc.getClient().getAppTitle() : null);
			m.put("version", cc.getClient() != null ? cc.getClient().getAppVersionName() : null);
		}
		m.put("identity", ctx.getIdentity());
		m.put("pid", java.lang.management.ManagementFactory.getRuntimeMXBean().getName());
		m.put("calls", calls);
		return m;
	}
}
EOF
cat >src/example/Person.java <<'EOF'
package example;
import java.util.List;
public class Person {
	private String name;
	private int age;
	public List<String> tags;
	public void setName(String n) { name = n; }
	public String getName() { return name; }
	public void setAge(int a) { age = a; }
	public int getAge() { return age; }
}
EOF
cat >src/example/Greeting.java <<'EOF'
package example;
public class Greeting {
	private final String message;
	private final int nextAge;
	private final boolean adult;
	Greeting(String m, int a, boolean ad) { message = m; nextAge = a; adult = ad; }
	public String getMessage() { return message; }
	public int getNextAge() { return nextAge; }
	public boolean isAdult() { return adult; }
}
EOF
cat >src/example/PojoHandler.java <<'EOF'
package example;
import com.amazonaws.services.lambda.runtime.Context;
public class PojoHandler {
	public Greeting greet(Person p, Context ctx) {
		return new Greeting("hello " + p.getName() + " " + p.tags, p.getAge() + 1, p.getAge() >= 18);
	}
}
EOF
cat >src/example/BoomException.java <<'EOF'
package example;
public class BoomException extends RuntimeException {
	public BoomException(String m) { super(m); }
}
EOF
cat >src/example/Boom.java <<'EOF'
package example;
import com.amazonaws.services.lambda.runtime.*;
import java.util.Map;
public class Boom implements RequestHandler<Map<String, Object>, String> {
	public String handleRequest(Map<String, Object> in, Context ctx) {
		throw new BoomException("kaput");
	}
}
EOF
cat >src/example/Sleepy.java <<'EOF'
package example;
import com.amazonaws.services.lambda.runtime.*;
public class Sleepy implements RequestHandler<Object, String> {
	public String handleRequest(Object in, Context ctx) {
		System.out.println("sleepy: sleeping");
		try { Thread.sleep(30000); } catch (InterruptedException e) { }
		return "woke";
	}
}
EOF
cat >src/example/InitFail.java <<'EOF'
package example;
public class InitFail {
	static { if (true) throw new IllegalStateException("no config"); }
	public String handleRequest(Object in) { return "never"; }
}
EOF
mkdir -p classes
javac -nowarn -d classes $(find src -name '*.java') >javac.log 2>&1 ||
	{ echo "Bail out! the test's classes do not compile: $(cat javac.log)"; exit 1; }
jar cf app.jar -C classes .
# Lambda's other layout: the code as lib/*.jar of a zip.
mkdir -p bundle/lib && cp app.jar bundle/lib/app.jar
(cd bundle && zip -qr ../bundle.zip lib)
cp "$SRC_DIR/examples/events/s3-put.json" s3.json

cat >lambda.yml <<'YML'
role: lambda-exec
runtime: java21
functions:
  s3: { artifact: app.jar, handler: example.S3Stream }
  map:
    artifact: app.jar
    handler: "example.MapHandler::handleRequest"
    memory: 256
    environment: { JAVA_TOOL_OPTIONS: "-Dlc.test=yes" }
  pojo: { artifact: app.jar, handler: "example.PojoHandler::greet", runtime: java8.al2 }
  boom: { artifact: app.jar, handler: example.Boom, runtime: java17 }
  slow: { artifact: app.jar, handler: example.Sleepy, timeout: 1 }
  ctx: { artifact: app.jar, handler: example.Ctx }
  initfail: { artifact: app.jar, handler: example.InitFail }
  nosuch: { artifact: app.jar, handler: example.Nope }
  nomethod: { artifact: app.jar, handler: "example.MapHandler::nope" }
  zipped:
    artifact: bundle.zip
    handler: example.MapHandler
    runtime: java11
    environment: { JAVA_TOOL_OPTIONS: "-Xmx64m" }
YML

lc invoke --local s3 --payload s3.json --log
check_status 0 "a stream handler (RequestStreamHandler) runs locally"
check "it reads the S3 event and writes its answer" \
	jq -e '.bucket == "acme-data-lake" and .key == "events/dt=2026-11-21/part-0001.parquet" and .fn == "s3"' "$OUT"
id=$(sed -n 's/^REPORT RequestId: \([0-9a-f-]*\).*/\1/p' "$ERR")
check "the logger's output is in the log, with the request id of the REPORT line ($id)" \
	grep -q "^s3stream: $id\$" "$ERR"
check_err_has '^s3stream: bytes too$' "log(byte[]) is in the log too"
check_err_has 'Init Duration: [0-9.]+ ms$' "the cold start's REPORT line"

lc invoke --local map --payload '{"name": "ada", "nums": [1, 2.5, -3]}' --log
check_status 0 "a RequestHandler<Map, Map> runs"
check "the Map is read from JSON and written back" jq -e '.echo == "ada" and .nums == [1, 2.5, -3]' "$OUT"
check "Context: function name, version, memory, ARN, log group" \
	jq -e '.fn == "map" and .version == "$LATEST" and .memory == 256 and (.arn | test(":function:map$")) and .logGroup == "/aws/lambda/map" and .identity == null' "$OUT"
check "Context: remaining time is > 0 and within the 3 s timeout" jq -e '.remaining > 0 and .remaining <= 3000' "$OUT"
id=$(sed -n 's/^REPORT RequestId: \([0-9a-f-]*\).*/\1/p' "$ERR")
check "Context: the request id is the REPORT line's" jq -e --arg id "$id" '.requestId == $id' "$OUT"
check_err_has "map: handling $id" "the logger's line is in --log"
check_err_has '^map: stdout line$' "System.out is in --log"
check "JAVA_TOOL_OPTIONS of the function's environment reaches the JVM" jq -e '.prop == "yes"' "$OUT"
check "AWS_EXECUTION_ENV names the runtime" jq -e '.execEnv == "AWS_Lambda_java21"' "$OUT"
check "the heap is about 85% of the memory size" jq -e '.maxHeapMB >= 200 and .maxHeapMB <= 218' "$OUT"
check_err_lacks 'lambdactl runtime' "the loop prints nothing of its own"

lc invoke --local pojo --payload '{"Name": "bo", "age": 41, "tags": ["x", "y"], "extra": true}'
check_status 0 "a POJO handler (java8.al2, pkg.Class::method) runs"
check "the POJO is read (setters any case, public fields, unknown keys left) and its getters written" \
	jq -e '. == {"adult": true, "message": "hello bo [x, y]", "nextAge": 42}' "$OUT"

lc invoke --local zipped --payload '{"name": "lib"}'
check_status 0 "a zip with the code in lib/*.jar runs (lib/*.jar is on the class path)"
check "its answer" jq -e '.echo == "lib" and .execEnv == "AWS_Lambda_java11"' "$OUT"
check "JAVA_TOOL_OPTIONS overrides Lambda's heap size, as in Lambda" jq -e '.maxHeapMB <= 64' "$OUT"

lc invoke --local boom --log
check_status 4 "an exception is a function error: exit 4"
check_err_has '^lambdactl: boom: function error \(Unhandled\): example\.BoomException: kaput$' "errorType is the exception's class name"
check "the error body: errorType, errorMessage, stackTrace" \
	jq -e '.errorType == "example.BoomException" and .errorMessage == "kaput" and (.stackTrace[0] | test("^example\\.Boom\\.handleRequest\\(Boom\\.java:[0-9]+\\)$")) and (.stackTrace | length == 1)' "$OUT"
check_err_has '^kaput: example\.BoomException$' "the error is in the log, as Lambda's Java runtime writes it"

lc invoke --local slow
check_status 4 "a timeout is a function error"
check_err_has "^lambdactl: slow: function error \(Unhandled\): Sandbox\.Timedout: RequestId: [0-9a-f-]+ Error: Task timed out after 1\.00 seconds$" "the timeout is reported as Lambda does"
check "no JVM of the timed-out function is left" sh -c '! pgrep -f "$0/.cache/lambdactl/tasks/" >/dev/null' "$HOME"

lc invoke --local initfail --log
check_status 4 "a static initialiser that throws is an init error"
check_err_has 'java\.lang\.IllegalStateException' "its errorType is the exception's class"
check_err_has 'Error loading class example\.InitFail: no config' "its message as Lambda's"
lc invoke --local nosuch
check_status 4 "a handler class that is not there is an init error"
check_err_has 'java\.lang\.ClassNotFoundException' "ClassNotFoundException"
check_err_has 'Class not found: example\.Nope' "naming the class"
lc invoke --local nomethod
check_status 4 "a handler method that is not there is an init error"
check_err_has 'java\.lang\.NoSuchMethodException: No public method named nope' "NoSuchMethodException, naming the method"

# The unpacked task root is the jar's tree: classes at its root.
lc package map
check_status 0 "package map"
check "the jar's classes are at the zip's root" sh -c 'unzip -l "$0" | grep -q " example/MapHandler.class$"' "$(ls dist/map.zip 2>/dev/null || find . -name map.zip | head -1)"

# Warm reuse through serve: one JVM for both invokes.
start_serve map
lc --endpoint-url "$URL" invoke map --payload '{"name": "w1"}'
pid1=$(jq -r .pid "$OUT")
lc --endpoint-url "$URL" invoke map --payload '{"name": "w2"}'
pid2=$(jq -r .pid "$OUT")
check "serve: both invokes answer" test "$(jq -r .echo "$OUT")" = w2
check "serve: the same JVM answers both ($pid1, $pid2)" test -n "$pid1" -a "$pid1" = "$pid2"
check "serve: the handler's instance is made once and reused" jq -e '.calls == 2' "$OUT"
check "serve: one cold start" test "$(grep -c 'Init Duration' "$TMP/serve.err")" -eq 1
stop_serve
check "serve exits 0" test "$serve_status" -eq 0
check "no JVM is left running" sh -c '! pgrep -f "$0/.cache/lambdactl/tasks/" >/dev/null' "$HOME"

lc invoke --local ctx --client-context '{"custom": {"k": "déjà"}, "env": {"e": 1}, "client": {"app_title": "t"}}'
check_status 0 "a client context reaches the handler"
check "Context.getClientContext(): getCustom (UTF-8), getEnvironment, getClient().getAppTitle()" \
	jq -e '.k == "déjà" and .env == {"e": "1"} and .title == "t" and .version == null and .identity == null' "$OUT"
lc invoke --local ctx
check "no client context: getClientContext() is null" jq -e 'has("k") | not' "$OUT"

# An answer the Runtime API refuses (over 6 MB): the JVM goes on.
start_serve ctx
lc --endpoint-url "$URL" invoke ctx --payload '{}'
cp "$OUT" "$TMP/ctx-first.json"
lc --endpoint-url "$URL" invoke ctx --payload '{"big": true}'
check "serve: a 7 MB answer is an error" test "$status" -ne 0
lc --endpoint-url "$URL" invoke ctx --payload '{}'
check_status 0 "serve: the next invoke answers"
check "serve: the same JVM answers, its state kept (calls 3)" \
	test "$(jq -r .pid "$TMP/ctx-first.json"),$(jq .calls "$OUT")" = "$(jq -r .pid "$OUT"),3"
stop_serve
check "serve: one cold start" test "$(grep -c 'Init Duration' "$TMP/serve.err")" -eq 1

# Finding java.
mkdir -p empty
PATH=$TMP/empty lc invoke --local map
check_status 3 "no java on PATH: exit 3"
check "one line" test "$(wc -l <"$ERR")" -eq 1
check_err_has "^lambdactl: map: no 'java' on PATH: install a JDK or JRE \(Debian: openjdk-17-jre-headless\) \(or set LAMBDACTL_JAVA\)$" "saying what to install"
LAMBDACTL_JAVA=$JAVA_BIN PATH=$TMP/empty lc invoke --local map --payload '{"name": "env"}'
check_status 0 "LAMBDACTL_JAVA names the java (PATH has none)"
check "its answer" jq -e '.echo == "env"' "$OUT"
LAMBDACTL_JAVA=$TMP/empty/nope lc invoke --local map
check_status 3 "LAMBDACTL_JAVA that is no executable: exit 3"

# A JRE (no javac, no release file: `java -version` tells its version):
# Java 11+ runs the loop's source file.
mkdir -p jre/bin
printf '#!/bin/sh\nexec %s "$@"\n' "$JAVA_REAL" >jre/bin/java
chmod 0755 jre/bin/java
XDG_CACHE_HOME=$TMP/cache2 LAMBDACTL_JAVA=$TMP/jre/bin/java PATH=$TMP/empty lc invoke --local pojo --payload '{"name": "jre", "age": 3}'
check_status 0 "a JRE with no javac runs the loop from source"
check "its answer" jq -e '.message == "hello jre null" and .adult == false' "$OUT"
check "nothing was compiled into the cache" sh -c '! find "$0" -name "*.class" | grep -q .' "$TMP/cache2/lambdactl/runtimes"
# A Java 8 JVM (as `java -version` tells; the JDK 17 under it runs Java 8
# classes) with JDK 17's javac on PATH: the loop is compiled for Java 8.
mkdir -p jdk8/bin
printf '#!/bin/sh\n[ "$1" = -version ] && { echo '"'"'openjdk version "1.8.0_392"'"'"' >&2; exit 0; }\nexec %s "$@"\n' "$JAVA_REAL" >jdk8/bin/java
chmod 0755 jdk8/bin/java
XDG_CACHE_HOME=$TMP/cache4 LAMBDACTL_JAVA=$TMP/jdk8/bin/java lc invoke --local pojo --payload '{"name": "j8", "age": 30}'
check_status 0 "a Java 8 JVM with a newer javac on PATH runs the loop"
class=$(find "$TMP/cache4" -path '*/classes-8/lambdactl/LambdaRuntime.class' | head -1)
check "the loop's classes are Java 8's (class file major version 52)" \
	test "$(od -An -tu1 -j7 -N1 "$class" 2>/dev/null | tr -d ' ')" = 52
# A compile cut short: an empty class file; temporary dirs of killed
# compiles, one over a day old (removed), one fresh (perhaps running: kept).
: >"$class"
cdir=$(dirname "$(dirname "$(dirname "$class")")")
mkdir -p "$cdir/tmp.old123/lambdactl" "$cdir/tmp.new123/lambdactl"
: >"$cdir/tmp.old123/lambdactl/A.class"
touch -d '2 days ago' "$cdir/tmp.old123"
XDG_CACHE_HOME=$TMP/cache4 LAMBDACTL_JAVA=$TMP/jdk8/bin/java lc invoke --local pojo --payload '{"name": "j8", "age": 30}'
check_status 0 "an empty class file in the cache (a compile cut short) is compiled again"
check "the class file is whole again" test -s "$class"
check "a javac dir left over a day ago is removed, a fresh one kept" \
	test ! -e "$cdir/tmp.old123" -a -d "$cdir/tmp.new123"
# A Java 8 JVM (as `java -version` tells) with no javac: one line.
mkdir -p jre8/bin
printf '#!/bin/sh\n[ "$1" = -version ] && { echo '"'"'openjdk version "1.8.0_392"'"'"' >&2; exit 0; }\nexit 1\n' >jre8/bin/java
chmod 0755 jre8/bin/java
XDG_CACHE_HOME=$TMP/cache3 LAMBDACTL_JAVA=$TMP/jre8/bin/java PATH=$TMP/empty lc invoke --local pojo
check_status 3 "a Java 8 JVM with no javac: exit 3"
check_err_eq "lambdactl: pojo: '$TMP/jre8/bin/java' is Java 8 and has no javac to compile lambdactl's runtime loop with: install its JDK (Debian: openjdk-8-jdk-headless) or use Java 11 or later" \
	"one line saying what to install"
check "the loop was compiled once into the first cache" sh -c 'find "$0" -name LambdaRuntime.class | grep -q .' "$HOME/.cache"

finish
