package io.switchboard.bench.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./switchboard bench soak}: a CM with 2 workers, started from the shaded jars, under mixed HTTP and session
 * load for N minutes while its workers are killed with SIGKILL at random intervals. Every 10 s a line: the CM's
 * RSS, channels in use, requests served and failed; at the end one {@code SUMMARY} line. Exits 1 when a failure no
 * kill explains, a hung request, or a channel left in use at the end says something is wrong.
 * <p>
 * Only what it started is stopped or killed: the CM (SIGTERM, its workers die with it) and workers checked to be
 * that CM's children.
 */
public final class SoakSuite
{
    public static final String DESCRIPTION = "N minutes of HTTP and session load, workers killed with -9 at random";
    public static final String USAGE = """
        options of soak:
          --cm-jar PATH        the CM's jar (the script passes it)
          --worker-jar PATH    the demo worker's jar (the script passes it)
          --minutes N          how long the load runs (default 10)
          --kill-every S-S     seconds between kills, drawn at random in this range (default 20-60)
          --http N             HTTP load threads, a connection each (default 3)
          --rpc N              session load threads, a session each (default 3)
          --pause-ms MS        each load thread's pause between requests (default 2)
          --seed N             of the kill intervals (default: the time)""";

    private static final long REPORT_EVERY_MS = 10_000;
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final int WORKERS = 2;

    private SoakSuite()
    {
    }

    public static int run(final String[] args) throws Exception
    {
        String cmJar = null;
        String workerJar = null;
        double minutes = 10;
        long killMinS = 20;
        long killMaxS = 60;
        int httpThreads = 3;
        int rpcThreads = 3;
        long pauseMs = 2;
        long seed = System.nanoTime();
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--cm-jar" -> cmJar = args[++i];
                case "--worker-jar" -> workerJar = args[++i];
                case "--minutes" -> minutes = Double.parseDouble(args[++i]);
                case "--kill-every" ->
                {
                    final String[] range = args[++i].split("-");
                    killMinS = Long.parseLong(range[0]);
                    killMaxS = Long.parseLong(range[range.length - 1]);
                }
                case "--http" -> httpThreads = Integer.parseInt(args[++i]);
                case "--rpc" -> rpcThreads = Integer.parseInt(args[++i]);
                case "--pause-ms" -> pauseMs = Long.parseLong(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default ->
                {
                    System.err.println("unknown option " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
        }
        if (cmJar == null || workerJar == null || minutes <= 0 || killMinS < 1 || killMaxS < killMinS)
        {
            System.err.println("--cm-jar and --worker-jar are needed, --minutes > 0, --kill-every MIN-MAX with " +
                "1 <= MIN <= MAX (minutes=" + minutes + ", kill-every=" + killMinS + "-" + killMaxS + ")\n" + USAGE);
            return 2;
        }

        final long durationMs = (long)(minutes * 60_000);
        // RSS growth is measured from the end of the warm-up: 1 minute, or 10% of a shorter run
        final long warmupMs = Math.min(60_000, durationMs / 10);
        System.out.printf(Locale.ROOT, "soak: %.1f min, %d HTTP + %d session load threads, kills every %d-%d s " +
            "(seed %d), deadline %d s, RSS baseline after %d s%n", minutes, httpThreads, rpcThreads, killMinS, killMaxS,
            seed, DEADLINE.toSeconds(), warmupMs / 1000);

        try (CmProcess cm = CmProcess.start(cmJar, workerJar, WORKERS))
        {
            cm.awaitReady(WORKERS, 60);
            final AdminStatus admin = new AdminStatus(cm.adminPort());
            System.out.println("soak: CM pid " + cm.pid() + ", HTTP port " + cm.httpPort() + ", sessions " +
                cm.rpcPort() + ", admin " + cm.adminPort());

            final SoakLedger ledger = new SoakLedger();
            final AtomicBoolean loadRunning = new AtomicBoolean(true);
            final AtomicBoolean killing = new AtomicBoolean(true);
            final List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < httpThreads; i++)
            {
                threads.add(Thread.ofPlatform().name("soak-http-" + i).daemon()
                    .start(new HttpLoad(cm.httpPort(), ledger, loadRunning, DEADLINE, pauseMs)));
            }
            for (int i = 0; i < rpcThreads; i++)
            {
                threads.add(Thread.ofPlatform().name("soak-rpc-" + i).daemon()
                    .start(new RpcLoad(cm.rpcPort(), ledger, loadRunning, DEADLINE, pauseMs)));
            }
            final Thread killer = Thread.ofPlatform().name("soak-killer").daemon().start(
                new WorkerKiller(cm, ledger, killing, killMinS * 1000, killMaxS * 1000, seed));

            final long startNs = System.nanoTime();
            final long endNs = startNs + TimeUnit.MILLISECONDS.toNanos(durationMs);
            final long warmupEndNs = startNs + TimeUnit.MILLISECONDS.toNanos(warmupMs);
            long rssBaselineKib = -1;
            long nextReportNs = startNs + TimeUnit.MILLISECONDS.toNanos(REPORT_EVERY_MS);
            while (System.nanoTime() - endNs < 0)
            {
                if (!cm.isAlive())
                {
                    System.out.println("soak: the CM died:\n" + cm.log());
                    return 1;
                }
                if (rssBaselineKib < 0 && System.nanoTime() - warmupEndNs >= 0)
                {
                    rssBaselineKib = cm.rssKib();
                    System.out.println("soak: warm-up over, RSS baseline " + rssBaselineKib + " KiB");
                }
                if (System.nanoTime() - nextReportNs >= 0)
                {
                    report(startNs, cm, admin, ledger);
                    nextReportNs += TimeUnit.MILLISECONDS.toNanos(REPORT_EVERY_MS);
                }
                Thread.sleep(100);
            }

            // no kill during the drain, then the load stops and its sessions close
            killing.set(false);
            killer.interrupt();
            killer.join(5_000);
            loadRunning.set(false);
            for (final Thread thread : threads)
            {
                thread.join(DEADLINE.toMillis() + 5_000);
            }
            final long rssEndKib = cm.rssKib();
            report(startNs, cm, admin, ledger);
            // closed sessions' channels are freed a moment later: wait a little for the last ones
            int channelsAtEnd = admin.channelsInUse();
            final long settleNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (channelsAtEnd != 0 && System.nanoTime() - settleNs < 0)
            {
                Thread.sleep(100);
                channelsAtEnd = admin.channelsInUse();
            }

            for (final String sample : ledger.samples())
            {
                System.out.println("soak: failure: " + sample);
            }
            final double rssGrowthPct = rssBaselineKib > 0 ? 100.0 * (rssEndKib - rssBaselineKib) / rssBaselineKib :
                Double.NaN;
            System.out.printf(Locale.ROOT, "SUMMARY requests=%d served=%d failed_on_killed_worker=%d " +
                "failed_not_on_killed_worker=%d hung=%d kills=%d rss_start_kib=%d rss_end_kib=%d rss_growth_pct=%.1f " +
                "channels_in_use_at_end=%d%n",
                ledger.servedCount() + ledger.failed() + ledger.hungCount(), ledger.servedCount(), ledger.failedOnKilledWorker(),
                ledger.failedNotOnKilledWorker(), ledger.hungCount(), ledger.kills(), rssBaselineKib, rssEndKib,
                rssGrowthPct, channelsAtEnd);
            return ledger.failedNotOnKilledWorker() == 0 && ledger.hungCount() == 0 && channelsAtEnd == 0 ? 0 : 1;
        }
    }

    private static void report(final long startNs, final CmProcess cm, final AdminStatus admin, final SoakLedger ledger)
    {
        System.out.printf(Locale.ROOT, "t=%4ds rss_kib=%d channels_in_use=%d served=%d failed=%d " +
            "(on_killed_worker=%d not_on_killed_worker=%d) hung=%d kills=%d%n",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNs), cm.rssKib(), admin.channelsInUse(),
            ledger.servedCount(), ledger.failed(), ledger.failedOnKilledWorker(), ledger.failedNotOnKilledWorker(),
            ledger.hungCount(), ledger.kills());
    }
}
