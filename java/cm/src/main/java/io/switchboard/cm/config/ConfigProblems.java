package io.switchboard.cm.config;

import java.util.ArrayList;
import java.util.List;

/**
 * What is wrong with a configuration, each problem with the option it is reported against, written as on the
 * command line ({@code --head-timeout-ms}), so that the loader can say where that option's value came from (a
 * file's line, or the command line). The checks of {@link CmConfig#validate} are written with the helpers here.
 */
public final class ConfigProblems
{
    /**
     * @param option  the option to blame, e.g. {@code --port}.
     * @param message the whole sentence, naming the option and its value, e.g.
     *                {@code --port 70000: not a port (0 to 65535)}.
     */
    public record Problem(String option, String message)
    {
    }

    private final List<Problem> problems = new ArrayList<>();

    public void add(final String option, final String message)
    {
        problems.add(new Problem(option, message));
    }

    /**
     * @param allowOff whether -1 (none) is allowed.
     */
    public void port(final String option, final long value, final boolean allowOff)
    {
        if (value < (allowOff ? -1 : 0) || value > 65_535)
        {
            add(option, option + " " + value + ": not a port (0 to 65535, 0 for any free one" +
                (allowOff ? ", -1 for none)" : ")"));
        }
    }

    public void atLeast(final String option, final long value, final long min)
    {
        if (value < min)
        {
            add(option, option + " " + value + ": must be at least " + min);
        }
    }

    public void between(final String option, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            add(option, option + " " + value + ": must be from " + min + " to " + max);
        }
    }

    public boolean isEmpty()
    {
        return problems.isEmpty();
    }

    public List<Problem> all()
    {
        return List.copyOf(problems);
    }
}
