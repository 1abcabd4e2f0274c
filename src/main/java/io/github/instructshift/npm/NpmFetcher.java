package io.github.instructshift.npm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Fetches pinned package tarballs with {@code npm pack} into a cache folder outside git (by default
 * {@code data/cache/npm}). A tarball already there that matches its pinned integrity is reused, so a
 * second build touches neither npm nor the network; with {@code offline} npm is told to use only its
 * own cache ({@code ~/.npm}), which is how a machine without the registry rebuilds.
 */
public final class NpmFetcher {

    private final String npm;
    private final long timeoutSeconds;

    public NpmFetcher() {
        this("npm", 600);
    }

    public NpmFetcher(String npmExecutable, long timeoutSeconds) {
        this.npm = npmExecutable;
        this.timeoutSeconds = timeoutSeconds;
    }

    /** Each source's verified tarball in {@code cacheDir}, fetching those not there yet. */
    public Map<NpmPackage, Path> fetch(List<NpmPackage> sources, Path cacheDir, boolean offline) {
        Map<NpmPackage, Path> out = new LinkedHashMap<>();
        try {
            Files.createDirectories(cacheDir);
        } catch (IOException e) {
            throw new NpmException("cannot create the npm cache " + cacheDir + ": " + e.getMessage(), e);
        }
        for (NpmPackage source : sources) {
            Path target = cacheDir.resolve(source.tarballName());
            if (!Files.isRegularFile(target)) {
                pack(source, cacheDir, target, offline);
            }
            source.verify(target);
            out.put(source, target);
        }
        return out;
    }

    // npm writes into a fresh temporary folder that is then moved into place, so an interrupted
    // fetch never leaves a half-written tarball that a later build would take as complete.
    private void pack(NpmPackage source, Path cacheDir, Path target, boolean offline) {
        Path tmp = null;
        try {
            tmp = Files.createTempDirectory(cacheDir, ".npm-pack-");
            List<String> command = new ArrayList<>(List.of(npm, "pack", source.spec(),
                    "--pack-destination", tmp.toAbsolutePath().toString(), "--loglevel=error"));
            if (offline) {
                command.add("--offline");
            }
            Path log = tmp.resolve("npm.log");
            Process process;
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new NpmException((npm.contains("/") ? "cannot run " + npm : "npm not found on PATH")
                        + " (needed to fetch " + source.spec() + "; is npm installed?)", e);
            }
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new NpmException("npm pack " + source.spec() + " did not finish in " + timeoutSeconds + " s");
            }
            Path packed = tmp.resolve(source.tarballName());
            if (process.exitValue() != 0 || !Files.isRegularFile(packed)) {
                String output = Files.readString(log, StandardCharsets.UTF_8);
                throw new NpmException("npm pack " + source.spec() + (offline ? " --offline" : "")
                        + " failed (exit " + process.exitValue() + "): " + firstError(output));
            }
            Files.move(packed, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new NpmException("fetching " + source.spec() + " into " + cacheDir + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NpmException("interrupted while fetching " + source.spec(), e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    /**
     * npm's first error line ({@code npm ERR! …} or {@code npm error …}), else its first line; never empty,
     * so a failed fetch always says why (offline npm used to fail with nothing printed under --silent).
     */
    static String firstError(String output) {
        List<String> lines = output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        return lines.stream().filter(l -> l.startsWith("npm ERR!") || l.startsWith("npm error"))
                .filter(l -> !l.matches("npm (ERR!|error) *(code|errno) .*")).findFirst()
                .or(() -> lines.stream().findFirst())
                .map(l -> l.length() <= 300 ? l : l.substring(0, 300) + "...")
                .orElse("npm printed nothing");
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is harmless: its name starts with a dot and it is never read
        }
    }
}
