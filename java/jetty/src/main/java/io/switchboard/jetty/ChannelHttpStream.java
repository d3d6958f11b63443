package io.switchboard.jetty;

import io.switchboard.rpc.thread.HandlerThreads;
import io.switchboard.worker.http.HttpRequest;
import io.switchboard.worker.http.HttpResponse;
import io.switchboard.worker.http.NonBlockingBody;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.MetaData;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.HttpChannel;
import org.eclipse.jetty.server.HttpStream;
import org.eclipse.jetty.util.Callback;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Jetty's view of one exchange on a channel, the transport seam a Jetty connection implements (as its FastCGI and
 * HTTP/2 transports do): Jetty reads the request body through {@link #read()} and {@link #demand()}, writes the
 * response through {@link #send}, and ends the exchange with {@link #succeeded()} or {@link #failed}.
 * <p>
 * Reading: the body frames the worker's poller copies out of the inbound ring ({@link NonBlockingBody}) become
 * content chunks; {@link #read()} never blocks, and a demand is called back when the poller hands over more, the
 * end, or the client's departure (a failure chunk).
 * <p>
 * Writing: the response head and body go straight into the channel's outbound ring ({@link HttpResponse}). A write
 * that finds the ring full waits until the CM has sent bytes on to the client, the client goes away, or the CM
 * closes the channel; then its callback completes. So that no platform thread waits for ring space, a write asked
 * for by a platform thread (an application's own executor) is done on a virtual thread; Jetty's own threads and
 * the exchange's handler thread are virtual and write in place. Nothing is buffered: the callback completes once
 * the bytes are in the ring, and Jetty asks for the next write only then.
 * <p>
 * Who writes: Jetty serialises sends (one at a time, the next after the previous callback), so the
 * {@link HttpResponse}, which is not thread-safe, sees one writer at a time; each callback's completion orders it
 * before the next.
 * <p>
 * Reuse: like the stream of Jetty's own HTTP/1.1 connection, one instance serves exchange after exchange, and
 * with it one Jetty channel ({@code HttpChannelState}, recycled when an exchange succeeds) and the servlet state
 * Jetty caches on that channel (its {@code ServletChannel}, output and locks), which would otherwise be made
 * again for every request. {@link #begin} takes an exchange, {@link #awaitCompletion} waits for its end; the
 * {@link JettyApplication}'s pool keeps the instances between exchanges. A stream whose exchange failed is
 * dropped, as Jetty's FastCGI transport drops its channel. Callbacks that outlive their exchange (the worker's
 * cancel action, a demand the body answers late) carry the number of the exchange they were made for and do
 * nothing once the stream has moved on: not the request object, which the worker reuses for the next request on
 * the same channel slot.
 */
final class ChannelHttpStream implements HttpStream
{
    private static final int RUNNING = 0;
    private static final int SUCCEEDED = 1;
    private static final int FAILED = 2;

    private final HttpChannel channel;
    private final ExchangeMetaData metaData;
    private final RequestMetaData requestMetaData = new RequestMetaData();
    private final Executor executor;
    private final Object writeLock = new Object();
    /** The exchange's request while it lasts; null between exchanges. */
    private volatile HttpRequest request;
    /** Counts the exchanges begun: late callbacks compare the one they were made for with it. */
    private volatile long exchange;
    private HttpResponse response;
    private NonBlockingBody body;
    private boolean headRequest;
    private volatile int state;
    private volatile Throwable failure;
    private volatile Thread waiter;
    private boolean writing;
    private Throwable writeCancelled;
    private Callback cancelCallback;
    private volatile long idleTimeoutMs;
    /**
     * Tasks this stream gave the executor (writes asked for by platform threads, content and cancel callbacks) that
     * have not returned. Jetty may complete an exchange inside one of them (a write's callback runs the servlet's
     * completion, which ends in {@link #succeeded()}) and then unwind through the channel's state: the stream goes
     * back to the pool only once they have all returned, or the next exchange would begin under a thread still in
     * the last one's code.
     */
    private final AtomicInteger tasksRunning = new AtomicInteger();

    ChannelHttpStream(final ChannelConnector connector, final HttpChannel.Factory channels, final Executor executor)
    {
        this.metaData = new ExchangeMetaData(connector);
        this.channel = channels.newHttpChannel(metaData);
        this.executor = executor;
    }

    /**
     * The handler's thread, before {@link #begin}: the exchange's head as Jetty's, with the fields this stream made
     * for earlier exchanges where they are the same.
     *
     * @throws org.eclipse.jetty.http.BadMessageException when Jetty refuses the Host.
     */
    MetaData.Request requestMetaData(final HttpRequest request)
    {
        return requestMetaData.of(request);
    }

    /**
     * The handler's thread: takes the next exchange; Jetty learns of it from {@link #channel()}.
     */
    void begin(final HttpRequest request, final HttpResponse response)
    {
        this.response = response;
        this.body = request.nonBlockingBody();
        this.headRequest = HttpMethod.HEAD.is(request.method());
        this.failure = null;
        this.waiter = Thread.currentThread();
        this.state = RUNNING;
        metaData.begin(request);
        synchronized (this)
        {
            exchange++;
            this.request = request;
        }
        // not channel.initialize(): onRequest does it, and each call wraps Jetty's compliance listener once more
        channel.setHttpStream(this);
    }

    /**
     * @return the number of the exchange begun last, for a callback that may run after it is over.
     */
    long exchange()
    {
        return exchange;
    }

    /**
     * @return whether {@code number}'s exchange is the one running (under this stream's lock).
     */
    private boolean isCurrent(final long number)
    {
        return request != null && exchange == number;
    }

    HttpChannel channel()
    {
        return channel;
    }

    /**
     * The handler's thread, the exchange over: late callbacks of this exchange find the stream moved on.
     */
    private void end()
    {
        synchronized (this)
        {
            request = null;
        }
        response = null;
        body = null;
        metaData.end();
    }

    @Override
    public String getId()
    {
        final HttpRequest current = request;
        return current == null ? "idle" : current.requestId();
    }

    @Override
    public Content.Chunk read()
    {
        final ByteBuffer chunk;
        try
        {
            chunk = body.poll();
        }
        catch (final IOException ex)
        {
            return Content.Chunk.from(new EofException(ex), true);
        }
        if (chunk == null)
        {
            return null;
        }
        if (chunk == NonBlockingBody.END)
        {
            return Content.Chunk.EOF;
        }
        return Content.Chunk.from(chunk, false);
    }

    @Override
    public void demand()
    {
        final long current = exchange;
        body.demand(() -> contentAvailable(current));
    }

    /**
     * Maybe on the poller's thread, which must not run application code: Jetty's reaction runs on a thread of its
     * own.
     */
    private void contentAvailable(final long demanded)
    {
        dispatch(() ->
        {
            final Runnable task;
            synchronized (this)
            {
                // a demand of an exchange already over must not wake the next one's reader
                task = isCurrent(demanded) ? channel.onContentAvailable() : null;
            }
            if (task != null)
            {
                task.run();
            }
        });
    }

    /**
     * The poller's thread: the client went away (or the CM gave up) on exchange {@code cancelled} (its
     * {@link #exchange()}) while its response was not done. Jetty fails the exchange, so a servlet learns it
     * ({@code AsyncListener.onError}, a failed read or write).
     */
    void cancelled(final long cancelled)
    {
        dispatch(() ->
        {
            final Runnable task;
            synchronized (this)
            {
                // the worker may cancel an exchange whose handler has returned, when this stream serves the next
                task = isCurrent(cancelled) ? channel.onRemoteFailure(new EofException("the client went away")) : null;
            }
            if (task != null)
            {
                task.run();
            }
        });
    }

    /**
     * Runs {@code task} on the executor, counted in {@link #tasksRunning} until it returns.
     */
    private void dispatch(final Runnable task)
    {
        tasksRunning.incrementAndGet();
        try
        {
            executor.execute(() ->
            {
                try
                {
                    task.run();
                }
                finally
                {
                    taskReturned();
                }
            });
        }
        catch (final RuntimeException ex)
        {
            // refused (the server stops): the task will not run
            taskReturned();
            throw ex;
        }
    }

    private void taskReturned()
    {
        if (tasksRunning.decrementAndGet() == 0)
        {
            LockSupport.unpark(waiter);
        }
    }

    @Override
    public void prepareResponse(final HttpFields.Mutable headers)
    {
        // the CM writes the status line, Date, Server and the framing
    }

    @Override
    public void send(
        final MetaData.Request request, final MetaData.Response metaData, final boolean last, final ByteBuffer content,
        final Callback callback)
    {
        if (metaData != null && HttpStatus.isInformational(metaData.getStatus()))
        {
            // 100 Continue is the CM's to send (it does when the client asked and has sent nothing yet); other
            // interim responses do not cross the channel
            callback.succeeded();
            return;
        }
        synchronized (writeLock)
        {
            writing = true;
        }
        if (HandlerThreads.isVirtual(Thread.currentThread()))
        {
            write(metaData, last, content, callback);
        }
        else
        {
            dispatch(() -> write(metaData, last, content, callback));
        }
    }

    private void write(final MetaData.Response metaData, final boolean last, final ByteBuffer content, final Callback callback)
    {
        Throwable failure = null;
        try
        {
            if (metaData != null)
            {
                commit(metaData, last, content);
            }
            final boolean bytes = content != null && content.hasRemaining() && !headRequest;
            if (bytes && last)
            {
                // the last bytes and the end in one hand-over to the CM, as a single write usually is
                response.end(content);
            }
            else if (bytes)
            {
                response.write(content);
            }
            else if (last)
            {
                response.end();
            }
        }
        catch (final Throwable ex)
        {
            failure = ex instanceof IOException io ? new EofException(io) : ex;
        }

        final Throwable cancelled;
        final Callback cancelledCallback;
        synchronized (writeLock)
        {
            writing = false;
            cancelled = writeCancelled;
            cancelledCallback = cancelCallback;
            writeCancelled = null;
            cancelCallback = null;
        }
        if (cancelled != null)
        {
            cancelledCallback.failed(cancelled);
        }
        else if (failure != null)
        {
            callback.failed(failure);
        }
        else
        {
            callback.succeeded();
        }
    }

    private void commit(final MetaData.Response metaData, final boolean last, final ByteBuffer content)
    {
        response.status(metaData.getStatus());
        long contentLength = -1;
        for (final HttpField field : metaData.getHttpFields())
        {
            final HttpHeader header = field.getHeader();
            if (header == HttpHeader.CONTENT_LENGTH)
            {
                contentLength = field.getLongValue();
            }
            else if (!isConnectionManagers(header))
            {
                response.header(field.getName(), field.getValue());
            }
        }
        final boolean bodyGiven = content != null && content.hasRemaining();
        if (contentLength < 0 && last && (bodyGiven || !headRequest))
        {
            // the whole body in one write: the CM can send a Content-Length instead of chunks (a HEAD answered
            // without a body and without a length says nothing of the length GET would have)
            contentLength = bodyGiven ? content.remaining() : 0;
        }
        if (contentLength >= 0)
        {
            // a HEAD's too: its head is the GET's; the worker and the CM send no body for it
            response.contentLength(contentLength);
        }
    }

    /**
     * @return whether the CM writes this field itself: framing, connection management, Date and Server.
     */
    private static boolean isConnectionManagers(final HttpHeader header)
    {
        if (header == null)
        {
            return false;
        }
        return switch (header)
        {
            case TRANSFER_ENCODING, CONNECTION, KEEP_ALIVE, PROXY_CONNECTION, UPGRADE, TE, TRAILER, DATE, SERVER -> true;
            default -> false;
        };
    }

    @Override
    public Runnable cancelSend(final Throwable cause, final Callback callback)
    {
        return () ->
        {
            synchronized (writeLock)
            {
                if (writing)
                {
                    // the write in progress copies from the application's buffer: it fails the callback when it
                    // returns (the ring gained room, or the client or CM ended the exchange), not before
                    writeCancelled = cause;
                    cancelCallback = callback;
                    return;
                }
            }
            callback.failed(cause);
        };
    }

    @Override
    public long getIdleTimeout()
    {
        return idleTimeoutMs;
    }

    @Override
    public void setIdleTimeout(final long idleTimeoutMs)
    {
        // the CM times the exchange (--response-timeout-ms); Jetty's value is kept for those who read it
        this.idleTimeoutMs = idleTimeoutMs;
    }

    @Override
    public boolean isCommitted()
    {
        final HttpResponse current = response;
        return current == null || current.isCommitted();
    }

    @Override
    public Throwable consumeAvailable()
    {
        return HttpStream.consumeAvailable(this, channel.getConnectionMetaData().getHttpConfiguration());
    }

    @Override
    public void succeeded()
    {
        // as Jetty's own connections do: the channel is ready for the next exchange before this one is declared
        // over (recycling breaks the application's hold on the request and response)
        channel.recycle();
        complete(SUCCEEDED);
    }

    @Override
    public void failed(final Throwable failure)
    {
        this.failure = failure;
        complete(FAILED);
    }

    private void complete(final int outcome)
    {
        state = outcome;
        LockSupport.unpark(waiter);
    }

    /**
     * The handler's thread: waits until Jetty has ended the exchange (an async servlet ends it on another thread)
     * and the tasks this stream dispatched have returned.
     *
     * @return true when the stream may serve another exchange: this one succeeded and the channel was recycled.
     * @throws IOException when Jetty failed it: the worker then aborts the response, or answers 500 if nothing was
     *                     sent. The stream is not to be used again.
     */
    boolean awaitCompletion() throws IOException, InterruptedException
    {
        while (state == RUNNING || tasksRunning.get() > 0)
        {
            LockSupport.park(this);
            if (Thread.interrupted())
            {
                end();
                throw new InterruptedException("interrupted while Jetty served " + this);
            }
        }
        final boolean succeeded = state == SUCCEEDED;
        final Throwable failed = failure;
        end();
        if (!succeeded)
        {
            throw new IOException("Jetty failed the exchange: " + failed, failed);
        }
        return true;
    }

    @Override
    public String toString()
    {
        final HttpRequest current = request;
        return current == null ? "ChannelHttpStream[idle]" :
            "ChannelHttpStream[" + current.method() + " " + current.path() + " " + current.requestId() + "]";
    }
}
