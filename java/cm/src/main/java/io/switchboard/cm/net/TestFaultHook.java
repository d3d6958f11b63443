package io.switchboard.cm.net;

import io.switchboard.cm.http.RequestHead;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Lets a test throw an {@link Error} inside an I/O thread, to prove that no throwable leaves an instance
 * that reports "running" and serves nothing. Off unless the system property {@value #PROPERTY} is set when
 * the I/O thread is made: {@code connection} throws while handling a request for {@value #PATH} (the
 * connection is lost, the thread goes on), {@code loop} throws from the thread's loop itself, outside any
 * connection (the thread cannot go on, and the instance stops).
 * <p>
 * Not thread-safe: belongs to one {@link IoThread}.
 */
final class TestFaultHook
{
    static final String PROPERTY = "switchboard.test.ioFault";
    static final String PATH = "/__switchboard/test-fault";
    private static final byte[] PATH_BYTES = PATH.getBytes(StandardCharsets.US_ASCII);

    private final boolean inLoop;
    private boolean loopFaultDue;

    private TestFaultHook(final boolean inLoop)
    {
        this.inLoop = inLoop;
    }

    /**
     * @return the hook the system property asks for, or null (the usual case).
     */
    static TestFaultHook fromSystemProperty()
    {
        final String mode = System.getProperty(PROPERTY);
        if (mode == null)
        {
            return null;
        }
        return switch (mode)
        {
            case "connection" -> new TestFaultHook(false);
            case "loop" -> new TestFaultHook(true);
            default -> throw new IllegalArgumentException(PROPERTY + "=" + mode + ": expected connection or loop");
        };
    }

    void onRequest(final RequestHead head)
    {
        final byte[] buffer = head.buffer();
        final int from = head.pathOffset();
        if (!Arrays.equals(buffer, from, from + head.pathLength(), PATH_BYTES, 0, PATH_BYTES.length))
        {
            return;
        }
        if (inLoop)
        {
            loopFaultDue = true;
            return;
        }
        throw new Error("test fault in a connection's handling (" + PROPERTY + "=connection)");
    }

    void onLoop()
    {
        if (loopFaultDue)
        {
            loopFaultDue = false;
            throw new Error("test fault in the I/O loop (" + PROPERTY + "=loop)");
        }
    }
}
