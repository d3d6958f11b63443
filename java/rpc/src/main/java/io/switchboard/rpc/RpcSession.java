package io.switchboard.rpc;

import static io.switchboard.protocol.rpc.RpcFrame.CALL_ID_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.GOODBYE_CODE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.GOODBYE_MESSAGE_LENGTH_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.GOODBYE_MESSAGE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.HEADER_LENGTH;
import static io.switchboard.protocol.rpc.RpcFrame.LENGTH_FIELD_LENGTH;
import static io.switchboard.protocol.rpc.RpcFrame.OBJECT_ID_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.TYPE_OFFSET;

import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.protocol.rpc.RpcGoodbyeCode;
import io.switchboard.rpc.codec.BigEndian;
import io.switchboard.rpc.codec.MethodCodec;
import io.switchboard.rpc.codec.RemoteInterface;
import io.switchboard.rpc.stream.FrameHandler;
import io.switchboard.rpc.thread.HandlerThreads;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * One side of a distributed session (docs/rpc-protocol.md): the engine the client library and the worker runtime
 * both run, over any transport. The protocol is symmetric, and so is this class: either side calls the other's
 * objects through proxies, exports its own, releases, pings and says goodbye.
 * <p>
 * A transport gives the session a {@link FrameSink} for what it sends, and feeds it what it receives:
 * <pre>{@code
 * RpcSession session = RpcSession.builder(sink)
 *     .services(deployedServices)            // a worker's; a client's registry is empty
 *     .executor(executor)                    // where incoming calls run; virtual threads by default
 *     .limits(maxFrameLength, maxCallsInFlight)
 *     .sessionId(id)
 *     .build();
 * FrameAssembler assembler = new FrameAssembler(maxFrameLength, session);
 * assembler.onBytes(bytes, offset, length);  // reader thread: stream bytes, in pieces of any size
 * session.onTransportClosed(cause);          // the connection or channel is gone
 * }</pre>
 * {@link #onFrame} is called by one reader thread at a time. Everything else is thread-safe.
 * <p>
 * Incoming calls run on the executor, in the order received per object unless its service is
 * {@link ServiceOption#CONCURRENT}; calls to a {@link ServiceOption#NON_BLOCKING} service run inline on the reader
 * thread. Answers to this side's calls are decoded and completed on the reader thread: continuations attached to a
 * call's future run there too and must not block (use the {@code ...Async} variants for work that does).
 * <p>
 * The session ends once, by whichever comes first: {@link #close} (GOODBYE 0), the peer's GOODBYE, a protocol error
 * (GOODBYE 7 sent, saying what), or {@link #onTransportClosed}. Then every call in flight fails with
 * {@link SessionLostException}, every exported object is closed, and the sink is told ({@link FrameSink#close}).
 * <p>
 * This class keeps the session's life and checks each frame's header; the work is its parts':
 * <pre>
 *   RpcSession ----+-- OutgoingCalls   this side's calls and pings, their answers
 *    (life, frame  +-- IncomingCalls   the peer's calls: checked, decoded, run, answered
 *     headers)     +-- ObjectTable     exported objects, the peer's objects and their proxies
 *                  +-- FrameSender     encoding, the sink, GOODBYE last
 * </pre>
 */
public final class RpcSession implements FrameHandler, AutoCloseable
{
    /**
     * The default executor of incoming calls: a virtual thread each on Java 21+; before that a pool of
     * {@value HandlerThreads#DEFAULT_PLATFORM_THREADS} daemon platform threads, more calls waiting in line
     * ({@link HandlerThreads}).
     */
    public static final Executor VIRTUAL_THREAD_EXECUTOR =
        HandlerThreads.executor("rpc-call-", HandlerThreads.DEFAULT_PLATFORM_THREADS);
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);

    private static final ClassValue<MethodCodec> LOOKUP_CODECS = new ClassValue<>()
    {
        @Override
        protected MethodCodec computeValue(final Class<?> type)
        {
            RemoteInterface.of(type);
            return new MethodCodec("Registry.lookup", "lookup", new java.lang.reflect.Type[] {String.class}, type, null);
        }
    };

    private final int maxFrameLength;
    private final int maxCallsInFlight;
    private final long defaultDeadlineMs;
    private final long sessionId;
    private final String name;
    private final ExportedObject.ErrorReporter errors;
    private final SessionContext context;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CompletableFuture<SessionLostException> ended = new CompletableFuture<>();
    private volatile String closeReason;
    /** Why the peer announced the session's end (GOODBYE 9 read): no call starts from then on; null before. */
    private volatile String endingReason;

    private final ObjectTable objects;
    private final FrameSender sender;
    private final OutgoingCalls outgoing;
    private final IncomingCalls incoming;

    RpcSession(final RpcSessionBuilder builder)
    {
        this.maxFrameLength = builder.maxFrameLength;
        this.maxCallsInFlight = builder.maxCallsInFlight;
        this.defaultDeadlineMs = builder.defaultDeadline.toMillis();
        this.sessionId = builder.sessionId;
        this.name = builder.name != null ? builder.name : "session " + builder.sessionId;
        final BiConsumer<String, Throwable> errorHandler = builder.errorHandler;
        this.errors = (what, cause) -> errorHandler.accept(this.name + ": " + what, cause);
        this.context = new SessionContext()
        {
            @Override
            public long sessionId()
            {
                return sessionId;
            }

            @Override
            public RpcSession session()
            {
                return RpcSession.this;
            }
        };
        this.objects = new ObjectTable(this, closed, builder.services, builder.executor, errors, defaultDeadlineMs);
        this.sender = new FrameSender(this, builder.sink, closed, maxFrameLength, objects.references(), errors);
        this.outgoing = new OutgoingCalls(this, sender, closed, objects.references(), builder.answerWaiter,
            maxCallsInFlight);
        this.incoming = new IncomingCalls(this, sender, objects, builder.executor, maxCallsInFlight);
    }

    /**
     * @param sink where the session's frames go.
     */
    public static RpcSessionBuilder builder(final FrameSink sink)
    {
        return new RpcSessionBuilder(sink);
    }

    public long sessionId()
    {
        return sessionId;
    }

    public int maxFrameLength()
    {
        return maxFrameLength;
    }

    public int maxCallsInFlight()
    {
        return maxCallsInFlight;
    }

    public boolean isOpen()
    {
        return !closed.get();
    }

    /**
     * @return completed once, when the session ends or the peer announces its end (GOODBYE 9): with null when this
     * side ended it ({@link #close()}), else with the {@link SessionLostException} its calls fail with (the peer's
     * GOODBYE, a dropped transport, a protocol error). Completed on the thread that saw the end: dependants that may block belong on an executor of their own.
     */
    public CompletableFuture<SessionLostException> ended()
    {
        return ended;
    }

    /**
     * @return why the peer announced the end of the session (its GOODBYE 9: no call of this side starts from then
     * on, those sent already are answered), or null if it did not.
     */
    public String endingReason()
    {
        return endingReason;
    }

    /**
     * @return why the session ended, or null while it is open.
     */
    public String closeReason()
    {
        return closeReason;
    }

    SessionContext context()
    {
        return context;
    }

    OutgoingCalls outgoingCalls()
    {
        return outgoing;
    }

    // ------------------------------------------------------------------------------------------------------------
    // The API for callers
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Looks a service up in the peer's registry and returns a proxy of the new (or shared) object.
     *
     * @param iface the {@link Remote} interface to call it through: the deployed one, or a twin with the same method
     * names and argument counts (for example one whose methods return futures).
     * @throws NoSuchRemoteObjectException when the peer deploys no such service; its message names those it does.
     */
    public <T> T lookup(final String service, final Class<T> iface)
    {
        final MethodCodec codec = LOOKUP_CODECS.get(iface);
        return iface.cast(outgoing.invoke(objects.peerRegistry(), codec, new Object[] {service}, defaultDeadlineMs));
    }

    /**
     * Exports an object, so that passing it to the peer travels as a reference to it; objects implementing a
     * {@link Remote} interface are also exported when first passed. Exporting an object twice gives its first id.
     *
     * @param iface the remote interface the peer may call it through.
     * @param options {@link ServiceOption#CONCURRENT} and {@link ServiceOption#NON_BLOCKING} apply.
     * @return the object's id in this session.
     */
    public long export(final Object target, final Class<?> iface, final ServiceOption... options)
    {
        final RemoteInterface remote = RemoteInterface.of(iface);
        if (!iface.isInstance(target))
        {
            throw new IllegalArgumentException(target + " is not a " + iface.getName());
        }
        final List<ServiceOption> list = List.of(options);
        return objects.export(target, remote, list.contains(ServiceOption.CONCURRENT),
            list.contains(ServiceOption.NON_BLOCKING)).id();
    }

    /**
     * @return a proxy of the same remote object whose calls have another deadline; {@link Duration#ZERO} for none.
     */
    public <T> T withDeadline(final T proxy, final Duration deadline)
    {
        final RemoteObjectHandler handler = objects.ownHandler(proxy);
        checkDeadline(deadline);
        @SuppressWarnings("unchecked")
        final T copy = (T)Proxy.newProxyInstance(proxy.getClass().getClassLoader(), proxy.getClass().getInterfaces(),
            handler.withDeadline(deadline.toMillis()));
        return copy;
    }

    /**
     * Releases a proxy's remote object (RELEASE): the peer runs its close hook, and calls through any proxy of it
     * fail from then on. Releasing twice does nothing.
     */
    public void release(final Object proxy)
    {
        final long objectId = objects.release(proxy);
        if (objectId > 0)
        {
            sender.sendBare(RpcFrame.RELEASE, 0, objectId);
        }
    }

    /**
     * @return a future completed by the peer's PONG.
     */
    public CompletableFuture<Void> ping()
    {
        return outgoing.ping();
    }

    /**
     * Refuses calls from now on (ERROR 9, shutting down), while those already received run to their answers. A
     * worker does this to its sessions when it drains.
     */
    public void stopAcceptingCalls()
    {
        incoming.stopAccepting();
    }

    /**
     * @return false once {@link #stopAcceptingCalls} was called.
     */
    public boolean isAcceptingCalls()
    {
        return incoming.isAccepting();
    }

    /**
     * Ends the session normally: GOODBYE 0.
     */
    @Override
    public void close()
    {
        close(RpcGoodbyeCode.NORMAL, "goodbye");
    }

    /**
     * Ends the session with a GOODBYE of this code and message.
     */
    public void close(final int goodbyeCode, final String message)
    {
        terminate("this side said goodbye (" + RpcGoodbyeCode.name(goodbyeCode) + ": " + message + ")", null,
            goodbyeCode, message);
    }

    /**
     * The transport is gone (connection dropped, channel closed, worker dead): ends the session without a GOODBYE.
     *
     * @param cause what the transport saw, or null.
     */
    public void onTransportClosed(final Throwable cause)
    {
        terminate("the transport closed" + (cause == null ? "" : " (" + cause + ")"), cause, -1, null);
    }

    public int outgoingCallsInFlight()
    {
        return outgoing.size();
    }

    public int incomingCallsInFlight()
    {
        return incoming.size();
    }

    /**
     * @return objects of this side the peer may call, the registry not counted.
     */
    public int exportedObjectCount()
    {
        return objects.exportedCount();
    }

    @Override
    public String toString()
    {
        return name;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Incoming frames
    // ------------------------------------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     * <p>
     * One whole frame from the peer; called by one reader thread at a time. Its header is checked here, then the
     * frame goes to the part it concerns. Calls to non-blocking services run on this thread; everything else is
     * handed on.
     */
    @Override
    public void onFrame(final byte[] buffer, final int offset, final int length)
    {
        if (closed.get())
        {
            return;
        }
        if (length < HEADER_LENGTH)
        {
            protocolError("a frame of " + length + " bytes, shorter than the " + HEADER_LENGTH + "-byte header");
            return;
        }
        final long lengthField = BigEndian.u32(buffer, offset);
        final int type = BigEndian.u8(buffer, offset + TYPE_OFFSET);
        if (lengthField + LENGTH_FIELD_LENGTH != length)
        {
            protocolError(RpcFrame.typeName(type) + " frame's length field says " + lengthField + ", the frame has " +
                (length - LENGTH_FIELD_LENGTH) + " bytes after it");
            return;
        }
        if (length > maxFrameLength)
        {
            protocolError(RpcFrame.typeName(type) + " frame of " + length + " bytes, over the session's maximum of " +
                maxFrameLength);
            return;
        }
        if (!RpcFrame.isKnownType(type))
        {
            protocolError("unknown frame type " + type);
            return;
        }
        if (lengthField < RpcFrame.minLengthField(type))
        {
            protocolError(RpcFrame.typeName(type) + " frame truncated: " + length + " bytes, at least " +
                (RpcFrame.minLengthField(type) + LENGTH_FIELD_LENGTH) + " needed");
            return;
        }
        final long callId = BigEndian.i64(buffer, offset + CALL_ID_OFFSET);
        final long objectId = BigEndian.i64(buffer, offset + OBJECT_ID_OFFSET);
        try
        {
            switch (type)
            {
                case RpcFrame.CALL -> incoming.onCall(buffer, offset, length, callId, objectId);
                case RpcFrame.RESULT, RpcFrame.ERROR -> outgoing.onAnswer(type, buffer, offset, length, callId);
                case RpcFrame.CANCEL -> incoming.onCancel(callId);
                case RpcFrame.RELEASE -> objects.onRelease(objectId);
                case RpcFrame.PING -> sender.sendBare(RpcFrame.PONG, callId, 0);
                case RpcFrame.PONG -> outgoing.onPong(callId);
                default -> onGoodbye(buffer, offset, length);
            }
        }
        catch (final RuntimeException ex)
        {
            errors.report("failed to handle a " + RpcFrame.typeName(type) + " frame (call " + callId + ", object " +
                objectId + ")", ex);
        }
    }

    /**
     * {@inheritDoc}
     * <p>
     * Ends the session with GOODBYE 7.
     */
    @Override
    public void onMalformedStream(final String reason)
    {
        protocolError(reason);
    }

    private void onGoodbye(final byte[] buffer, final int offset, final int length)
    {
        final int code = BigEndian.u16(buffer, offset + GOODBYE_CODE_OFFSET);
        final int messageLength = BigEndian.u16(buffer, offset + GOODBYE_MESSAGE_LENGTH_OFFSET);
        final String message = GOODBYE_MESSAGE_OFFSET + messageLength <= length ?
            new String(buffer, offset + GOODBYE_MESSAGE_OFFSET, messageLength, StandardCharsets.UTF_8) :
            "(message truncated)";
        final String reason = "the peer said goodbye (" + RpcGoodbyeCode.name(code) + ": " + message + ")";
        if (code == RpcGoodbyeCode.SHUTTING_DOWN)
        {
            onEndingNotice(reason);
            return;
        }
        terminate(reason, null, -1, null);
    }

    /**
     * The peer's GOODBYE 9 (docs/rpc-protocol.md 3.3): a notice, not yet the end. Calls this side sent before reading
     * it may have crossed it on the wire; the peer still answers them. So: no call starts from now on (each fails
     * with {@link SessionLostException} at once), {@link #ended()} tells the application now, so that it opens a new
     * session elsewhere, and once this side's calls are answered and the peer's calls to it (callbacks made while
     * serving them) have their answers, this side says its own GOODBYE 0 and the session ends.
     */
    private void onEndingNotice(final String reason)
    {
        endingReason = reason;
        ended.complete(new SessionLostException("SESSION_LOST: " + this + " is ending: " + reason));
        onCallSettled();
    }

    /**
     * A call either way was answered, or failed locally: after the peer's GOODBYE 9, the last one ends the session.
     */
    void onCallSettled()
    {
        if (endingReason != null && !closed.get() && outgoing.size() == 0 && incoming.size() == 0)
        {
            close(RpcGoodbyeCode.NORMAL, "every call answered after the peer's notice: " + endingReason);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The end
    // ------------------------------------------------------------------------------------------------------------

    /**
     * Ends the session with GOODBYE 7 saying {@code what}.
     */
    void protocolError(final String what)
    {
        terminate("protocol error: " + what, null, RpcGoodbyeCode.PROTOCOL_ERROR, what);
    }

    /**
     * The sink threw: the transport is lost.
     */
    void transportFailed(final RuntimeException failure)
    {
        terminate("the transport failed to send (" + failure + ")", failure, -1, null);
    }

    private void terminate(final String reason, final Throwable cause, final int goodbyeCode, final String goodbye)
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        closeReason = reason;
        if (goodbyeCode >= 0)
        {
            sender.sendGoodbye(goodbyeCode, goodbye);
        }
        outgoing.failAll(reason, cause);
        incoming.abandonAll();
        objects.closeAll();
        sender.closeSink();
        // this side's own close is no loss; a protocol error this side found is (the peer's state is unknown)
        final boolean byThisSide = goodbyeCode >= 0 && goodbyeCode != RpcGoodbyeCode.PROTOCOL_ERROR;
        ended.complete(byThisSide ? null :
            new SessionLostException("SESSION_LOST: " + this + " ended: " + reason, cause));
    }

    static void checkDeadline(final Duration deadline)
    {
        final long ms = deadline.toMillis();
        if (ms < 0 || ms > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("deadline=" + deadline + ": 0 (none) to 2^32-1 ms");
        }
    }
}
