package io.switchboard.tests.worker;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.ipc.channel.ChannelKind;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.process.ProcessIdentity;
import io.switchboard.ipc.ring.FrameDescriptor;
import io.switchboard.ipc.ring.RingWriter;
import io.switchboard.ipc.segment.SegmentLayout;
import io.switchboard.ipc.segment.WorkerSlots;
import io.switchboard.ipc.segment.WorkerState;
import io.switchboard.ipc.signal.SpinParkIdleStrategy;
import io.switchboard.protocol.http.HeadReader;
import io.switchboard.protocol.http.HeadWriter;
import io.switchboard.protocol.http.HttpFrameType;
import io.switchboard.protocol.http.HttpHeadDescriptor;
import io.switchboard.protocol.http.ResponseHead;
import io.switchboard.testsupport.JavaProcess;
import io.switchboard.testsupport.TempSegment;
import io.switchboard.worker.Worker;

import java.io.ByteArrayOutputStream;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The test JVM in the CM's role, speaking the channel protocol by hand to a
 * real worker JVM: opens a channel per request, sends the head and the body,
 * collects the response frames, releases the channel. Single-threaded.
 */
final class MiniCm implements AutoCloseable
{
    static final int WORKER_SLOT = 0;
    private static final long RESPONSE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private final TempSegment temp;
    private final ChannelTable channels;
    private final Doorbell doorbell;
    private final Path log;
    private final Process worker;

    MiniCm(final int channelCount, final int ringCapacity)
    {
        temp = TempSegment.create(new SegmentLayout(1, channelCount, ringCapacity, 1));
        channels = new ChannelTable(temp.segment());
        doorbell = temp.segment().cmDoorbell(0);
        log = JavaProcess.newLog("worker");
        worker = JavaProcess.start(Worker.class, log, "--segment", temp.name(), "--slot", Integer.toString(WORKER_SLOT));
        final WorkerSlots slots = new WorkerSlots(temp.segment());
        slots.claim(WORKER_SLOT, ProcessIdentity.of((int)worker.pid()));
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (slots.state(WORKER_SLOT) != WorkerState.READY)
        {
            if (!worker.isAlive() || System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("worker did not become READY\n" + workerLog());
            }
            Thread.onSpinWait();
        }
    }

    /**
     * A response as the frames delivered it.
     */
    record Response(ResponseHead head, byte[] body, int lastFrameType)
    {
        String text()
        {
            return new String(body, java.nio.charset.StandardCharsets.ISO_8859_1);
        }
    }

    long open()
    {
        final long id = channels.allocate(ChannelKind.HTTP, WORKER_SLOT, 0);
        if (id == ChannelId.NONE)
        {
            throw new IllegalStateException("no free channel");
        }
        return id;
    }

    ChannelEnd end(final long channelId)
    {
        return ChannelEnd.forCm(temp.segment(), ChannelId.slot(channelId), WORKER_SLOT);
    }

    void sendHead(final ChannelEnd end, final String application, final String method, final String target,
        final long contentLength, final boolean hasBody, final String... headers)
    {
        int length = HttpHeadDescriptor.REQUEST_FIXED_LENGTH + 6 + application.length() + method.length() + target.length();
        for (final String header : headers)
        {
            length += 2 + header.length();
        }
        final RingWriter writer = end.writer();
        final long at = writer.tryClaim(HttpFrameType.REQUEST_HEAD, FrameDescriptor.UNFRAGMENTED, length);
        if (at < 0)
        {
            throw new IllegalStateException("no room for a head in a fresh channel");
        }
        final HeadWriter head = new HeadWriter().wrap(temp.segment().memory().byteBuffer(at, length), 0)
            .requestFixed(1, hasBody ? HttpHeadDescriptor.FLAG_HAS_BODY : 0, headers.length / 2, contentLength)
            .putString(application).putString(method).putString(target);
        for (final String header : headers)
        {
            head.putString(header);
        }
        writer.commit();
        end.signalPeer();
    }

    /**
     * Sends {@code body} (may be empty) as REQUEST_BODY frames then REQUEST_END, while collecting
     * the response, so that a streaming echo cannot deadlock on full rings.
     */
    Response exchange(final long channelId, final ChannelEnd end, final byte[] body)
    {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        final ResponseHead[] head = new ResponseHead[1];
        final int[] last = {0};
        final SharedBuffer source = SharedBuffer.wrap(body);
        final SpinParkIdleStrategy idle = new SpinParkIdleStrategy(doorbell.eventCount(), doorbell, 0, 20_000, 2, 1_000_000L);
        int sent = 0;
        boolean endSent = body.length == 0;
        final long deadlineNs = System.nanoTime() + RESPONSE_TIMEOUT_NS;
        while (last[0] == 0)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("no complete response on " + ChannelId.toString(channelId) +
                    " within the timeout\n" + workerLog());
            }

            int work = 0;
            while (sent < body.length)
            {
                final int chunk = Math.min(body.length - sent, end.writer().maxPayloadLength());
                final long at = end.writer().tryClaim(HttpFrameType.REQUEST_BODY, FrameDescriptor.UNFRAGMENTED, chunk);
                if (at < 0)
                {
                    break;
                }
                source.getBytes(sent, temp.segment().memory(), at, chunk);
                end.writer().commit();
                sent += chunk;
                work++;
            }
            if (!endSent && sent == body.length)
            {
                if (end.writer().tryClaim(HttpFrameType.REQUEST_END, FrameDescriptor.UNFRAGMENTED, 0) >= 0)
                {
                    end.writer().commit();
                    endSent = true;
                    work++;
                }
            }
            if (work > 0)
            {
                end.signalPeer();
            }

            work += doorbell.poll(slot -> end.reader().read((buffer, offset, length, type, flags) ->
            {
                switch (type)
                {
                    case HttpFrameType.RESPONSE_HEAD -> head[0] = ResponseHead.decode(buffer, offset, length);
                    case HttpFrameType.RESPONSE_BODY -> received.writeBytes(buffer.toByteArray(offset, length));
                    default -> last[0] = type;
                }
            }, Integer.MAX_VALUE));
            idle.idle(work);
        }

        retire(channelId, end);
        return new Response(head[0], received.toByteArray(), last[0]);
    }

    /**
     * The release handshake, as the CM does it: CLOSING, ring the worker, release once it marked the channel done.
     */
    void retire(final long channelId, final ChannelEnd end)
    {
        channels.beginClose(channelId);
        end.signalPeer();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!channels.isWorkerDone(channelId))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new IllegalStateException("worker never marked " + ChannelId.toString(channelId) + " done\n" +
                    workerLog());
            }
            Thread.onSpinWait();
        }
        if (!channels.release(channelId))
        {
            throw new IllegalStateException("could not release " + ChannelId.toString(channelId));
        }
    }

    /**
     * Cancels out of band, as the CM does: CLOSING in the slot, and the worker's doorbell.
     */
    void cancel(final long channelId, final ChannelEnd end)
    {
        channels.beginClose(channelId);
        end.signalPeer();
    }

    Response get(final String application, final String target)
    {
        final long id = open();
        final ChannelEnd end = end(id);
        sendHead(end, application, "GET", target, 0, false, "Host", "localhost");
        return exchange(id, end, new byte[0]);
    }

    /**
     * Polls the CM doorbell once: for tests that read several channels themselves.
     */
    int doorbellPoll(final io.switchboard.ipc.doorbell.ReadyChannelHandler handler)
    {
        return doorbell.poll(handler);
    }

    ChannelTable channels()
    {
        return channels;
    }

    long workerPid()
    {
        return worker.pid();
    }

    Process worker()
    {
        return worker;
    }

    String workerLog()
    {
        try
        {
            return Files.readString(log);
        }
        catch (final Exception ex)
        {
            return "(no worker log: " + ex + ")";
        }
    }

    public void close()
    {
        JavaProcess.kill(worker);
        temp.close();
    }
}
