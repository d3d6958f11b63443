package io.switchboard.bench.soak;

import io.switchboard.client.ClientOptions;
import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.examples.rpc.Counter;
import io.switchboard.examples.rpc.Echo;
import io.switchboard.rpc.DeadlineExceededException;
import io.switchboard.rpc.SessionLostException;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One distributed session's worth of load, in a thread of its own: {@code counter.increment()} (checked to count
 * up by one) and {@code echo.echo(1 KiB)} by turns, each call with a deadline. A lost session is counted and
 * replaced by a new one, whose counter starts again from zero.
 */
final class RpcLoad implements Runnable
{
    private static final int ECHO_BYTES = 1024;

    private final int port;
    private final SoakLedger ledger;
    private final AtomicBoolean running;
    private final Duration deadline;
    private final long pauseMs;
    private final byte[] payload = new byte[ECHO_BYTES];

    RpcLoad(final int port, final SoakLedger ledger, final AtomicBoolean running, final Duration deadline,
        final long pauseMs)
    {
        this.port = port;
        this.ledger = ledger;
        this.running = running;
        this.deadline = deadline;
        this.pauseMs = pauseMs;
        Arrays.fill(payload, (byte)'r');
    }

    @Override
    public void run()
    {
        while (running.get())
        {
            final long startNs = System.nanoTime();
            try (Session session = Switchboard.connect("127.0.0.1", port, "demo",
                ClientOptions.defaults().withConnectTimeout(deadline).withDefaultDeadline(deadline)))
            {
                callUntilLost(session);
            }
            catch (final SessionLostException ex)
            {
                ledger.failedLikeADeath(startNs, "a session: " + ex.getMessage());
            }
            catch (final Exception ex)
            {
                // a refused or broken connect: the dying worker's, or not
                ledger.failedLikeADeath(startNs, "connect: " + ex);
                Pause.sleep(100);
            }
        }
    }

    private void callUntilLost(final Session session)
    {
        final Counter counter = session.lookup("counter", Counter.class);
        final Echo echo = session.lookup("echo", Echo.class);
        long expected = 0;
        long sequence = 0;
        while (running.get())
        {
            final boolean counting = sequence++ % 2 == 0;
            final long startNs = System.nanoTime();
            try
            {
                if (counting)
                {
                    final long value = counter.increment();
                    if (value != ++expected)
                    {
                        ledger.failedOtherwise("counter.increment() gave " + value + ", " + expected + " was due");
                        expected = value;
                        continue;
                    }
                }
                else if (!Arrays.equals(payload, echo.echo(payload)))
                {
                    ledger.failedOtherwise("echo.echo(1 KiB) answered other bytes");
                    continue;
                }
                ledger.served();
            }
            catch (final SessionLostException ex)
            {
                ledger.failedLikeADeath(startNs, (counting ? "counter" : "echo") + ": " + ex.getMessage());
                return;
            }
            catch (final DeadlineExceededException ex)
            {
                ledger.hung((counting ? "counter.increment()" : "echo.echo()") + " over its " + deadline.toMillis() +
                    " ms deadline");
            }
            catch (final RuntimeException ex)
            {
                ledger.failedOtherwise((counting ? "counter" : "echo") + ": " + ex);
            }
            Pause.sleep(pauseMs);
        }
    }
}
