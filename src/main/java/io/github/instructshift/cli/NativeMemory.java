package io.github.instructshift.cli;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What benchmarks can see of memory outside the Java heap, on Linux: the resident set size and its peak
 * ({@code VmRSS}, {@code VmHWM} of {@code /proc/self/status}); the peak can be reset by writing 5 to
 * {@code /proc/self/clear_refs}, so the peak of one stretch of work is measurable. Resident memory counts
 * the JVM's touched heap pages too, and memory that PyTorch frees stays resident while the C allocator
 * caches it; {@link #settledRssMiB()} therefore collects garbage and asks glibc to hand cached memory back
 * ({@code malloc_trim}) first, so that a peak measured from there is what one stretch of work really
 * needed, and an increase between two settled readings is memory really kept. Elsewhere everything is NaN.
 */
final class NativeMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private NativeMemory() {}

    /** Resident set size in MiB, NaN when unknown. */
    static double rssMiB() {
        return field("VmRSS:");
    }

    /** Peak resident set size in MiB since start or the last {@link #resetPeak()}, NaN when unknown. */
    static double peakMiB() {
        return field("VmHWM:");
    }

    /** Resets the peak to the current RSS; false when the kernel does not allow it. */
    static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** A garbage collection and {@code malloc_trim(0)}, then the RSS: what stays after a stretch of work. */
    static double settledRssMiB() {
        System.gc();
        trim();
        return rssMiB();
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
