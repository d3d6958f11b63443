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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * {@code ./switchboard bench rpc}: the demo's {@code Echo} with 64-byte arrays, through Switchboard (client -> CM
 * -> shared memory -> one worker), through Java RMI and through gRPC-java (Netty, direct executors,
 * {@code TCP_NODELAY}), each server in its own JVM, from this JVM, with 1 and with 8 calling threads (the 8
 * share one Switchboard session, one RMI stub, one gRPC channel) and with 64 asynchronous calls in flight from
 * one thread (Switchboard and gRPC; RMI has no asynchronous calls). Each round runs all cases back to back, so
 * that both sides of a comparison see the same machine; the figures printed are the medians of the rounds.
 * Beside calls/s and latency, each case gives the CPU a call costs: user + system time of every process taking
 * part over the measured window, divided by the calls made ({@link CallCpu}).
 */
public final class RpcSuite
{
    public static final String DESCRIPTION = "Switchboard Echo vs Java RMI and gRPC-java, 64-byte arrays, 1 and 8 client threads, 64 async; CPU per call";
    public static final String USAGE = """
        options of rpc:
          --cm-jar PATH       the CM's jar (the script passes it)
          --worker-jar PATH   the demo worker's jar (the script passes it)
          --rounds N          rounds, medians over them (default 3)
          --warmup-ms MS      per case and round (default 3000)
          --measure-ms MS     per case and round (default 8000)
          --quick             1 round of 1 s + 1 s, for a smoke test
          --cases LIST        only these cases, comma-separated (e.g. sb_8,rmi_8); the summary needs them all
          --thread-cpu        after each case, its busiest threads' CPU over the window (a profile)
          --cm-arg ARG        one more argument for the CM's command line, after its options (repeatable), e.g.
                              -Dswitchboard.io.rpcSpinNs=50000 for its JVM (an argument starting -D or -X goes
                              before -jar) or --worker-jvm-option='...' for its workers""";

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
        List<String> only = null;
        boolean threadCpu = false;
        final List<String> cmJvmArgs = new ArrayList<>();
        final List<String> cmArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--cm-jar" -> cmJar = args[++i];
                case "--worker-jar" -> workerJar = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup-ms" -> warmupMs = Long.parseLong(args[++i]);
                case "--measure-ms" -> measureMs = Long.parseLong(args[++i]);
                case "--cases" -> only = List.of(args[++i].split(","));
                case "--thread-cpu" -> threadCpu = true;
                case "--cm-arg" ->
                {
                    final String arg = args[++i];
                    (arg.startsWith("-D") || arg.startsWith("-X") ? cmJvmArgs : cmArgs).add(arg);
                }
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
        Process grpc = null;
        try
        {
            rmi = new ProcessBuilder(java, "-XX:+UseSerialGC", "-Xms64m", "-Xmx256m", "-cp", self,
                RmiEchoServer.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            final int rmiPort = Integer.parseInt(readLine(rmi, Pattern.compile("PORT (\\d+)"), 30).group(1));
            // gRPC's server in its own JVM, as Switchboard's worker and RMI's server are
            grpc = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-Xms64m", "-Xmx256m", "-cp", self,
                GrpcEchoServer.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            final int grpcPort = Integer.parseInt(readLine(grpc, Pattern.compile("PORT (\\d+)"), 30).group(1));

            final Path cmLog = Files.createTempFile("switchboard-bench-rpc-cm", ".log");
            final List<String> cmCommand = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-XX:+UseSerialGC", "-Xms64m", "-Xmx512m"));
            cmCommand.addAll(cmJvmArgs);
            cmCommand.addAll(List.of("-jar", cmJar, "--worker-classpath", workerJar, "--workers", "1", "--port", "0",
                "--rpc-port", "0"));
            cmCommand.addAll(cmArgs);
            cm = new ProcessBuilder(cmCommand)
                .redirectErrorStream(true).redirectOutput(cmLog.toFile()).start();
            final int sbPort = waitForRpcPort(cm, cmLog);
            Files.deleteIfExists(cmLog);

            final EchoRmi rmiStub = (EchoRmi)LocateRegistry.getRegistry("127.0.0.1", rmiPort).lookup(RmiEchoServer.NAME);
            final Process cmProcess = cm;
            final Process rmiProcess = rmi;
            final Process grpcProcess = grpc;
            final CallCpu.Party client = new CallCpu.Party("client", () -> new long[] {ProcessHandle.current().pid()});
            final CallCpu sbCpu = new CallCpu(List.of(client,
                new CallCpu.Party("CM", () -> new long[] {cmProcess.pid()}),
                // the worker and its warm spare, the CM's children
                new CallCpu.Party("worker", () -> cmProcess.descendants().mapToLong(ProcessHandle::pid).toArray())));
            final CallCpu rmiCpu = new CallCpu(List.of(client, new CallCpu.Party("server", () -> new long[] {rmiProcess.pid()})));
            final CallCpu grpcCpu = new CallCpu(List.of(client, new CallCpu.Party("server", () -> new long[] {grpcProcess.pid()})));
            try (Session session = Switchboard.connect("127.0.0.1", sbPort, "demo");
                 GrpcEchoClient grpcClient = new GrpcEchoClient(grpcPort))
            {
                final Echo echo = session.lookup("echo", Echo.class);
                final byte[] payload = new byte[PAYLOAD];
                Arrays.fill(payload, (byte)7);
                check(echo.echo(payload), "Switchboard");
                check(rmiStub.echo(payload), "RMI");
                check(grpcClient.echo(payload), "gRPC");
                check(grpcClient.echoAsync(payload).get(30, TimeUnit.SECONDS), "gRPC async");

                // sb_mix is not a comparison: the async calls of one thread that alternates sync and async calls
                // (how soon an answer nobody waits for synchronously is read). RMI has no asynchronous calls.
                final String[] cases = {"sb_1", "rmi_1", "grpc_1", "sb_8", "rmi_8", "grpc_8", "sb_a64", "grpc_a64", "sb_mix"};
                long sb8Writes = 0;
                long sb8Frames = 0;
                final EchoAsync echoAsync = session.lookup("echo", EchoAsync.class);
                final List<List<CallLoop.Result>> results = new ArrayList<>();
                final List<List<double[]>> cpuPerCall = new ArrayList<>();
                for (int c = 0; c < cases.length; c++)
                {
                    results.add(new ArrayList<>());
                    cpuPerCall.add(new ArrayList<>());
                }
                final List<List<String>> roles = new ArrayList<>();
                for (int c = 0; c < cases.length; c++)
                {
                    roles.add(null);
                }
                for (int round = 1; round <= rounds; round++)
                {
                    for (int c = 0; c < cases.length; c++)
                    {
                        final String name = cases[c];
                        if (only != null && !only.contains(name))
                        {
                            continue;
                        }
                        final CallCpu cpu = name.startsWith("sb") ? sbCpu : name.startsWith("rmi") ? rmiCpu : grpcCpu;
                        final Measured measured;
                        if (name.equals("sb_mix"))
                        {
                            measured = measure(cpu, warmupMs, measureMs,
                                ms -> CallLoop.runAlternating(() -> echo.echo(payload), () -> echoAsync.echo(payload), ms));
                        }
                        else if (name.endsWith("_a64"))
                        {
                            final Supplier<CompletableFuture<?>> async = name.startsWith("sb")
                                ? () -> echoAsync.echo(payload) : () -> grpcClient.echoAsync(payload);
                            measured = measure(cpu, warmupMs, measureMs, ms -> CallLoop.runPipelined(async, 64, ms));
                        }
                        else
                        {
                            final int threads = name.endsWith("_8") ? 8 : 1;
                            final List<CallLoop.Call> calls = new ArrayList<>();
                            for (int t = 0; t < threads; t++)
                            {
                                final byte[] mine = payload.clone();
                                calls.add(name.startsWith("sb") ? () -> echo.echo(mine)
                                    : name.startsWith("rmi") ? () -> rmiStub.echo(mine) : () -> grpcClient.echo(mine));
                            }
                            final long[] before = session.writeCounters();
                            measured = measure(cpu, warmupMs, measureMs, ms -> CallLoop.run(calls, ms));
                            if (name.equals("sb_8"))
                            {
                                final long[] after = session.writeCounters();
                                sb8Writes += after[0] - before[0];
                                sb8Frames += after[1] - before[1];
                            }
                        }
                        results.get(c).add(measured.result());
                        final double[] perCall = new double[measured.cpu().cpuUs().length + 1];
                        for (int r = 0; r < measured.cpu().cpuUs().length; r++)
                        {
                            perCall[r + 1] = measured.cpu().cpuUs()[r] / measured.result().calls();
                        }
                        perCall[0] = measured.cpu().totalUs() / measured.result().calls();
                        cpuPerCall.get(c).add(perCall);
                        roles.set(c, measured.cpu().roles());
                        printRound(round, name, measured.result(), perCall[0]);
                        if (threadCpu)
                        {
                            cpu.threadsSinceStart(12).forEach(line -> System.out.println("    " + line));
                        }
                    }
                }

                if (only != null)
                {
                    return 0;
                }
                final double[] rps = new double[cases.length];
                final double[] p50 = new double[cases.length];
                final double[] p99 = new double[cases.length];
                final double[][] cpu = new double[cases.length][];
                for (int c = 0; c < cases.length; c++)
                {
                    rps[c] = median(results.get(c).stream().mapToDouble(CallLoop.Result::callsPerSecond).toArray());
                    p50[c] = median(results.get(c).stream().mapToDouble(r -> r.p50Ns() / 1e3).toArray());
                    p99[c] = median(results.get(c).stream().mapToDouble(r -> r.p99Ns() / 1e3).toArray());
                    final int parts = cpuPerCall.get(c).get(0).length;
                    cpu[c] = new double[parts];
                    for (int part = 0; part < parts; part++)
                    {
                        final int column = part;
                        cpu[c][part] = median(cpuPerCall.get(c).stream().mapToDouble(v -> v[column]).toArray());
                    }
                }
                System.out.println();
                System.out.printf(Locale.ROOT, "medians of %d rounds (%d ms each, after %d ms warm-up), 64-byte echo;%n" +
                    "cpu: user+system CPU of every process taking part over the window, per call (/proc/<pid>/stat):%n",
                    rounds, measureMs, warmupMs);
                System.out.println("case        calls/s     p50 us     p99 us  cpu us/call  of which");
                for (int c = 0; c < cases.length; c++)
                {
                    final StringBuilder parts = new StringBuilder();
                    for (int r = 0; r < roles.get(c).size(); r++)
                    {
                        parts.append(r == 0 ? "" : ", ").append(roles.get(c).get(r)).append(' ')
                            .append(String.format(Locale.ROOT, "%.1f", cpu[c][r + 1]));
                    }
                    System.out.printf(Locale.ROOT, "%-9s %10.0f %10.1f %10.1f %12.1f  %s%n", cases[c], rps[c], p50[c], p99[c],
                        cpu[c][0], parts);
                }
                final int sb1 = 0, rmi1 = 1, grpc1 = 2, sb8 = 3, rmi8 = 4, grpc8 = 5, sbA64 = 6, grpcA64 = 7, sbMix = 8;
                System.out.printf(Locale.ROOT, "sb/rmi calls/s: 1 thread %.2fx, 8 threads %.2fx; p99 sb/rmi: 1 thread %.2f, 8 threads %.2f%n",
                    rps[sb1] / rps[rmi1], rps[sb8] / rps[rmi8], p99[sb1] / p99[rmi1], p99[sb8] / p99[rmi8]);
                System.out.printf(Locale.ROOT, "sb/grpc calls/s: 1 thread %.2fx, 8 threads %.2fx, 64 async %.2fx; " +
                        "p99 sb/grpc: 1 thread %.2f, 8 threads %.2f, 64 async %.2f%n",
                    rps[sb1] / rps[grpc1], rps[sb8] / rps[grpc8], rps[sbA64] / rps[grpcA64],
                    p99[sb1] / p99[grpc1], p99[sb8] / p99[grpc8], p99[sbA64] / p99[grpcA64]);
                System.out.printf(Locale.ROOT, "cpu per call sb/grpc: 8 threads %.2f, 64 async %.2f; sb/rmi: 8 threads %.2f, " +
                        "sb_a64/rmi_8 %.2f%n",
                    cpu[sb8][0] / cpu[grpc8][0], cpu[sbA64][0] / cpu[grpcA64][0], cpu[sb8][0] / cpu[rmi8][0],
                    cpu[sbA64][0] / cpu[rmi8][0]);
                System.out.printf(Locale.ROOT, "sb_a64: 1 thread, 64 async calls in flight on the session: %.0f calls/s " +
                    "(%.2fx sb_8)%n", rps[sbA64], rps[sbA64] / rps[sb8]);
                System.out.printf(Locale.ROOT, "sb_mix: an async call right after a sync one: p50 %.1f us, p99 %.1f us%n",
                    p50[sbMix], p99[sbMix]);
                System.out.printf(Locale.ROOT, "sb_8: %.1f frames per socket write from the client (%d frames, %d writes)%n",
                    sb8Writes == 0 ? 0.0 : (double)sb8Frames / sb8Writes, sb8Frames, sb8Writes);
                final String floorSummary = printCostFloor(rps[rmi8], measureMs);
                final StringBuilder cpuSummary = new StringBuilder();
                for (int c = 0; c < cases.length; c++)
                {
                    if (c != sbMix)
                    {
                        cpuSummary.append(String.format(Locale.ROOT, " %s_cpu_us_per_call=%.1f", cases[c], cpu[c][0]));
                    }
                }
                System.out.printf(Locale.ROOT,
                    "SUMMARY sb_rps_1=%.0f rmi_rps_1=%.0f grpc_rps_1=%.0f sb_rps_8=%.0f rmi_rps_8=%.0f grpc_rps_8=%.0f " +
                    "sb_rps_a64=%.0f grpc_rps_a64=%.0f " +
                    "sb_p99_us_1=%.1f rmi_p99_us_1=%.1f grpc_p99_us_1=%.1f sb_p99_us_8=%.1f rmi_p99_us_8=%.1f grpc_p99_us_8=%.1f " +
                    "sb_p99_us_a64=%.1f grpc_p99_us_a64=%.1f " +
                    "sb_p50_us_1=%.1f rmi_p50_us_1=%.1f sb_p50_us_8=%.1f rmi_p50_us_8=%.1f%s%s%n",
                    rps[sb1], rps[rmi1], rps[grpc1], rps[sb8], rps[rmi8], rps[grpc8], rps[sbA64], rps[grpcA64],
                    p99[sb1], p99[rmi1], p99[grpc1], p99[sb8], p99[rmi8], p99[grpc8], p99[sbA64], p99[grpcA64],
                    p50[sb1], p50[rmi1], p50[sb8], p50[rmi8], cpuSummary,
                    " sb_async64_rps=" + Math.round(rps[sbA64]) + " sb_mix_async_p99_us=" + String.format(Locale.ROOT, "%.1f", p99[sbMix]) +
                    " sb_8_frames_per_write=" + String.format(Locale.ROOT, "%.1f", sb8Writes == 0 ? 0.0 : (double)sb8Frames / sb8Writes) +
                    floorSummary);
            }
            return 0;
        }
        finally
        {
            stop(cm);
            for (final Process server : new Process[] {rmi, grpc})
            {
                if (server != null)
                {
                    server.getOutputStream().close();
                    stop(server);
                }
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

    /**
     * One case of one round: the loop's figures and the CPU its processes used over the measured window.
     */
    private record Measured(CallLoop.Result result, CallCpu.Usage cpu)
    {
    }

    /**
     * A run of the case's loop for {@code durationMs}, given the run's length.
     */
    @FunctionalInterface
    private interface Loop
    {
        CallLoop.Result run(long durationMs) throws Exception;
    }

    /**
     * Warms the case up, then runs it again with the CPU of its processes read around the measured run only.
     */
    private static Measured measure(final CallCpu cpu, final long warmupMs, final long measureMs, final Loop loop)
        throws Exception
    {
        loop.run(warmupMs);
        cpu.start();
        final CallLoop.Result result = loop.run(measureMs);
        return new Measured(result, cpu.stop());
    }

    private static void printRound(final int round, final String name, final CallLoop.Result result, final double cpuUsPerCall)
    {
        System.out.printf(Locale.ROOT,
            "round %d  %-9s %10.0f calls/s  p50 %7.1f us  p99 %7.1f us  max %9.1f us  cpu %5.1f us/call%n",
            round, name, result.callsPerSecond(), result.p50Ns() / 1e3, result.p99Ns() / 1e3, result.maxNs() / 1e3,
            cpuUsPerCall);
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
