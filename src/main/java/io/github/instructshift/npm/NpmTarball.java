package io.github.instructshift.npm;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** Reads regular files of an npm {@code .tgz} into memory (commons-compress: ustar, pax and GNU long names). */
public final class NpmTarball {
    private NpmTarball() {}

    /** Contents of the regular files whose path passes {@code wanted}, in archive order. */
    public static Map<String, byte[]> read(Path tarball, Predicate<String> wanted) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream file = new BufferedInputStream(Files.newInputStream(tarball), 1 << 16);
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                if (entry.isFile() && wanted.test(entry.getName())) {
                    if (entry.getSize() > Integer.MAX_VALUE - 1024) {
                        throw new NpmException("tarball " + tarball + ": entry " + entry.getName() + " is too large ("
                                + entry.getSize() + " bytes)");
                    }
                    files.put(entry.getName(), tar.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new NpmException("cannot read tarball " + tarball + ": " + e.getMessage(), e);
        }
        return files;
    }
}
