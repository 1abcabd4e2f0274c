package io.github.instructshift.cli;

import io.github.instructshift.model.CheckpointException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code instruct-shift}: the command line that notebooks, tests and users call. */
@Command(name = "instruct-shift", mixinStandardHelpOptions = true, version = "instruct-shift 0.1.0",
        description = "What instruction tuning changes inside an LLM: attribution, attention heads, FFN concepts.",
        subcommands = {InfoCommand.class, GenerateCommand.class, LogitsCommand.class, BenchCommand.class,
                AttributeCommand.class, AttributionTablesCommand.class, HeadsCommand.class, FfnCommand.class,
                OrganismCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code: 0 ok, 1 failed, 2 bad usage or bad input. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            PrintWriter err = line.getErr();
            err.println("error: " + message(e));
            if (System.getenv("INSTRUCT_SHIFT_DEBUG") != null) {
                e.printStackTrace(err);
            }
            err.flush();
            return e instanceof CheckpointException || e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }

    /** The message a user can act on: the cause chain's messages, without class names or stacks. */
    static String message(Throwable e) {
        StringBuilder sb = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return sb.toString();
    }
}
