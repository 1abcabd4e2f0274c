package io.github.instructshift.training;

/**
 * Learning rate per step: linear warm-up to {@code peak}, then cosine decay to {@code peak·floor}
 * at the last step.
 */
public record Schedule(double peak, int warmupSteps, int totalSteps, double floor) {

    public double at(int step) {
        if (step < warmupSteps) {
            return peak * (step + 1) / warmupSteps;
        }
        double progress = (double) (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps);
        double cosine = 0.5 * (1 + Math.cos(Math.PI * Math.min(1, progress)));
        return peak * (floor + (1 - floor) * cosine);
    }
}
