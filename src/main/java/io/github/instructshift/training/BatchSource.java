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
public final class BatchSource<T> {
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

    public int stepsPerEpoch() {
        return items.size() / batchSize;
    }

    public PaddedBatch batch(int step) {
        int epoch = step / stepsPerEpoch();
        if (epoch != cachedEpoch) {
            order = shuffled(items.size(), new Random(seed * 1_000_003L + epoch));
            cachedEpoch = epoch;
        }
        int first = (step % stepsPerEpoch()) * batchSize;
        List<T> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            batch.add(items.get(order[first + i]));
        }
        return collate.apply(batch);
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
