package io.github.instructshift.attribution;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.instructshift.files.AtomicFiles;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * One writer per output folder: an operating-system lock ({@link FileChannel#tryLock}) on the file
 * {@value #FILE} in it, which also records the holder (process id, host, start time) so that a refused run
 * can say who has the folder. The operating system releases the lock of a process that dies, however it dies,
 * so a killed run's lock is free at once and whoever locks next simply replaces its record
 * ({@link #previousHolder}); two processes racing for it cannot both win. The file itself stays (emptied on
 * release): deleting it would let a third process lock a new file while a second still holds the old one.
 *
 * <p>POSIX locks belong to a process, and closing any descriptor of the file would drop them, so within one JVM
 * the folders held are also kept in a table and a second acquire is refused from it without opening the file.
 */
public final class OutputLock implements AutoCloseable {
    /** The lock file in the output folder. */
    public static final String FILE = ".instruct-shift.lock";

    /** Who holds (or last held) a folder. */
    public record Holder(long pid, String host, String since) {
        @Override
        public String toString() {
            return "process " + pid + " on " + host + (since == null ? "" : ", since " + since);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Path, Holder> HELD_HERE = new ConcurrentHashMap<>();

    private final Path dir;
    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private final Holder previous;
    private boolean closed;

    private OutputLock(Path dir, Path key, FileChannel channel, FileLock lock, Holder previous) {
        this.dir = dir;
        this.key = key;
        this.channel = channel;
        this.lock = lock;
        this.previous = previous;
    }

    /**
     * Locks {@code dir} (created if missing) for this process, or fails at once with an {@link AttributionException}
     * naming the holder.
     */
    public static OutputLock acquire(Path dir) {
        Path key;
        try {
            Files.createDirectories(dir);
            key = dir.toRealPath();
        } catch (IOException e) {
            throw new AttributionException("cannot create the output folder " + dir + ": " + e.getMessage(), e);
        }
        Holder me = new Holder(ProcessHandle.current().pid(), hostName(), Instant.now().toString());
        Holder other = HELD_HERE.putIfAbsent(key, me);
        if (other != null) {
            throw inUse(dir, other);
        }
        Path file = key.resolve(FILE);
        FileChannel channel = null;
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;                        // held in this JVM outside this class: as good as another's
            }
            if (lock == null) {
                channel.close();
                channel = null;
                throw inUse(dir, readHolder(file));
            }
            Holder previous = parse(readAll(channel));
            byte[] record = JSON.writeValueAsBytes(me);
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(record), 0);
            channel.force(true);
            return new OutputLock(dir, key, channel, lock, previous);
        } catch (IOException | RuntimeException e) {
            HELD_HERE.remove(key, me);
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof AttributionException a) {
                throw a;
            }
            throw new AttributionException("cannot lock the output folder " + dir + " (" + file + "): "
                    + e.getMessage(), e);
        }
    }

    private static AttributionException inUse(Path dir, Holder holder) {
        return new AttributionException(dir + " is in use by another run (" + (holder == null
                ? "a process that is just starting" : holder.toString())
                + "); wait for it to end or use another output folder");
    }

    /** The holder's record; a process that has just locked may not have written it yet, so wait a little. */
    private static Holder readHolder(Path file) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                Holder h = parse(Files.readAllBytes(file));
                if (h != null) {
                    return h;
                }
                Thread.sleep(50);
            } catch (IOException e) {
                return null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    private static byte[] readAll(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size <= 0 || size > 64 * 1024) {
            return new byte[0];
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // a record is a few dozen bytes: read until full
        }
        return buffer.array();
    }

    private static Holder parse(byte[] record) {
        try {
            return record.length == 0 ? null : JSON.readValue(record, Holder.class);
        } catch (IOException e) {
            return null;                            // a record cut short by a kill: nobody to name
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env == null || env.isBlank() ? "an unknown host" : env;
        }
    }

    public Path dir() {
        return dir;
    }

    /** The record a run that ended without releasing the folder (it was killed) left, if any. */
    public Optional<Holder> previousHolder() {
        return Optional.ofNullable(previous);
    }

    /**
     * Deletes the temporary files of atomic writes ({@code .NAME…}{@value AtomicFiles#TEMP_SUFFIX}) anywhere
     * in the folder: with the lock held nobody else can be writing them, so they are a killed run's leftovers.
     *
     * @return the files deleted
     */
    public List<Path> removeTempFiles() {
        if (closed) {
            throw new IllegalStateException("the lock on " + dir + " is released");
        }
        try (Stream<Path> files = Files.walk(key)) {
            List<Path> temps = files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith(".") && name.endsWith(AtomicFiles.TEMP_SUFFIX) && Files.isRegularFile(p);
            }).toList();
            for (Path p : temps) {
                Files.deleteIfExists(p);
            }
            return temps;
        } catch (IOException e) {
            throw new AttributionException("cannot remove temporary files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Empties the record and releases the lock. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (FileChannel c = channel) {            // closing releases the lock even if emptying fails
            c.truncate(0);
            lock.release();
        } catch (IOException e) {
            throw new AttributionException("cannot release the lock on " + dir + ": " + e.getMessage(), e);
        } finally {
            HELD_HERE.remove(key);
        }
    }
}
