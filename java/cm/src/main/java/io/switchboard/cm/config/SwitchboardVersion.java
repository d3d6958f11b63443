package io.switchboard.cm.config;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version the build wrote into {@code io/switchboard/cm/version.properties}
 * ({@code java/cm/src/build/version-properties.sh}): {@code switchboard 0.1.0 (commit 1a2b3c4)}, with
 * {@code , dirty} when the tree built had uncommitted changes; {@code commit unknown} for a build outside a git
 * checkout.
 */
public final class SwitchboardVersion implements CommandLine.IVersionProvider
{
    static final String RESOURCE = "/io/switchboard/cm/version.properties";

    /**
     * @return e.g. {@code switchboard 0.1.0-SNAPSHOT (commit 1a2b3c4, dirty)}.
     */
    public static String line()
    {
        final Properties properties = new Properties();
        try (InputStream in = SwitchboardVersion.class.getResourceAsStream(RESOURCE))
        {
            if (in != null)
            {
                properties.load(in);
            }
        }
        catch (final IOException ex)
        {
            // reported as unknown below
        }
        final String version = properties.getProperty("version", "unknown");
        final String commit = properties.getProperty("commit", "unknown");
        final boolean dirty = Boolean.parseBoolean(properties.getProperty("dirty", "false"));
        return "switchboard " + version + " (commit " + commit + (dirty ? ", dirty" : "") + ")";
    }

    @Override
    public String[] getVersion()
    {
        return new String[] {line()};
    }
}
