package io.switchboard.tests.rpc;

import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A client application on whatever JVM runs it (a Java 17 one in {@code ClientOnJava17Test}): one session with
 * the tests' application {@code test} on a real instance, calls both ways. It prints one line per check and
 * {@code OK} last, or a stack trace and exits 1.
 * <pre>
 *   java -cp ... io.switchboard.tests.rpc.Java17Client PORT
 * </pre>
 */
public final class Java17Client
{
    private static final int RELAYS = 4;
    private static final int EVENTS_PER_RELAY = 50;
    private static final int BLOB_LENGTH = 1 << 20;

    private Java17Client()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int port = Integer.parseInt(args[0]);
        System.out.println("java=" + Runtime.version().feature());
        try (Session session = Switchboard.connect("127.0.0.1", port, "test"))
        {
            System.out.println("worker_pid=" + session.lookup("probe", TestServices.Probe.class).pid());

            // callbacks into this JVM while calls of it are in flight, from several threads
            final TestServices.Relay relay = session.lookup("relay", TestServices.Relay.class);
            final AtomicInteger events = new AtomicInteger();
            final TestServices.Listener listener = sequence ->
            {
                events.incrementAndGet();
                return sequence * 2;
            };
            final CompletableFuture<Boolean> pending = session.lookup("slow", TestServices.SlowAsync.class).sleep(100);
            final List<CompletableFuture<Long>> sums = new ArrayList<>();
            for (int i = 0; i < RELAYS; i++)
            {
                sums.add(CompletableFuture.supplyAsync(() -> relay.relay(listener, EVENTS_PER_RELAY)));
            }
            long total = 0;
            for (final CompletableFuture<Long> sum : sums)
            {
                total += sum.get(30, TimeUnit.SECONDS);
            }
            System.out.println("relayed=" + total + " events=" + events.get());
            System.out.println("slept=" + pending.get(30, TimeUnit.SECONDS));

            // a large answer, every byte checked
            final byte[] blob = session.lookup("blob", TestServices.Blob.class).bytes(BLOB_LENGTH, 7);
            int wrong = 0;
            for (int i = 0; i < blob.length; i++)
            {
                wrong += blob[i] == TestServices.patternByte(i, 7) ? 0 : 1;
            }
            System.out.println("blob=" + blob.length + " wrong=" + wrong);
        }
        System.out.println("OK");
    }
}
