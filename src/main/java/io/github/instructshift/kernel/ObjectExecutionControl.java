package io.github.instructshift.kernel;

import jdk.jshell.execution.LocalExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JShell's in-process engine ({@link LocalExecutionControl}), but each snippet's value is kept as
 * the real object: the value string JShell sees is a key into {@link #take}.
 *
 * <p>Why extend {@code LocalExecutionControl} rather than stop threads ourselves: it is the JDK's
 * own answer to stopping a snippet on every JDK. Up to JDK 19 its {@code stop()} uses
 * {@code Thread.stop}; from JDK 20 on (where {@code Thread.stop} throws) it instruments every
 * loaded snippet class with a stop check before each backward branch and at each method start, and
 * interrupts the snippet thread (so {@code Thread.sleep} and other blocking calls end too). Code
 * inside libraries is not instrumented: a busy loop there ends only when it blocks or returns.
 *
 * <p>To keep the value, the JDK's {@code invoke} is handed a trampoline whose only job is to call
 * the snippet's do-it method and hold on to what it returned.
 */
final class ObjectExecutionControl extends LocalExecutionControl {
    private static final String KEY_PREFIX = "\u0000instructshift-value#";
    private static final Object NULL = new Object();
    private static final Method TRAMPOLINE;

    static {
        try {
            TRAMPOLINE = Trampoline.class.getMethod("run");
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final AtomicLong counter = new AtomicLong();

    static ExecutionControlProvider provider(ObjectExecutionControl control) {
        return new ExecutionControlProvider() {
            @Override
            public String name() {
                return "instructshift-local";
            }

            @Override
            public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
                return control;
            }
        };
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        Call call = new Call(doit);
        // the JDK runs the trampoline on a thread it creates from this one, which inherits the call
        Trampoline.CALL.set(call);
        try {
            super.invoke(TRAMPOLINE);
        } finally {
            Trampoline.CALL.remove();
        }
        String key = KEY_PREFIX + counter.incrementAndGet();
        values.put(key, call.result == null ? NULL : call.result);
        return key;
    }

    /** Removes and returns the object behind a value key; {@code absent} if the key is not ours. */
    Object take(String key, Object absent) {
        if (key == null || !key.startsWith(KEY_PREFIX)) {
            return absent;
        }
        Object v = values.remove(key);
        return v == null ? absent : v == NULL ? null : v;
    }

    /** Drops values nobody asked for (variable initialisers), so they can be collected. */
    void clearValues() {
        values.clear();
    }

    private static final class Call {
        final Method doit;
        volatile Object result;

        Call(Method doit) {
            this.doit = doit;
        }
    }

    /** Public so that the JDK's reflective call from module jdk.jshell may invoke it. */
    public static final class Trampoline {
        static final InheritableThreadLocal<Call> CALL = new InheritableThreadLocal<>();

        private Trampoline() {
        }

        /** Runs the pending do-it method; its exception (ThreadDeath on a stop included) passes through unwrapped. */
        public static Object run() throws Throwable {
            Call call = CALL.get();
            try {
                call.result = call.doit.invoke(null);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return null;
        }
    }
}
