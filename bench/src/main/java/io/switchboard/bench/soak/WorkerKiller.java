package io.switchboard.bench.soak;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Kills a worker of the CM with SIGKILL at random intervals: a pid from {@code GET /whoami} (the worker that
 * served it), checked to be the CM's child right before the kill, so that nothing else is ever hit.
 */
final class WorkerKiller implements Runnable
{
    private final CmProcess cm;
    private final SoakLedger ledger;
    private final AtomicBoolean running;
    private final long minIntervalMs;
    private final long maxIntervalMs;
    private final SplittableRandom random;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WorkerKiller(final CmProcess cm, final SoakLedger ledger, final AtomicBoolean running, final long minIntervalMs,
        final long maxIntervalMs, final long seed)
    {
        this.cm = cm;
        this.ledger = ledger;
        this.running = running;
        this.minIntervalMs = minIntervalMs;
        this.maxIntervalMs = maxIntervalMs;
        this.random = new SplittableRandom(seed);
    }

    @Override
    public void run()
    {
        while (running.get())
        {
            final long waitMs = minIntervalMs + random.nextLong(Math.max(1, maxIntervalMs - minIntervalMs + 1));
            final long untilNs = System.nanoTime() + waitMs * 1_000_000L;
            while (running.get() && System.nanoTime() - untilNs < 0)
            {
                Pause.sleep(100);
            }
            if (!running.get())
            {
                return;
            }
            killOne();
        }
    }

    private void killOne()
    {
        final long pid;
        try
        {
            final HttpResponse<String> answer = client.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + cm.httpPort() + "/whoami")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
            pid = Long.parseLong(answer.body().trim());
        }
        catch (final Exception ex)
        {
            System.out.println("killer: no worker pid from /whoami (" + ex + "); no kill this time");
            return;
        }
        if (!cm.isWorker(pid))
        {
            System.out.println("killer: pid " + pid + " is not a child of the CM (" + cm.pid() + "); not killed");
            return;
        }
        ProcessHandle.of(pid).ifPresent(worker ->
        {
            ledger.killed(pid);
            worker.destroyForcibly();
            System.out.println("killer: kill -9 worker " + pid);
        });
    }
}
