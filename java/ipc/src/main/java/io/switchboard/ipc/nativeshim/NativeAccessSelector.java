package io.switchboard.ipc.nativeshim;

import io.switchboard.ipc.nativeshim.jna.JnaNativeAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Iterator;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses the {@link NativeAccess} of this JVM, once (a class initialiser), and logs which one and why.
 * <ul>
 *   <li>{@code -Dswitchboard.native=ffm}: FFM, or an error saying why it cannot run here.</li>
 *   <li>{@code -Dswitchboard.native=jna}: JNA, whatever the JDK (tests and benchmarks compare the two).</li>
 *   <li>unset or {@code auto}: FFM on JDK 22 or newer when {@code java/ipc-ffm} is on the class path, else JNA.</li>
 * </ul>
 * The FFM backend is a separate jar compiled for Java 22 ({@code switchboard-ipc-ffm}) and found by
 * {@link ServiceLoader}. On a JDK older than 22 the loader is never asked, so that jar may sit on a Java 17
 * worker's class path harmlessly: none of its classes is ever loaded. On 22 or newer a provider that fails to
 * load (a {@link LinkageError}, a {@link ServiceConfigurationError}) is logged and JNA takes over, unless FFM was
 * demanded.
 */
final class NativeAccessSelector
{
    static final String PROPERTY = "switchboard.native";
    static final int FFM_FEATURE_RELEASE = 22;

    private static final Logger LOG = LoggerFactory.getLogger(NativeAccessSelector.class);

    static final NativeAccess SELECTED = select();

    private NativeAccessSelector()
    {
    }

    private static NativeAccess select()
    {
        final String wanted = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        final int feature = Runtime.version().feature();
        final NativeAccess access;
        switch (wanted)
        {
            case "jna":
                access = new JnaNativeAccess();
                break;
            case "ffm":
                if (feature < FFM_FEATURE_RELEASE)
                {
                    throw new IllegalStateException("-D" + PROPERTY + "=ffm needs JDK " + FFM_FEATURE_RELEASE +
                        " or newer, this is " + Runtime.version() + ": use jna, or run a newer JDK");
                }
                access = loadFfm(true);
                break;
            case "auto":
                final NativeAccess ffm = feature >= FFM_FEATURE_RELEASE ? loadFfm(false) : null;
                access = null != ffm ? ffm : new JnaNativeAccess();
                break;
            default:
                throw new IllegalStateException(
                    "-D" + PROPERTY + "=" + wanted + " names no backend: use ffm, jna or auto");
        }

        LOG.info("native access: {} (-D{}={}, Java {})", access.name(), PROPERTY, wanted, Runtime.version());
        return access;
    }

    private static NativeAccess loadFfm(final boolean demanded)
    {
        try
        {
            final Iterator<NativeAccess> providers =
                ServiceLoader.load(NativeAccess.class, NativeAccessSelector.class.getClassLoader()).iterator();
            while (providers.hasNext())
            {
                final NativeAccess candidate = providers.next();
                if ("ffm".equals(candidate.name()) && candidate.isSupported())
                {
                    return candidate;
                }
            }
        }
        catch (final LinkageError | ServiceConfigurationError ex)
        {
            if (demanded)
            {
                throw new IllegalStateException("the FFM backend (switchboard-ipc-ffm) failed to load", ex);
            }
            LOG.warn("the FFM backend (switchboard-ipc-ffm) failed to load, using JNA: {}", ex.toString());
            return null;
        }

        if (demanded)
        {
            throw new IllegalStateException("-D" + PROPERTY + "=ffm but switchboard-ipc-ffm is not on the class path");
        }
        return null;
    }
}
