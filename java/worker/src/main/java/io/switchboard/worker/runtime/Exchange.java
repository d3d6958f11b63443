package io.switchboard.worker.runtime;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.channel.ChannelTable;
import io.switchboard.ipc.memory.SharedBuffer;
import io.switchboard.protocol.http.HttpHeader;
import io.switchboard.protocol.http.ReusableRequestHead;
import io.switchboard.worker.http.HttpRequest;
import io.switchboard.worker.http.NonBlockingBody;

import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One request on one channel, from REQUEST_HEAD to the response's last frame:
 * the {@link HttpRequest} the handler reads, fed by the poller, and the
 * {@link ResponseStream} the handler writes.
 * <p>
 * Reused: the poller keeps one per channel slot and {@link #begin begins} the
 * slot's next request on it, with its body and response, once this one is over
 * (its handler returned and the channel was marked done: the CM reuses a slot
 * only then). A request, its body and its response were objects of their own
 * for every request. An application keeps none of them past its handler's return.
 */
final class Exchange implements HttpRequest
{
    private static final VarHandle HANDLER_THREAD;

    static
    {
        try
        {
            HANDLER_THREAD = MethodHandles.lookup().findVarHandle(Exchange.class, "handlerThread", Thread.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Read into by the poller for each request, before {@link #begin}. */
    private final ReusableRequestHead head = new ReusableRequestHead();
    private final RequestBody body;
    private final ResponseStream response;
    private long channelId;
    private ChannelEnd end;
    private String path;
    private String query;
    /** Made on the first call: most handlers never ask. A race makes two equal ones, which is harmless. */
    private InetSocketAddress remoteAddress;
    private InetAddress clientAddress;
    private volatile boolean cancelled;
    /** Set by the handler thread once it has returned, its final frame written; the poller reuses this exchange only then. */
    private volatile boolean responseDone = true;
    /** Set by whichever thread writes the response's final frame (END or ABORT), which may be before its handler returns. */
    private volatile boolean finalFrameWritten;
    /** Poller only: it has acted on the channel's CLOSING for this request. */
    private boolean closingSeen;
    private Runnable onResponseDone;
    private final AtomicReference<Runnable> onCancel = new AtomicReference<>();
    /** The dispatcher's task running this exchange's handler, made once for the exchange's lifetime of requests. */
    private Runnable handlerTask;
    /** Java 21+: the virtual thread running this object's requests, made with the first (poller's field). */
    private volatile HandlerLoop handlerLoop;
    /** The thread running the handler now, or null: the dispatcher interrupts it if it outlasts the worker's stop. */
    private volatile Thread handlerThread;
    /** The poller gave up on this object (the CM took its slot back from a handler still running) and made another. */
    private volatile boolean retired;
    private final ChannelTable channels;
    /**
     * The poller has read all it will read of the channel (the head of a request without a body, the body's end,
     * or the close) and is out of the ring: from then on the handler may mark the channel done itself as it returns.
     */
    private volatile boolean inboundRead;
    /** Taken by whichever of the poller and the handler marks this request's channel done: exactly one does. */
    private final AtomicBoolean doneMarkTaken = new AtomicBoolean();

    /**
     * @param resume tells the poller the body queue has room again.
     */
    Exchange(final ChannelTable channels, final SharedBuffer memory, final Runnable resume)
    {
        this.channels = channels;
        this.body = new RequestBody(resume);
        this.response = new ResponseStream(channels, memory, this);
    }

    /**
     * Poller: starts the next request on this exchange, whose head it has read into {@link #head()}; the previous
     * one is over ({@link #isResponseDone}).
     */
    void begin(final long channelId, final ChannelEnd end)
    {
        this.channelId = channelId;
        this.end = end;
        final String target = head.target();
        final int question = target.indexOf('?');
        this.path = question < 0 ? target : target.substring(0, question);
        this.query = question < 0 ? "" : target.substring(question + 1);
        remoteAddress = null;
        clientAddress = null;
        onCancel.set(null);
        cancelled = false;
        finalFrameWritten = false;
        closingSeen = false;
        inboundRead = false;
        doneMarkTaken.set(false);
        body.begin(head.hasBody());
        response.begin(end, channelId, "HEAD".equals(head.method()));
        // last: the handler thread reads the fields above after it sees the exchange (a thread start, or the
        // poller's own call)
        responseDone = false;
    }

    ResponseStream response()
    {
        return response;
    }

    /**
     * @return the thread that runs this object's requests (Java 21+), or null before the first.
     */
    HandlerLoop handlerLoop()
    {
        return handlerLoop;
    }

    void handlerLoop(final HandlerLoop loop)
    {
        this.handlerLoop = loop;
    }

    Runnable handlerTask()
    {
        return handlerTask;
    }

    void handlerTask(final Runnable task)
    {
        this.handlerTask = task;
    }

    Thread handlerThread()
    {
        return handlerThread;
    }

    void handlerThread(final Thread thread)
    {
        this.handlerThread = thread;
    }

    /**
     * Handler thread, at its end: forgets itself unless the next request's handler has already taken its place
     * (the poller may begin the next request as soon as the response is done, before this thread has left).
     */
    void handlerThreadEnded(final Thread thread)
    {
        // compared and cleared in one step: the next request's handler may take its place between a look and a store
        HANDLER_THREAD.compareAndSet(this, thread, null);
    }

    /**
     * Poller: this object serves no more requests; see {@link #isForgettable()}.
     */
    void retire()
    {
        retired = true;
        final HandlerLoop loop = handlerLoop;
        if (loop != null)
        {
            // its thread ends once the request it runs is over
            loop.stop();
        }
    }

    /**
     * @return whether the poller retired this object and its last handler has returned: nothing refers to it
     * any more but the dispatcher's list.
     */
    boolean isForgettable()
    {
        return retired && responseDone;
    }

    long channelId()
    {
        return channelId;
    }

    /**
     * @return the channel's worker end: the handler thread writes its outbound ring, the
     * poller reads its inbound ring.
     */
    ChannelEnd end()
    {
        return end;
    }

    RequestBody requestBody()
    {
        return body;
    }

    /**
     * Handler thread, its handler returned and the final frame written. If the poller has read all it will read
     * of the channel ({@link #inboundRead()}), as it has for a request without a body, the channel is marked done
     * here, so that the CM may reuse it without a round through the poller (a wake-up of the poller, and one more
     * of the CM, per request). Otherwise the poller is told, and marks the channel done once it has read all.
     * <p>
     * The exchange is declared done before the mark: the CM reuses the slot only after it, and the poller begins
     * the slot's next request on this object only if it sees it done. Nothing of this object is touched after
     * the mark, which the next request may already be using.
     */
    void responseDone()
    {
        if (inboundRead && takeDoneMark())
        {
            final long id = channelId;
            final ChannelEnd channelEnd = end;
            responseDone = true;
            channels.markWorkerDone(id);
            channelEnd.signalPeer();
            return;
        }
        responseDone = true;
        if (onResponseDone != null)
        {
            onResponseDone.run();
        }
    }

    /**
     * Poller: it has read the request's last inbound frame and returned from the ring; then it looks at
     * {@link #isResponseDone()}, so that one of the two sides always marks the channel done.
     */
    void inboundRead()
    {
        inboundRead = true;
    }

    /**
     * @return true for the one caller (handler or poller) that is to mark this request's channel done.
     */
    boolean takeDoneMark()
    {
        return !doneMarkTaken.get() && doneMarkTaken.compareAndSet(false, true);
    }

    boolean isResponseDone()
    {
        return responseDone;
    }

    void onResponseDone(final Runnable action)
    {
        this.onResponseDone = action;
    }

    /**
     * The response stream: its final frame is in the ring; the CM may relay it and close the channel before the
     * handler returns.
     */
    void finalFrameWritten()
    {
        finalFrameWritten = true;
    }

    /**
     * Poller: the CM closed the channel (CLOSING) while the handler still runs; acted on once per request.
     * <p>
     * If the final frame is written, the CM has only finished relaying the response: the handler, on its way out
     * (a Jetty exchange completes on the thread of its last write, after that write), is not told the client went
     * away, which would fail an exchange that succeeded (a servlet's {@code AsyncListener.onError} for a response
     * it completed). Only a request body it has not read to the end ends for it, so that no reader waits for bytes
     * that will not come. Otherwise the request is cancelled.
     */
    void channelClosing()
    {
        if (closingSeen)
        {
            return;
        }
        closingSeen = true;
        if (finalFrameWritten)
        {
            body.cancel();
            return;
        }
        cancel();
    }

    /**
     * Poller: the client went away or the CM gave up; the body's reader and the {@link #onCancel} action learn it.
     */
    void cancel()
    {
        cancelled = true;
        body.cancel();
        final Runnable action = onCancel.getAndSet(null);
        if (action != null)
        {
            action.run();
        }
    }

    public void onCancel(final Runnable action)
    {
        onCancel.set(action);
        // set, then look: cancel() sets the flag, then takes the action, so one of the two runs it
        if (cancelled)
        {
            final Runnable taken = onCancel.getAndSet(null);
            if (taken != null)
            {
                taken.run();
            }
        }
    }

    public NonBlockingBody nonBlockingBody()
    {
        return body;
    }

    ReusableRequestHead head()
    {
        return head;
    }

    public String method()
    {
        return head.method();
    }

    public String target()
    {
        return head.target();
    }

    public String path()
    {
        return path;
    }

    public String query()
    {
        return query;
    }

    public String queryParameter(final String name)
    {
        int start = 0;
        while (start <= query.length() && !query.isEmpty())
        {
            int end = query.indexOf('&', start);
            if (end < 0)
            {
                end = query.length();
            }
            final int equals = query.indexOf('=', start);
            final boolean hasValue = equals >= 0 && equals < end;
            final int nameEnd = hasValue ? equals : end;
            if (nameEnd - start == name.length() && query.startsWith(name, start))
            {
                return hasValue ? query.substring(equals + 1, end) : "";
            }
            start = end + 1;
        }
        return null;
    }

    public List<HttpHeader> headers()
    {
        return head.headers();
    }

    public String header(final String name)
    {
        // by index: the list is an unmodifiable view, whose iterator is an object a request (Jetty asks for the id)
        final List<HttpHeader> headers = head.headers();
        for (int i = 0, size = headers.size(); i < size; i++)
        {
            final HttpHeader header = headers.get(i);
            if (header.name().equalsIgnoreCase(name))
            {
                return header.value();
            }
        }
        return null;
    }

    public long contentLength()
    {
        return head.contentLength();
    }

    public InputStream body()
    {
        return body;
    }

    public boolean isCancelled()
    {
        return cancelled;
    }

    public InetSocketAddress remoteAddress()
    {
        InetSocketAddress address = remoteAddress;
        if (address == null)
        {
            address = head.remote().toSocketAddress();
            remoteAddress = address;
        }
        return address;
    }

    public InetAddress clientAddress()
    {
        InetAddress address = clientAddress;
        if (address == null)
        {
            address = head.client().toInetAddress();
            clientAddress = address;
        }
        return address;
    }

    public int remotePort()
    {
        return head.remote().port();
    }

    public String requestId()
    {
        return header("X-Request-Id");
    }
}
