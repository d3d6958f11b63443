package io.switchboard.bench.rpc;

import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.examples.rpc.Echo;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./switchboard bench rpc}: the demo's {@code Echo} with 64-byte arrays,
 * through Switchboard (client -> CM -> shared memory -> one worker) and through
 * Java RMI on loopback, from this JVM, with 1 and with 8 calling threads (the 8
 * share one Switchboard session, and one RMI stub). Each round runs all four
 * cases back to back, so that both sides of a comparison see the same machine;
 * the figures printed are the medians of the rounds.
 */
public final class RpcSuite
{
    public static final String DESCRIPTION = "Switchboard Echo vs Java RMI, 64-byte arrays, 1 and 8 client threads";
    public static final String USAGE = """
        options of rpc:
          --cm-jar PATH       the CM's jar (the script passes it)
          --worker-jar PATH   the demo worker's jar (the script passes it)
          --rounds N          rounds, medians over them (default 3)
          --warmup-ms MS      per case and round (default 3000)
          --measure-ms MS     per case and round (default 8000)
          --quick             1 round of 1 s + 1 s, for a smoke test""";

    private static final int PAYLOAD = 64;

    private RpcSuite()
    {
    }

    public static int run(final String[] args) throws Exception
    {
        String cmJar = null;
        String workerJar = null;
        int rounds = 3;
        long warmupMs = 3_000;
        long measureMs = 8_000;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--cm-jar" -> cmJar = args[++i];
                case "--worker-jar" -> workerJar = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup-ms" -> warmupMs = Long.parseLong(args[++i]);
                case "--measure-ms" -> measureMs = Long.parseLong(args[++i]);
                case "--quick" ->
                {
                    rounds = 1;
                    warmupMs = 1_000;
                    measureMs = 1_000;
                }
                default ->
                {
                    System.err.println("unknown option " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
        }
        if (cmJar == null || workerJar == null)
        {
            System.err.println("--cm-jar and --worker-jar are needed\n" + USAGE);
            return 2;
        }

        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final String self = new File(RpcSuite.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getPath();
        Process rmi = null;
        Process cm = null;
        try
        {
            rmi = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xms64m", "-Xmx256m", "-cp", self,
                RmiEchoServer.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            final int rmiPort = Integer.parseInt(readLine(rmi, Pattern.compile("PORT (\\d+)"), 30).group(1));

            final Path cmLog = Files.createTempFile("switchboard-bench-rpc-cm", ".log");
            cm = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xms64m", "-Xmx512m",
                "-jar", cmJar, "--worker-classpath", workerJar, "--workers", "1", "--port", "0", "--rpc-port", "0")
                .redirectErrorStream(true).redirectOutput(cmLog.toFile()).start();
            final int sbPort = waitForRpcPort(cm, cmLog);
            Files.deleteIfExists(cmLog);

            final EchoRmi rmiStub = (EchoRmi)LocateRegistry.getRegistry("127.0.0.1", rmiPort).lookup(RmiEchoServer.NAME);
            try (Session session = Switchboard.connect("127.0.0.1", sbPort, "demo"))
            {
                final Echo echo = session.lookup("echo", Echo.class);
                final byte[] payload = new byte[PAYLOAD];
                Arrays.fill(payload, (byte)7);
                check(echo.echo(payload), "Switchboard");
                check(rmiStub.echo(payload), "RMI");

                // not comparisons (RMI has no asynchronous calls): sb_a64, what one session carries when its
                // callers do not each need a thread woken per answer; sb_mix, the async calls of one thread that
                // alternates sync and async calls (how soon an answer nobody waits for synchronously is read)
                final String[] cases = {"sb_1", "rmi_1", "sb_8", "rmi_8", "sb_a64", "sb_mix"};
                long sb8Writes = 0;
                long sb8Frames = 0;
                final EchoAsync echoAsync = session.lookup("echo", EchoAsync.class);
                final List<List<CallLoop.Result>> results = new ArrayList<>();
                for (int c = 0; c < cases.length; c++)
                {
                    results.add(new ArrayList<>());
                }
                for (int round = 1; round <= rounds; round++)
                {
                    for (int c = 0; c < cases.length; c++)
                    {
                        if (cases[c].equals("sb_mix"))
                        {
                            CallLoop.runAlternating(() -> echo.echo(payload), () -> echoAsync.echo(payload), warmupMs);
                            final CallLoop.Result result = CallLoop.runAlternating(() -> echo.echo(payload),
                                () -> echoAsync.echo(payload), measureMs);
                            results.get(c).add(result);
                            printRound(round, cases[c], result);
                            continue;
                        }
                        if (cases[c].equals("sb_a64"))
                        {
                            CallLoop.runPipelined(() -> echoAsync.echo(payload), 64, warmupMs);
                            final CallLoop.Result result = CallLoop.runPipelined(() -> echoAsync.echo(payload), 64,
                                measureMs);
                            results.get(c).add(result);
                            printRound(round, cases[c], result);
                            continue;
                        }
                        final boolean sb = cases[c].startsWith("sb");
                        final int threads = cases[c].endsWith("_8") ? 8 : 1;
                        final List<CallLoop.Call> calls = new ArrayList<>();
                        for (int t = 0; t < threads; t++)
                        {
                            final byte[] mine = payload.clone();
                            calls.add(sb ? () -> echo.echo(mine) : () -> rmiStub.echo(mine));
                        }
                        CallLoop.run(calls, warmupMs);
                        final long[] before = session.writeCounters();
                        final CallLoop.Result result = CallLoop.run(calls, measureMs);
                        if (cases[c].equals("sb_8"))
                        {
                            final long[] after = session.writeCounters();
                            sb8Writes += after[0] - before[0];
                            sb8Frames += after[1] - before[1];
                        }
                        results.get(c).add(result);
                        printRound(round, cases[c], result);
                    }
                }

                final double[] rps = new double[cases.length];
                final double[] p50 = new double[cases.length];
                final double[] p99 = new double[cases.length];
                for (int c = 0; c < cases.length; c++)
                {
                    rps[c] = median(results.get(c).stream().mapToDouble(CallLoop.Result::callsPerSecond).toArray());
                    p50[c] = median(results.get(c).stream().mapToDouble(r -> r.p50Ns() / 1e3).toArray());
                    p99[c] = median(results.get(c).stream().mapToDouble(r -> r.p99Ns() / 1e3).toArray());
                }
                System.out.println();
                System.out.printf(Locale.ROOT, "medians of %d rounds (%d ms each, after %d ms warm-up), 64-byte echo:%n",
                    rounds, measureMs, warmupMs);
                System.out.println("case     calls/s     p50 us     p99 us");
                for (int c = 0; c < cases.length; c++)
                {
                    System.out.printf(Locale.ROOT, "%-6s %10.0f %10.1f %10.1f%n", cases[c], rps[c], p50[c], p99[c]);
                }
                System.out.printf(Locale.ROOT, "sb/rmi calls/s: 1 thread %.2fx, 8 threads %.2fx; p99 sb/rmi: 1 thread %.2f, 8 threads %.2f%n",
                    rps[0] / rps[1], rps[2] / rps[3], p99[0] / p99[1], p99[2] / p99[3]);
                System.out.printf(Locale.ROOT, "sb_a64: 1 thread, 64 async calls in flight on the session: %.0f calls/s " +
                    "(%.2fx sb_8)%n", rps[4], rps[4] / rps[2]);
                System.out.printf(Locale.ROOT, "sb_mix: an async call right after a sync one: p50 %.1f us, p99 %.1f us%n",
                    p50[5], p99[5]);
                System.out.printf(Locale.ROOT, "sb_8: %.1f frames per socket write from the client (%d frames, %d writes)%n",
                    sb8Writes == 0 ? 0.0 : (double)sb8Frames / sb8Writes, sb8Frames, sb8Writes);
                final String floorSummary = printCostFloor(rps[3], measureMs);
                System.out.printf(Locale.ROOT,
                    "SUMMARY sb_rps_1=%.0f rmi_rps_1=%.0f sb_rps_8=%.0f rmi_rps_8=%.0f sb_p99_us_1=%.1f rmi_p99_us_1=%.1f " +
                    "sb_p99_us_8=%.1f rmi_p99_us_8=%.1f sb_p50_us_1=%.1f rmi_p50_us_1=%.1f sb_p50_us_8=%.1f rmi_p50_us_8=%.1f%s%n",
                    rps[0], rps[1], rps[2], rps[3], p99[0], p99[1], p99[2], p99[3], p50[0], p50[1], p50[2], p50[3],
                    " sb_async64_rps=" + Math.round(rps[4]) + " sb_mix_async_p99_us=" + String.format(Locale.ROOT, "%.1f", p99[5]) +
                    " sb_8_frames_per_write=" + String.format(Locale.ROOT, "%.1f", sb8Writes == 0 ? 0.0 : (double)sb8Frames / sb8Writes) +
                    floorSummary);
            }
            return 0;
        }
        finally
        {
            stop(cm);
            if (rmi != null)
            {
                rmi.getOutputStream().close();
                stop(rmi);
            }
        }
    }

    /**
     * What 8 synchronous callers cost on this machine before any I/O, against the CPU a call may use to make
     * 2x the calls/s of RMI: both cores' time divided by the calls/s.
     */
    private static String printCostFloor(final double rmiRps8, final long measureMs) throws Exception
    {
        final int cores = Runtime.getRuntime().availableProcessors();
        final double handoffRps = CostFloor.handoffCallsPerSecond(8, Math.min(measureMs, 4_000));
        final double writeUs = CostFloor.loopbackWriteCpuNs(200_000) / 1e3;
        System.out.println();
        System.out.printf(Locale.ROOT, "cost floor on %d cores (8 threads):%n", cores);
        System.out.printf(Locale.ROOT,
            "  hand-off only (8 parking callers, 1 polling server, no I/O): %.0f calls/s = %.1f us of CPU per call%n",
            handoffRps, cores * 1e6 / handoffRps);
        System.out.printf(Locale.ROOT, "  one 64-byte loopback TCP write: %.1f us of the writer's CPU%n", writeUs);
        System.out.printf(Locale.ROOT, "  budget per call for 2x rmi_8 (%.0f calls/s): %.1f us of CPU, %.1f us left after the hand-off%n",
            2 * rmiRps8, cores * 1e6 / (2 * rmiRps8), cores * 1e6 / (2 * rmiRps8) - cores * 1e6 / handoffRps);
        return String.format(Locale.ROOT, " handoff_rps_8=%.0f loopback_write_us=%.1f", handoffRps, writeUs);
    }

    private static void printRound(final int round, final String name, final CallLoop.Result result)
    {
        System.out.printf(Locale.ROOT, "round %d  %-6s %10.0f calls/s  p50 %7.1f us  p99 %7.1f us  max %9.1f us%n",
            round, name, result.callsPerSecond(), result.p50Ns() / 1e3, result.p99Ns() / 1e3, result.maxNs() / 1e3);
    }

    private static void check(final byte[] answer, final String who)
    {
        if (answer == null || answer.length != PAYLOAD || answer[0] != 7 || answer[PAYLOAD - 1] != 7)
        {
            throw new IllegalStateException(who + " echoed " + (answer == null ? "null" : answer.length + " bytes") +
                " for 64 bytes of 7");
        }
    }

    private static int waitForRpcPort(final Process cm, final Path log) throws Exception
    {
        final Pattern ready = Pattern.compile("sessions also on [^:]+:(\\d+)");
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final String text = Files.readString(log, StandardCharsets.UTF_8);
            final Matcher matcher = ready.matcher(text);
            // listening is printed before the worker is READY: wait for both
            if (matcher.find() && text.contains("is READY"))
            {
                return Integer.parseInt(matcher.group(1));
            }
            if (!cm.isAlive())
            {
                throw new IllegalStateException("the CM exited with " + cm.exitValue() + ":\n" + text);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the CM did not get ready in 60 s:\n" + Files.readString(log));
    }

    private static Matcher readLine(final Process process, final Pattern pattern, final int timeoutSeconds) throws Exception
    {
        final BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final String line = reader.readLine();
            if (line == null)
            {
                break;
            }
            final Matcher matcher = pattern.matcher(line);
            if (matcher.find())
            {
                return matcher;
            }
        }
        throw new IllegalStateException("no line matching " + pattern + " from " + process.info().command().orElse("?"));
    }

    private static void stop(final Process process) throws InterruptedException
    {
        if (process == null)
        {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
