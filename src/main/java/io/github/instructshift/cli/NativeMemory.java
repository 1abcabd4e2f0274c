package io.github.instructshift.cli;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What benchmarks can see of memory outside the Java heap, on Linux, from {@code /proc/self/status}: the
 * resident set ({@code VmRSS}) and its anonymous part ({@code RssAnon}: PyTorch's tensors and the JVM heap,
 * without the pages of memory-mapped checkpoint files). Memory that PyTorch frees stays resident while the C
 * allocator caches it, so a settled reading first collects garbage and asks glibc to hand cached memory back
 * ({@code malloc_trim}); a peak sampled from there is what one stretch of work needed, and an increase between
 * two settled readings is memory really kept. Elsewhere everything is NaN.
 */
final class NativeMemory {
    private static final Path STATUS = Path.of("/proc/self/status");

    private NativeMemory() {}

    /** Resident set size in MiB, NaN when unknown. */
    static double rssMiB() {
        return field("VmRSS:");
    }

    /** The process's peak resident set size so far (VmHWM, mapped file pages included) in MiB, NaN when unknown. */
    static double peakRssMiB() {
        return field("VmHWM:");
    }

    /**
     * Anonymous resident memory in MiB (heap-like memory: PyTorch's tensors, the JVM heap), without the
     * pages of memory-mapped checkpoint files that {@code VmRSS} also counts; NaN when unknown.
     */
    static double anonMiB() {
        return field("RssAnon:");
    }

    /**
     * Runs {@code work} while a daemon thread samples {@link #anonMiB()} every millisecond or so, and
     * returns the largest sample (or NaN). Short spikes between two samples can be missed: a lower bound
     * of the peak, close for work that runs many milliseconds.
     */
    static double peakAnonMiBDuring(Runnable work) {
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong peakKiB = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
        Runnable sample = () -> {
            double v = anonMiB();
            if (!Double.isNaN(v)) {
                peakKiB.accumulateAndGet(Math.round(v * 1024), Math::max);
            }
        };
        sample.run();
        Thread sampler = new Thread(() -> {
            while (!done.get()) {
                sample.run();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        try {
            work.run();
        } finally {
            done.set(true);
            try {
                sampler.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sample.run();
        long peak = peakKiB.get();
        return peak == Long.MIN_VALUE ? Double.NaN : peak / 1024.0;
    }

    /** A garbage collection and {@code malloc_trim(0)}, then the RSS: what stays after a stretch of work. */
    static double settledRssMiB() {
        settle();
        return rssMiB();
    }

    /** As {@link #settledRssMiB()}, anonymous memory only. */
    static double settledAnonMiB() {
        settle();
        return anonMiB();
    }

    private static void settle() {
        System.gc();
        trim();
    }

    private interface LibC extends com.sun.jna.Library {
        int malloc_trim(long pad);
    }

    private static volatile LibC libc;
    private static volatile boolean noLibc;

    /** Returns the C allocator's cached free memory to the system (glibc); false where that is not possible. */
    static boolean trim() {
        if (noLibc) {
            return false;
        }
        try {
            if (libc == null) {
                libc = com.sun.jna.Native.load("c", LibC.class);
            }
            libc.malloc_trim(0);
            return true;
        } catch (LinkageError | RuntimeException e) {
            noLibc = true;
            return false;
        }
    }

    /** Arrays and sub-managers {@code manager} holds (DJL keeps them in a protected map); -1 if unreadable. */
    static int heldArrays(NDManager manager) {
        try {
            Field f = BaseNDManager.class.getDeclaredField("resources");
            f.setAccessible(true);
            return ((Map<?, ?>) f.get(manager)).size();
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;           // kB
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return Double.NaN;
    }
}
