package io.github.instructshift.attribution;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Attribution of a prompt list under one model into a {@link ResultStore}, resumable: each result is
 * written (atomically) as soon as it is computed, and a rerun over the same store only computes what is
 * missing, so a killed run loses at most the prompt in flight and never duplicates one.
 *
 * <p>Opening a run scans the store for the prompts' results: each stored result must come from the
 * same model, role and prompt format, and (when a preparer is given) from the same prompt tokens
 * (otherwise the store belongs to another run, an {@link AttributionException} before anything is
 * computed); a result whose instruction mask or unmatched fragments differ from the prompt's current
 * annotation is rescored from its stored levels (no model needed) and rewritten; a stored file that
 * cannot be read (truncated by something that did not write atomically) or is not consistent (an edited
 * {@code id}, score or matrix: {@link ResultStore#read}) is deleted and computed again ({@link #unreadable}). Only small per-prompt
 * {@link AttributionResults.Row}s are kept in memory, so a long run does not grow.
 *
 * <p>A {@linkplain #forced forced run} attributes, instead of the model's own responses, the responses another
 * model gave (teacher forcing, {@link PromptAttributor#force}), read beforehand from that model's stored results.
 * Its store holds only such results; a stored one whose response is not the other model's current response
 * for the prompt ({@link #stale()}) is deleted and computed again, and a prompt the other model has no response
 * for is skipped.
 */
public final class AttributionRun {
    /** Told about every prompt as it is settled, in prompt order. */
    public interface Listener {
        /** A result is stored (computed now, or found from an earlier run when {@code resumed}). */
        void stored(AttributionResults.Row row, boolean resumed, String stoppedOn);

        /** The model cannot take this prompt; nothing is stored for it. */
        void skipped(Skipped skipped);
    }

    /** A prompt left out, and why (e.g. longer than the model's context). */
    public record Skipped(String id, String model, String role, String reason) {}

    /** What a run did: one row per stored result, in prompt order. */
    public record Outcome(List<AttributionResults.Row> rows, int computed, int resumed, List<Skipped> skipped) {}

    private final String model;
    private final ModelRole role;
    private final String format;
    private final ResultStore store;
    private final List<AttributionPrompt> prompts;
    private final Map<String, AttributionResults.Row> stored = new HashMap<>();
    private final Map<String, String> unreadable = new java.util.LinkedHashMap<>();
    private final List<String> rescored = new ArrayList<>();
    private final Map<String, List<String>> responses;
    private final ModelRole responseOf;
    private final List<String> stale = new ArrayList<>();

    /**
     * Scans {@code store} for the prompts' results of this model, role and prompt format (no model
     * needs to be loaded for that; when nothing is left to compute, none need be).
     *
     * @param format   the prompt format's name as results record it ({@link PromptAttributor#formatName()})
     * @param preparer how the model sees a prompt ({@link PromptAttributor#prepare}), to check stored results
     *                 against; null to trust IDs
     */
    public AttributionRun(ResultStore store, List<AttributionPrompt> prompts, String model, ModelRole role,
                          String format, Function<AttributionPrompt, PromptAttributor.Prepared> preparer) {
        this(store, prompts, model, role, format, preparer, null, null);
    }

    /**
     * A run that attributes, under this model, the responses of the model playing {@code responseOf}
     * instead of its own: {@code responses} maps prompt IDs to that model's response tokens as its stored
     * results record them (a prompt without one is skipped). Scanning the store is as for an ordinary run,
     * and a stored result whose response tokens differ from {@code responses}' is computed again.
     */
    public static AttributionRun forced(ResultStore store, List<AttributionPrompt> prompts, String model,
                                        ModelRole role, String format,
                                        Function<AttributionPrompt, PromptAttributor.Prepared> preparer,
                                        ModelRole responseOf, Map<String, List<String>> responses) {
        if (responseOf == null || responses == null) {
            throw new IllegalArgumentException("a forced run needs the responses and whose they are");
        }
        return new AttributionRun(store, prompts, model, role, format, preparer, responseOf, Map.copyOf(responses));
    }

    private AttributionRun(ResultStore store, List<AttributionPrompt> prompts, String model, ModelRole role,
                           String format, Function<AttributionPrompt, PromptAttributor.Prepared> preparer,
                           ModelRole responseOf, Map<String, List<String>> responses) {
        this.responseOf = responseOf;
        this.responses = responses;
        this.model = model;
        this.role = role;
        this.format = format;
        this.store = store;
        this.prompts = List.copyOf(prompts);
        for (AttributionPrompt p : this.prompts) {
            if (!store.has(p.id())) {
                continue;
            }
            AttributionResult r;
            try {
                r = store.get(p.id());
            } catch (AttributionException e) {
                unreadable.put(p.id(), e.getMessage());
                delete(store, p.id(), "unreadable");
                continue;
            }
            checkSameRun(r);
            if (responses != null && !r.responseTokens().equals(responses.get(p.id()))) {
                stale.add(p.id());                     // not the other model's response (any more): compute again
                delete(store, p.id(), "stale");
                continue;
            }
            if (preparer != null) {
                r = checkSamePrompt(r, p, preparer);
            }
            stored.put(p.id(), AttributionResults.row(r));
        }
    }

    private static void delete(ResultStore store, String id, String why) {
        try {
            Files.deleteIfExists(store.path(id));
        } catch (IOException io) {
            throw new AttributionException("cannot remove the " + why + " result " + store.path(id) + ": "
                    + io.getMessage(), io);
        }
    }

    private void checkSameRun(AttributionResult r) {
        boolean same = model.equals(r.model()) && r.role() == role && format.equals(r.promptFormat());
        if (!same) {
            throw new AttributionException(store.path(r.id()) + " holds a result of model '" + r.model() + "' ("
                    + (r.role() == null ? "no role" : r.role().label()) + ", format " + r.promptFormat()
                    + "), not of this run's '" + model + "' (" + role.label() + ", format " + format
                    + "); write to another directory");
        }
    }

    private AttributionResult checkSamePrompt(AttributionResult r, AttributionPrompt p,
                                              Function<AttributionPrompt, PromptAttributor.Prepared> preparer) {
        PromptAttributor.Prepared now;
        try {
            now = preparer.apply(p);
        } catch (IllegalArgumentException e) {
            return r;                                  // cannot be attributed now; nothing to compare
        }
        if (!now.promptTokens().equals(r.promptTokens())) {
            throw new AttributionException(store.path(r.id()) + " was computed on other prompt tokens than prompt "
                    + r.id() + " has now (its text or format changed); write to another directory");
        }
        if (java.util.Arrays.equals(now.instructionMask(), r.instructionMask()) && p.unmatched().equals(r.unmatched())) {
            return r;
        }
        AttributionResult rescoredResult = AttributionResult.fromLevels(r.id(), r.model(), r.role(), r.promptFormat(),
                r.promptTokens(), r.responseTokens(), r.raw(), r.levels(), now.instructionMask(), p.unmatched());
        store.put(rescoredResult);
        rescored.add(r.id());
        return rescoredResult;
    }

    /** What {@link AttributionRun.Skipped#role()} says: the role, or for a forced run e.g. {@code base-on-tuned-response}. */
    public String label() {
        return responseOf == null ? role.label() : forcedLabel(role, responseOf);
    }

    /** {@code base-on-tuned-response}: results of the {@code role} model on responses of the {@code responseOf} one. */
    public static String forcedLabel(ModelRole role, ModelRole responseOf) {
        return role.label() + "-on-" + responseOf.label() + "-response";
    }

    /**
     * Forced runs: IDs whose stored result was not on the other model's response for the prompt (or the
     * other model has none now); their file is deleted and they are computed again (or skipped).
     */
    public List<String> stale() {
        return List.copyOf(stale);
    }

    /** IDs whose stored result was rescored because the prompt's instruction annotation changed. */
    public List<String> rescored() {
        return List.copyOf(rescored);
    }

    public int total() {
        return prompts.size();
    }

    /** Prompts whose result an earlier run already stored. */
    public int alreadyDone() {
        return stored.size();
    }

    /**
     * IDs whose stored file could not be read or was not a consistent result of its prompt ({@link ResultStore#read}),
     * with why; their file is deleted and they are computed again.
     */
    public Map<String, String> unreadable() {
        return java.util.Collections.unmodifiableMap(unreadable);
    }

    /** Prompts left to compute. */
    public int remaining() {
        return prompts.size() - stored.size();
    }

    /**
     * Computes and stores what is missing with {@code attributor} (which must be this run's model, role
     * and format); {@code attributor} may be null when nothing remains.
     */
    public Outcome execute(PromptAttributor attributor, Listener listener) {
        if (remaining() > 0 && (attributor == null || !attributor.model().equals(model) || attributor.role() != role
                || !attributor.formatName().equals(format))) {
            throw new IllegalStateException("the attributor is not this run's model, role and format");
        }
        List<AttributionResults.Row> rows = new ArrayList<>(prompts.size());
        List<Skipped> skipped = new ArrayList<>();
        int computed = 0;
        int resumed = 0;
        for (AttributionPrompt p : prompts) {
            AttributionResults.Row row = stored.get(p.id());
            if (row != null) {
                resumed++;
                rows.add(row);
                listener.stored(row, true, null);
                continue;
            }
            PromptAttributor.Outcome o;
            try {
                if (responses == null) {
                    o = attributor.attribute(p);
                } else {
                    List<String> response = responses.get(p.id());
                    if (response == null) {
                        throw new IllegalArgumentException("no stored " + responseOf.label()
                                + " response to force (the " + responseOf.label() + " model skipped this prompt)");
                    }
                    o = attributor.force(p, response);
                }
            } catch (IllegalArgumentException e) {
                Skipped s = new Skipped(p.id(), model, label(), e.getMessage());
                skipped.add(s);
                listener.skipped(s);
                continue;
            }
            store.put(o.result());
            row = AttributionResults.row(o.result());
            computed++;
            rows.add(row);
            listener.stored(row, false, o.stoppedOn());
        }
        return new Outcome(rows, computed, resumed, skipped);
    }
}
