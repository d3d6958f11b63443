package io.switchboard.cm.observe;

import java.nio.file.Path;

/**
 * How the request-event pipeline is configured ({@code --access-log}, {@code --access-log-format},
 * {@code --metrics}, {@code switchboard.observe.ringSize}).
 *
 * @param accessLog        whether to write an access log.
 * @param accessLogPath    its file; null with {@code accessLog} for standard output.
 * @param format           its line format.
 * @param metrics          whether to keep metrics (and {@code /metrics}, the status traffic section).
 * @param ringSize         events the ring holds, a power of two.
 */
public record ObservabilitySettings(boolean accessLog, Path accessLogPath, AccessLogFormat format, boolean metrics, int ringSize)
{
    /** The ring's size unless {@code -Dswitchboard.observe.ringSize} says otherwise: about 7 MiB of events. */
    public static final int DEFAULT_RING_SIZE = 4096;

    public ObservabilitySettings
    {
        if (ringSize < 2 || Integer.bitCount(ringSize) != 1)
        {
            throw new IllegalArgumentException("switchboard.observe.ringSize=" + ringSize + ": must be a power of two, at least 2");
        }
    }

    /**
     * @param accessLog {@code off}, {@code -} (standard output) or a file.
     * @param metrics   {@code on} or {@code off}.
     */
    public static ObservabilitySettings of(final String accessLog, final String format, final String metrics, final int ringSize)
    {
        final boolean logOn = !"off".equals(accessLog);
        final Path path = !logOn || "-".equals(accessLog) ? null : Path.of(accessLog);
        final boolean metricsOn = switch (metrics)
        {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("--metrics=" + metrics + ": expected on or off");
        };
        return new ObservabilitySettings(logOn, path, AccessLogFormat.parse(format), metricsOn, ringSize);
    }

    public boolean enabled()
    {
        return accessLog || metrics;
    }
}
