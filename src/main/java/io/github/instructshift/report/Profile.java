package io.github.instructshift.report;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Which settings the notebooks' analyses run with. {@link #PAPER}: the paper's, exactly as the command
 * line uses them ({@code HeadsOptions.paper()}, {@code FfnSettings.paper()}), for a real pair;
 * {@link #ORGANISM}: settings sized for the embedded 3.7M-parameter model organism, whose tokenizer has
 * a few thousand pieces and whose d_model is 256. Either way the notebooks list what differs from the paper.
 */
public enum Profile {
    PAPER, ORGANISM;

    /** {@code paper} or {@code organism}, any case; {@code what} names the setting in the message. */
    public static Profile parse(String value, String what) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ReportException(what + " must be 'paper' or 'organism', got '" + value + "'");
        }
    }

    /**
     * The profile of a pair nobody chose one for: {@link #ORGANISM} when both checkpoints are the
     * embedded organism's ({@code data/models/organism-*} under the project root), else {@link #PAPER}.
     */
    public static Profile forPair(Path root, Path base, Path tuned) {
        return isOrganism(root, base) && isOrganism(root, tuned) ? ORGANISM : PAPER;
    }

    private static boolean isOrganism(Path root, Path dir) {
        Path models = root.toAbsolutePath().normalize().resolve("data").resolve("models");
        Path d = dir.toAbsolutePath().normalize();
        return models.equals(d.getParent()) && d.getFileName().toString().startsWith("organism-");
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }
}
