package io.github.instructshift.ffn;

/**
 * One run of Finding 3 beyond the per-model decomposition: the concept options, how many seeded
 * labelling runs, and how many consecutive layers form a group in the per-group shares.
 *
 * @param concepts       components, top words and shown words per component, PCA method
 * @param runs           labelling runs with seeds 0..runs-1 (the paper: 5)
 * @param layersPerGroup layers per group (the paper's Figure 3 groups by {@code layer // 4})
 */
public record FfnSettings(FfnConcepts.Options concepts, int runs, int layersPerGroup) {

    public FfnSettings {
        if (runs < 1 || layersPerGroup < 1) {
            throw new FfnException("need runs >= 1 and layersPerGroup >= 1, got " + runs + ", " + layersPerGroup);
        }
    }

    /** The paper's settings, which are also the {@code ffn} command's defaults. */
    public static FfnSettings paper() {
        return new FfnSettings(FfnConcepts.Options.paper(), 5, 4);
    }
}
