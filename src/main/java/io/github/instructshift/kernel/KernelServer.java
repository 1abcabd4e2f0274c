package io.github.instructshift.kernel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Jupyter side of the kernel. Startup order is what makes it start reliably:
 * <ol>
 *   <li>the constructor builds every handler and stream (nothing is bound yet);</li>
 *   <li>{@link #serve()} creates and binds all five sockets on the calling thread;</li>
 *   <li>only then are the threads started, each owning exactly one socket (IOPub's is fed through
 *       a queue, so any thread may publish); a thread's {@code start()} publishes the bound socket
 *       to it safely.</li>
 * </ol>
 * Every loop polls with a short receive timeout and checks {@code running}, so shutdown never
 * depends on closing a socket from a foreign thread.
 */
final class KernelServer {
    private static final int RECV_TIMEOUT_MS = 100;
    private static final int LINGER_MS = 1000;
    private static final long STREAM_FLUSH_MS = 50;
    private static final WireMessage STOP = new WireMessage(List.of(), null, null, null, null, List.of());

    private final ConnectionInfo info;
    private final Evaluator evaluator;
    private final WireCodec codec;
    private final StreamCapture stdout;
    private final StreamCapture stderr;
    private final PrintStream logStream;
    private final boolean debug = System.getenv("INSTRUCT_SHIFT_KERNEL_DEBUG") != null;
    private final BlockingQueue<WireMessage> iopubQueue = new LinkedBlockingQueue<>();
    private final CountDownLatch shutdown = new CountDownLatch(1);
    private final AtomicInteger executionCount = new AtomicInteger(0);
    private final History history = new History();
    private final Object stdinLock = new Object();

    private volatile boolean running = true;
    private volatile WireMessage currentExecute; // parent of streams and displays
    private volatile boolean allowStdin;
    private ZMQ.Socket stdinSocket; // used only under stdinLock, by the cell that reads System.in

    KernelServer(ConnectionInfo info, Evaluator evaluator) {
        this.info = info;
        this.evaluator = evaluator;
        this.codec = new WireCodec(info.key(), info.signatureScheme());
        this.logStream = System.err;
        this.stdout = new StreamCapture("stdout", this::publishStream);
        this.stderr = new StreamCapture("stderr", this::publishStream);
    }

    /** Binds, serves until a shutdown request (or the parent process dies), returns the exit code. */
    int serve() {
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
        System.setIn(new CellInput());
        Display.setSink(this::publishDisplay);

        ZContext ctx = new ZContext();
        ctx.setLinger(LINGER_MS); // replies already queued (shutdown_reply above all) still go out
        List<Thread> threads = new ArrayList<>(); // those that own a socket: joined so replies flush
        List<Thread> helpers = new ArrayList<>();
        try {
            ZMQ.Socket iopub = bind(ctx, SocketType.PUB, info.iopubPort(), "iopub");
            ZMQ.Socket shell = bind(ctx, SocketType.ROUTER, info.shellPort(), "shell");
            ZMQ.Socket control = bind(ctx, SocketType.ROUTER, info.controlPort(), "control");
            ZMQ.Socket stdin = bind(ctx, SocketType.ROUTER, info.stdinPort(), "stdin");
            ZMQ.Socket hb = bind(ctx, SocketType.REP, info.hbPort(), "heartbeat");
            synchronized (stdinLock) {
                stdinSocket = stdin;
            }

            threads.add(thread("iopub", () -> iopubLoop(ctx, iopub)));
            threads.add(thread("heartbeat", () -> heartbeatLoop(ctx, hb)));
            threads.add(thread("control", () -> requestLoop(ctx, control, "control")));
            threads.add(thread("shell", () -> requestLoop(ctx, shell, "shell")));
            helpers.add(thread("stream-flush", this::flushLoop));
            helpers.add(parentWatcher());
            installInterruptSignal();
            publishStatus("starting", null);
            threads.forEach(Thread::start);
            helpers.forEach(Thread::start);
            if (debug) {
                log("kernel ready on " + info.address(info.shellPort()));
            }

            shutdown.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running = false;
            helpers.forEach(Thread::interrupt);
            evaluator.interrupt();
            iopubQueue.add(STOP);
            for (Thread t : threads) {
                try {
                    t.join(2000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            closeBounded(ctx);
        }
        return 0;
    }

    private ZMQ.Socket bind(ZContext ctx, SocketType type, int port, String name) {
        ZMQ.Socket s = ctx.createSocket(type);
        s.setLinger(LINGER_MS);
        s.setReceiveTimeOut(RECV_TIMEOUT_MS);
        if (type == SocketType.ROUTER) {
            s.setRouterHandover(true); // a reconnecting client with the same identity takes over
        }
        String address = info.address(port);
        try {
            s.bind(address);
        } catch (ZMQException e) {
            throw new KernelException("cannot bind " + name + " socket to " + address + ": " + e.getMessage(), e);
        }
        return s;
    }

    private Thread thread(String name, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (RuntimeException | Error e) {
                if (running) {
                    log("thread " + name + " died: " + e);
                    e.printStackTrace(logStream);
                    shutdown.countDown(); // a kernel that lost a channel must not look alive
                }
            }
        }, "kernel-" + name);
        t.setDaemon(true);
        return t;
    }

    // ---------------------------------------------------------------- loops (one socket each)

    private void iopubLoop(ZContext ctx, ZMQ.Socket socket) {
        try {
            while (true) {
                WireMessage m = iopubQueue.take();
                if (m == STOP) {
                    break;
                }
                send(socket, codec.encode(m));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ctx.destroySocket(socket);
        }
    }

    private void heartbeatLoop(ZContext ctx, ZMQ.Socket socket) {
        try {
            while (running) {
                byte[] ping = socket.recv(0);
                if (ping == null) {
                    continue;
                }
                List<byte[]> frames = new ArrayList<>();
                frames.add(ping);
                while (socket.hasReceiveMore()) {
                    frames.add(socket.recv(0));
                }
                send(socket, frames);
            }
        } finally {
            ctx.destroySocket(socket);
        }
    }

    private void requestLoop(ZContext ctx, ZMQ.Socket socket, String channel) {
        try {
            while (running) {
                List<byte[]> frames = receive(socket);
                if (frames == null) {
                    continue;
                }
                WireMessage request;
                try {
                    request = codec.decode(frames);
                } catch (KernelException e) {
                    log(channel + ": dropped a message: " + e.getMessage());
                    continue;
                }
                handle(socket, channel, request);
            }
        } finally {
            ctx.destroySocket(socket);
        }
    }

    private void flushLoop() {
        while (running) {
            try {
                Thread.sleep(STREAM_FLUSH_MS);
            } catch (InterruptedException e) {
                return;
            }
            drainStreams();
        }
    }

    /** Exits when the process that started the kernel is gone, so no orphan JVM is left behind. */
    private Thread parentWatcher() {
        long parentPid = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
        return thread("parent-watch", () -> {
            while (running && parentPid > 1) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                boolean alive = ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    log("parent process " + parentPid + " is gone; shutting down");
                    shutdown.countDown();
                    return;
                }
            }
        });
    }

    /** SIGINT (interrupt_mode "signal", or Ctrl-C in a terminal) interrupts the cell instead of killing the JVM. */
    private void installInterruptSignal() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), s -> evaluator.interrupt());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log("SIGINT cannot be handled here (" + e.getMessage() + "); interrupt by message only");
        }
    }

    private static List<byte[]> receive(ZMQ.Socket socket) {
        byte[] first = socket.recv(0);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0)); // the rest of a multipart message has arrived with the first frame
        }
        return frames;
    }

    private static void send(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    private void closeBounded(ZContext ctx) {
        Thread closer = new Thread(ctx::close, "kernel-close");
        closer.setDaemon(true);
        closer.start();
        try {
            closer.join(3000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- requests

    private void handle(ZMQ.Socket socket, String channel, WireMessage request) {
        String type = request.type();
        if (debug) {
            log(channel + " <- " + type);
        }
        publishStatus("busy", request);
        try {
            switch (type) {
                case "kernel_info_request" -> reply(socket, request, "kernel_info_reply", kernelInfo());
                case "execute_request" -> execute(socket, request);
                case "is_complete_request" -> {
                    ObjectNode c = object();
                    String status = evaluator.completeness(request.content().path("code").asText(""));
                    c.put("status", status);
                    if (status.equals("incomplete")) {
                        c.put("indent", "");
                    }
                    reply(socket, request, "is_complete_reply", c);
                }
                case "complete_request" -> complete(socket, request);
                case "inspect_request" -> inspect(socket, request);
                case "history_request" -> history(socket, request);
                case "comm_info_request" -> {
                    ObjectNode c = ok();
                    c.putObject("comms");
                    reply(socket, request, "comm_info_reply", c);
                }
                case "interrupt_request" -> {
                    evaluator.interrupt();
                    reply(socket, request, "interrupt_reply", ok());
                }
                case "shutdown_request" -> {
                    ObjectNode c = ok();
                    c.put("restart", request.content().path("restart").asBoolean(false));
                    reply(socket, request, "shutdown_reply", c);
                    iopubQueue.add(codec.broadcast("shutdown_reply", request, c.deepCopy()));
                    publishStatus("idle", request);
                    shutdown.countDown();
                    return;
                }
                default -> log(channel + ": ignored message of type " + type);
            }
        } catch (RuntimeException e) {
            // a bug in a handler must not take the channel down: report and carry on
            log(channel + ": error handling " + type + ": " + e);
            e.printStackTrace(logStream);
        }
        publishStatus("idle", request);
    }

    private void execute(ZMQ.Socket socket, WireMessage request) {
        ObjectNode content = request.content();
        String code = content.path("code").asText("");
        boolean silent = content.path("silent").asBoolean(false);
        boolean store = content.path("store_history").asBoolean(!silent);
        int count = silent || !store ? executionCount.get() : executionCount.incrementAndGet();
        if (!silent) {
            ObjectNode input = object();
            input.put("code", code);
            input.put("execution_count", count);
            iopubQueue.add(codec.broadcast("execute_input", request, input));
        }
        if (store && !silent) {
            history.add(count, code);
        }
        currentExecute = request;
        allowStdin = content.path("allow_stdin").asBoolean(false);
        ObjectNode reply;
        try {
            Evaluator.Result result = evaluator.eval(code, "In [" + count + "]");
            drainStreams();
            if (result.hasValue() && !silent) {
                ObjectNode r = object();
                r.put("execution_count", count);
                r.set("data", bundle(MimeRenderer.render(result.value())));
                r.putObject("metadata");
                iopubQueue.add(codec.broadcast("execute_result", request, r));
            }
            reply = ok();
            reply.put("execution_count", count);
            reply.putObject("user_expressions");
            reply.putArray("payload");
        } catch (CellException e) {
            reply = error(e.ename(), e.evalue(), e.traceback(), count, request);
        } catch (RuntimeException | LinkageError e) {
            // the cell ran but its value could not be shown, or the kernel itself failed: still an error reply
            List<String> tb = new ArrayList<>();
            tb.add(e.toString());
            for (StackTraceElement el : e.getStackTrace()) {
                tb.add("\tat " + el);
            }
            reply = error(e.getClass().getName(), String.valueOf(e.getMessage()), tb, count, request);
        } finally {
            allowStdin = false;
        }
        reply(socket, request, "execute_reply", reply);
    }

    private ObjectNode error(String ename, String evalue, List<String> traceback, int count, WireMessage request) {
        drainStreams();
        ObjectNode err = object();
        err.put("ename", ename);
        err.put("evalue", evalue);
        ArrayNode tb = err.putArray("traceback");
        traceback.forEach(tb::add);
        iopubQueue.add(codec.broadcast("error", request, err.deepCopy()));
        err.put("status", "error");
        err.put("execution_count", count);
        return err;
    }

    private void complete(ZMQ.Socket socket, WireMessage request) {
        String code = request.content().path("code").asText("");
        int cursor = Math.min(code.length(), Math.max(0, request.content().path("cursor_pos").asInt(code.length())));
        int[] anchor = {cursor};
        List<String> matches;
        try {
            matches = evaluator.complete(code, cursor, anchor);
        } catch (RuntimeException e) {
            matches = List.of();
        }
        ObjectNode c = ok();
        ArrayNode m = c.putArray("matches");
        matches.forEach(m::add);
        c.put("cursor_start", anchor[0]);
        c.put("cursor_end", cursor);
        c.putObject("metadata");
        reply(socket, request, "complete_reply", c);
    }

    private void inspect(ZMQ.Socket socket, WireMessage request) {
        String code = request.content().path("code").asText("");
        // Jupyter counts the cursor in code points, Java strings in UTF-16 units
        int points = code.codePointCount(0, code.length());
        int cursor = code.offsetByCodePoints(0, Math.max(0, Math.min(points, request.content().path("cursor_pos").asInt(points))));
        String text;
        try {
            text = evaluator.inspect(code, cursor);
        } catch (RuntimeException e) {
            text = ""; // analysis of half-typed code may fail inside JShell: nothing found, not an error
        }
        ObjectNode c = ok();
        c.put("found", !text.isEmpty());
        ObjectNode data = c.putObject("data");
        if (!text.isEmpty()) {
            data.put("text/plain", text);
        }
        c.putObject("metadata");
        reply(socket, request, "inspect_reply", c);
    }

    /** history_reply: [session, line, input] triples; session 0 is this session, as in requests. */
    private void history(ZMQ.Socket socket, WireMessage request) {
        ObjectNode q = request.content();
        List<History.Entry> entries = switch (q.path("hist_access_type").asText("tail")) {
            case "range" -> history.range(q.path("start").asInt(1), q.path("stop").asInt(0));
            case "search" -> history.search(q.path("pattern").asText("*"), q.path("n").asInt(0),
                    q.path("unique").asBoolean(false));
            default -> history.tail(q.path("n").asInt(10));
        };
        ObjectNode c = ok();
        ArrayNode list = c.putArray("history");
        for (History.Entry e : entries) {
            list.addArray().add(0).add(e.line()).add(e.input());
        }
        reply(socket, request, "history_reply", c);
    }

    private ObjectNode kernelInfo() {
        ObjectNode c = ok();
        c.put("protocol_version", WireCodec.PROTOCOL_VERSION);
        c.put("implementation", "instruct-shift-java");
        c.put("implementation_version", "0.1.0");
        ObjectNode lang = c.putObject("language_info");
        lang.put("name", "java");
        lang.put("version", Runtime.version().toString());
        lang.put("mimetype", "text/x-java-source");
        lang.put("file_extension", ".jshell");
        lang.put("pygments_lexer", "java");
        lang.put("codemirror_mode", "java");
        c.put("banner", "instruct-shift Java kernel (JShell, Java " + Runtime.version() + ")");
        c.putArray("help_links");
        return c;
    }

    // ---------------------------------------------------------------- publishing

    private void reply(ZMQ.Socket socket, WireMessage request, String type, ObjectNode content) {
        send(socket, codec.encode(codec.create(type, request, content)));
    }

    private void publishStatus(String state, WireMessage parent) {
        ObjectNode c = object();
        c.put("execution_state", state);
        iopubQueue.add(codec.broadcast("status", parent, c));
    }

    private void publishStream(String name, String text) {
        ObjectNode c = object();
        c.put("name", name);
        c.put("text", text);
        iopubQueue.add(codec.broadcast("stream", currentExecute, c));
    }

    private void publishDisplay(Display.Shown shown) {
        Map<String, String> data = MimeRenderer.render(shown.value()); // render first: a failure surfaces in the cell
        drainStreams(); // text printed before display(...) appears before it
        ObjectNode c = object();
        c.set("data", bundle(data));
        c.putObject("metadata");
        c.putObject("transient").put("display_id", shown.displayId());
        iopubQueue.add(codec.broadcast(shown.update() ? "update_display_data" : "display_data", currentExecute, c));
    }

    private void drainStreams() {
        System.out.flush();
        System.err.flush();
        stdout.drain();
        stderr.drain();
    }

    private ObjectNode bundle(Map<String, String> data) {
        ObjectNode d = object();
        data.forEach(d::put);
        return d;
    }

    private ObjectNode object() {
        return codec.json().createObjectNode();
    }

    private ObjectNode ok() {
        ObjectNode c = object();
        c.put("status", "ok");
        return c;
    }

    private void log(String message) {
        logStream.println("[instruct-shift kernel] " + message);
    }

    /**
     * System.in for cells: end of input unless the running execute request allows stdin, in which
     * case each line is asked of the front end with an input_request.
     */
    private final class CellInput extends InputStream {
        private byte[] line = new byte[0];
        private int pos;

        @Override
        public synchronized int read() {
            if (pos >= line.length && !fill()) {
                return -1;
            }
            return line[pos++] & 0xff;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (pos >= line.length && !fill()) {
                return -1;
            }
            int n = Math.min(len, line.length - pos);
            System.arraycopy(line, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean fill() {
            WireMessage parent = currentExecute;
            if (!allowStdin || parent == null) {
                return false;
            }
            drainStreams();
            ObjectNode c = object();
            c.put("prompt", "");
            c.put("password", false);
            synchronized (stdinLock) {
                send(stdinSocket, codec.encode(codec.create("input_request", parent, c)));
                while (running) {
                    List<byte[]> frames = receive(stdinSocket);
                    if (frames == null) {
                        continue;
                    }
                    WireMessage reply;
                    try {
                        reply = codec.decode(frames);
                    } catch (KernelException e) {
                        log("stdin: dropped a message: " + e.getMessage());
                        continue;
                    }
                    if (reply.type().equals("input_reply")) {
                        line = (reply.content().path("value").asText("") + "\n").getBytes(StandardCharsets.UTF_8);
                        pos = 0;
                        return true;
                    }
                }
            }
            return false;
        }
    }
}
