package io.github.instructshift.ffn;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The paper's ChatGPT labelling over any OpenAI-compatible endpoint, in its three steps: (1) name the
 * concept the words share or say "Cannot Tell"; (2) which user tasks it serves; (3) its linguistic
 * level. Step 1 samples (temperature 1, top-p 0.9, as the authors did) so that runs with different
 * seeds differ; steps 2 and 3 are greedy. The prompts and few-shot examples are this project's own
 * wording of the authors' instructions. Any failure after the client's retries is recorded as an
 * UNLABELLED label, never thrown.
 */
public final class OpenAiLabeller implements ConceptLabeller {

    private static final String NAME_INSTRUCTION = "You interpret neurons of a language model. Each neuron responds to "
            + "one concept, topic, theme, behaviour or pattern. You are given words the neuron responds to most. "
            + "Reply with a short phrase naming the one concept these words share; do not repeat the words. "
            + "If no single clear concept covers more than half of the words, reply exactly 'Cannot Tell'.";
    private static final String[][] NAME_EXAMPLES = {
            {"Words: Monday, Friday, weekend, Tuesday, tonight, Sunday, yesterday, Wednesday.", "days and times of the week."},
            {"Words: def, return, import, lambda, self, elif, print, None.", "Python keywords."},
            {"Words: running, jumping, singing, eating, walking, reading, swimming.", "verbs in the -ing form."},
            {"Words: zq, of, banana, 1987, Although, ly, Berlin, ×.", "Cannot Tell"},
    };

    private static final String TASK_INSTRUCTION = "Decide which assistant tasks a concept would help with. Tasks: "
            + "daily writing, literary writing, professional writing, solving math problems, coding, translation. "
            + "List every task that applies, separated by ';'. Reply 'None' if none applies.";
    private static final String[][] TASK_EXAMPLES = {
            {"Concept: Words are greetings and sign-offs of letters.", "daily writing; professional writing"},
            {"Concept: Words are integers and arithmetic operators.", "solving math problems"},
            {"Concept: Words are web page addresses.", "None"},
            {"Concept: Words are images used in poems about the sea.", "literary writing"},
            {"Concept: Words are Spanish words.", "translation"},
            {"Concept: Words are HTML tags.", "coding"},
    };

    private static final String LEVEL_INSTRUCTION = "You are a linguist. Assign the concept to exactly one level of "
            + "linguistic analysis: Phonology, Morphology, Syntax, or Semantics. Reply with the level only.";
    private static final String[][] LEVEL_EXAMPLES = {
            {"Concept: Words are words that rhyme with 'light'.", "Phonology"},
            {"Concept: Words are words with the prefix un-.", "Morphology"},
            {"Concept: Words are prepositions.", "Syntax"},
            {"Concept: Words are names of fruits.", "Semantics"},
            {"Concept: Words are abbreviations.", "Morphology"},
            {"Concept: Words are verbs in the past tense.", "Syntax"},
    };

    private final ChatClient client;

    public OpenAiLabeller(ChatClient client) {
        this.client = client;
    }

    public ChatClient client() {
        return client;
    }

    @Override
    public String name() {
        return "openai";
    }

    @Override
    public String model() {
        return client.endpoint().model();
    }

    @Override
    public String notice() {
        return "Labels by the chat model '" + model() + "' at " + client.endpoint().baseUrl()
                + " following the paper's three questions (concept, task, linguistic level).";
    }

    @Override
    public ConceptLabel label(List<String> words, long seed) {
        String shown = "Words: " + String.join(", ", words) + ".";
        String concept;
        try {
            concept = client.complete(messages(NAME_INSTRUCTION, NAME_EXAMPLES, shown), 1.0, 0.9, seed).strip();
        } catch (ChatClient.ChatFailure e) {
            return ConceptLabel.unlabelled(name(), model(), seed, "concept: " + e.getMessage());
        }
        if (concept.isEmpty()) {
            return ConceptLabel.unlabelled(name(), model(), seed, "concept: empty answer");
        }
        if (concept.toLowerCase(Locale.ROOT).contains("cannot tell")) {
            return ConceptLabel.cannotTell(name(), model(), seed, concept);
        }
        String asked = "Concept: Words are " + concept.replaceAll("[\\r\\n]+", " ");
        String taskAnswer;
        String levelAnswer;
        try {
            taskAnswer = client.complete(messages(TASK_INSTRUCTION, TASK_EXAMPLES, asked), 0.0, 0.9, seed);
            levelAnswer = client.complete(messages(LEVEL_INSTRUCTION, LEVEL_EXAMPLES, asked), 0.0, 0.9, seed);
        } catch (ChatClient.ChatFailure e) {
            return ConceptLabel.unlabelled(name(), model(), seed, "classification of '" + concept + "': " + e.getMessage());
        }
        return new ConceptLabel(ConceptLabel.Status.LABELLED, concept, parseTasks(taskAnswer), parseLevel(levelAnswer),
                name(), model(), seed, null);
    }

    private static List<ChatClient.Message> messages(String instruction, String[][] examples, String query) {
        List<ChatClient.Message> m = new ArrayList<>();
        m.add(new ChatClient.Message("system", instruction));
        for (String[] ex : examples) {
            m.add(new ChatClient.Message("user", ex[0]));
            m.add(new ChatClient.Message("assistant", ex[1]));
        }
        m.add(new ChatClient.Message("user", query));
        return m;
    }

    /** Every task named in the answer (substring match, as the authors score it); NONE only when said. */
    static Set<Task> parseTasks(String answer) {
        String a = answer.toLowerCase(Locale.ROOT);
        Set<Task> tasks = EnumSet.noneOf(Task.class);
        for (Task t : Task.values()) {
            if (t != Task.NONE && a.contains(t.text())) {
                tasks.add(t);
            }
        }
        if (a.contains("math") && !tasks.contains(Task.MATH)) {
            tasks.add(Task.MATH);
        }
        if (tasks.isEmpty() && a.contains("none")) {
            tasks.add(Task.NONE);
        }
        return tasks;
    }

    /** The level named first in the answer, or null when none is. */
    static LinguisticLevel parseLevel(String answer) {
        String a = answer.toLowerCase(Locale.ROOT);
        LinguisticLevel best = null;
        int at = Integer.MAX_VALUE;
        String[][] keys = {{"phonolog", "PHONOLOGY"}, {"morpholog", "MORPHOLOGY"}, {"synta", "SYNTAX"}, {"semantic", "SEMANTICS"}};
        for (String[] k : keys) {
            int i = a.indexOf(k[0]);
            if (i >= 0 && i < at) {
                at = i;
                best = LinguisticLevel.valueOf(k[1]);
            }
        }
        return best;
    }
}
