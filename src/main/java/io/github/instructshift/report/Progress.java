package io.github.instructshift.report;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Live progress of a long notebook cell as plain lines on standard output: count, share, rate and ETA.
 * Kernel-neutral (any kernel that shows a cell's stdout shows it; no terminal control characters).
 * A line is printed when the task starts, then at most every {@value #INTERVAL_SECONDS} s or at each
 * further tenth of the work, whichever comes first, and always for the last step; so a 7B pair's cell
 * reports every few seconds while a small pair's cell prints about ten lines, not hundreds.
 */
public final class Progress {
    static final double INTERVAL_SECONDS = 2.0;

    private final String task;
    private final String unit;
    private final int total;
    private final PrintStream out;
    private final LongSupplier nanoTime;
    private final long start;
    private int done;
    private long lastPrinted;
    private int lastTenth;

    Progress(String task, String unit, int total, PrintStream out, LongSupplier nanoTime) {
        if (total < 0) {
            throw new ReportException(task + ": a negative amount of work (" + total + ")");
        }
        this.task = task;
        this.unit = unit;
        this.total = total;
        this.out = out;
        this.nanoTime = nanoTime;
        this.start = nanoTime.getAsLong();
        this.lastPrinted = start;
        out.printf(Locale.ROOT, "%s: %d %s to do%n", task, total, unit);
        out.flush();
    }

    /** Progress over {@code total} {@code unit}s (e.g. "layers") of {@code task}, on System.out. */
    public static Progress of(String task, String unit, int total) {
        return new Progress(task, unit, total, System.out, System::nanoTime);
    }

    /** One more unit done; {@code detail} (e.g. the prompt's ID) ends the line when one is printed. */
    public synchronized void step(String detail) {
        done++;
        long now = nanoTime.getAsLong();
        int tenth = total == 0 ? 10 : (int) (10L * done / total);
        if (done >= total || tenth > lastTenth || (now - lastPrinted) / 1e9 >= INTERVAL_SECONDS) {
            lastPrinted = now;
            lastTenth = tenth;
            out.println(line(now, detail));
            out.flush();
        }
    }

    public synchronized int done() {
        return done;
    }

    private String line(long now, String detail) {
        double elapsed = (now - start) / 1e9;
        double rate = elapsed > 0 ? done / elapsed : Double.NaN;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s: %d/%d %s (%.0f%%), %s elapsed", task, done,
                total, unit, total == 0 ? 100.0 : 100.0 * done / total, duration(elapsed)));
        if (Double.isFinite(rate) && rate > 0) {
            s.append(rate >= 1 ? String.format(Locale.ROOT, ", %.1f %s/s", rate, unit)
                    : ", " + duration(1 / rate) + " each");
            if (done < total) {
                s.append(", ETA ").append(duration((total - done) / rate));
            }
        }
        if (detail != null && !detail.isEmpty()) {
            s.append(" [").append(detail).append(']');
        }
        return s.toString();
    }

    /** 4.2 s, 3 min 05 s, 2 h 07 min. */
    static String duration(double seconds) {
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        long s = Math.round(seconds);
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
