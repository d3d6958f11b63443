package io.switchboard.client;

import io.switchboard.rpc.stream.FrameAssembler;
import io.switchboard.rpc.stream.FrameHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SocketReaderTest
{
    /**
     * Three callers wait as followers behind the pump; one read delivers the first two answers. The woken
     * follower finds its answer there and leaves: it must pass the turn on, or the third never gets a reader.
     */
    @Test
    void aFollowerWhoseAnswerCameWithAnotherPassesTheTurnOn() throws Exception
    {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept())
        {
            final CompletableFuture<?>[] calls = {
                new CompletableFuture<>(), new CompletableFuture<>(), new CompletableFuture<>(), new CompletableFuture<>()};
            final FrameHandler handler = completing(calls);
            final SocketReader reader = new SocketReader(client, client.getInputStream(),
                new CoalescingWriter(client.getOutputStream(), failure -> { }, () -> { }), failure -> { }, "test-pump");
            reader.start(new FrameAssembler(1 << 20, handler));
            // the pump has read nothing yet and holds the token, blocked in read
            Thread.sleep(100);

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            final Thread[] callers = new Thread[3];
            final boolean[] answered = new boolean[4];
            for (int i = 1; i <= 3; i++)
            {
                final int id = i;
                callers[i - 1] = Thread.ofPlatform().start(() ->
                {
                    try
                    {
                        reader.await(calls[id], deadlineNs);
                        answered[id] = calls[id].isDone();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                });
                Thread.sleep(100);
            }

            final OutputStream out = server.getOutputStream();
            out.write(concat(answer(1), answer(2)));
            out.flush();
            Thread.sleep(300);
            out.write(answer(3));
            out.flush();
            for (final Thread caller : callers)
            {
                caller.join(10_000);
            }
            assertTrue(answered[1] && answered[2], "the first two answers arrived");
            assertTrue(answered[3], "the third caller got a reader before its deadline");
            reader.stop();
        }
    }

    /**
     * Code run by the reader while it delivers (a future's continuation, a non-blocking service) must not make a
     * synchronous call: it would wait for an answer only it could read. It gets a clear error, not a hang.
     */
    @Test
    void aSynchronousCallFromTheDeliveringThreadIsRefused() throws Exception
    {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept())
        {
            final AtomicReference<Throwable> refused = new AtomicReference<>();
            final CompletableFuture<Void> delivered = new CompletableFuture<>();
            final SocketReader[] reader = new SocketReader[1];
            final FrameHandler handler = new FrameHandler()
            {
                public void onFrame(final byte[] buffer, final int offset, final int length)
                {
                    try
                    {
                        reader[0].await(new CompletableFuture<>(), System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
                    }
                    catch (final Throwable ex)
                    {
                        refused.set(ex);
                    }
                    delivered.complete(null);
                }

                public void onMalformedStream(final String reason)
                {
                    throw new AssertionError(reason);
                }
            };
            reader[0] = new SocketReader(client, client.getInputStream(),
                new CoalescingWriter(client.getOutputStream(), failure -> { }, () -> { }), failure -> { }, "test-pump");
            reader[0].start(new FrameAssembler(1 << 20, handler));

            server.getOutputStream().write(answer(1));
            delivered.get(10, TimeUnit.SECONDS);
            assertInstanceOf(IllegalStateException.class, refused.get());
            reader[0].stop();
        }
    }

    /**
     * A delivery woke two callers, so the frames of the next calls are held for both; one never calls again. The
     * one who did must still get its answer: whoever sleeps with frames held sees that they go out, a follower
     * while the leader sleeps in read (here the pump reads when the first call is made), or the leader before its
     * read (the second call, made while the pump keeps away).
     */
    @Test
    void aFrameHeldForCallersWhoNeverComeStillGoesOut() throws Exception
    {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept())
        {
            final CompletableFuture<?>[] calls = {new CompletableFuture<>(), new CompletableFuture<>(),
                new CompletableFuture<>(), new CompletableFuture<>()};
            final FrameHandler handler = completing(calls);
            final Thread answering = Thread.ofPlatform().daemon().start(() -> answerEveryCall(server));
            final CoalescingWriter writer = new CoalescingWriter(client.getOutputStream(), failure -> { }, () -> { });
            final SocketReader reader = new SocketReader(client, client.getInputStream(), writer, failure -> { },
                "test-pump");
            reader.start(new FrameAssembler(1 << 20, handler));
            Thread.sleep(100);

            for (int id = 1; id <= 3; id++)
            {
                if (id != 2)
                {
                    writer.expectCaller();
                    writer.expectCaller();
                }
                final byte[] call = answer(id);
                writer.sendAwaited(call, 0, call.length);
                reader.await(calls[id], System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
                assertTrue(calls[id].isDone(), "call " + id + " was answered: its frame did not stay held");
            }
            reader.stop();
            answering.interrupt();
        }
    }

    /**
     * The pump keeps away for a while after a synchronous call, so that a thread calling again leads; an async call
     * made in that while must not wait it out: nobody else would read its answer. The linger is made a minute long
     * here: the answer comes at once, or the test times out.
     */
    @Test
    void anAsyncCallRightAfterASynchronousOneIsReadAtOnce() throws Exception
    {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept())
        {
            final CompletableFuture<?>[] calls = {new CompletableFuture<>(), new CompletableFuture<>(),
                new CompletableFuture<>()};
            final FrameHandler handler = completing(calls);
            final Thread answering = Thread.ofPlatform().daemon().start(() -> answerEveryCall(server));
            final CoalescingWriter writer = new CoalescingWriter(client.getOutputStream(), failure -> { }, () -> { });
            final SocketReader reader = new SocketReader(client, client.getInputStream(), writer, failure -> { },
                "test-pump", TimeUnit.MINUTES.toNanos(1));
            reader.start(new FrameAssembler(1 << 20, handler));

            final byte[] sync = answer(1);
            writer.sendAwaited(sync, 0, sync.length);
            reader.await(calls[1], System.nanoTime() + TimeUnit.SECONDS.toNanos(20));
            assertTrue(calls[1].isDone(), "the synchronous call was answered");

            final byte[] async = answer(2);
            writer.send(async, 0, async.length);
            reader.asyncCallSent();
            calls[2].get(20, TimeUnit.SECONDS);
            reader.stop();
            answering.interrupt();
        }
    }

    /**
     * Completes {@code calls[id]} for each answer frame, the call id at offset 8.
     */
    private static FrameHandler completing(final CompletableFuture<?>[] calls)
    {
        return new FrameHandler()
        {
            public void onFrame(final byte[] buffer, final int offset, final int length)
            {
                calls[(int)ByteBuffer.wrap(buffer, offset + 8, 8).getLong()].complete(null);
            }

            public void onMalformedStream(final String reason)
            {
                throw new AssertionError(reason);
            }
        };
    }

    /**
     * Answers every 24-byte frame with a 24-byte frame of the same call id.
     */
    private static void answerEveryCall(final Socket server)
    {
        try
        {
            final java.io.DataInputStream in = new java.io.DataInputStream(server.getInputStream());
            final OutputStream out = server.getOutputStream();
            final byte[] frame = new byte[24];
            while (true)
            {
                in.readFully(frame);
                out.write(answer(ByteBuffer.wrap(frame, 8, 8).getLong()));
                out.flush();
            }
        }
        catch (final java.io.IOException ignore)
        {
            // the test is over
        }
    }

    private static byte[] answer(final long callId)
    {
        return ByteBuffer.allocate(24).putInt(20).put((byte)2).put((byte)0).putShort((short)0).putLong(callId).putLong(0)
            .array();
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        return ByteBuffer.allocate(a.length + b.length).put(a).put(b).array();
    }
}
