package io.github.instructshift.organism;

import io.github.instructshift.heads.Verbs;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Inputs generated from the seed for the tasks that do not read corpus sentences. Held-out inputs are
 * the rendered inputs whose hash falls in one fifth of its range, so training and held-out inputs are
 * disjoint by construction, whichever task draws them.
 */
final class GeneratedInputs {
    private GeneratedInputs() {}

    /** Variable and argument names that are neither general nor instruction verbs. */
    static final List<String> NEUTRAL_NAMES = List.of("x", "y", "z", "total", "sum", "value", "score", "size",
            "width", "height", "speed", "price", "area", "index", "level", "limit", "step", "depth");
    /** General verbs usable as JavaScript names ({@code let} is the keyword itself). */
    static final List<String> GENERAL_NAMES = Verbs.ORGANISM_GENERAL.stream().filter(v -> !v.equals("let")).toList();
    static final List<String> NAMES = List.of("Ahab", "Anna", "Ben", "Clara", "David", "Emma", "Frank", "Grace",
            "Henry", "Iris", "Jack", "Julia", "Karl", "Laura", "Leo", "Lucy", "Mark", "Maria", "Nora", "Oscar",
            "Paul", "Rosa", "Sam", "Sarah", "Tom", "Vera", "Walter", "Zoe", "Adam", "Alice", "Bruno", "Carla",
            "Daniel", "Diana", "Edgar", "Elena", "Felix", "Greta", "Hugo", "Helen", "Ivan", "Jane", "Kevin",
            "Linda", "Martin", "Mona", "Nathan", "Olga", "Peter", "Queenie", "Ralph", "Ruth", "Simon", "Susan",
            "Victor", "Wendy", "Albert", "Agnes", "Bernard", "Bella", "Charles", "Cora", "Edward", "Eva", "George",
            "Hazel", "Isaac", "Ida", "James", "Joan", "Louis", "Mabel", "Noah", "Nina", "Philip", "Polly", "Robert",
            "Rita", "Thomas", "Tina");
    static final List<String> COUNT_WORDS = List.of("whale", "ship", "sea", "boat", "wind", "sail", "rope",
            "island", "harbor", "storm", "captain", "sailor", "wave", "deck", "anchor", "fish");

    static boolean heldOut(String input) {
        return Math.floorMod(input.hashCode() * 0x9E3779B9, 5) == 0;
    }

    /** The most general verbs {@link #draw} can place in an input of this task. */
    static int maxGeneral(InstructionTask task, Lexicon lexicon) {
        return switch (task.input()) {
            case CODE -> task == InstructionTask.CODE_INVOCATION ? 1 : 2;
            case WORDS -> task == InstructionTask.COUNT_WORDS ? 6
                    : (int) Math.min(3, lexicon.pairs().stream().filter(p -> Verbs.ORGANISM_GENERAL.contains(p.english())).count());
            default -> 0;
        };
    }

    /** An input for {@code task} on the held-out side of the hash or not, with up to {@code want} general verbs. */
    static String draw(InstructionTask task, Lexicon lexicon, int want, boolean heldOut, Random rng) {
        for (int attempt = 0; attempt < 10_000; attempt++) {
            String input = render(task, lexicon, want, rng);
            if (heldOut(input) == heldOut) {
                return input;
            }
        }
        throw new OrganismException(task + ": no generated input on the " + (heldOut ? "held-out" : "training") + " side");
    }

    private static String render(InstructionTask task, Lexicon lexicon, int want, Random rng) {
        return switch (task.input()) {
            case NAME -> NAMES.get(rng.nextInt(NAMES.size()));
            case NUMBERS -> switch (task) {
                case MULTIPLY -> rng.nextInt(100) + " " + (2 + rng.nextInt(8));
                case MAXIMUM, MINIMUM, SORT -> {
                    List<String> n = new ArrayList<>();
                    int count = 3 + rng.nextInt(3);
                    while (n.size() < count) {
                        String v = Integer.toString(rng.nextInt(100));
                        if (!n.contains(v)) {
                            n.add(v);
                        }
                    }
                    yield String.join(" ", n);
                }
                default -> rng.nextInt(100) + " " + rng.nextInt(100);
            };
            case CODE -> {
                boolean generalName = want >= 2 || (want == 1 && rng.nextBoolean());
                String name = generalName ? pick(GENERAL_NAMES, rng) : pick(NEUTRAL_NAMES, rng);
                if (task == InstructionTask.CODE_INVOCATION) {
                    name = want >= 1 ? pick(GENERAL_NAMES, rng) : pick(NEUTRAL_NAMES, rng);
                    yield name + " " + rng.nextInt(10) + " " + rng.nextInt(10);
                }
                String keyword = want - (generalName ? 1 : 0) >= 1 ? "let"
                        : pick(task == InstructionTask.CODE_CONST ? List.of("var") : List.of("var", "const"), rng);
                String statement = keyword + " " + name + " = " + rng.nextInt(10) + " " + pick(List.of("+", "-", "*"), rng)
                        + " " + rng.nextInt(10);
                yield task == InstructionTask.CODE_SEMICOLON ? statement : statement + ";";
            }
            case WORDS, FOREIGN_WORDS -> {
                List<String> words = new ArrayList<>();
                int count = task == InstructionTask.COUNT_WORDS ? 2 + rng.nextInt(5) : 1 + rng.nextInt(3);
                List<Lexicon.Pair> generalPairs = lexicon.pairs().stream()
                        .filter(p -> Verbs.ORGANISM_GENERAL.contains(p.english())).toList();
                while (words.size() < count) {
                    boolean general = words.size() < want;
                    String w;
                    if (task == InstructionTask.COUNT_WORDS) {
                        w = general ? pick(Verbs.ORGANISM_GENERAL, rng) : pick(COUNT_WORDS, rng);
                    } else {
                        List<Lexicon.Pair> from = general && !generalPairs.isEmpty() ? generalPairs : lexicon.pairs();
                        Lexicon.Pair p = from.get(rng.nextInt(from.size()));
                        w = task.input() == InstructionTask.Input.WORDS ? p.english() : p.foreign();
                    }
                    if (!words.contains(w)) {
                        words.add(w);
                    }
                }
                yield String.join(" ", words);
            }
            case SENTENCE -> throw new OrganismException(task + ": sentence inputs come from the corpus");
        };
    }

    private static String pick(List<String> from, Random rng) {
        return from.get(rng.nextInt(from.size()));
    }
}
