package io.github.instructshift.report;

import io.github.instructshift.attribution.ModelRole;
import io.github.instructshift.heads.HeadChange;
import io.github.instructshift.heads.HeadKnowledge;
import io.github.instructshift.heads.HeadsAnalysis;
import io.github.instructshift.heads.HeadsOptions;
import io.github.instructshift.heads.HeadsReport;
import io.github.instructshift.heads.VerbShift;
import io.github.instructshift.heads.Verbs;
import io.github.instructshift.heads.WordFrequencies;
import io.github.instructshift.stats.PowerAnalysis;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Finding 2 on the configured pair, with the settings of the configuration's {@link Profile}:
 * <ul>
 *   <li>{@code paper}: exactly the {@code heads} command's ({@link HeadsOptions#paper()}) over the authors'
 *       ShareGPT vocabulary, relatedness from the {@code vectors} file (GloVe text format), or, when none
 *       is configured, from the base model's own input embeddings, stated as a deviation (GloVe 840B is a
 *       5 GB download the project cannot make for you);</li>
 *   <li>{@code organism}: sized for the small organism: the base tokenizer's word pieces (id order standing
 *       in for frequency) plus the instruction verbs and a baseline of {@value #GENERAL_VERBS} WordNet verbs
 *       (see {@link #vocabulary}), top-{@value #TOP_K} words per dimension.</li>
 * </ul>
 * Every setting used is kept with the report, and {@link #deviations()} lists what differs from the paper.
 *
 * @param report     the head comparison
 * @param options    the settings it ran with
 * @param profile    the profile that chose them
 * @param deviations what differs from the paper
 * @param seconds    wall time of the comparison
 */
public record HeadsRun(HeadsReport report, HeadsOptions options, Profile profile, Deviations deviations,
                       double seconds) {

    /** Under the organism profile: words per dimension and side, and the size of the general-verb baseline. */
    public static final int TOP_K = 40;
    /** The organism's general verbs: its pre-registered list ({@link Verbs#ORGANISM_GENERAL}). */
    public static final int GENERAL_VERBS = Verbs.ORGANISM_GENERAL.size();
    /**
     * The relatedness vectors shipped beside the organism's base model: PPMI/SVD vectors of its
     * pretraining corpus, independent of both models (written by {@code organism build}).
     */
    public static final String ORGANISM_VECTORS = "word-vectors.txt.gz";

    /** The settings of one run, chosen before it starts (so a missing file fails at once). */
    record Plan(Profile profile, WordFrequencies words, Path vectors, HeadsOptions options, List<String> general) {}

    /** Runs the comparison with progress per layer on standard output. */
    public static HeadsRun run(ModelPair pair) {
        return run(pair, layers -> Progress.of("heads", "layers", layers));
    }

    static HeadsRun run(ModelPair pair, IntFunction<Progress> progress) {
        Plan plan = plan(pair);
        HeadsAnalysis.Model base = pair.headsModel(ModelRole.BASE);
        HeadsAnalysis.Model tuned = pair.headsModel(ModelRole.TUNED);
        int layers = base.weights().config().numLayers();
        long t0 = System.nanoTime();
        Progress p = progress.apply(layers);
        HeadsReport report = HeadsAnalysis.compare(base, tuned, plan.words(), plan.vectors(), 0, plan.options(),
                plan.general(), t -> p.step(String.format(Locale.ROOT, "layer %d in %.1f s", t.layer(), t.totalSeconds())));
        return new HeadsRun(report, plan.options(), plan.profile(), deviations(plan, report),
                (System.nanoTime() - t0) / 1e9);
    }

    static Plan plan(ModelPair pair) {
        NotebookConfig config = pair.config();
        HeadsOptions paper = HeadsOptions.paper();
        if (config.profile() == Profile.PAPER) {
            WordFrequencies words = WordFrequencies.read(config.shareGptVocabulary());
            HeadsOptions options = new HeadsOptions(Math.min(paper.topK(), words.size()), paper.topDims(),
                    Math.min(paper.baselineWords(), words.size()), paper.minDims(), paper.generalVerbs());
            return new Plan(Profile.PAPER, words, config.vectors(), options,
                    Verbs.general(words, options.generalVerbs(), Verbs.wordNetVerbLemmas(), Verbs.INSTRUCTION));
        }
        WordFrequencies words = vocabulary(pair.headsModel(ModelRole.BASE));
        HeadsOptions options = new HeadsOptions(Math.min(TOP_K, words.size()), paper.topDims(),
                Math.min(paper.baselineWords(), words.size()), paper.minDims(), GENERAL_VERBS);
        Path shipped = config.base().resolve(ORGANISM_VECTORS);
        Path vectors = config.vectors() != null ? config.vectors() : Files.isRegularFile(shipped) ? shipped : null;
        return new Plan(Profile.ORGANISM, words, vectors, options, Verbs.ORGANISM_GENERAL);
    }

    static Deviations deviations(Plan plan, HeadsReport report) {
        HeadsOptions paper = HeadsOptions.paper();
        HeadsOptions o = plan.options();
        Deviations.Builder d = new Deviations.Builder("heads");
        if (plan.profile() == Profile.ORGANISM) {
            d.add("words", report.words().size() + " (" + report.words().source() + ")",
                    "the ShareGPT vocabulary (" + NotebookConfig.SHAREGPT_VOCABULARY + ")",
                    "profile organism; profile=paper with paper (" + NotebookConfig.envName("paper") + ") set reads it");
        }
        if (plan.vectors() != null && plan.profile() == Profile.ORGANISM && plan.vectors().endsWith(ORGANISM_VECTORS)) {
            d.add("relatedness", "PPMI/SVD vectors of the organism's pretraining corpus (" + ORGANISM_VECTORS + ")",
                    "GloVe 840B word vectors", "profile organism: GloVe's co-occurrence statistics, from the corpus it was trained on");
        } else if (plan.vectors() == null) {
            d.add("relatedness", report.relatedness(), "GloVe 840B word vectors",
                    "set vectors (" + NotebookConfig.envName("vectors") + ") to a GloVe text file, as `heads --vectors`");
        }
        String small = "the vocabulary has only " + report.words().size() + " words";
        d.differs("top-K words per dimension and side", o.topK(), paper.topK(),
                plan.profile() == Profile.ORGANISM ? "profile organism: a small tokenizer" : small);
        d.differs("dimensions per head", o.topDims(), paper.topDims(), "");
        d.differs("baseline words for the relatedness thresholds", o.baselineWords(), paper.baselineWords(), small);
        d.differs("min dimensions per pair", o.minDims(), paper.minDims(), "");
        d.differs("general verbs", report.generalVerbs().size(), paper.generalVerbs(),
                plan.profile() == Profile.ORGANISM ? "profile organism: its pre-registered general verbs"
                        : "only these WordNet verbs are in the vocabulary");
        for (String note : report.notes()) {
            if (plan.vectors() != null || !note.startsWith("relatedness")) {     // that one is the row above
                d.add("note", note, "", "");
            }
        }
        return d.build();
    }

    /**
     * The base tokenizer's word pieces, then the instruction verbs and the organism's pre-registered
     * general verbs, so that both verb lists are there as whole words (the organism's tokenizer keeps
     * each of them as one token).
     */
    static WordFrequencies vocabulary(HeadsAnalysis.Model base) {
        WordFrequencies pieces = WordFrequencies.fromTokenizer(base.tokenizer());
        LinkedHashSet<String> words = new LinkedHashSet<>(pieces.words());
        int before = words.size();
        words.addAll(Verbs.INSTRUCTION);
        int withVerbs = words.size();
        words.addAll(Verbs.ORGANISM_GENERAL);
        double[] freq = new double[words.size()];
        Arrays.fill(freq, Double.NaN);
        return new WordFrequencies(new ArrayList<>(words), freq, pieces.source() + " + " + (withVerbs - before)
                + " instruction verbs + " + (words.size() - withVerbs) + " general verbs");
    }

    /** Layer and head of the {@code rank}-th most changed head (0 = most). */
    public int[] mostChanged(int rank) {
        List<HeadChange> ranked = new ArrayList<>(report.changes());
        ranked.sort(Comparator.comparingDouble(HeadChange::relative).reversed()
                .thenComparingInt(HeadChange::layer).thenComparingInt(HeadChange::head));
        HeadChange c = ranked.get(Math.min(rank, ranked.size() - 1));
        return new int[] {c.layer(), c.head()};
    }

    /** The top {@code n} pairs of one head before (base) and after (tuned) tuning, side by side. */
    public Table topPairs(int layer, int head, int n) {
        Table b = report.topPairs(false, layer, head, n);
        Table t = report.topPairs(true, layer, head, n);
        IntColumn rank = IntColumn.create("rank");
        StringColumn bp = StringColumn.create("base_pair");
        IntColumn bd = IntColumn.create("base_dims");
        StringColumn tp = StringColumn.create("tuned_pair");
        IntColumn td = IntColumn.create("tuned_dims");
        for (int i = 0; i < Math.max(b.rowCount(), t.rowCount()); i++) {
            rank.append(i + 1);
            bp.append(i < b.rowCount() ? b.stringColumn("pair").get(i) : "");
            bd.append(i < b.rowCount() ? b.intColumn("dims").get(i) : 0);
            tp.append(i < t.rowCount() ? t.stringColumn("pair").get(i) : "");
            td.append(i < t.rowCount() ? t.intColumn("dims").get(i) : 0);
        }
        return Table.create(String.format(Locale.ROOT, "layer %d head %d: top word pairs before and after", layer, head),
                rank, bp, bd, tp, td);
    }

    /** The settings and what the analysis substituted, one row each. */
    public Table settings() {
        StringColumn k = StringColumn.create("setting");
        StringColumn v = StringColumn.create("value");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("words", report.words().size() + " (" + report.words().source() + ")");
        m.put("relatedness", report.relatedness());
        m.put("top-K words per dimension", Integer.toString(options.topK()));
        m.put("dimensions per head", options.topDims() == 0 ? "all" : Integer.toString(options.topDims()));
        m.put("min dimensions per pair", Integer.toString(options.minDims()));
        m.put("instruction verbs", Integer.toString(Verbs.INSTRUCTION.size()));
        m.put("general verbs", Integer.toString(report.generalVerbs().size()));
        m.put("profile", profile.key());
        m.put("seconds", String.format(Locale.ROOT, "%.1f", seconds));
        for (int i = 0; i < report.notes().size(); i++) {
            m.put("note " + (i + 1), report.notes().get(i));
        }
        m.forEach((key, value) -> {
            k.append(key);
            v.append(value);
        });
        return Table.create("head analysis settings", k, v);
    }

    /** The paper's Finding 2 effect (its Figure 2): shares of about 0.66 for instruction verbs, 0.50 for general ones. */
    public static final double PAPER_INSTRUCTION_UP = 0.66;
    public static final double PAPER_GENERAL_UP = 0.50;
    static final double POWER_ALPHA = 0.05;

    /** Power to see the paper's effect in group {@code g} with its heads, both verb lists and its tie rate. */
    PowerAnalysis.Power power(VerbShift.GroupShare g) {
        int heads = headsIn(g);
        double ties = tieRate(g);
        int instruction = Verbs.INSTRUCTION.size();
        int general = report.generalVerbs().size();
        if (heads == 0 || !Double.isFinite(ties) || general < 2) {
            return new PowerAnalysis.Power("verb-share-welch", Double.NaN, 0, 0, POWER_ALPHA, Double.NaN, 0, 0, Map.of());
        }
        return PowerAnalysis.verbSharePower(instruction, general, heads, ties, PAPER_INSTRUCTION_UP, PAPER_GENERAL_UP,
                POWER_ALPHA, 2000, 1234 + g.group());
    }

    private int headsIn(VerbShift.GroupShare g) {
        return (int) report.baseKnowledge().stream()
                .filter(k -> k.layer() >= g.firstLayer() && k.layer() <= g.lastLayer()).count();
    }

    /** Share of (verb, head) pairs in the group, over both verb lists, whose count tuning left unchanged. */
    double tieRate(VerbShift.GroupShare g) {
        Map<Long, HeadKnowledge> tuned = new java.util.HashMap<>();
        report.tunedKnowledge().forEach(k -> tuned.put(((long) k.layer() << 32) | k.head(), k));
        List<String> verbs = new ArrayList<>(Verbs.INSTRUCTION);
        verbs.addAll(report.generalVerbs());
        long tied = 0;
        long all = 0;
        for (HeadKnowledge b : report.baseKnowledge()) {
            if (b.layer() < g.firstLayer() || b.layer() > g.lastLayer()) {
                continue;
            }
            HeadKnowledge t = tuned.get(((long) b.layer() << 32) | b.head());
            for (String v : verbs) {
                all++;
                tied += b.count(v) == t.count(v) ? 1 : 0;
            }
        }
        return all == 0 ? Double.NaN : (double) tied / all;
    }

    /**
     * Per layer group: the verbs with a share on each side, the heads, how often tuning left a verb's
     * count unchanged, the shares, their gap, Welch's p and the power to see the paper's effect.
     */
    public Table powerTable() {
        StringColumn layers = StringColumn.create("layers");
        IntColumn instruction = IntColumn.create("instruction verbs");
        IntColumn general = IntColumn.create("general verbs");
        IntColumn heads = IntColumn.create("heads");
        tech.tablesaw.api.DoubleColumn ties = tech.tablesaw.api.DoubleColumn.create("tie rate");
        tech.tablesaw.api.DoubleColumn gap = tech.tablesaw.api.DoubleColumn.create("share gap (instruction - general)");
        tech.tablesaw.api.DoubleColumn p = tech.tablesaw.api.DoubleColumn.create("p (Welch, two-sided)");
        tech.tablesaw.api.DoubleColumn power = tech.tablesaw.api.DoubleColumn.create(
                "power at the paper's " + PAPER_INSTRUCTION_UP + " vs " + PAPER_GENERAL_UP);
        for (VerbShift.GroupShare g : report.groups()) {
            layers.append(g.firstLayer() + "-" + g.lastLayer());
            instruction.append(g.instructionVerbs());
            general.append(g.generalVerbs());
            heads.append(headsIn(g));
            ties.append(tieRate(g));
            gap.append(g.instructionShare() - g.generalShare());
            p.append(g.pValue());
            power.append(power(g).power());
        }
        return Table.create("Finding 2: effect and power per layer group", layers, instruction, general, heads, ties, gap,
                p, power);
    }

    /** Mean over layer groups of instruction-verb share minus general-verb share (NaN groups left out). */
    public double meanShareGap() {
        return report.groups().stream().filter(g -> Double.isFinite(g.instructionShare()) && Double.isFinite(g.generalShare()))
                .mapToDouble(g -> g.instructionShare() - g.generalShare()).average().orElse(Double.NaN);
    }

    /** The numbers the summary shows. */
    public Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        List<Map<String, Object>> groups = new ArrayList<>();
        for (VerbShift.GroupShare g : report.groups()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("layers", g.firstLayer() + "-" + g.lastLayer());
            row.put("instruction_verbs", g.instructionVerbs());
            row.put("general_verbs", g.generalVerbs());
            row.put("instruction_share", Findings.finite(g.instructionShare()));
            row.put("general_share", Findings.finite(g.generalShare()));
            row.put("p_value", Findings.finite(g.pValue()));
            PowerAnalysis.Power power = power(g);
            row.put("heads", headsIn(g));
            row.put("tie_rate", Findings.finite(tieRate(g)));
            row.put("power", Findings.finite(power.power()));
            groups.add(row);
        }
        s.put("layer_groups", groups);
        s.put("power_assumes", "the paper's effect: an untied head goes up for " + PAPER_INSTRUCTION_UP
                + " of instruction verbs against " + PAPER_GENERAL_UP + " of general verbs; Welch two-sided, alpha "
                + POWER_ALPHA + "; ties at the rate measured in the group");
        s.put("relatedness", report.relatedness());
        s.put("mean_share_gap", Findings.finite(meanShareGap()));
        int[] top = mostChanged(0);
        HeadChange c = report.changes().stream().filter(h -> h.layer() == top[0] && h.head() == top[1]).findFirst()
                .orElseThrow();
        s.put("most_changed_head", Map.of("layer", top[0], "head", top[1], "relative_change", Findings.finite(c.relative())));
        s.put("mean_relative_change", Findings.finite(report.changes().stream().mapToDouble(HeadChange::relative)
                .filter(Double::isFinite).average().orElse(Double.NaN)));
        s.put("words", report.words().size());
        return s;
    }
}
