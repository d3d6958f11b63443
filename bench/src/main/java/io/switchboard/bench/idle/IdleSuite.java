package io.switchboard.bench.idle;

import io.switchboard.bench.soak.CmProcess;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./switchboard bench idle}: what idle keep-alive connections cost the CM, and whether it still answers
 * promptly while holding them. A CM started from its shaded jar as {@code ./switchboard run} starts it (512 MiB
 * of heap, one worker); the suite opens connections, each with one {@code GET /hello} exchange before it goes
 * idle, and reads the CM's resident set at each step; at 10,000 it times {@code GET /hello} on a connection of
 * its own, then again while 1,000 slowloris connections trickle a head a header line at a time (each is closed
 * with a 408 at the CM's head timeout). Connections come from several loopback source addresses (127.0.0.1, .2, ...), since one address
 * has about 28,000 ephemeral ports.
 * <p>
 * The file descriptors needed (one per connection on each side) come from {@code ulimit -n}, which the script
 * raises; if it cannot, the suite says how far it got.
 */
public final class IdleSuite
{
    public static final String DESCRIPTION =
        "the CM's RSS with 10,000 and 50,000 idle keep-alive connections; /hello p99 meanwhile and beside 1,000 slowloris";
    public static final String USAGE = """
        options of idle:
          --cm-jar PATH        the CM's jar (the script passes it)
          --worker-jar PATH    the demo worker's jar (the script passes it)
          --steps N,N          idle connections at which to measure (default 10000,50000; at most 60000)
          --requests N         GET /hello timed at the first step, and beside the slowloris (default 20000)
          --slowloris N        connections trickling a head while /hello is timed again (default 1000)""";

    private static final int MAX_CONNECTIONS = 60_000;
    private static final int PER_SOURCE_ADDRESS = 20_000;
    private static final byte[] HELLO = "GET /hello HTTP/1.1\r\nHost: bench\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ByteBuffer request = ByteBuffer.wrap(HELLO);
    private final ByteBuffer response = ByteBuffer.allocate(4096);

    public static int run(final String[] args) throws Exception
    {
        String cmJar = null;
        String workerJar = null;
        int[] steps = {10_000, 50_000};
        int requests = 20_000;
        int slowloris = 1_000;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--cm-jar" -> cmJar = args[++i];
                case "--worker-jar" -> workerJar = args[++i];
                case "--steps" -> steps = java.util.Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--slowloris" -> slowloris = Integer.parseInt(args[++i]);
                default ->
                {
                    System.err.println("unknown option " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
        }
        if (cmJar == null || workerJar == null || requests < 1 || steps.length == 0 ||
            steps[steps.length - 1] > MAX_CONNECTIONS)
        {
            System.err.println(USAGE);
            return 2;
        }
        // a connection costs a descriptor in this process and one in the CM, which inherits this limit
        final long limit = descriptorLimit();
        final int reachable = (int)Math.max(1_000, limit - slowloris - 1_000);
        for (int i = 0; i < steps.length; i++)
        {
            if (steps[i] > reachable)
            {
                System.out.printf(Locale.ROOT, "%d idle connections need more file descriptors than ulimit -n allows " +
                    "here (%d, and raising it was refused); measuring at %d instead, the key of %d says n/a%n",
                    steps[i], limit, reachable, steps[i]);
            }
        }
        return new IdleSuite().measure(cmJar, workerJar, steps, requests, slowloris, reachable);
    }

    private static long descriptorLimit()
    {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
            instanceof com.sun.management.UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : Long.MAX_VALUE;
    }

    private int measure(final String cmJar, final String workerJar, final int[] steps, final int requests,
        final int slowloris, final int reachable) throws Exception
    {
        final List<SocketChannel> idle = new ArrayList<>();
        try (CmProcess cm = CmProcess.start(cmJar, workerJar, 1,
            "--max-connections", String.valueOf(MAX_CONNECTIONS + 100)))
        {
            cm.awaitReady(1, 120);
            final InetSocketAddress target = new InetSocketAddress("127.0.0.1", cm.httpPort());
            // warm the path, then the baseline
            try (SocketChannel warm = SocketChannel.open(target))
            {
                for (int i = 0; i < 5_000; i++)
                {
                    hello(warm);
                }
            }
            final long baseKib = cm.rssKib();
            System.out.printf(Locale.ROOT, "%-12s %12s %16s%n", "idle", "cm_rss_mib", "kib_per_1k_idle");
            System.out.printf(Locale.ROOT, "%-12d %12.1f %16s%n", 0, baseKib / 1024.0, "-");

            final double[] rssMib = new double[steps.length];
            double p50Us = Double.NaN;
            double p99Us = Double.NaN;
            for (int s = 0; s < steps.length; s++)
            {
                try
                {
                    while (idle.size() < Math.min(steps[s], reachable))
                    {
                        idle.add(openIdle(target, idle.size()));
                    }
                }
                catch (final IOException ex)
                {
                    System.out.printf(Locale.ROOT, "stopped at %d connections: %s (ulimit -n is too low?)%n",
                        idle.size(), ex.getMessage());
                    printSummary(steps, rssMib, p99Us, slowloris, Double.NaN);
                    return 1;
                }
                final long kib = cm.rssKib();
                final int held = idle.size();
                rssMib[s] = held == steps[s] ? kib / 1024.0 : Double.NaN;
                System.out.printf(Locale.ROOT, "%-12d %12.1f %16.1f%n", held, kib / 1024.0, (kib - baseKib) * 1000.0 / held);
                if (held < steps[s])
                {
                    System.out.printf(Locale.ROOT, "  %d idle connections at that cost: about %.0f MiB (extrapolated, " +
                        "not measured)%n", steps[s], (baseKib + (kib - baseKib) * (double)steps[s] / held) / 1024.0);
                }
                if (s == 0)
                {
                    final Histogram latency = timeHello(target, requests);
                    p50Us = latency.getValueAtPercentile(50) / 1000.0;
                    p99Us = latency.getValueAtPercentile(99) / 1000.0;
                    System.out.printf(Locale.ROOT, "GET /hello with %d idle: p50 %.1f us, p99 %.1f us (%d requests)%n",
                        steps[s], p50Us, p99Us, requests);
                }
            }
            for (final SocketChannel channel : idle)
            {
                channel.close();
            }
            idle.clear();
            final double slowlorisP99Us = timeBesideSlowloris(target, requests, slowloris);
            if (!cm.isAlive())
            {
                System.out.println("the CM died");
                return 1;
            }
            printSummary(steps, rssMib, p99Us, slowloris, slowlorisP99Us);
            return 0;
        }
        finally
        {
            for (final SocketChannel channel : idle)
            {
                channel.close();
            }
        }
    }

    private static void printSummary(final int[] steps, final double[] rssMib, final double p99Us,
        final int slowloris, final double slowlorisP99Us)
    {
        final StringBuilder summary = new StringBuilder("SUMMARY");
        for (int s = 0; s < steps.length; s++)
        {
            summary.append(Double.isNaN(rssMib[s]) ?
                String.format(Locale.ROOT, " cm_rss_mib_%dk_idle=n/a", steps[s] / 1000) :
                String.format(Locale.ROOT, " cm_rss_mib_%dk_idle=%.1f", steps[s] / 1000, rssMib[s]));
        }
        summary.append(String.format(Locale.ROOT, " hello_p99_us_%dk_idle=%.1f", steps[0] / 1000, p99Us));
        summary.append(String.format(Locale.ROOT, " hello_p99_us_%d_slowloris=%.1f", slowloris, slowlorisP99Us));
        System.out.println(summary);
    }

    /**
     * Times GET /hello while {@code count} connections each send a request line, then a header line every
     * second, never the head's end: before the CM's head timeout ran from a head's first byte, they were held
     * forever. Returns the p99 in microseconds.
     */
    private double timeBesideSlowloris(final InetSocketAddress target, final int requests, final int count)
        throws Exception
    {
        final List<SocketChannel> slow = new ArrayList<>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                final SocketChannel channel = SocketChannel.open(target);
                channel.write(ByteBuffer.wrap("GET /hello HTTP/1.1\r\nHost: bench\r\n".getBytes(StandardCharsets.US_ASCII)));
                slow.add(channel);
            }
            final Thread trickle = Thread.ofPlatform().daemon().start(() ->
            {
                final ByteBuffer line = ByteBuffer.wrap("X-Slow: 1\r\n".getBytes(StandardCharsets.US_ASCII));
                while (!Thread.currentThread().isInterrupted())
                {
                    for (final SocketChannel channel : slow)
                    {
                        try
                        {
                            channel.write(line.clear());
                        }
                        catch (final IOException closed)
                        {
                            // answered with a 408 and closed: that is the point
                        }
                    }
                    try
                    {
                        Thread.sleep(1_000);
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                }
            });
            final Histogram latency = timeHello(target, requests);
            trickle.interrupt();
            final double p99Us = latency.getValueAtPercentile(99) / 1000.0;
            System.out.printf(Locale.ROOT, "GET /hello beside %d slowloris connections: p50 %.1f us, p99 %.1f us%n",
                count, latency.getValueAtPercentile(50) / 1000.0, p99Us);
            return p99Us;
        }
        finally
        {
            for (final SocketChannel channel : slow)
            {
                channel.close();
            }
        }
    }

    private SocketChannel openIdle(final InetSocketAddress target, final int index) throws IOException
    {
        final SocketChannel channel = SocketChannel.open();
        try
        {
            final int source = 1 + index / PER_SOURCE_ADDRESS;
            channel.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + source), 0));
            channel.connect(target);
            hello(channel);
            return channel;
        }
        catch (final IOException ex)
        {
            channel.close();
            throw ex;
        }
    }

    private Histogram timeHello(final InetSocketAddress target, final int requests) throws IOException
    {
        final Histogram histogram = new Histogram(3_600_000_000L, 3);
        try (SocketChannel channel = SocketChannel.open(target))
        {
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            for (int i = 0; i < requests; i++)
            {
                final long startNs = System.nanoTime();
                hello(channel);
                histogram.recordValue(System.nanoTime() - startNs);
            }
        }
        return histogram;
    }

    /**
     * One GET /hello on a blocking channel, its response read to the end of its Content-Length body.
     */
    private void hello(final SocketChannel channel) throws IOException
    {
        request.clear();
        while (request.hasRemaining())
        {
            channel.write(request);
        }
        response.clear();
        int headEnd = -1;
        int bodyLength = -1;
        while (headEnd < 0 || response.position() < headEnd + bodyLength)
        {
            if (channel.read(response) < 0)
            {
                throw new IOException("closed by the CM mid-response");
            }
            if (headEnd < 0)
            {
                final String text = new String(response.array(), 0, response.position(), StandardCharsets.US_ASCII);
                final int end = text.indexOf("\r\n\r\n");
                if (end >= 0)
                {
                    if (!text.startsWith("HTTP/1.1 200 "))
                    {
                        throw new IOException("not a 200: " + text.substring(0, text.indexOf('\r')));
                    }
                    headEnd = end + 4;
                    final int at = text.toLowerCase(Locale.ROOT).indexOf("content-length: ");
                    bodyLength = Integer.parseInt(text.substring(at + 16, text.indexOf('\r', at)).trim());
                }
            }
        }
    }
}
