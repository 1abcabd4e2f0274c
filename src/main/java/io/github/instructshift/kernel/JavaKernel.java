package io.github.instructshift.kernel;

import java.nio.file.Path;

/**
 * Entry point named by the kernelspec: {@code java ... io.github.instructshift.kernel.JavaKernel
 * {connection_file}}. Everything is built (JShell warmed up, handlers in place) before any socket
 * is bound, so the first request a client sends is always answered.
 */
public final class JavaKernel {
    private JavaKernel() {
    }

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: java io.github.instructshift.kernel.JavaKernel CONNECTION_FILE");
            System.exit(2);
        }
        int code;
        try {
            ConnectionInfo info = ConnectionInfo.read(Path.of(args[0]));
            Evaluator evaluator = new Evaluator();
            code = new KernelServer(info, evaluator).serve();
        } catch (KernelException e) {
            System.err.println("instruct-shift kernel: " + e.getMessage());
            code = 1;
        }
        System.exit(code);
    }
}
