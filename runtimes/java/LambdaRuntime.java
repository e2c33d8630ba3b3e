/*
 * LambdaRuntime.java - lambdactl's runtime loop for Java functions run
 * locally (src/langrt-java.c starts it).  It speaks the Lambda Runtime API
 * (2018-06-01) at $AWS_LAMBDA_RUNTIME_API as Lambda's own Java runtime
 * does: the handler named by $_HANDLER ("pkg.Class::method" or "pkg.Class",
 * method handleRequest) is loaded from the class path (the task root and
 * its lib/*.jar) and its class made once; each event is given to it as a
 * stream (InputStream, OutputStream[, Context]) or as a value mapped from
 * JSON (I[, Context]), its result mapped back to JSON.  The Context is the
 * function's own com.amazonaws.services.lambda.runtime.Context interface,
 * implemented with a Proxy.  No library: a small JSON reader and writer.
 * Java 8 source, so that one file runs on every Java runtime.
 */
package lambdactl;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

public final class LambdaRuntime {
	private static final String CONTEXT =
	    "com.amazonaws.services.lambda.runtime.Context";

	private final String api;	/* host:port, as given */
	private final String host;
	private final int port;
	private Object target;		/* the handler's instance; null: static */
	private Method method;
	private int kind;		/* STREAM or VALUE */
	private boolean withContext;
	private Type inputType;
	private Class<?> contextType;

	private static final int STREAM = 1, VALUE = 2;

	private LambdaRuntime(String api) {
		int c = api.lastIndexOf(':');
		this.api = api;
		this.host = api.substring(0, c).replace("[", "").replace("]", "");
		this.port = Integer.parseInt(api.substring(c + 1));
	}

	public static void main(String[] args) {
		String api = System.getenv("AWS_LAMBDA_RUNTIME_API");
		if (api == null || api.lastIndexOf(':') <= 0) {
			System.err.println("lambdactl runtime: no AWS_LAMBDA_RUNTIME_API");
			System.exit(1);
		}
		LambdaRuntime rt = new LambdaRuntime(api);
		try {
			rt.init(System.getenv("_HANDLER"));
		} catch (Fault f) {
			rt.report(f);
			rt.postQuietly("/init/error", f);
			System.exit(1);
		}
		rt.loop();
	}

	/* ---- init: the handler's class, method and instance ---- */

	/* An error as Lambda reports it: message, the exception's class, trace. */
	static final class Fault extends Exception {
		private static final long serialVersionUID = 1L;
		final String type;
		final Throwable error;

		Fault(String message, Throwable cause) {
			super(message);
			this.type = cause.getClass().getName();
			this.error = cause;
		}
	}

	private void init(String handler) throws Fault {
		if (handler == null || handler.isEmpty())
			throw new Fault("Invalid handler: no _HANDLER",
			    new IllegalArgumentException("no handler"));
		String cls = handler, name = "handleRequest";
		int sep = handler.indexOf("::");
		if (sep >= 0) {
			cls = handler.substring(0, sep);
			name = handler.substring(sep + 2);
		}
		Class<?> c;
		try {
			c = Class.forName(cls, true,
			    ClassLoader.getSystemClassLoader());
		} catch (ClassNotFoundException e) {
			throw new Fault("Class not found: " + cls, e);
		} catch (Throwable e) {
			Throwable t = e instanceof ExceptionInInitializerError &&
			    e.getCause() != null ? e.getCause() : e;
			throw new Fault("Error loading class " + cls +
			    (t.getMessage() == null ? "" : ": " + t.getMessage()),
			    t);
		}
		pick(c, name, handler);
		if (!Modifier.isStatic(method.getModifiers())) {
			try {
				target = c.getDeclaredConstructor().newInstance();
			} catch (InvocationTargetException e) {
				Throwable t = e.getCause();
				throw new Fault("Error loading class " + cls +
				    (t.getMessage() == null ? "" : ": " +
				    t.getMessage()), t);
			} catch (Throwable e) {
				throw new Fault("Error loading class " + cls +
				    ": no public no-argument constructor", e);
			}
		}
	}

	/*
	 * The method named name: (InputStream, OutputStream[, Context]) first,
	 * else (I, Context), (I), () -- bridge methods (a RequestHandler's
	 * handleRequest(Object, Context)) only when nothing else matches.
	 */
	private void pick(Class<?> c, String name, String handler) throws Fault {
		Method best = null;
		int bestRank = 0;
		for (Method m : c.getMethods()) {
			if (!m.getName().equals(name))
				continue;
			int r = rank(m);
			if (r > bestRank) {
				best = m;
				bestRank = r;
			}
		}
		if (best == null)
			throw new Fault("No public method named " + name +
			    " with appropriate method signature found on class " +
			    c.getName(), new NoSuchMethodException(handler));
		best.setAccessible(true);
		method = best;
		Class<?>[] p = best.getParameterTypes();
		Type[] g = best.getGenericParameterTypes();
		kind = p.length >= 2 && p[0] == InputStream.class &&
		    p[1] == OutputStream.class ? STREAM : VALUE;
		int n = kind == STREAM ? 2 : 1;
		withContext = p.length > n || (kind == VALUE && p.length == 1 &&
		    isContext(p[0]));
		if (withContext)
			contextType = p[p.length - 1];
		inputType = kind == VALUE && p.length > 0 && !isContext(p[0]) ?
		    g[0] : null;
	}

	private static boolean isContext(Class<?> c) {
		return c.getName().equals(CONTEXT);
	}

	/* How well m fits: 0 not at all; the higher the better. */
	private static int rank(Method m) {
		Class<?>[] p = m.getParameterTypes();
		int bridge = m.isBridge() || m.isSynthetic() ? 0 : 10;
		if (p.length >= 2 && p[0] == InputStream.class &&
		    p[1] == OutputStream.class) {
			if (p.length == 3 && isContext(p[2]))
				return 100 + bridge;
			return p.length == 2 ? 90 + bridge : 0;
		}
		if (p.length == 2 && isContext(p[1]))
			return 60 + bridge;
		if (p.length == 1)
			return 50 + bridge;
		return p.length == 0 ? 40 + bridge : 0;
	}

	/* ---- the loop ---- */

	/* One invocation's headers. */
	static final class Invocation {
		String id, arn, trace, clientContext, identity;
		long deadline;
		byte[] event;
	}

	private void loop() {
		for (;;) {
			Invocation iv;
			try {
				iv = next();
			} catch (Exception e) {
				System.err.println("lambdactl runtime: " + e);
				System.exit(1);
				return;
			}
			byte[] out;
			try {
				out = handle(iv);
			} catch (Fault f) {
				flush();
				report(f);
				postQuietly("/invocation/" + iv.id + "/error", f);
				continue;
			}
			flush();
			try {
				post("/invocation/" + iv.id + "/response",
				    out, null);
			} catch (Exception e) {
				System.err.println("lambdactl runtime: " + e);
				System.exit(1);
			}
		}
	}

	private static void flush() {
		System.out.flush();
		System.err.flush();
	}

	private Invocation next() throws IOException {
		Reply r = exchange("GET", "/invocation/next", null, null);
		if (r.code != 200)
			throw new IOException("invocation/next: HTTP " + r.code);
		Invocation iv = new Invocation();
		iv.event = r.body;
		iv.id = r.header("Lambda-Runtime-Aws-Request-Id");
		iv.arn = r.header("Lambda-Runtime-Invoked-Function-Arn");
		iv.trace = r.header("Lambda-Runtime-Trace-Id");
		iv.clientContext = utf8(r.header("Lambda-Runtime-Client-Context"));
		iv.identity = utf8(r.header("Lambda-Runtime-Cognito-Identity"));
		String d = r.header("Lambda-Runtime-Deadline-Ms");
		try {
			iv.deadline = d != null ? Long.parseLong(d) : 0;
		} catch (NumberFormatException e) {
			iv.deadline = 0;
		}
		if (iv.trace != null)
			System.setProperty("com.amazonaws.xray.traceHeader",
			    iv.trace);
		else
			System.clearProperty("com.amazonaws.xray.traceHeader");
		return iv;
	}

	/* A header (read as ISO-8859-1) as the UTF-8 it was sent as. */
	private static String utf8(String h) {
		return h == null ? null : new String(
		    h.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
	}

	private byte[] handle(Invocation iv) throws Fault {
		Object ctx = withContext ? context(iv) : null;
		try {
			if (kind == STREAM) {
				ByteArrayOutputStream out =
				    new ByteArrayOutputStream();
				InputStream in =
				    new java.io.ByteArrayInputStream(iv.event);
				if (withContext)
					method.invoke(target, in, out, ctx);
				else
					method.invoke(target, in, out);
				return out.toByteArray();
			}
			Object result;
			if (inputType == null)
				result = withContext ?
				    method.invoke(target, ctx) :
				    method.invoke(target);
			else {
				Object in = input(iv.event);
				result = withContext ?
				    method.invoke(target, in, ctx) :
				    method.invoke(target, in);
			}
			return Json.write(result).getBytes(
			    StandardCharsets.UTF_8);
		} catch (InvocationTargetException e) {
			Throwable t = e.getCause() != null ? e.getCause() : e;
			throw new Fault(t.getMessage(), t);
		} catch (Fault f) {
			throw f;
		} catch (Throwable t) {
			throw new Fault(t.getMessage(), t);
		}
	}

	/* The event as the handler's input type. */
	private Object input(byte[] event) throws Fault {
		try {
			String s = new String(event, StandardCharsets.UTF_8);
			Object v = s.trim().isEmpty() ? null : Json.read(s);
			return Json.convert(v, inputType);
		} catch (RuntimeException e) {
			throw new Fault("An error occurred during JSON parsing",
			    new RuntimeException(
			    "An error occurred during JSON parsing", e));
		}
	}

	/* ---- the Context: the function's own interface, by method name ---- */

	private Object context(final Invocation iv) {
		final Object logger = logger();
		InvocationHandler h = new InvocationHandler() {
			public Object invoke(Object p, Method m, Object[] a) {
				String n = m.getName();
				if (n.equals("getAwsRequestId"))
					return iv.id;
				if (n.equals("getLogGroupName"))
					return System.getenv("AWS_LAMBDA_LOG_GROUP_NAME");
				if (n.equals("getLogStreamName"))
					return System.getenv("AWS_LAMBDA_LOG_STREAM_NAME");
				if (n.equals("getFunctionName"))
					return System.getenv("AWS_LAMBDA_FUNCTION_NAME");
				if (n.equals("getFunctionVersion"))
					return System.getenv("AWS_LAMBDA_FUNCTION_VERSION");
				if (n.equals("getInvokedFunctionArn"))
					return iv.arn;
				if (n.equals("getRemainingTimeInMillis"))
					return (int)Math.max(0, Math.min(
					    Integer.MAX_VALUE, iv.deadline -
					    System.currentTimeMillis()));
				if (n.equals("getMemoryLimitInMB"))
					return memory();
				if (n.equals("getLogger"))
					return logger;
				if (n.equals("getClientContext"))
					return fromJson(iv.clientContext,
					    m.getReturnType());
				if (n.equals("getIdentity"))
					return fromJson(iv.identity,
					    m.getReturnType());
				return objectMethod(p, m, a, "Context " + iv.id);
			}
		};
		return Proxy.newProxyInstance(contextType.getClassLoader(),
		    new Class<?>[] { contextType }, h);
	}

	/*
	 * The client context or Cognito identity header (JSON) as the user's
	 * interface type (ClientContext, CognitoIdentity); null when there is
	 * none or it is not an object.
	 */
	private static Object fromJson(String json, Class<?> type) {
		if (json == null || json.isEmpty() || !type.isInterface())
			return null;
		Object v;
		try {
			v = Json.read(json);
		} catch (RuntimeException e) {
			return null;
		}
		return v instanceof Map ? view((Map<?, ?>)v, type) : null;
	}

	/* getFoo of the names Lambda's JSON gives the getters. */
	private static final String[][] KEYS = {
		{ "getEnvironment", "env" },
		{ "getIdentityId", "cognitoIdentityId" },
		{ "getIdentityPoolId", "cognitoIdentityPoolId" },
	};

	/*
	 * An interface over a JSON object: getFooBar reads "fooBar" or
	 * "foo_bar" (client.app_title); an interface-typed value is viewed
	 * the same way, a Map's values are strings (Map<String, String>).
	 */
	private static Object view(final Map<?, ?> obj, Class<?> type) {
		InvocationHandler h = new InvocationHandler() {
			public Object invoke(Object p, Method m, Object[] a) {
				String n = m.getName();
				if (!n.startsWith("get") || n.length() < 4 ||
				    m.getParameterTypes().length != 0)
					return objectMethod(p, m, a, obj.toString());
				String key = null;
				for (String[] k : KEYS)
					if (k[0].equals(n))
						key = k[1];
				if (key == null)
					key = Character.toLowerCase(n.charAt(3)) +
					    n.substring(4);
				Object v = obj.containsKey(key) ? obj.get(key) :
				    obj.get(key.replaceAll("([A-Z])", "_$1")
				    .toLowerCase(Locale.ROOT));
				Class<?> r = m.getReturnType();
				if (v == null)
					return objectMethod(p, m, a, "");
				if (r.isInterface() && !Map.class.isAssignableFrom(r))
					return v instanceof Map ?
					    view((Map<?, ?>)v, r) : null;
				if (Map.class.isAssignableFrom(r)) {
					if (!(v instanceof Map))
						return null;
					Map<String, String> out =
					    new LinkedHashMap<String, String>();
					for (Map.Entry<?, ?> e :
					    ((Map<?, ?>)v).entrySet())
						out.put(String.valueOf(e.getKey()),
						    e.getValue() == null ? null :
						    String.valueOf(e.getValue()));
					return out;
				}
				if (r == String.class)
					return v instanceof String ? v :
					    Json.write(v);
				try {
					return Json.convert(v, r);
				} catch (RuntimeException e) {
					return objectMethod(p, m, a, "");
				}
			}
		};
		return Proxy.newProxyInstance(type.getClassLoader(),
		    new Class<?>[] { type }, h);
	}

	private static int memory() {
		try {
			return Integer.parseInt(
			    System.getenv("AWS_LAMBDA_FUNCTION_MEMORY_SIZE"));
		} catch (RuntimeException e) {
			return 0;
		}
	}

	/* toString, hashCode, equals; null (or 0, false) for the rest. */
	private static Object objectMethod(Object p, Method m, Object[] a,
	    String name) {
		String n = m.getName();
		if (n.equals("toString") && m.getParameterTypes().length == 0)
			return name;
		if (n.equals("hashCode") && m.getParameterTypes().length == 0)
			return System.identityHashCode(p);
		if (n.equals("equals") && m.getParameterTypes().length == 1)
			return p == a[0];
		Class<?> r = m.getReturnType();
		if (r == int.class || r == long.class || r == short.class ||
		    r == byte.class)
			return Json.convert(0L, r);
		if (r == boolean.class)
			return false;
		if (r == double.class || r == float.class)
			return Json.convert(0.0, r);
		return null;
	}

	/* The LambdaLogger the Context's getLogger returns: stdout. */
	private Object logger() {
		Class<?> lt;
		try {
			lt = contextType.getMethod("getLogger").getReturnType();
		} catch (NoSuchMethodException e) {
			return null;
		}
		if (!lt.isInterface())
			return null;
		InvocationHandler h = new InvocationHandler() {
			public Object invoke(Object p, Method m, Object[] a) {
				if (m.getName().equals("log") && a != null &&
				    a.length >= 1) {
					if (a[0] instanceof byte[])
						System.out.write((byte[])a[0], 0,
						    ((byte[])a[0]).length);
					else
						System.out.print(a[0]);
					System.out.flush();
					return null;
				}
				return objectMethod(p, m, a, "LambdaLogger");
			}
		};
		return Proxy.newProxyInstance(lt.getClassLoader(),
		    new Class<?>[] { lt }, h);
	}

	/* ---- errors and the HTTP calls ---- */

	/*
	 * t's frames above the loop: those of the loop and of reflection's
	 * call into the handler are left out, as Lambda leaves out its own.
	 */
	private static List<StackTraceElement> frames(Throwable t) {
		List<StackTraceElement> l = new ArrayList<StackTraceElement>();
		for (StackTraceElement e : t.getStackTrace()) {
			if (e.getClassName().startsWith("lambdactl."))
				break;
			l.add(e);
		}
		if (l.size() == t.getStackTrace().length)
			return l;
		while (!l.isEmpty()) {
			String c = l.get(l.size() - 1).getClassName();
			if (!c.startsWith("jdk.internal.reflect.") &&
			    !c.startsWith("sun.reflect.") &&
			    !c.startsWith("java.lang.reflect."))
				break;
			l.remove(l.size() - 1);
		}
		return l;
	}

	/* The error in the log, as Lambda's Java runtime writes it. */
	private void report(Fault f) {
		StringBuilder b = new StringBuilder();
		b.append(f.getMessage()).append(": ").append(f.type).append('\n');
		for (StackTraceElement e : frames(f.error))
			b.append('\t').append(e).append('\n');
		System.out.print(b);
		System.out.flush();
	}

	private static String errorBody(Fault f) {
		Map<String, Object> m = new LinkedHashMap<String, Object>();
		if (f.getMessage() != null)
			m.put("errorMessage", f.getMessage());
		m.put("errorType", f.type);
		List<String> st = new ArrayList<String>();
		for (StackTraceElement e : frames(f.error))
			st.add(e.toString());
		m.put("stackTrace", st);
		return Json.write(m);
	}

	private void postQuietly(String path, Fault f) {
		try {
			post(path, errorBody(f).getBytes(StandardCharsets.UTF_8),
			    f.type);
		} catch (Exception e) {
			System.err.println("lambdactl runtime: " + e);
			System.exit(1);
		}
	}

	private void post(String path, byte[] body, String errorType)
	    throws IOException {
		Reply r = exchange("POST", path, body, errorType);
		/* A refusal (413: over 6 MB) ends this invocation, not the
		 * loop: Lambda's runtime API reported it. */
		if (r.code / 100 != 2)
			System.err.println("lambdactl runtime: POST " + path +
			    ": HTTP " + r.code + " " + new String(r.body != null ?
			    r.body : new byte[0], StandardCharsets.UTF_8));
	}

	/* An answer of the Runtime API: status, headers (by lower-case
	 * name), body. */
	static final class Reply {
		int code;
		final Map<String, String> headers = new HashMap<String, String>();
		byte[] body;

		String header(String name) {
			return headers.get(name.toLowerCase(Locale.ROOT));
		}
	}

	/*
	 * One HTTP/1.1 exchange on a connection of its own (loopback: cheap),
	 * over a plain socket: java.net's HTTP client costs a cold start some
	 * 30 ms of class loading.
	 */
	private Reply exchange(String method, String path, byte[] body,
	    String errorType) throws IOException {
		Socket s = new Socket(host, port);
		try {
			s.setTcpNoDelay(true);
			StringBuilder h = new StringBuilder();
			h.append(method).append(" /2018-06-01/runtime").append(path)
			    .append(" HTTP/1.1\r\nHost: ").append(api)
			    .append("\r\nConnection: close\r\n");
			if (body != null)
				h.append("Content-Type: application/json\r\n"
				    + "Content-Length: ").append(body.length)
				    .append("\r\n");
			if (errorType != null)
				h.append("Lambda-Runtime-Function-Error-Type: ")
				    .append(errorType.replaceAll("[^\\x21-\\x7e]", ""))
				    .append("\r\n");
			h.append("\r\n");
			OutputStream o = new BufferedOutputStream(
			    s.getOutputStream());
			o.write(h.toString().getBytes(StandardCharsets.ISO_8859_1));
			if (body != null)
				o.write(body);
			o.flush();
			return reply(new BufferedInputStream(s.getInputStream()));
		} finally {
			s.close();
		}
	}

	private static Reply reply(InputStream in) throws IOException {
		Reply r = new Reply();
		String[] status = line(in).split(" ", 3);
		try {
			r.code = Integer.parseInt(status.length > 1 ? status[1] : "");
		} catch (NumberFormatException e) {
			throw new IOException("not an HTTP answer");
		}
		for (String l = line(in); !l.isEmpty(); l = line(in)) {
			int c = l.indexOf(':');
			if (c > 0)
				r.headers.put(l.substring(0, c).trim()
				    .toLowerCase(Locale.ROOT), l.substring(c + 1).trim());
		}
		String te = r.headers.get("transfer-encoding");
		String cl = r.headers.get("content-length");
		if (te != null && te.equalsIgnoreCase("chunked")) {
			ByteArrayOutputStream b = new ByteArrayOutputStream();
			for (int n; (n = Integer.parseInt(line(in).split(";")[0]
			    .trim(), 16)) > 0; line(in))
				b.write(readN(in, n));
			r.body = b.toByteArray();
		} else if (cl != null) {
			r.body = readN(in, Integer.parseInt(cl));
		} else {
			r.body = readAll(in);
		}
		return r;
	}

	/* A header line, without its CRLF. */
	private static String line(InputStream in) throws IOException {
		ByteArrayOutputStream b = new ByteArrayOutputStream();
		int c;
		while ((c = in.read()) != '\n') {
			if (c < 0)
				throw new EOFException("the Runtime API closed");
			b.write(c);
		}
		String l = new String(b.toByteArray(), StandardCharsets.ISO_8859_1);
		return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
	}

	private static byte[] readN(InputStream in, int n) throws IOException {
		byte[] b = new byte[n];
		for (int off = 0, r; off < n; off += r)
			if ((r = in.read(b, off, n - off)) < 0)
				throw new EOFException("the Runtime API closed");
		return b;
	}

	private static byte[] readAll(InputStream in) throws java.io.IOException {
		ByteArrayOutputStream b = new ByteArrayOutputStream();
		byte[] buf = new byte[8192];
		int n;
		while ((n = in.read(buf)) > 0)
			b.write(buf, 0, n);
		in.close();
		return b.toByteArray();
	}

	/* ---- JSON: read to Map/List/String/Long/Double/Boolean/null, write
	 * those and POJOs, convert to a handler's input type ---- */

	static final class Json {
		private final String s;
		private int i;

		private Json(String s) {
			this.s = s;
		}

		static Object read(String s) {
			Json j = new Json(s);
			Object v = j.value();
			j.space();
			if (j.i != s.length())
				throw j.bad("trailing characters");
			return v;
		}

		private IllegalArgumentException bad(String what) {
			return new IllegalArgumentException(what + " at " + i);
		}

		private void space() {
			while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0)
				i++;
		}

		private Object value() {
			space();
			if (i >= s.length())
				throw bad("unexpected end");
			char c = s.charAt(i);
			if (c == '{')
				return object();
			if (c == '[')
				return array();
			if (c == '"')
				return string();
			if (s.startsWith("true", i)) {
				i += 4;
				return Boolean.TRUE;
			}
			if (s.startsWith("false", i)) {
				i += 5;
				return Boolean.FALSE;
			}
			if (s.startsWith("null", i)) {
				i += 4;
				return null;
			}
			return number();
		}

		/* Whether c is next (after blanks): then it is taken. */
		private boolean eat(char c) {
			space();
			if (i < s.length() && s.charAt(i) == c) {
				i++;
				return true;
			}
			return false;
		}

		private Map<String, Object> object() {
			Map<String, Object> m = new LinkedHashMap<String, Object>();
			i++;
			if (eat('}'))
				return m;
			do {
				space();
				if (i >= s.length() || s.charAt(i) != '"')
					throw bad("expected a key");
				String k = string();
				if (!eat(':'))
					throw bad("expected ':'");
				m.put(k, value());
			} while (eat(','));
			if (!eat('}'))
				throw bad("expected ',' or '}'");
			return m;
		}

		private List<Object> array() {
			List<Object> l = new ArrayList<Object>();
			i++;
			if (eat(']'))
				return l;
			do
				l.add(value());
			while (eat(','));
			if (!eat(']'))
				throw bad("expected ',' or ']'");
			return l;
		}

		private String string() {
			StringBuilder b = new StringBuilder();
			i++;
			while (i < s.length()) {
				char c = s.charAt(i++);
				if (c == '"')
					return b.toString();
				if (c != '\\') {
					b.append(c);
					continue;
				}
				if (i >= s.length())
					break;
				char e = s.charAt(i++);
				switch (e) {
				case 'b': b.append('\b'); break;
				case 'f': b.append('\f'); break;
				case 'n': b.append('\n'); break;
				case 'r': b.append('\r'); break;
				case 't': b.append('\t'); break;
				case 'u':
					if (i + 4 > s.length())
						throw bad("bad \\u escape");
					b.append((char)Integer.parseInt(
					    s.substring(i, i + 4), 16));
					i += 4;
					break;
				default: b.append(e);
				}
			}
			throw bad("unterminated string");
		}

		private Object number() {
			int start = i;
			while (i < s.length() &&
			    "+-0123456789.eE".indexOf(s.charAt(i)) >= 0)
				i++;
			String n = s.substring(start, i);
			if (n.isEmpty())
				throw bad("unexpected character");
			if (n.indexOf('.') < 0 && n.indexOf('e') < 0 &&
			    n.indexOf('E') < 0) {
				BigInteger b = new BigInteger(n);
				return b.bitLength() < 32 ? (Object)b.intValue() :
				    b.bitLength() < 64 ? (Object)b.longValue() :
				    (Object)b;
			}
			return Double.valueOf(n);
		}

		static String write(Object v) {
			StringBuilder b = new StringBuilder();
			write(b, v, 0);
			return b.toString();
		}

		private static void write(StringBuilder b, Object v, int depth) {
			if (depth > 200)
				throw new IllegalStateException(
				    "the result nests too deeply for JSON");
			if (v == null) {
				b.append("null");
			} else if (v instanceof CharSequence || v instanceof Character ||
			    v instanceof Enum) {
				quote(b, v instanceof Enum ? ((Enum<?>)v).name() :
				    v.toString());
			} else if (v instanceof Double || v instanceof Float) {
				double d = ((Number)v).doubleValue();
				b.append(Double.isNaN(d) || Double.isInfinite(d) ?
				    "null" : v.toString());
			} else if (v instanceof Number || v instanceof Boolean) {
				b.append(v);
			} else if (v instanceof Map) {
				b.append('{');
				boolean first = true;
				for (Map.Entry<?, ?> e : ((Map<?, ?>)v).entrySet()) {
					if (!first)
						b.append(',');
					first = false;
					quote(b, String.valueOf(e.getKey()));
					b.append(':');
					write(b, e.getValue(), depth + 1);
				}
				b.append('}');
			} else if (v instanceof Collection || v.getClass().isArray()) {
				b.append('[');
				List<Object> l = new ArrayList<Object>();
				if (v instanceof Collection)
					l.addAll((Collection<?>)v);
				else
					for (int k = 0; k < Array.getLength(v); k++)
						l.add(Array.get(v, k));
				for (int k = 0; k < l.size(); k++) {
					if (k > 0)
						b.append(',');
					write(b, l.get(k), depth + 1);
				}
				b.append(']');
			} else {
				write(b, properties(v), depth + 1);
			}
		}

		private static void quote(StringBuilder b, String s) {
			b.append('"');
			for (int k = 0; k < s.length(); k++) {
				char c = s.charAt(k);
				switch (c) {
				case '"': b.append("\\\""); break;
				case '\\': b.append("\\\\"); break;
				case '\n': b.append("\\n"); break;
				case '\r': b.append("\\r"); break;
				case '\t': b.append("\\t"); break;
				default:
					if (c < 0x20)
						b.append(String.format("\\u%04x",
						    (int)c));
					else
						b.append(c);
				}
			}
			b.append('"');
		}

		/* A POJO's getters (getX, isX) and public fields, by name. */
		private static Map<String, Object> properties(Object v) {
			Map<String, Object> m = new TreeMap<String, Object>();
			for (Method g : v.getClass().getMethods()) {
				String n = g.getName();
				if (g.getParameterTypes().length != 0 ||
				    Modifier.isStatic(g.getModifiers()) ||
				    g.getDeclaringClass() == Object.class)
					continue;
				String p = n.startsWith("get") && n.length() > 3 ?
				    n.substring(3) : n.startsWith("is") &&
				    n.length() > 2 && (g.getReturnType() ==
				    boolean.class || g.getReturnType() ==
				    Boolean.class) ? n.substring(2) : null;
				if (p == null)
					continue;
				try {
					g.setAccessible(true);
					m.put(decap(p), g.invoke(v));
				} catch (Exception e) {
					throw new IllegalStateException("cannot "
					    + "read " + n + " of the result", e);
				}
			}
			for (Field f : v.getClass().getFields()) {
				if (Modifier.isStatic(f.getModifiers()) ||
				    m.containsKey(f.getName()))
					continue;
				try {
					m.put(f.getName(), f.get(v));
				} catch (IllegalAccessException e) {
					/* not readable: left out */
				}
			}
			return m;
		}

		private static String decap(String p) {
			if (p.length() > 1 && Character.isUpperCase(p.charAt(1)))
				return p;
			return Character.toLowerCase(p.charAt(0)) + p.substring(1);
		}

		private static Class<?> raw(Type t) {
			if (t instanceof Class)
				return (Class<?>)t;
			if (t instanceof ParameterizedType)
				return raw(((ParameterizedType)t).getRawType());
			if (t instanceof GenericArrayType)
				return Array.newInstance(raw(((GenericArrayType)t)
				    .getGenericComponentType()), 0).getClass();
			if (t instanceof WildcardType)
				return raw(((WildcardType)t).getUpperBounds()[0]);
			return Object.class;	/* a type variable */
		}

		private static Type arg(Type t, int k) {
			if (t instanceof ParameterizedType) {
				Type[] a = ((ParameterizedType)t)
				    .getActualTypeArguments();
				if (k < a.length)
					return a[k];
			}
			return Object.class;
		}

		/* v (from read) as type t; IllegalArgumentException if it
		 * cannot be. */
		@SuppressWarnings({ "unchecked", "rawtypes" })
		static Object convert(Object v, Type t) {
			Class<?> c = raw(t);
			if (c.isPrimitive())
				return primitive(v, c);
			if (v == null || c == Object.class)
				return v;
			if (c == String.class || c == CharSequence.class) {
				if (v instanceof String)
					return v;
				if (v instanceof Map || v instanceof List)
					throw new IllegalArgumentException(
					    "cannot read " + kindOf(v) +
					    " as a String");
				return v.toString();
			}
			if (Number.class.isAssignableFrom(c) ||
			    c == Boolean.class || c == Character.class)
				return primitive(v, c);
			if (c.isEnum())
				return Enum.valueOf((Class<Enum>)c, v.toString());
			if (Map.class.isAssignableFrom(c)) {
				if (!(v instanceof Map))
					throw new IllegalArgumentException(
					    "cannot read " + kindOf(v) +
					    " as a Map");
				Map<Object, Object> m = c.isInterface() ||
				    Modifier.isAbstract(c.getModifiers()) ?
				    (c.isAssignableFrom(TreeMap.class) &&
				    !c.isAssignableFrom(LinkedHashMap.class) ?
				    new TreeMap<Object, Object>() :
				    new LinkedHashMap<Object, Object>()) :
				    (Map<Object, Object>)make(c);
				for (Map.Entry<?, ?> e : ((Map<?, ?>)v).entrySet())
					m.put(convert(e.getKey(), arg(t, 0)),
					    convert(e.getValue(), arg(t, 1)));
				return m;
			}
			if (Collection.class.isAssignableFrom(c) || c.isArray())
				return sequence(v, t, c);
			if (!(v instanceof Map))
				throw new IllegalArgumentException("cannot read " +
				    kindOf(v) + " as a " + c.getName());
			return pojo((Map<?, ?>)v, c);
		}

		private static String kindOf(Object v) {
			return v instanceof Map ? "an object" : v instanceof List ?
			    "an array" : v instanceof String ? "a string" :
			    "a " + v.getClass().getSimpleName();
		}

		@SuppressWarnings("unchecked")
		private static Object sequence(Object v, Type t, Class<?> c) {
			if (!(v instanceof List))
				throw new IllegalArgumentException("cannot read " +
				    kindOf(v) + " as a " + c.getSimpleName());
			List<?> l = (List<?>)v;
			if (c.isArray()) {
				Type et = t instanceof GenericArrayType ?
				    ((GenericArrayType)t).getGenericComponentType() :
				    c.getComponentType();
				Object a = Array.newInstance(c.getComponentType(),
				    l.size());
				for (int k = 0; k < l.size(); k++)
					Array.set(a, k, convert(l.get(k), et));
				return a;
			}
			Collection<Object> out;
			if (!c.isInterface() && !Modifier.isAbstract(c.getModifiers()))
				out = (Collection<Object>)make(c);
			else if (Set.class.isAssignableFrom(c))
				out = new LinkedHashSet<Object>();
			else
				out = new ArrayList<Object>();
			for (Object e : l)
				out.add(convert(e, arg(t, 0)));
			return out;
		}

		private static Object make(Class<?> c) {
			try {
				java.lang.reflect.Constructor<?> k =
				    c.getDeclaredConstructor();
				k.setAccessible(true);
				return k.newInstance();
			} catch (Exception e) {
				throw new IllegalArgumentException("cannot make a " +
				    c.getName() + ": no no-argument constructor", e);
			}
		}

		/* A bean: each key by its setter or public field, any case;
		 * keys it does not have are left out. */
		private static Object pojo(Map<?, ?> v, Class<?> c) {
			Object o = make(c);
			Map<String, Method> setters = new LinkedHashMap<String, Method>();
			for (Method m : c.getMethods())
				if (m.getName().startsWith("set") &&
				    m.getName().length() > 3 &&
				    m.getParameterTypes().length == 1 &&
				    !Modifier.isStatic(m.getModifiers()))
					setters.put(m.getName().substring(3)
					    .toLowerCase(java.util.Locale.ROOT), m);
			Map<String, Field> fields = new LinkedHashMap<String, Field>();
			for (Field f : c.getFields())
				if (!Modifier.isStatic(f.getModifiers()) &&
				    !Modifier.isFinal(f.getModifiers()))
					fields.put(f.getName().toLowerCase(
					    java.util.Locale.ROOT), f);
			Set<String> done = new HashSet<String>();
			for (Map.Entry<?, ?> e : v.entrySet()) {
				String k = String.valueOf(e.getKey())
				    .toLowerCase(java.util.Locale.ROOT);
				if (!done.add(k))
					continue;
				try {
					Method m = setters.get(k);
					if (m != null) {
						m.invoke(o, convert(e.getValue(),
						    m.getGenericParameterTypes()[0]));
						continue;
					}
					Field f = fields.get(k);
					if (f != null)
						f.set(o, convert(e.getValue(),
						    f.getGenericType()));
				} catch (IllegalAccessException |
				    InvocationTargetException ex) {
					throw new IllegalArgumentException("cannot set "
					    + e.getKey() + " of " + c.getName(), ex);
				}
			}
			return o;
		}

		private static Object primitive(Object v, Class<?> c) {
			if (c == boolean.class || c == Boolean.class) {
				if (v == null)
					return c == boolean.class ? false : null;
				if (v instanceof Boolean)
					return v;
				if (v instanceof String && (v.equals("true") ||
				    v.equals("false")))
					return Boolean.valueOf((String)v);
				throw new IllegalArgumentException("cannot read " +
				    kindOf(v) + " as a boolean");
			}
			if (c == char.class || c == Character.class) {
				if (v instanceof String && ((String)v).length() == 1)
					return ((String)v).charAt(0);
				if (v == null && c == Character.class)
					return null;
				throw new IllegalArgumentException("cannot read " +
				    (v == null ? "null" : kindOf(v)) + " as a char");
			}
			if (v == null)
				return c.isPrimitive() ? primitive(0L, c) : null;
			BigDecimal d;
			if (v instanceof Number)
				d = new BigDecimal(v.toString());
			else if (v instanceof String)
				d = new BigDecimal(((String)v).trim());
			else
				throw new IllegalArgumentException("cannot read " +
				    kindOf(v) + " as a number");
			if (c == int.class || c == Integer.class)
				return d.intValue();
			if (c == long.class || c == Long.class)
				return d.longValue();
			if (c == short.class || c == Short.class)
				return d.shortValue();
			if (c == byte.class || c == Byte.class)
				return d.byteValue();
			if (c == double.class || c == Double.class)
				return d.doubleValue();
			if (c == float.class || c == Float.class)
				return d.floatValue();
			if (c == BigInteger.class)
				return d.toBigInteger();
			if (c == BigDecimal.class)
				return d;
			/* Number, or another subclass: as read */
			return v instanceof Number ? v : d;
		}
	}
}
