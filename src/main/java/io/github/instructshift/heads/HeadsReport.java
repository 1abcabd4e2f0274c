package io.github.instructshift.heads;

import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Everything the head comparison found, as plain data plus Tablesaw views. Layers and heads are
 * 0-based throughout.
 *
 * @param baseName         name of the base model
 * @param tunedName        name of the tuned model
 * @param words            the word list actually used (shared by both models)
 * @param relatedness      what the relatedness test used
 * @param notes            what was restricted or substituted, for the reader
 * @param basePairs        per head of the base model, its pairs per dimension
 * @param tunedPairs       same for the tuned model
 * @param baseKnowledge    per head of the base model, the pairs in ≥ minDims dimensions
 * @param tunedKnowledge   same for the tuned model
 * @param changes          per head, how far tuning moved W_Q W_Kᵀ
 * @param groups           per layer group, the verb comparison
 * @param generalVerbs     the general-verb baseline used
 * @param timings          per layer, where the time went
 */
public record HeadsReport(String baseName, String tunedName, WordFrequencies words, String relatedness, List<String> notes,
                          List<HeadPairs> basePairs, List<HeadPairs> tunedPairs,
                          List<HeadKnowledge> baseKnowledge, List<HeadKnowledge> tunedKnowledge,
                          List<HeadChange> changes, List<VerbShift.GroupShare> groups,
                          List<String> generalVerbs, List<LayerTiming> timings) {

    public HeadsReport {
        notes = List.copyOf(notes);
        basePairs = List.copyOf(basePairs);
        tunedPairs = List.copyOf(tunedPairs);
        baseKnowledge = List.copyOf(baseKnowledge);
        tunedKnowledge = List.copyOf(tunedKnowledge);
        changes = List.copyOf(changes);
        groups = List.copyOf(groups);
        generalVerbs = List.copyOf(generalVerbs);
        timings = List.copyOf(timings);
    }

    /** Per layer group: instruction-verb share, general-verb share, Welch p. */
    public Table groupTable() {
        Table t = Table.create("layer groups: share of heads where " + tunedName + " has more pairs with the verb than "
                + baseName);
        IntColumn g = IntColumn.create("group");
        IntColumn first = IntColumn.create("first_layer");
        IntColumn last = IntColumn.create("last_layer");
        DoubleColumn inst = DoubleColumn.create("instruction_share");
        DoubleColumn gen = DoubleColumn.create("general_share");
        DoubleColumn p = DoubleColumn.create("p_value");
        IntColumn ni = IntColumn.create("instruction_verbs");
        IntColumn ng = IntColumn.create("general_verbs");
        for (VerbShift.GroupShare s : groups) {
            g.append(s.group());
            first.append(s.firstLayer());
            last.append(s.lastLayer());
            inst.append(s.instructionShare());
            gen.append(s.generalShare());
            p.append(s.pValue());
            ni.append(s.instructionVerbs());
            ng.append(s.generalVerbs());
        }
        return t.addColumns(g, first, last, inst, gen, p, ni, ng);
    }

    /** Every pair of every head of one model, one row per (dimension, pair): the CSV dump. */
    public Table pairsTable(boolean tuned) {
        String model = tuned ? tunedName : baseName;
        Table t = Table.create(model + " head pairs");
        IntColumn layer = IntColumn.create("layer");
        IntColumn head = IntColumn.create("head");
        IntColumn dimRank = IntColumn.create("dim_rank");
        IntColumn dim = IntColumn.create("dim");
        DoubleColumn energy = DoubleColumn.create("energy");
        IntColumn rank = IntColumn.create("rank");
        StringColumn key = StringColumn.create("key");
        StringColumn query = StringColumn.create("query");
        DoubleColumn score = DoubleColumn.create("score");
        for (HeadPairs hp : tuned ? tunedPairs : basePairs) {
            for (int r = 0; r < hp.dims().length; r++) {
                List<WordPair> list = hp.pairs().get(r);
                for (int i = 0; i < list.size(); i++) {
                    WordPair p = list.get(i);
                    layer.append(hp.layer());
                    head.append(hp.head());
                    dimRank.append(r);
                    dim.append(hp.dims()[r]);
                    energy.append(hp.energies()[r]);
                    rank.append(i + 1);
                    key.append(words.words().get(p.key()));
                    query.append(words.words().get(p.query()));
                    score.append(p.score());
                }
            }
        }
        return t.addColumns(layer, head, dimRank, dim, energy, rank, key, query, score);
    }

    /**
     * The top {@code n} pairs of one head: distinct unordered pairs ranked by how many dimensions
     * carry them, then by best similarity.
     */
    public Table topPairs(boolean tuned, int layer, int head, int n) {
        HeadPairs hp = find(tuned ? tunedPairs : basePairs, layer, head);
        Map<String, int[]> dims = new HashMap<>();
        Map<String, Float> best = new HashMap<>();
        for (List<WordPair> dim : hp.pairs()) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (WordPair p : dim) {
                String k = HeadKnowledge.pairKey(words.words().get(p.key()), words.words().get(p.query()));
                if (k == null) {
                    continue;
                }
                if (seen.add(k)) {
                    dims.computeIfAbsent(k, x -> new int[1])[0]++;
                }
                best.merge(k, p.score(), Math::max);
            }
        }
        List<String> keys = new ArrayList<>(dims.keySet());
        keys.sort(Comparator.comparingInt((String k) -> -dims.get(k)[0])
                .thenComparing((String k) -> -best.get(k)).thenComparing(Comparator.naturalOrder()));
        Table t = Table.create((tuned ? tunedName : baseName) + " layer " + layer + " head " + head + " top pairs");
        StringColumn pair = StringColumn.create("pair");
        IntColumn nd = IntColumn.create("dims");
        DoubleColumn sc = DoubleColumn.create("best_score");
        for (String k : keys.subList(0, Math.min(n, keys.size()))) {
            pair.append(k);
            nd.append(dims.get(k)[0]);
            sc.append(best.get(k));
        }
        return t.addColumns(pair, nd, sc);
    }

    /** Per head: how the kept pairs containing {@code verb} changed from base to tuned. */
    /**
     * The instruction verb in the most kept pairs over both models' heads (ties: the list's order), the
     * one {@link #verbChanges} has most to show for; "write" when no instruction verb has a pair.
     */
    public String mostPairedInstructionVerb() {
        String best = "write";
        long most = 0;
        for (String verb : Verbs.INSTRUCTION) {
            long n = 0;
            for (HeadKnowledge k : baseKnowledge) {
                n += k.count(verb);
            }
            for (HeadKnowledge k : tunedKnowledge) {
                n += k.count(verb);
            }
            if (n > most) {
                most = n;
                best = verb;
            }
        }
        return best;
    }

    public Table verbChanges(String verb) {
        Map<Long, HeadKnowledge> tunedByHead = VerbShift.index(tunedKnowledge);
        Table t = Table.create("pairs with '" + verb + "' per head");
        IntColumn layer = IntColumn.create("layer");
        IntColumn head = IntColumn.create("head");
        IntColumn cb = IntColumn.create("base_count");
        IntColumn ct = IntColumn.create("tuned_count");
        StringColumn gained = StringColumn.create("gained");
        StringColumn lost = StringColumn.create("lost");
        for (HeadKnowledge b : baseKnowledge) {
            HeadKnowledge tk = tunedByHead.get(VerbShift.key(b.layer(), b.head()));
            TreeSet<String> before = withWord(b, verb);
            TreeSet<String> after = withWord(tk, verb);
            if (before.isEmpty() && after.isEmpty()) {
                continue;
            }
            TreeSet<String> g = new TreeSet<>(after);
            g.removeAll(before);
            TreeSet<String> l = new TreeSet<>(before);
            l.removeAll(after);
            layer.append(b.layer());
            head.append(b.head());
            cb.append(before.size());
            ct.append(after.size());
            gained.append(String.join(" ", g));
            lost.append(String.join(" ", l));
        }
        return t.addColumns(layer, head, cb, ct, gained, lost);
    }

    /** Heads ranked by ‖ΔW_Q W_Kᵀ‖_F / ‖W_Q W_Kᵀ‖_F, most changed first. */
    public Table headChangeTable() {
        Table t = Table.create("heads by change under tuning");
        IntColumn layer = IntColumn.create("layer");
        IntColumn head = IntColumn.create("head");
        DoubleColumn bn = DoubleColumn.create("base_norm");
        DoubleColumn dn = DoubleColumn.create("delta_norm");
        DoubleColumn rel = DoubleColumn.create("relative_change");
        for (HeadChange c : rankedChanges()) {
            layer.append(c.layer());
            head.append(c.head());
            bn.append(c.baseNorm());
            dn.append(c.deltaNorm());
            rel.append(c.relative());
        }
        return t.addColumns(layer, head, bn, dn, rel);
    }

    /** The kept pairs gained and lost by the {@code topHeads} most-changed heads. */
    public Table gainedLost(int topHeads) {
        Map<Long, HeadKnowledge> baseByHead = VerbShift.index(baseKnowledge);
        Map<Long, HeadKnowledge> tunedByHead = VerbShift.index(tunedKnowledge);
        Table t = Table.create("pairs gained and lost by the most-changed heads");
        IntColumn layer = IntColumn.create("layer");
        IntColumn head = IntColumn.create("head");
        DoubleColumn rel = DoubleColumn.create("relative_change");
        StringColumn change = StringColumn.create("change");
        StringColumn pair = StringColumn.create("pair");
        IntColumn dims = IntColumn.create("dims");
        List<HeadChange> ranked = rankedChanges();
        for (HeadChange c : ranked.subList(0, Math.min(topHeads, ranked.size()))) {
            HeadKnowledge b = baseByHead.get(VerbShift.key(c.layer(), c.head()));
            HeadKnowledge tk = tunedByHead.get(VerbShift.key(c.layer(), c.head()));
            for (String[] side : new String[][] {{"gained"}, {"lost"}}) {
                HeadKnowledge from = side[0].equals("gained") ? tk : b;
                HeadKnowledge other = side[0].equals("gained") ? b : tk;
                for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(from.pairDims()).entrySet()) {
                    if (!other.pairDims().containsKey(e.getKey())) {
                        layer.append(c.layer());
                        head.append(c.head());
                        rel.append(c.relative());
                        change.append(side[0]);
                        pair.append(e.getKey());
                        dims.append(e.getValue());
                    }
                }
            }
        }
        return t.addColumns(layer, head, rel, change, pair, dims);
    }

    /** Per layer: seconds loading, in matrix work, in Java bookkeeping, and the matrix share. */
    public Table timingTable() {
        Table t = Table.create("time per layer");
        IntColumn layer = IntColumn.create("layer");
        DoubleColumn load = DoubleColumn.create("load_s");
        DoubleColumn matrix = DoubleColumn.create("matrix_s");
        DoubleColumn java = DoubleColumn.create("java_s");
        DoubleColumn share = DoubleColumn.create("matrix_share");
        for (LayerTiming lt : timings) {
            layer.append(lt.layer());
            load.append(lt.loadSeconds());
            matrix.append(lt.matrixSeconds());
            java.append(lt.javaSeconds());
            share.append(lt.matrixShare());
        }
        return t.addColumns(layer, load, matrix, java, share);
    }

    private List<HeadChange> rankedChanges() {
        List<HeadChange> ranked = new ArrayList<>(changes);
        ranked.sort(Comparator.comparingDouble(HeadChange::relative).reversed()
                .thenComparingInt(HeadChange::layer).thenComparingInt(HeadChange::head));
        return ranked;
    }

    private static TreeSet<String> withWord(HeadKnowledge k, String verb) {
        String v = verb.toLowerCase(java.util.Locale.ROOT);
        TreeSet<String> out = new TreeSet<>();
        for (String pair : k.pairDims().keySet()) {
            String[] w = pair.split("=", 2);
            if (w[0].equals(v) || w[1].equals(v)) {
                out.add(pair);
            }
        }
        return out;
    }

    private static HeadPairs find(List<HeadPairs> list, int layer, int head) {
        for (HeadPairs hp : list) {
            if (hp.layer() == layer && hp.head() == head) {
                return hp;
            }
        }
        throw new HeadsException("no head " + head + " in layer " + layer + " (heads and layers are 0-based)");
    }
}
