package io.switchboard.cm.observe;

/**
 * One entry of the request-event ring: the facts of an HTTP exchange that ended, or of an RPC session that
 * opened or closed, copied by the I/O thread that saw it. Preallocated by the ring and overwritten in place,
 * so publishing allocates nothing: every variable-length fact is copied into a fixed-size array and cut at
 * its bound (the length kept is the copied one; {@link #targetTruncated} says the target was longer).
 * <pre>
 *   field                  written by the producer                 bound
 *   kind                   HTTP_EXCHANGE, RPC_SESSION_OPEN/CLOSE,   -
 *                          or CONTROL (an admin request)
 *   epochMs                System.currentTimeMillis() at the end    -
 *   durationNs             head complete (or first byte) to end     -
 *   queueWaitNs            waiting for a worker and channel; -1     -
 *                          when the request never queued
 *   status                 final status; 499 when the client left   -
 *   method[], methodLength the method token ('-' when unknown)      16 bytes
 *   target[], targetLength the request target as sent               1 KiB (TARGET_MAX_LENGTH)
 *   versionMinor           0 or 1 of HTTP/1.x; -1 when unknown      -
 *   receivedBytes          head and body bytes read                 -
 *   sentBytes              response bytes written (or left unsent)  -
 *   workerSlot             the worker slot that answered; -1        -
 *   application            the routed application's name, a shared  -
 *                          String never copied; null when none
 *   clientAddress[], ...   peer address bytes (4 or 16) and port    16 bytes
 *   requestId[], ...       the request id (X-Request-Id); 0: none   128 bytes
 *   referer[], userAgent[] the fields' values; 0: absent            256 bytes each
 *   control                a {@link ControlRequest} for CONTROL     -
 * </pre>
 * About 1.7 KiB an event; the ring holds {@link ObservabilitySettings#ringSize()} of them.
 * <p>
 * Not thread-safe: between a claim and its publish the event is the producer's, after it the consumer's
 * until the consumer's sequence passes it (the Disruptor's ordering).
 */
public final class RequestEvent
{
    public static final int HTTP_EXCHANGE = 1;
    public static final int RPC_SESSION_OPEN = 2;
    public static final int RPC_SESSION_CLOSE = 3;
    public static final int CONTROL = 4;

    public static final int METHOD_MAX_LENGTH = 16;
    public static final int TARGET_MAX_LENGTH = 1024;
    public static final int ADDRESS_MAX_LENGTH = 16;
    public static final int REQUEST_ID_MAX_LENGTH = 128;
    public static final int FIELD_MAX_LENGTH = 256;

    public int kind;
    public long epochMs;
    public long durationNs;
    public long queueWaitNs;
    public int status;
    /** {@code HttpMethod.ordinal()}, or -1 when the request line was not understood. */
    public int methodOrdinal;
    public final byte[] method = new byte[METHOD_MAX_LENGTH];
    public int methodLength;
    public final byte[] target = new byte[TARGET_MAX_LENGTH];
    public int targetLength;
    public boolean targetTruncated;
    public int versionMinor;
    public long receivedBytes;
    public long sentBytes;
    public int workerSlot;
    public String application;
    public final byte[] clientAddress = new byte[ADDRESS_MAX_LENGTH];
    public int clientAddressLength;
    public int clientPort;
    public final byte[] requestId = new byte[REQUEST_ID_MAX_LENGTH];
    public int requestIdLength;
    public final byte[] referer = new byte[FIELD_MAX_LENGTH];
    public int refererLength;
    public final byte[] userAgent = new byte[FIELD_MAX_LENGTH];
    public int userAgentLength;
    public ControlRequest control;

    /**
     * Clears what a producer may not set, so that nothing of an earlier event is read as this one's.
     */
    public void clear(final int kind)
    {
        this.kind = kind;
        epochMs = 0;
        durationNs = 0;
        queueWaitNs = -1;
        status = 0;
        methodOrdinal = -1;
        methodLength = 0;
        targetLength = 0;
        targetTruncated = false;
        versionMinor = -1;
        receivedBytes = 0;
        sentBytes = 0;
        workerSlot = -1;
        application = null;
        clientAddressLength = 0;
        clientPort = 0;
        requestIdLength = 0;
        refererLength = 0;
        userAgentLength = 0;
        control = null;
    }

    /**
     * Copies the target, cut at {@link #TARGET_MAX_LENGTH}.
     */
    public void target(final byte[] source, final int offset, final int length)
    {
        final int copied = Math.min(length, TARGET_MAX_LENGTH);
        System.arraycopy(source, offset, target, 0, copied);
        targetLength = copied;
        targetTruncated = copied < length;
    }

    public void method(final byte[] source, final int offset, final int length)
    {
        methodLength = copy(source, offset, length, method);
    }

    public void referer(final byte[] source, final int offset, final int length)
    {
        refererLength = copy(source, offset, length, referer);
    }

    public void userAgent(final byte[] source, final int offset, final int length)
    {
        userAgentLength = copy(source, offset, length, userAgent);
    }

    public void requestId(final byte[] source, final int length)
    {
        requestIdLength = copy(source, 0, length, requestId);
    }

    public void clientAddress(final byte[] address, final int length, final int port)
    {
        clientAddress(address, 0, length, port);
    }

    /**
     * @param offset where the address begins in {@code address} (an IPv4 address mapped into 16 bytes: 12).
     */
    public void clientAddress(final byte[] address, final int offset, final int length, final int port)
    {
        clientAddressLength = copy(address, offset, length, clientAddress);
        clientPort = port;
    }

    private static int copy(final byte[] source, final int offset, final int length, final byte[] into)
    {
        final int copied = Math.max(0, Math.min(length, into.length));
        System.arraycopy(source, offset, into, 0, copied);
        return copied;
    }
}
