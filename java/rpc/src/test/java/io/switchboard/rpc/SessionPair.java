package io.switchboard.rpc;

import io.switchboard.rpc.stream.FrameAssembler;
import io.switchboard.ipc.memory.SharedBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * A client-side and a worker-side session joined in memory: each side's sink queues its frames for a reader thread
 * that feeds them to the other side's assembler as one stream, cut in random pieces (across frame boundaries), from
 * a byte[] or from a SharedBuffer by turns.
 */
final class SessionPair implements AutoCloseable
{
    final RpcSession client;
    final RpcSession worker;
    final Pipe toWorker;
    final Pipe toClient;

    SessionPair(final DeployedServices services)
    {
        this(services, b -> { }, b -> { });
    }

    SessionPair(final DeployedServices services, final Consumer<RpcSessionBuilder> clientConfig,
        final Consumer<RpcSessionBuilder> workerConfig)
    {
        toWorker = new Pipe("to-worker", 1);
        toClient = new Pipe("to-client", 2);
        final RpcSessionBuilder clientBuilder = RpcSession.builder(toWorker).name("client").sessionId(7);
        clientConfig.accept(clientBuilder);
        client = clientBuilder.build();
        final RpcSessionBuilder workerBuilder = RpcSession.builder(toClient).name("worker").sessionId(7)
            .services(services);
        workerConfig.accept(workerBuilder);
        worker = workerBuilder.build();
        toWorker.start(worker, worker.maxFrameLength());
        toClient.start(client, client.maxFrameLength());
    }

    static DeployedServices services(final Consumer<ServiceRegistry> deployer)
    {
        final DeployedServices services = new DeployedServices("test");
        deployer.accept(services);
        return services;
    }

    static Duration seconds(final int s)
    {
        return Duration.ofSeconds(s);
    }

    @Override
    public void close()
    {
        client.onTransportClosed(null);
        worker.onTransportClosed(null);
    }

    /**
     * One direction: frames in, a stream out to the far session.
     */
    static final class Pipe implements FrameSink
    {
        private static final byte[] CLOSED = new byte[0];

        private final LinkedBlockingQueue<byte[]> frames = new LinkedBlockingQueue<>();
        private final String name;
        private final SplittableRandom random;
        private volatile boolean closed;
        volatile int framesSent;

        Pipe(final String name, final long seed)
        {
            this.name = name;
            this.random = new SplittableRandom(seed);
        }

        void start(final RpcSession far, final int maxFrameLength)
        {
            final FrameAssembler assembler = new FrameAssembler(maxFrameLength, 64, far);
            Thread.ofPlatform().daemon().name(name).start(() -> pump(far, assembler));
        }

        @Override
        public synchronized void send(final byte[] buffer, final int offset, final int length)
        {
            if (closed)
            {
                throw new IllegalStateException(name + " is closed");
            }
            framesSent++;
            frames.add(Arrays.copyOfRange(buffer, offset, offset + length));
        }

        /**
         * Puts raw bytes on the stream, as a peer that does not follow the protocol would.
         */
        void inject(final byte[] bytes)
        {
            frames.add(bytes.clone());
        }

        @Override
        public void close()
        {
            closed = true;
            frames.add(CLOSED);
        }

        private void pump(final RpcSession far, final FrameAssembler assembler)
        {
            boolean fromSegment = false;
            try
            {
                while (true)
                {
                    byte[] first = frames.take();
                    if (first == CLOSED)
                    {
                        far.onTransportClosed(null);
                        return;
                    }
                    // gather what is queued into one stream chunk, so pieces cross frame boundaries
                    byte[] chunk = first;
                    byte[] next;
                    boolean end = false;
                    while ((next = frames.poll()) != null)
                    {
                        if (next == CLOSED)
                        {
                            end = true;
                            break;
                        }
                        final byte[] joined = Arrays.copyOf(chunk, chunk.length + next.length);
                        System.arraycopy(next, 0, joined, chunk.length, next.length);
                        chunk = joined;
                    }
                    int index = 0;
                    while (index < chunk.length)
                    {
                        final int left = chunk.length - index;
                        final int piece = random.nextBoolean() ? Math.min(left, 1 + random.nextInt(64)) :
                            1 + random.nextInt(left);
                        if (fromSegment)
                        {
                            final SharedBuffer segment = SharedBuffer.wrap(Arrays.copyOfRange(chunk, index - 3 < 0 ? 0 : index - 3, index + piece));
                            final int lead = index - 3 < 0 ? index : 3;
                            assembler.onBytes(segment, lead, piece);
                        }
                        else
                        {
                            assembler.onBytes(chunk, index, piece);
                        }
                        fromSegment = !fromSegment;
                        index += piece;
                    }
                    if (end)
                    {
                        far.onTransportClosed(null);
                        return;
                    }
                }
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
