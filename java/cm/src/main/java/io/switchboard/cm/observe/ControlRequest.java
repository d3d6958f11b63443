package io.switchboard.cm.observe;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A request of the admin listener that the handler thread must carry out, because it alone owns what the
 * request touches (the access log's file, the traffic window): it travels through the ring like an event,
 * in order with them, and the admin thread waits for its answer with a bounded wait.
 * <p>
 * Thread-safe: made and awaited by an admin thread, completed once by the handler thread.
 */
public final class ControlRequest
{
    public enum Kind
    {
        /** Close and reopen the access log file (after logrotate moved it). */
        REOPEN_ACCESS_LOG,
        /** Render the traffic section of the status document. */
        TRAFFIC
    }

    private final Kind kind;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean succeeded;
    private volatile String answer;

    public ControlRequest(final Kind kind)
    {
        this.kind = kind;
    }

    public Kind kind()
    {
        return kind;
    }

    /**
     * Handler thread: the request is carried out (or failed, {@code answer} saying why).
     */
    void complete(final boolean succeeded, final String answer)
    {
        this.succeeded = succeeded;
        this.answer = answer;
        done.countDown();
    }

    /**
     * @return whether it completed within the timeout.
     */
    boolean await(final long timeoutMs) throws InterruptedException
    {
        return done.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    boolean succeeded()
    {
        return succeeded;
    }

    String answer()
    {
        return answer;
    }
}
