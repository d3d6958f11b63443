package io.switchboard.cm.config;

import picocli.CommandLine.Model.OptionSpec;

import java.util.Collection;
import java.util.Set;

/**
 * What {@code --print-config} prints: the version, every option with the value in effect and where it came from
 * (default, the command line, or the file's line), and the shared memory the instance will take.
 * <pre>
 *   switchboard 0.1.0-SNAPSHOT (commit 1a2b3c4)
 *   option                         value                      from
 *   --bind                         127.0.0.1                  default
 *   --port                         9000                       conf/sb.properties:2
 *   ...
 *   shared memory: 257 MiB (--channels 1024 x 2 rings x (--ring-capacity 131072 + 384) + 12 KiB of header and slots)
 *     in /dev/shm, which has 7 GiB free
 * </pre>
 */
public final class ConfigReport
{
    private static final Set<String> ACTIONS = Set.of("--help", "--version", "--print-config");

    private ConfigReport()
    {
    }

    public static String render(final CmCommandLine.Loaded loaded)
    {
        int nameWidth = "option".length();
        int valueWidth = "value".length();
        for (final OptionSpec option : loaded.spec().options())
        {
            nameWidth = Math.max(nameWidth, option.longestName().length());
            valueWidth = Math.max(valueWidth, Math.min(48, value(option).length()));
        }
        final StringBuilder out = new StringBuilder();
        out.append(SwitchboardVersion.line()).append('\n');
        out.append(pad("option", nameWidth)).append("  ").append(pad("value", valueWidth)).append("  from\n");
        for (final OptionSpec option : loaded.spec().options())
        {
            if (ACTIONS.contains(option.longestName()))
            {
                continue;
            }
            out.append(pad(option.longestName(), nameWidth)).append("  ").append(pad(value(option), valueWidth))
                .append("  ").append(loaded.sources().getOrDefault(option.longestName(), "default")).append('\n');
        }
        final SegmentSize size = new SegmentSize(loaded.config().segmentLayout());
        final long free = SegmentSize.devShmFreeBytes();
        out.append("shared memory: ").append(size.describe()).append(" in ").append(SegmentSize.DEV_SHM)
            .append(free < 0 ? "" : ", which has " + SegmentSize.mib(free) + " free")
            .append(free >= 0 && free < size.bytes() ? ": TOO LITTLE, the instance will not start" : "").append('\n');
        out.append("worker class path: ").append(loaded.config().workerClassPath()).append('\n');
        return out.toString();
    }

    private static String value(final OptionSpec option)
    {
        final Object value = option.getValue();
        if (value == null)
        {
            return "(none)";
        }
        if (value instanceof Collection<?> list)
        {
            final String separator = " ".equals(option.splitRegex()) ? " " : ",";
            final StringBuilder joined = new StringBuilder();
            for (final Object element : list)
            {
                joined.append(joined.isEmpty() ? "" : separator).append(element);
            }
            return joined.isEmpty() ? "(none)" : joined.toString();
        }
        return value.toString();
    }

    private static String pad(final String text, final int width)
    {
        return text.length() >= width ? text : text + " ".repeat(width - text.length());
    }
}
