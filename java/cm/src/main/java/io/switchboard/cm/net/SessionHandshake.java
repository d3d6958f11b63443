package io.switchboard.cm.net;

import io.switchboard.ipc.channel.ChannelId;
import io.switchboard.protocol.rpc.HelloOptions;
import io.switchboard.protocol.rpc.RpcChannelFrameType;
import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.protocol.rpc.RpcHandshake;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The CM's part in opening a distributed session (docs/rpc-protocol.md, section 2): judges the client's HELLO,
 * settles the session's limits, asks the worker with SESSION_OPEN, reads its answer and writes the WELCOME.
 * <pre>
 *   client                    CM                                  worker
 *     HELLO -------------->  {@link #readHello}: version, application, options
 *                              (max frame length: the smaller of the client's and the CM's)
 *                            {@link #writeSessionOpen} ---------> SESSION_OPEN (session id, limits, application)
 *                            {@link #readWorkerAnswer} <--------- SESSION_ACCEPTED or SESSION_REJECTED
 *     WELCOME <------------ {@link #writeWelcome}
 * </pre>
 * Does no I/O of its own: the connection reads the socket and owns the buffers and the ring. A refusal is an
 * outcome, with its status and message kept here, not an exception.
 * <p>
 * Not thread-safe: belongs to one connection, on its I/O thread.
 */
final class SessionHandshake
{
    /** {@link #readHello}: the HELLO is not whole yet. */
    static final int INCOMPLETE = 0;
    /** The HELLO (or the worker's answer) opens the session. */
    static final int ACCEPTED = 1;
    /** The session is refused: {@link #refusalStatus()} and {@link #refusalMessage()} say why. */
    static final int REFUSED = 2;

    private final RpcSettings settings;
    private int maxFrameLength;
    private String affinity;
    private byte[] application;
    private int refusalStatus;
    private String refusalMessage;

    SessionHandshake(final RpcSettings settings)
    {
        this.settings = settings;
        this.maxFrameLength = settings.maxFrameLength();
    }

    /**
     * Reads the HELLO from the unread bytes of {@code in} (flipped), consuming it when whole, and judges it.
     *
     * @param stopping whether the CM is shutting down (then a well-formed HELLO is refused with status 4).
     * @return {@link #INCOMPLETE}, {@link #ACCEPTED} or {@link #REFUSED}.
     */
    int readHello(final ByteBuffer in, final boolean stopping)
    {
        final RpcHandshake.Hello hello;
        final Map<String, Object> options;
        try
        {
            hello = RpcHandshake.readHello(in);
            if (hello == null)
            {
                // the buffer holds the longest HELLO there is: this one is longer
                return in.limit() == in.capacity() && in.position() == 0 ?
                    refuse(RpcHandshake.STATUS_MALFORMED_HELLO, "HELLO longer than " + in.capacity() + " bytes") :
                    INCOMPLETE;
            }
            options = HelloOptions.parse(hello.options());
        }
        catch (final RpcHandshake.MalformedHandshakeException ex)
        {
            return refuse(RpcHandshake.STATUS_MALFORMED_HELLO, "malformed HELLO: " + ex.getMessage());
        }
        if (options.get(HelloOptions.AFFINITY) instanceof String text)
        {
            affinity = text;
        }
        final Object clientMaxFrame = options.get(HelloOptions.MAX_FRAME_LENGTH);
        if (clientMaxFrame != null)
        {
            if (!(clientMaxFrame instanceof Long length) || length < RpcFrame.MIN_MAX_FRAME_LENGTH)
            {
                return refuse(RpcHandshake.STATUS_MALFORMED_HELLO, "malformed HELLO: option " +
                    HelloOptions.MAX_FRAME_LENGTH + "=" + clientMaxFrame + " is not an unsigned integer of at least " +
                    RpcFrame.MIN_MAX_FRAME_LENGTH);
            }
            // docs/rpc-protocol.md 2.2: the largest frame either side may send is the smaller of the two
            maxFrameLength = (int)Math.min(length, settings.maxFrameLength());
        }
        if (hello.version() != RpcHandshake.VERSION)
        {
            return refuse(RpcHandshake.STATUS_UNSUPPORTED_VERSION, "version " + hello.version() +
                " is not spoken here; this CM speaks version " + RpcHandshake.VERSION);
        }
        if (!settings.applications().contains(hello.application()))
        {
            return refuse(RpcHandshake.STATUS_UNKNOWN_APPLICATION, "no application '" + hello.application() +
                "' is deployed for distributed sessions; deployed: " + settings.applications());
        }
        if (stopping)
        {
            return refuse(RpcHandshake.STATUS_SHUTTING_DOWN, "the connection manager is shutting down");
        }
        application = hello.application().getBytes(StandardCharsets.UTF_8);
        return ACCEPTED;
    }

    /**
     * @return the payload length of the SESSION_OPEN that {@link #writeSessionOpen} writes.
     */
    int sessionOpenLength()
    {
        return RpcChannelFrameType.OPEN_APPLICATION_OFFSET + application.length;
    }

    /**
     * Writes SESSION_OPEN's payload at {@code base}, space the connection claimed in the inbound ring.
     *
     * @param ring the I/O thread's view of the segment; left big-endian.
     */
    void writeSessionOpen(final ByteBuffer ring, final int base, final long sessionId)
    {
        // the I/O thread's buffer is shared: HeadWriter leaves it little-endian, the channel frames are big-endian
        ring.order(ByteOrder.BIG_ENDIAN);
        ring.putLong(base + RpcChannelFrameType.OPEN_SESSION_ID_OFFSET, sessionId);
        // the worker's session encodes nothing longer, so the client is never sent more than it asked for
        ring.putInt(base + RpcChannelFrameType.OPEN_MAX_FRAME_OFFSET, maxFrameLength);
        ring.putInt(base + RpcChannelFrameType.OPEN_MAX_CALLS_OFFSET, settings.maxCallsInFlight());
        ring.putShort(base + RpcChannelFrameType.OPEN_APPLICATION_LENGTH_OFFSET, (short)application.length);
        ring.put(base + RpcChannelFrameType.OPEN_APPLICATION_OFFSET, application);
    }

    /**
     * Reads the worker's first frame on the channel.
     *
     * @return {@link #ACCEPTED} or {@link #REFUSED} (with the worker's status and message).
     * @throws BadWorkerFrame when the frame is neither answer, or too short for a refusal.
     */
    int readWorkerAnswer(final SharedBuffer memory, final long offset, final int length, final int type)
    {
        switch (type)
        {
            case RpcChannelFrameType.SESSION_ACCEPTED ->
            {
                return ACCEPTED;
            }
            case RpcChannelFrameType.SESSION_REJECTED ->
            {
                if (length < RpcChannelFrameType.REJECTED_MESSAGE_OFFSET)
                {
                    throw new BadWorkerFrame("SESSION_REJECTED of " + length + " bytes");
                }
                final int status = memory.getShortBigEndian(offset + RpcChannelFrameType.REJECTED_STATUS_OFFSET) & 0xFFFF;
                final int textLength = Math.min(length - RpcChannelFrameType.REJECTED_MESSAGE_OFFSET,
                    RpcHandshake.MAX_WELCOME_MESSAGE_LENGTH);
                final byte[] text = memory.toByteArray(offset + RpcChannelFrameType.REJECTED_MESSAGE_OFFSET, textLength);
                // a refusal that says OK would open nothing: the client hears "no worker" and may retry
                return refuse(status == RpcHandshake.STATUS_OK ? RpcHandshake.STATUS_NO_WORKER : status,
                    new String(text, StandardCharsets.UTF_8));
            }
            default -> throw new BadWorkerFrame(
                "expected SESSION_ACCEPTED or SESSION_REJECTED, got " + RpcChannelFrameType.name(type));
        }
    }

    /**
     * Writes the WELCOME that opens the session on channel {@code sessionId} of worker {@code workerSlot}.
     */
    void writeWelcome(final ByteBuffer out, final long sessionId, final int workerSlot)
    {
        RpcHandshake.writeWelcome(out, RpcHandshake.STATUS_OK, maxFrameLength, settings.maxCallsInFlight(), sessionId,
            "session " + ChannelId.toString(sessionId) + " on worker " + workerSlot);
    }

    /**
     * Writes a WELCOME that refuses the session.
     */
    void writeRefusal(final ByteBuffer out, final int status, final String message)
    {
        RpcHandshake.writeWelcome(out, status, maxFrameLength, settings.maxCallsInFlight(), 0, message);
    }

    /**
     * @return the session's max frame length, whole frames in either direction: the CM's, or the client's if smaller.
     */
    int maxFrameLength()
    {
        return maxFrameLength;
    }

    /**
     * @return the client's affinity key (HELLO option), or null.
     */
    String affinity()
    {
        return affinity;
    }

    int refusalStatus()
    {
        return refusalStatus;
    }

    String refusalMessage()
    {
        return refusalMessage;
    }

    private int refuse(final int status, final String message)
    {
        refusalStatus = status;
        refusalMessage = message;
        return REFUSED;
    }
}
