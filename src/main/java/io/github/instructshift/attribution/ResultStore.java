package io.github.instructshift.attribution;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One JSON file per prompt ID in a directory, each written atomically, so a long run that is killed
 * can be restarted and skip what is done ({@link #has}) with no loss and no duplicate. Opening a store
 * changes nothing in it: temporary files of a killed write are removed only by the holder of the
 * folder's {@link OutputLock} ({@link OutputLock#removeTempFiles}), since another process may be writing them.
 * Reading a result checks it ({@link #read}).
 */
public final class ResultStore {
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final String SUFFIX = ".json";

    private final Path dir;

    public ResultStore(Path dir) {
        this.dir = dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new AttributionException("cannot open result directory " + dir + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    /** Whether {@code id} can name a result file (letters, digits, {@code . _ -}, not starting with a dot). */
    public static boolean isValidId(String id) {
        return id != null && SAFE_ID.matcher(id).matches();
    }

    public Path path(String id) {
        if (!isValidId(id)) {
            throw new AttributionException("prompt ID '" + id + "' cannot be a file name (letters, digits, . _ - only)");
        }
        return dir.resolve(id + SUFFIX);
    }

    public boolean has(String id) {
        return Files.isRegularFile(path(id));
    }

    public void put(AttributionResult result) {
        result.save(path(result.id()));
    }

    public AttributionResult get(String id) {
        if (!has(id)) {
            throw new AttributionException("no result for " + id + " in " + dir);
        }
        return read(path(id));
    }

    /**
     * A stored result file: {@link AttributionResult#load} (consistent with its own levels) and holding the
     * result of the ID its name says, so an edited {@code id} cannot make one prompt appear twice.
     */
    public static AttributionResult read(Path file) {
        AttributionResult r = AttributionResult.load(file);
        String name = file.getFileName().toString();
        if (!name.equals(r.id() + SUFFIX)) {
            throw new AttributionException(file + " holds the result of prompt '" + r.id() + "', not of '"
                    + (name.endsWith(SUFFIX) ? name.substring(0, name.length() - SUFFIX.length()) : name)
                    + "' its name says");
        }
        return r;
    }

    /** IDs with a stored result, sorted. */
    public List<String> ids() {
        try (Stream<Path> files = Files.list(dir)) {
            List<String> ids = new ArrayList<>();
            files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(SUFFIX) && !n.startsWith("."))
                    .sorted().forEach(n -> ids.add(n.substring(0, n.length() - SUFFIX.length())));
            return ids;
        } catch (IOException e) {
            throw new AttributionException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    public List<AttributionResult> loadAll() {
        List<AttributionResult> out = new ArrayList<>();
        for (String id : ids()) {
            out.add(get(id));
        }
        return out;
    }
}
