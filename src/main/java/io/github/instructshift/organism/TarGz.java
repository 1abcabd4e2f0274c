package io.github.instructshift.organism;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/** Reads the regular files of a {@code .tgz} (ustar, with pax path headers) into memory; enough for npm tarballs. */
public final class TarGz {
    private TarGz() {}

    /** Contents of the files whose path passes {@code wanted}, in archive order. */
    public static Map<String, byte[]> read(Path tarball, Predicate<String> wanted) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tarball), 1 << 16)) {
            byte[] header = new byte[512];
            String paxPath = null;
            while (readFully(in, header)) {
                if (isZero(header)) {
                    break;
                }
                String name = string(header, 0, 100);
                String prefix = string(header, 345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
                long size = octal(header, 124, 12, tarball);
                char type = (char) header[156];
                byte[] body = readBody(in, size, tarball, name);
                if (type == 'x') {
                    paxPath = paxPath(body);
                    continue;
                }
                if (paxPath != null) {
                    name = paxPath;
                    paxPath = null;
                }
                if ((type == '0' || type == 0) && wanted.test(name)) {
                    files.put(name, body);
                }
            }
        } catch (IOException e) {
            throw new OrganismException("cannot read tarball " + tarball + ": " + e.getMessage(), e);
        }
        return files;
    }

    private static byte[] readBody(InputStream in, long size, Path tarball, String name) throws IOException {
        if (size > Integer.MAX_VALUE - 1024) {
            throw new OrganismException("tarball " + tarball + ": entry " + name + " is too large (" + size + " bytes)");
        }
        byte[] body = new byte[(int) size];
        if (!readFully(in, body)) {
            throw new OrganismException("tarball " + tarball + " is truncated inside entry " + name);
        }
        int pad = (int) ((512 - size % 512) % 512);
        if (pad > 0 && !readFully(in, new byte[pad])) {
            throw new OrganismException("tarball " + tarball + " is truncated after entry " + name);
        }
        return body;
    }

    private static String paxPath(byte[] body) {
        // records are "LEN key=value\n"
        String text = new String(body, StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
            int space = line.indexOf(' ');
            if (space > 0 && line.startsWith("path=", space + 1)) {
                return line.substring(space + 6);
            }
        }
        return null;
    }

    private static boolean readFully(InputStream in, byte[] buffer) throws IOException {
        int off = 0;
        while (off < buffer.length) {
            int n = in.read(buffer, off, buffer.length - off);
            if (n < 0) {
                return false;
            }
            off += n;
        }
        return true;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    private static String string(byte[] header, int off, int len) {
        int end = off;
        while (end < off + len && header[end] != 0) {
            end++;
        }
        return new String(header, off, end - off, StandardCharsets.UTF_8);
    }

    private static long octal(byte[] header, int off, int len, Path tarball) {
        String s = string(header, off, len).trim();
        try {
            return s.isEmpty() ? 0 : Long.parseLong(s, 8);
        } catch (NumberFormatException e) {
            throw new OrganismException("tarball " + tarball + " has a corrupt header (size field '" + s + "')");
        }
    }
}
