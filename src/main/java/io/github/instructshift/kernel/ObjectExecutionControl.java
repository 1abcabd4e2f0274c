package io.github.instructshift.kernel;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * JShell's in-process engine, but each snippet's value is kept as the real object: the value string
 * JShell sees is a key into {@link #take}. Snippets run on a fresh thread each, so {@link #stop()}
 * can end a runaway cell without touching the thread that serves the Jupyter protocol.
 */
final class ObjectExecutionControl extends DirectExecutionControl {
    private static final String KEY_PREFIX = "\u0000instructshift-value#";
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final AtomicLong counter = new AtomicLong();
    private final ThreadGroup group = new ThreadGroup("notebook-cells");
    private volatile Thread running;
    private volatile boolean stopRequested;

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
        Object[] result = new Object[1];
        Throwable[] failure = new Throwable[1];
        stopRequested = false;
        Thread t = new Thread(group, () -> {
            try {
                result[0] = doit.invoke(null);
            } catch (InvocationTargetException e) {
                failure[0] = e;
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "notebook-cell");
        t.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        running = t;
        try {
            t.start();
            t.join();
        } finally {
            running = null;
        }
        if (stopRequested) {
            throw new StoppedException();
        }
        if (failure[0] instanceof Exception e) {
            throw e; // DirectExecutionControl turns InvocationTargetException into a UserException
        }
        if (failure[0] != null) {
            throw new InvocationTargetException(failure[0]);
        }
        String key = KEY_PREFIX + counter.incrementAndGet();
        values.put(key, result[0] == null ? NULL : result[0]);
        return key;
    }

    private static final Object NULL = new Object();

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

    @Override
    @SuppressWarnings("deprecation") // Thread.stop is how JShell's own local engine stops a snippet
    public void stop() {
        Thread t = running;
        if (t != null) {
            stopRequested = true;
            t.stop();
        }
    }

    @Override
    protected void clientCodeEnter() {
        // no-op: stop() is handled by the per-snippet thread above
    }

    @Override
    protected void clientCodeLeave() {
        // no-op
    }
}
