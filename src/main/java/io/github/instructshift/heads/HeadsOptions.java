package io.github.instructshift.heads;

/**
 * Knobs of the head analysis.
 *
 * @param topK          words per dimension on the query side and on the key side (paper: 100)
 * @param topDims       dimensions per head by energy; 0 = all (the authors' code reads all d_head)
 * @param baselineWords most frequent words whose cosines set each word's relatedness threshold (paper: 3,000)
 * @param minDims       a pair counts for a head when it occurs in at least this many dimensions (paper: 2)
 * @param generalVerbs  size of the general-verb baseline (paper: 3,000)
 */
public record HeadsOptions(int topK, int topDims, int baselineWords, int minDims, int generalVerbs) {

    public HeadsOptions {
        if (topK < 1 || topDims < 0 || baselineWords < 2 || minDims < 1 || generalVerbs < 0) {
            throw new HeadsException("bad head-analysis options: top-K " + topK + ", top dims " + topDims
                    + ", baseline words " + baselineWords + ", min dims " + minDims + ", general verbs " + generalVerbs);
        }
    }

    /** The paper's settings. */
    public static HeadsOptions paper() {
        return new HeadsOptions(100, 0, 3000, 2, 3000);
    }
}
