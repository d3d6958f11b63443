package io.switchboard.cm.net;

import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingReader;
import io.switchboard.protocol.rpc.RpcChannelFrameType;
import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.protocol.rpc.RpcFrameScanner;

import java.io.IOException;
import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Worker to client: relays an open session's outbound ring to the client's socket. Each ring message is one RPC
 * frame, or a fragment of one longer than a ring frame; each is checked by a {@link RpcFrameScanner} (the segment
 * is not trusted) and written from the ring to the socket. Small ones are gathered in the output buffer, so that
 * a batch leaves in one write; a larger one leaves in one gathering write with what the buffer holds.
 * <p>
 * The ring's space is given back when a batch has been handled, so what the socket did not take of a frame is
 * copied into the output buffer. That buffer must never overflow: each batch is limited to the bytes it has room
 * for ({@link RingReader#read(FrameHandler, int, int)}), and the relay reads no more once the buffer is half full.
 * A half holds the largest ring frame, so a batch always makes progress. A socket that takes nothing more thus
 * stops the relay with the rest in the ring, and the worker waits for space: backpressure.
 * <pre>
 *   output buffer:  [ pending bytes ... | batch room: out.remaining() ]
 *                   0             position <= capacity / 2          capacity
 * </pre>
 * Not thread-safe: belongs to one connection, on its I/O thread.
 */
final class RpcOutboundPump
{
    /** Frames up to this size are copied into the output buffer, so that a batch leaves in one write. */
    private static final int COPY_THRESHOLD = 4096;
    private static final int FRAMES_PER_BATCH = 64;
    /** The longest GOODBYE message the CM writes. */
    private static final int MAX_GOODBYE_MESSAGE_LENGTH = 1024;

    private final IoThread io;
    private final SocketChannel socket;
    private final ByteBuffer out;
    private final SharedBuffer outSegment;
    private final ByteBuffer[] gather = new ByteBuffer[2];
    private final RpcFrameScanner scanner;
    private final FrameHandler streamHandler = this::onStreamFrame;

    /**
     * @param out            the connection's output buffer, ready for filling: it may hold the WELCOME.
     * @param maxFrameLength the session's, whole frames.
     */
    RpcOutboundPump(final IoThread io, final SocketChannel socket, final ByteBuffer out, final int maxFrameLength)
    {
        this.io = io;
        this.socket = socket;
        this.out = out;
        this.outSegment = SharedBuffer.wrap(out.duplicate().clear());
        this.scanner = new RpcFrameScanner(maxFrameLength);
    }

    /**
     * Relays what the worker wrote until the ring is empty or the output buffer is half full; the caller flushes.
     *
     * @return ring messages relayed.
     * @throws BadWorkerFrame when a message is not a well-formed part of the stream.
     * @throws io.switchboard.ipc.ring.RingCorruptedException when the worker broke the ring itself.
     * @throws ClientGone when the client's socket failed.
     */
    int relay(final RingReader reader)
    {
        // the batch's room below is at least a half: enough for the largest ring frame, so each read makes progress
        assert out.capacity() - io.buffers().flushThreshold() >= reader.maxPayloadLength() :
            "output buffer of " + out.capacity() + " bytes cannot hold two ring frames of " + reader.maxPayloadLength();
        int frames = 0;
        while (out.position() <= io.buffers().flushThreshold())
        {
            final int n = reader.read(streamHandler, FRAMES_PER_BATCH, out.remaining());
            if (n == 0)
            {
                break;
            }
            frames += n;
        }
        return frames;
    }

    /**
     * @return whether the stream to the client is between two frames: a GOODBYE of the CM's may go next.
     */
    boolean atFrameBoundary()
    {
        return scanner.atFrameBoundary();
    }

    /**
     * @return what the worker's stream held so far: frames, answers, GOODBYE.
     */
    RpcFrameScanner scanner()
    {
        return scanner;
    }

    /**
     * Appends a GOODBYE to the output buffer, its message cut to what fits; nothing if not even the fixed fields do.
     * Only at a frame boundary of the stream.
     *
     * @return whether it was appended.
     */
    boolean appendGoodbye(final int code, final String message)
    {
        final byte[] text = message.getBytes(StandardCharsets.UTF_8);
        final int textLength = Math.min(text.length,
            Math.min(MAX_GOODBYE_MESSAGE_LENGTH, out.remaining() - RpcFrame.GOODBYE_MESSAGE_OFFSET));
        if (textLength < 0)
        {
            return false;
        }
        out.putInt(RpcFrame.GOODBYE_MESSAGE_OFFSET - RpcFrame.LENGTH_FIELD_LENGTH + textLength)
            .put((byte)RpcFrame.GOODBYE)
            .put((byte)0)
            .putShort((short)0)
            .putLong(0)
            .putLong(0)
            .putShort((short)code)
            .putShort((short)textLength)
            .put(text, 0, textLength);
        return true;
    }

    private void onStreamFrame(final SharedBuffer memory, final long offset, final int length, final int type,
        final int flags)
    {
        if (type != RpcChannelFrameType.STREAM)
        {
            throw new BadWorkerFrame("unexpected " + RpcChannelFrameType.name(type) + " in an open session");
        }
        final int at = Math.toIntExact(offset);
        if (scanner.scan(io.segmentBuffer(), at, length) != length)
        {
            throw new BadWorkerFrame(scanner.error());
        }
        if (length <= COPY_THRESHOLD && out.remaining() >= length)
        {
            memory.getBytes(offset, outSegment, out.position(), length);
            out.position(out.position() + length);
            return;
        }
        // zero copy: what is pending, then the ring's bytes, in one gathering write
        final ByteBuffer frame = io.ringView(offset, length);
        out.flip();
        gather[0] = out;
        gather[1] = frame;
        try
        {
            socket.write(gather, 0, 2);
        }
        catch (final IOException ex)
        {
            out.clear();
            throw new ClientGone();
        }
        finally
        {
            gather[1] = null;
        }
        // whatever the socket did not take is kept, and sent when it drains: the batch's byte limit
        // leaves room for all of this batch's frames (see relay)
        out.compact();
        if (frame.hasRemaining())
        {
            out.put(frame);
        }
    }
}
