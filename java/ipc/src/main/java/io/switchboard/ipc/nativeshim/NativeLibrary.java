package io.switchboard.ipc.nativeshim;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Finds and loads {@code libsbshim.so}.
 * <p>
 * The build puts the library on the class path beside this class, so nobody
 * sets a library path: loaded in place from a directory of classes, or copied
 * out of a jar once per build into the temporary directory
 * ({@link ExtractedLibrary}) and loaded from there. The system property
 * {@value #PATH_PROPERTY} names another file to load instead. Both backends ({@link NativeAccess}) load the file
 * this class finds.
 */
public final class NativeLibrary
{
    static final String PATH_PROPERTY = "switchboard.shim.path";
    private static final String LIBRARY_FILE = "libsbshim.so";

    private NativeLibrary()
    {
    }

    /**
     * @return the shim to load: the override, or the file on the class path (extracted from a jar if need be).
     * @throws IllegalStateException naming the file when it is missing or unreadable.
     */
    public static Path path()
    {
        final String override = System.getProperty(PATH_PROPERTY);
        final Path path = null != override ? Path.of(override) : locateOnClassPath();
        if (!Files.isReadable(path))
        {
            throw new IllegalStateException("native shim not readable: " + path);
        }

        return path;
    }

    private static Path locateOnClassPath()
    {
        final String resource = platformDirectory() + "/" + LIBRARY_FILE;
        final URL url = NativeLibrary.class.getResource(resource);
        if (null == url)
        {
            throw new IllegalStateException(
                "native shim " + resource + " not found beside " + NativeLibrary.class.getName() +
                " on the class path; build it with ./switchboard build (CMake runs in java/ipc)");
        }

        try
        {
            if ("file".equals(url.getProtocol()))
            {
                return Path.of(url.toURI());
            }

            return ExtractedLibrary.extract(url, LIBRARY_FILE, Path.of(System.getProperty("java.io.tmpdir")));
        }
        catch (final URISyntaxException ex)
        {
            throw new IllegalStateException("bad native shim URL: " + url, ex);
        }
    }

    private static String platformDirectory()
    {
        final String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        final String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        if (!os.contains("linux"))
        {
            throw new IllegalStateException("Switchboard's shim needs Linux (futex, POSIX shared memory); os.name=" + os);
        }

        return switch (arch)
        {
            case "amd64", "x86_64" -> "linux-x86_64";
            case "aarch64" -> "linux-aarch64";
            default -> throw new IllegalStateException("no native shim built for os.arch=" + arch);
        };
    }
}
