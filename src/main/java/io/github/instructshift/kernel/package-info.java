/**
 * A Java Jupyter kernel for the project's notebooks: JShell with an in-process execution engine
 * (so a displayed value is the real object in this JVM), the project's classes on the classpath,
 * and the Jupyter wire protocol over ZeroMQ (jeromq).
 *
 * <p>Owns: the kernel entry point {@link io.github.instructshift.kernel.JavaKernel} (argv: the
 * connection file), the evaluator {@link io.github.instructshift.kernel.Evaluator} (usable without
 * Jupyter), the MIME rendering rules {@link io.github.instructshift.kernel.MimeRenderer}, and two
 * helpers notebooks may use: {@link io.github.instructshift.kernel.Html} and
 * {@link io.github.instructshift.kernel.Display} ({@code display(Object)} returns a display id,
 * {@code updateDisplay(id, Object)} replaces that output, as in IJava).
 *
 * <p>Interrupt works on every JDK from 17: execution is the JDK's {@code LocalExecutionControl},
 * which stops a snippet with {@code Thread.stop} before JDK 20 and by instrumenting snippet loops
 * from JDK 20 on; snippets stay in this JVM, so displayed values are the live objects.
 *
 * <p>Why not IJava's channel layer: its sockets are bound (and their polling threads started)
 * while handlers may still be missing, and each socket is polled by its own sleeping loop and
 * closed from other threads. Here everything that handles a message exists before the first
 * socket is bound, and each socket is used only by the one thread that owns it.
 */
package io.github.instructshift.kernel;
