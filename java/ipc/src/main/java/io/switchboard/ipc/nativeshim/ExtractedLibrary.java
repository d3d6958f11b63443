package io.switchboard.ipc.nativeshim;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;

/**
 * A library copied out of a jar to where {@code dlopen} can load it: once per
 * content, not once per JVM.
 * <pre>
 *   ${java.io.tmpdir}/switchboard-shim-&lt;first 16 hex digits of the SHA-256&gt;/   mode 0700, ours
 *       libsbshim.so                                                        the library
 * </pre>
 * Every JVM of the same build (the CM, its workers, every test fork) finds the
 * file already there and loads it, so nothing accumulates in the temporary
 * directory, and a killed process leaves nothing behind that the next one does
 * not reuse. A JVM that finds no file writes a temporary file beside it and
 * renames it into place atomically, so JVMs racing to extract each load a
 * whole library, whichever rename came last; and a rename, unlike writing over
 * the file, leaves the library that running processes have mapped untouched. A
 * file whose content does not
 * hash to the directory's name (tampered with, or cut short by a full disk) is
 * replaced the same way.
 * <p>
 * The directory is trusted only if it belongs to this user and nobody else may
 * write in it: {@code /tmp} is shared, and a library planted there would run
 * in every Switchboard process. Failing that, the library goes to a private
 * directory of this JVM's own, deleted at exit, as a warning says.
 */
final class ExtractedLibrary
{
    static final String DIRECTORY_PREFIX = "switchboard-shim-";

    private static final Logger LOG = LoggerFactory.getLogger(ExtractedLibrary.class);
    private static final int HASH_PREFIX_HEX_DIGITS = 16;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private ExtractedLibrary()
    {
    }

    /**
     * @param url      the library inside a jar (or anywhere a URL reads).
     * @param fileName the library's file name, e.g. {@code libsbshim.so}.
     * @param tmpRoot  the directory to keep the copy under, {@code java.io.tmpdir} in production.
     * @return the path of a file with exactly the library's content.
     * @throws UncheckedIOException naming the URL and the directory when neither can be read or written.
     */
    static Path extract(final URL url, final String fileName, final Path tmpRoot)
    {
        final byte[] library;
        try (InputStream in = url.openStream())
        {
            library = in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the native shim from " + url, ex);
        }
        final byte[] hash = sha256(library);
        final Path directory = tmpRoot.resolve(
            DIRECTORY_PREFIX + HexFormat.of().formatHex(hash).substring(0, HASH_PREFIX_HEX_DIGITS));
        try
        {
            if (!isPrivate(ownDirectory(directory)))
            {
                LOG.warn("{} is not this user's alone (owner or permissions): extracting the native shim to a " +
                    "private directory for this process instead", directory);
                return extractPrivately(library, fileName, tmpRoot);
            }
            final Path file = directory.resolve(fileName);
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) &&
                Arrays.equals(hash, sha256(Files.readAllBytes(file))))
            {
                return file;
            }
            final Path temporary = Files.createTempFile(directory, fileName + ".", ".tmp");
            try
            {
                Files.write(temporary, library);
                moveAtomically(temporary, file);
            }
            finally
            {
                Files.deleteIfExists(temporary);
            }
            return file;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot extract the native shim from " + url + " into " + directory, ex);
        }
    }

    /**
     * Creates the directory owner-only, or finds it created by another JVM (maybe at the same moment).
     */
    private static Path ownDirectory(final Path directory) throws IOException
    {
        try
        {
            Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        }
        catch (final FileAlreadyExistsException ex)
        {
            // another JVM of this build made it, now or earlier; isPrivate decides whether to trust it
        }
        return directory;
    }

    private static boolean isPrivate(final Path directory) throws IOException
    {
        if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS))
        {
            return false;
        }
        // uids, not names: a container's user may have no name
        final Object owner = Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        final Object self = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        final Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);

        return owner.equals(self) &&
            !permissions.contains(PosixFilePermission.GROUP_WRITE) &&
            !permissions.contains(PosixFilePermission.OTHERS_WRITE);
    }

    private static void moveAtomically(final Path source, final Path target) throws IOException
    {
        try
        {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
        catch (final AtomicMoveNotSupportedException ex)
        {
            throw new IOException("the temporary directory cannot rename atomically: " + ex.getMessage(), ex);
        }
    }

    private static Path extractPrivately(final byte[] library, final String fileName, final Path tmpRoot)
        throws IOException
    {
        final Path directory = Files.createTempDirectory(tmpRoot, DIRECTORY_PREFIX);
        final Path file = directory.resolve(fileName);
        Files.write(file, library);
        directory.toFile().deleteOnExit();
        file.toFile().deleteOnExit();
        return file;
    }

    private static byte[] sha256(final byte[] bytes)
    {
        try
        {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("every JDK has SHA-256", ex);
        }
    }
}
