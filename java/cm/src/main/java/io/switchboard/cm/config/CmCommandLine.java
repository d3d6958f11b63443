package io.switchboard.cm.config;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns {@code ./switchboard run}'s arguments, and the {@code --config} file they name, into a checked
 * {@link CmConfig} and where each value came from; every mistake is a {@link ConfigException} of one line per
 * problem, naming the option as it is written and, for a file's value, the file and line.
 * <p>
 * How the file and the command line combine: the command line is parsed alone first (its own mistakes reported
 * as picocli words them), which tells the options it sets; each line of the file becomes {@code --key=value}
 * unless the command line sets that option (a list option included: the command line's list replaces the file's,
 * it does not add to it); the file's arguments then go before the command line's, through the same parser. So the
 * file's values are converted exactly as flags are, and a value that does not convert is blamed on its line.
 */
public final class CmCommandLine
{
    /** Options that act rather than configure: not keys of a file. */
    private static final Set<String> NOT_IN_FILE = Set.of("--config", "--help", "--version", "--print-config");

    private CmCommandLine()
    {
    }

    /**
     * A configuration that passed every check.
     *
     * @param config  the values.
     * @param sources each option's long name (with dashes) to where its value came from: {@code default},
     *                {@code command line} or {@code FILE:LINE}.
     * @param spec    the options, in the order {@code --help} lists them.
     */
    public record Loaded(CmConfig config, Map<String, String> sources, CommandSpec spec)
    {
    }

    /**
     * @param out where {@code --help} and {@code --version} print.
     * @return empty if {@code --help} or {@code --version} was asked for (and printed): nothing else to do.
     * @throws ConfigException one line per problem.
     */
    public static Optional<Loaded> parse(final String[] args, final PrintWriter out)
    {
        final CmConfig probe = new CmConfig();
        final CommandLine probeLine = new CommandLine(probe);
        final CommandLine.ParseResult probeResult;
        try
        {
            probeResult = probeLine.parseArgs(args);
        }
        catch (final CommandLine.ParameterException ex)
        {
            throw new ConfigException(withSuggestion(ex));
        }
        if (probeLine.isUsageHelpRequested())
        {
            probeLine.usage(out);
            out.flush();
            return Optional.empty();
        }
        if (probeLine.isVersionHelpRequested())
        {
            probeLine.printVersionHelp(out);
            out.flush();
            return Optional.empty();
        }

        final Set<String> onCommandLine = new HashSet<>();
        for (final OptionSpec option : probeResult.matchedOptions())
        {
            onCommandLine.add(option.longestName());
        }
        final Map<String, String> sources = new LinkedHashMap<>();
        final Map<String, String> fileLines = new HashMap<>();
        final List<String> combined = new ArrayList<>();
        if (probe.configFile != null)
        {
            final ConfigFile file = ConfigFile.read(probe.configFile);
            combined.addAll(fileArguments(file, probeLine.getCommandSpec(), onCommandLine, fileLines));
        }
        combined.addAll(List.of(args));

        final CmConfig config = new CmConfig();
        final CommandLine line = new CommandLine(config);
        try
        {
            line.parseArgs(combined.toArray(new String[0]));
        }
        catch (final CommandLine.ParameterException ex)
        {
            final String where = ex.getArgSpec() instanceof OptionSpec option ? fileLines.get(option.longestName()) : null;
            throw new ConfigException((where == null ? "" : where + ": ") + withSuggestion(ex));
        }

        for (final OptionSpec option : line.getCommandSpec().options())
        {
            final String name = option.longestName();
            sources.put(name, onCommandLine.contains(name) ? "command line" :
                fileLines.getOrDefault(name, "default"));
        }

        final ConfigProblems problems = config.validate();
        if (!problems.isEmpty())
        {
            final StringBuilder message = new StringBuilder();
            for (final ConfigProblems.Problem problem : problems.all())
            {
                final String source = sources.getOrDefault(problem.option(), "default");
                message.append(message.isEmpty() ? "" : "\n")
                    .append(source.equals("default") || source.equals("command line") ? "" : source + ": ")
                    .append(problem.message());
            }
            throw new ConfigException(message.toString());
        }
        return Optional.of(new Loaded(config, sources, line.getCommandSpec()));
    }

    /**
     * @param fileLines filled with each option taken from the file and its {@code FILE:LINE}.
     * @return the file's lines as arguments, leaving out the options the command line sets.
     */
    private static List<String> fileArguments(
        final ConfigFile file, final CommandSpec spec, final Set<String> onCommandLine, final Map<String, String> fileLines)
    {
        final Map<String, OptionSpec> byKey = new LinkedHashMap<>();
        for (final OptionSpec option : spec.options())
        {
            if (option.longestName().startsWith("--") && !NOT_IN_FILE.contains(option.longestName()))
            {
                byKey.put(option.longestName().substring(2), option);
            }
        }

        final List<String> arguments = new ArrayList<>();
        for (final ConfigFile.Entry entry : file.entries())
        {
            final String where = file.path() + ":" + entry.line();
            final OptionSpec option = byKey.get(entry.key());
            if (option == null)
            {
                final String nearest = nearest(entry.key(), byKey.keySet());
                throw new ConfigException(where + ": unknown key '" + entry.key() + "'" +
                    (NOT_IN_FILE.contains("--" + entry.key()) ? " (it is for the command line only)" :
                        nearest != null ? " (did you mean '" + nearest + "'?)" : " (--help lists the options)"));
            }
            final String name = option.longestName();
            if (onCommandLine.contains(name))
            {
                continue;
            }
            fileLines.put(name, where);
            if (option.arity().max() == 0)
            {
                // a flag: true sets it, false leaves it off
                switch (entry.value())
                {
                    case "true" -> arguments.add(name);
                    case "false" ->
                    {
                    }
                    default -> throw new ConfigException(where + ": " + name + " is a flag: true or false, not '" +
                        entry.value() + "'");
                }
                continue;
            }
            arguments.add(name + "=" + entry.value());
        }
        return arguments;
    }

    /**
     * @return the known key nearest to {@code key} by edit distance, if near enough to be a slip.
     */
    static String nearest(final String key, final Collection<String> known)
    {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final String candidate : known)
        {
            final int distance = editDistance(key, candidate);
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best != null && bestDistance <= Math.max(2, key.length() / 3) ? best : null;
    }

    /**
     * Levenshtein distance: insertions, deletions and substitutions, each 1.
     */
    static int editDistance(final String a, final String b)
    {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            final int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static String withSuggestion(final CommandLine.ParameterException ex)
    {
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatched)
        {
            final List<String> names = new ArrayList<>();
            for (final OptionSpec option : ex.getCommandLine().getCommandSpec().options())
            {
                names.add(option.longestName());
            }
            for (final String argument : unmatched.getUnmatched())
            {
                if (argument.startsWith("--"))
                {
                    final int equals = argument.indexOf('=');
                    final String nearest = nearest(equals < 0 ? argument : argument.substring(0, equals), names);
                    if (nearest != null)
                    {
                        return ex.getMessage() + " (did you mean " + nearest + "?)";
                    }
                }
            }
        }
        return ex.getMessage();
    }
}
