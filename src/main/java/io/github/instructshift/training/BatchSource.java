package io.github.instructshift.training;

import io.github.instructshift.organism.PaddedBatch;
import io.github.instructshift.organism.SupervisedSequence;
import io.github.instructshift.organism.TrainingSequences;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

/**
 * The batch of every step, a pure function of (items, batch size, seed, step): items are shuffled
 * afresh each epoch with a generator seeded by (seed, epoch), so a resumed run sees exactly the
 * batches an uninterrupted one would.
 */
public class BatchSource<T> {
    private final List<T> items;
    private final int batchSize;
    private final long seed;
    private final Function<List<T>, PaddedBatch> collate;
    private int cachedEpoch = -1;
    private int[] order;

    private BatchSource(List<T> items, int batchSize, long seed, Function<List<T>, PaddedBatch> collate) {
        if (items.size() < batchSize) {
            throw new IllegalArgumentException("only " + items.size() + " training items for batches of " + batchSize);
        }
        this.items = List.copyOf(items);
        this.batchSize = batchSize;
        this.seed = seed;
        this.collate = collate;
    }

    /** Pretraining windows of equal length. */
    public static BatchSource<int[]> windows(List<int[]> windows, int batchSize, long seed) {
        return new BatchSource<>(windows, batchSize, seed, TrainingSequences::windowBatch);
    }

    /** Instruction examples, right-padded per batch. */
    public static BatchSource<SupervisedSequence> supervised(List<SupervisedSequence> sequences, int batchSize, long seed, int padId) {
        return new BatchSource<>(sequences, batchSize, seed, b -> TrainingSequences.pad(b, padId));
    }

    /**
     * Instruction-tuning batches with pretraining text mixed in: each batch holds {@code textPerBatch}
     * text windows (every label counted) and {@code batchSize - textPerBatch} examples, each part drawn
     * from its own shuffled order, so tuning keeps rehearsing the pretraining distribution.
     */
    public static BatchSource<SupervisedSequence> mixed(List<SupervisedSequence> examples, List<int[]> textWindows,
                                                        int batchSize, int textPerBatch, long seed, int padId) {
        if (textPerBatch < 0 || textPerBatch >= batchSize) {
            throw new IllegalArgumentException("text windows per batch must be in 0.." + (batchSize - 1) + ", got " + textPerBatch);
        }
        BatchSource<SupervisedSequence> text = new BatchSource<>(textWindows.stream().map(BatchSource::asSequence).toList(),
                Math.max(1, textPerBatch), seed + 7, b -> null);
        BatchSource<SupervisedSequence> tasks = new BatchSource<>(examples, batchSize - textPerBatch, seed, b -> null);
        return new BatchSource<>(examples, batchSize, seed, null) {
            @Override
            public PaddedBatch batch(int step) {
                List<SupervisedSequence> items = new ArrayList<>(tasks.items(step));
                if (textPerBatch > 0) {
                    items.addAll(text.items(step));
                }
                return TrainingSequences.pad(items, padId);
            }

            @Override
            public int stepsPerEpoch() {
                return tasks.stepsPerEpoch();
            }
        };
    }

    private static SupervisedSequence asSequence(int[] window) {
        boolean[] mask = new boolean[window.length];
        java.util.Arrays.fill(mask, 1, window.length, true);
        return new SupervisedSequence(window, mask, 1);
    }

    public int stepsPerEpoch() {
        return items.size() / batchSize;
    }

    public PaddedBatch batch(int step) {
        return collate.apply(items(step));
    }

    /** The items of step {@code step}'s batch, before collation. */
    List<T> items(int step) {
        int epoch = step / (items.size() / batchSize);
        if (epoch != cachedEpoch) {
            order = shuffled(items.size(), new Random(seed * 1_000_003L + epoch));
            cachedEpoch = epoch;
        }
        int first = (step % (items.size() / batchSize)) * batchSize;
        List<T> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            batch.add(items.get(order[first + i]));
        }
        return batch;
    }

    private static int[] shuffled(int n, Random random) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        return a;
    }
}
