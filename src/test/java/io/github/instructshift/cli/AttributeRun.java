package io.github.instructshift.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** What one {@code attribute} invocation in a test printed and returned. */
record AttributeRun(int rc, String out, String err) {

    /** Thrown by a test's {@code afterStore} hook: stops a run between two results, as a kill would (exit 137). */
    static final class SimulatedKill extends RuntimeException {
        SimulatedKill() {
            super("simulated kill");
        }
    }

    /** Runs {@code cmd} with its output captured; any other exception escapes to fail the test. */
    static AttributeRun of(AttributeCommand cmd, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        cmd.stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
        CommandLine cli = new CommandLine(cmd);
        cli.setErr(new java.io.PrintWriter(err, true, StandardCharsets.UTF_8));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof SimulatedKill) {
                return 137;
            }
            throw e;
        });
        int rc = cli.execute(args);
        return new AttributeRun(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
