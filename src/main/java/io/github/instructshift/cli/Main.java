package io.github.instructshift.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.instructshift.attribution.AttributionException;
import io.github.instructshift.data.DataFormatException;
import io.github.instructshift.ffn.FfnException;
import io.github.instructshift.heads.HeadsException;
import io.github.instructshift.model.CheckpointException;
import io.github.instructshift.model.JsonErrors;
import java.io.File;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code instruct-shift}: the command line that notebooks, tests and users call.
 *
 * <p>Every refusal is one line on stderr, {@code error: …}, naming the file, field, tensor or option
 * at fault ({@code INSTRUCT_SHIFT_DEBUG=1} adds the stack trace). Exit codes:
 * <ul>
 *   <li>0: done;</li>
 *   <li>2: bad usage or bad input: a picocli usage error ({@link CommandLine.ParameterException}),
 *       {@link CheckpointException} (a checkpoint that cannot be used), {@link IllegalArgumentException}
 *       (a bad option value), a Jackson parse error ({@link JsonProcessingException}, also inside an
 *       {@link UncheckedIOException}), and the packages' input exceptions:
 *       {@link DataFormatException} (the authors' data files), {@link HeadsException} and
 *       {@link AttributionException} (bad input to those analyses, by their contract), and
 *       {@link FfnException} (bad input to the FFN analysis);</li>
 *   <li>1: a genuine run failure: anything else, including a labelling run that failed
 *       ({@link io.github.instructshift.ffn.LabellingFailure}) and running out of memory (one line too).</li>
 * </ul>
 */
@Command(name = "instruct-shift", mixinStandardHelpOptions = true, version = "instruct-shift 0.1.0",
        description = "What instruction tuning changes inside an LLM: attribution, attention heads, FFN concepts.",
        subcommands = {InfoCommand.class, GenerateCommand.class, LogitsCommand.class, BenchCommand.class,
                AttributeCommand.class, AttributionTablesCommand.class, HeadsCommand.class, FfnCommand.class,
                OrganismCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    static final int FAILED = 1;
    static final int BAD_INPUT = 2;

    /** What {@link #exitCode} counts as bad input; everything else is a run failure. */
    private static final List<Class<? extends Throwable>> BAD_INPUT_TYPES = List.of(
            CheckpointException.class, IllegalArgumentException.class, JsonProcessingException.class,
            DataFormatException.class, HeadsException.class, AttributionException.class, FfnException.class);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code: 0 ok, 1 failed, 2 bad usage or bad input. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((e, line) -> {
            CommandLine failed = e.getCommandLine();
            PrintWriter err = failed.getErr();
            err.println("error: " + JsonErrors.oneLine(e.getMessage()) + " (see '"
                    + failed.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((e, line, parsed) -> report(line.getErr(), e));
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli lets Errors through; without this the user gets the JVM's trace
            return report(cli.getErr(), e);
        }
    }

    private static int report(PrintWriter err, Throwable e) {
        err.println("error: " + (e instanceof OutOfMemoryError
                ? "out of memory (" + e.getMessage() + "): give the JVM more heap (-Xmx) or use a smaller input"
                : message(e)));
        if (System.getenv("INSTRUCT_SHIFT_DEBUG") != null) {
            e.printStackTrace(err);
        }
        err.flush();
        return exitCode(e);
    }

    /** 2 for bad input (see the class comment), 1 for a run failure. */
    static int exitCode(Throwable e) {
        Throwable t = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
        return BAD_INPUT_TYPES.stream().anyMatch(type -> type.isInstance(t)) ? BAD_INPUT : FAILED;
    }

    /** The message a user can act on, on one line: the cause chain's messages, without class names or stacks. */
    static String message(Throwable e) {
        StringBuilder sb = new StringBuilder(describe(e));
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            String m = describe(c);
            if (c.getMessage() != null && !sb.toString().contains(m)) {
                sb.append(": ").append(m);
            }
        }
        return JsonErrors.oneLine(sb.toString());
    }

    private static String describe(Throwable e) {
        if (e instanceof JsonProcessingException json) {
            return source(json) + "not valid JSON: " + JsonErrors.describe(json);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** The file Jackson was reading, where it kept it. */
    private static String source(JsonProcessingException e) {
        Object raw = e.getLocation() == null ? null : e.getLocation().contentReference().getRawContent();
        return raw instanceof File || raw instanceof Path ? raw + ": " : "";
    }
}
