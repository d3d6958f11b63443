package io.switchboard.client;

/**
 * An ad-hoc measurement, not a test: round trips per second over loopback against {@link TestServer}, with 1 and 8
 * calling threads on one session. Run with {@code -Dswitchboard.client.leaderFollower=false} to compare with
 * answers delivered by a reader thread.
 * <pre>
 * java -cp ... io.switchboard.client.RoundTripProbe [seconds]
 * </pre>
 */
public final class RoundTripProbe
{
    private RoundTripProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final long seconds = args.length > 0 ? Long.parseLong(args[0]) : 2;
        try (TestServer server = new TestServer(ClientApi.services());
            Session session = Switchboard.connect("127.0.0.1", server.port(), "test-app"))
        {
            final ClientApi.Echo echo = session.lookup("echo", ClientApi.Echo.class);
            final byte[] payload = new byte[32];
            for (final int threads : new int[] {1, 8, 1})
            {
                final long[] before = session.writeCounters();
                final java.util.concurrent.atomic.LongAdder calls = new java.util.concurrent.atomic.LongAdder();
                final long end = System.nanoTime() + seconds * 1_000_000_000L;
                final Thread[] workers = new Thread[threads];
                for (int t = 0; t < threads; t++)
                {
                    workers[t] = TestThreads.start(() ->
                    {
                        while (System.nanoTime() < end)
                        {
                            echo.echo(payload);
                            calls.increment();
                        }
                    });
                }
                for (final Thread worker : workers)
                {
                    worker.join();
                }
                final long[] after = session.writeCounters();
                System.out.printf("threads=%d leaderFollower=%s calls/s=%d frames/write=%.2f%n", threads,
                    System.getProperty(Switchboard.LEADER_FOLLOWER_PROPERTY, "true"), calls.sum() / seconds,
                    (after[1] - before[1]) / (double)Math.max(1, after[0] - before[0]));
            }
        }
    }
}
