package io.switchboard.bench.ipc;

import java.nio.file.Path;

/**
 * The knobs of the ipc suite, from the command line. The defaults keep the
 * whole suite under four minutes on two cores; {@code --quick} is for checking
 * that everything runs, not for numbers.
 *
 * @param warmupIterations      JMH warmup iterations per benchmark.
 * @param warmupSeconds         length of each warmup iteration.
 * @param measurementIterations JMH measurement iterations per benchmark.
 * @param measurementSeconds    length of each measurement iteration.
 * @param idleSettleSeconds     how long the idle processes run before their CPU is read.
 * @param idleSeconds           the idle measurement window; 0 skips the idle measurement.
 * @param rounds                rounds of the shared-memory round trips, FFM and JNA peers alternating
 *                              ({@link PairedRoundTrips}).
 * @param include               a regular expression: only benchmarks whose full name it finds run.
 * @param json                  where JMH writes its results as JSON, or null.
 */
record IpcSuiteOptions(
    int warmupIterations,
    int warmupSeconds,
    int measurementIterations,
    int measurementSeconds,
    int idleSettleSeconds,
    int idleSeconds,
    int rounds,
    String include,
    Path json)
{
    static final String USAGE = """
        ipc options:
          --quick                 2 x 1 s warmup, 3 x 1 s measurement, 2 rounds, 2 s + 4 s idle (a smoke run)
          --warmup-iterations N   default 3
          --warmup-time S         seconds per warmup iteration, default 2
          --iterations N          measurement iterations, default 5
          --time S                seconds per measurement iteration, default 2
          --idle-settle S         default 3
          --idle-time S           idle measurement window, default 10; 0 skips it
          --rounds N              rounds of the shm round trips, FFM and JNA peers alternating, default 3
          --include REGEX         run only the benchmarks whose name matches, e.g. Socket
          --json FILE             also write JMH's results as JSON""";

    static IpcSuiteOptions parse(final String[] args)
    {
        int warmupIterations = 3;
        int warmupSeconds = 2;
        int measurementIterations = 5;
        int measurementSeconds = 2;
        int idleSettleSeconds = 3;
        int idleSeconds = 10;
        int rounds = 3;
        String include = "";
        Path json = null;

        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            switch (arg)
            {
                case "--quick" ->
                {
                    warmupIterations = 2;
                    warmupSeconds = 1;
                    measurementIterations = 3;
                    measurementSeconds = 1;
                    idleSettleSeconds = 2;
                    idleSeconds = 4;
                    rounds = 2;
                }
                case "--warmup-iterations" -> warmupIterations = count(arg, value(args, ++i, arg), 0);
                case "--warmup-time" -> warmupSeconds = count(arg, value(args, ++i, arg), 1);
                case "--iterations" -> measurementIterations = count(arg, value(args, ++i, arg), 1);
                case "--time" -> measurementSeconds = count(arg, value(args, ++i, arg), 1);
                case "--idle-settle" -> idleSettleSeconds = count(arg, value(args, ++i, arg), 0);
                case "--idle-time" -> idleSeconds = count(arg, value(args, ++i, arg), 0);
                case "--rounds" -> rounds = count(arg, value(args, ++i, arg), 1);
                case "--include" -> include = value(args, ++i, arg);
                case "--json" -> json = Path.of(value(args, ++i, arg));
                default -> throw new IllegalArgumentException("unknown option: " + arg + "\n" + USAGE);
            }
        }

        return new IpcSuiteOptions(
            warmupIterations, warmupSeconds, measurementIterations, measurementSeconds,
            idleSettleSeconds, idleSeconds, rounds, include, json);
    }

    private static String value(final String[] args, final int index, final String option)
    {
        if (index >= args.length)
        {
            throw new IllegalArgumentException(option + " needs a value\n" + USAGE);
        }

        return args[index];
    }

    private static int count(final String option, final String text, final int min)
    {
        final int value;
        try
        {
            value = Integer.parseInt(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " needs a whole number: " + text);
        }

        if (value < min)
        {
            throw new IllegalArgumentException(option + " must be at least " + min + ": " + value);
        }

        return value;
    }
}
