package io.switchboard.rpc;

import static io.switchboard.protocol.rpc.RpcFrame.CALL_DEADLINE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.CALL_ID_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.CALL_METHOD_LENGTH_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.CALL_METHOD_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.ERROR_CODE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.ERROR_PAYLOAD_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.GOODBYE_CODE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.GOODBYE_MESSAGE_LENGTH_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.GOODBYE_MESSAGE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.HEADER_LENGTH;
import static io.switchboard.protocol.rpc.RpcFrame.LENGTH_FIELD_LENGTH;
import static io.switchboard.protocol.rpc.RpcFrame.OBJECT_ID_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.TYPE_OFFSET;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.switchboard.protocol.rpc.RpcErrorCode;
import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.protocol.rpc.RpcGoodbyeCode;
import io.switchboard.rpc.codec.BigEndian;
import io.switchboard.rpc.codec.CborArrayHeader;
import io.switchboard.rpc.codec.ErrorPayload;
import io.switchboard.rpc.codec.FrameBuffer;
import io.switchboard.rpc.codec.MethodCodec;
import io.switchboard.rpc.codec.ObjectReferences;
import io.switchboard.rpc.codec.PayloadCodec;
import io.switchboard.rpc.codec.RemoteInterface;
import io.switchboard.rpc.codec.RemoteRef;
import io.switchboard.rpc.stream.FrameHandler;
import java.io.IOException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 */
public final class RpcSession implements FrameHandler, AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(RpcSession.class.getName());
    private static final ThreadFactory VIRTUAL_THREADS = Thread.ofVirtual().name("rpc-call-", 0).factory();
    /** The default executor of incoming calls: a virtual thread each. */
    public static final Executor VIRTUAL_THREAD_EXECUTOR = task -> VIRTUAL_THREADS.newThread(task).start();
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(30);
    private static final long SEND_DRAIN_TIMEOUT_NS = 1_000_000_000L;

    private static final ClassValue<MethodCodec> LOOKUP_CODECS = new ClassValue<>()
    {
        @Override
        protected MethodCodec computeValue(final Class<?> type)
        {
            RemoteInterface.of(type);
            return new MethodCodec("Registry.lookup", "lookup", new java.lang.reflect.Type[] {String.class}, type, null);
        }
    };

    private final FrameSink sink;
    private final Executor executor;
    private final int maxFrameLength;
    private final int maxCallsInFlight;
    private final long defaultDeadlineMs;
    private final long sessionId;
    private final String name;
    private final AnswerWaiter answerWaiter;
    private final BiConsumer<String, Throwable> errorHandler;
    private final ExportedObject.ErrorReporter errors;
    private final EncoderPool encoders;
    private final SessionContext context;
    private final ObjectReferences references = new References();

    private final LongHashTable<OutgoingCall> outgoing;
    private final LongHashTable<IncomingCall> incoming;
    private final AtomicLong nextCallId = new AtomicLong(1);
    private final LongHashTable<CompletableFuture<Void>> pings = new LongHashTable<>(4);
    private final AtomicLong nextPing = new AtomicLong(1);

    private final Object objectsLock = new Object();
    private final ExportedObject registry;
    private final LongHashTable<ExportedObject> exported = new LongHashTable<>(16);
    private final Map<Object, ExportedObject> exportedByTarget = new IdentityHashMap<>();
    private long nextObjectId = 1;
    private final ImportedObject peerRegistry = new ImportedObject(0);
    private final LongHashTable<ImportedObject> imported = new LongHashTable<>(16);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger sendsInProgress = new AtomicInteger();
    private volatile boolean acceptingCalls = true;
    private volatile String closeReason;

    private RpcSession(final Builder builder)
    {
        this.sink = builder.sink;
        this.executor = builder.executor;
        this.maxFrameLength = builder.maxFrameLength;
        this.maxCallsInFlight = builder.maxCallsInFlight;
        this.defaultDeadlineMs = builder.defaultDeadline.toMillis();
        this.sessionId = builder.sessionId;
        this.name = builder.name != null ? builder.name : "session " + builder.sessionId;
        this.answerWaiter = builder.answerWaiter;
        this.errorHandler = builder.errorHandler;
        this.errors = (what, cause) -> errorHandler.accept(this.name + ": " + what, cause);
        this.encoders = new EncoderPool(maxFrameLength);
        this.outgoing = new LongHashTable<>(Math.min(maxCallsInFlight, 1024));
        this.incoming = new LongHashTable<>(Math.min(maxCallsInFlight, 1024));
        final SessionContext ownContext = new SessionContext()
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
        this.context = ownContext;
        if (builder.services == DeployedServices.none())
        {
            final Registry.Empty empty = new Registry.Empty()
            {
            };
            this.registry = new ExportedObject(0, empty, RemoteInterface.of(Registry.Empty.class), true, false, executor);
        }
        else
        {
            this.registry = new ExportedObject(0, new ServiceDirectory(this, builder.services),
                RemoteInterface.of(Registry.class), true, false, executor);
        }
    }

    /**
     * @param sink where the session's frames go.
     */
    public static Builder builder(final FrameSink sink)
    {
        return new Builder(sink);
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
        return iface.cast(invoke(peerRegistry, codec, new Object[] {service}, defaultDeadlineMs));
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
        return exportObject(target, remote, list.contains(ServiceOption.CONCURRENT),
            list.contains(ServiceOption.NON_BLOCKING)).id();
    }

    /**
     * @return a proxy of the same remote object whose calls have another deadline; {@link Duration#ZERO} for none.
     */
    public <T> T withDeadline(final T proxy, final Duration deadline)
    {
        final RemoteObjectHandler handler = ownHandler(proxy);
        final long ms = deadline.toMillis();
        if (ms < 0 || ms > 0xFFFF_FFFFL)
        {
            throw new IllegalArgumentException("deadline=" + deadline + ": 0 (none) to 2^32-1 ms");
        }
        @SuppressWarnings("unchecked")
        final T copy = (T)Proxy.newProxyInstance(
            proxy.getClass().getClassLoader(), proxy.getClass().getInterfaces(), handler.withDeadline(ms));
        return copy;
    }

    /**
     * Releases a proxy's remote object (RELEASE): the peer runs its close hook, and calls through any proxy of it
     * fail from then on. Releasing twice does nothing.
     */
    public void release(final Object proxy)
    {
        final ImportedObject object = ownHandler(proxy).imported();
        if (object.id() == 0)
        {
            return;
        }
        synchronized (imported)
        {
            if (object.isReleased())
            {
                return;
            }
            object.markReleased();
            if (imported.get(object.id()) == object)
            {
                imported.remove(object.id());
            }
        }
        sendBare(RpcFrame.RELEASE, 0, object.id());
    }

    /**
     * @return a future completed by the peer's PONG.
     */
    public CompletableFuture<Void> ping()
    {
        final CompletableFuture<Void> pong = new CompletableFuture<>();
        final long number = nextPing.getAndIncrement();
        pings.putIfAbsentBelow(number, pong, Integer.MAX_VALUE);
        if (closed.get())
        {
            pings.remove(number);
            pong.completeExceptionally(new SessionLostException("SESSION_LOST: " + name + " ended: " + closeReason));
            return pong;
        }
        sendBare(RpcFrame.PING, number, 0);
        return pong;
    }

    /**
     * Refuses calls from now on (ERROR 9, shutting down), while those already received run to their answers.
     */
    public void stopAcceptingCalls()
    {
        acceptingCalls = false;
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
        return exported.size();
    }

    @Override
    public String toString()
    {
        return name;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Outgoing calls
    // ------------------------------------------------------------------------------------------------------------

    Object invoke(final ImportedObject target, final MethodCodec method, final Object[] args, final long deadlineMs)
    {
        if (target.isReleased() && !closed.get())
        {
            final RemoteException failure = new NoSuchRemoteObjectException(
                "NO_SUCH_OBJECT: " + method.qualifiedName() + " on object " + target.id() + ": the proxy was released");
            if (method.isAsync())
            {
                return CompletableFuture.failedFuture(failure);
            }
            throw failure;
        }
        final OutgoingCall call = startCall(target.id(), method, args, deadlineMs);
        if (method.isAsync())
        {
            if (!call.isDone())
            {
                answerWaiter.asyncCallSent();
            }
            if (deadlineMs > 0 && !call.isDone())
            {
                call.timer = DeadlineTimer.schedule(call::expire, deadlineMs);
                if (call.isDone())
                {
                    call.timer.cancel();
                }
            }
            return call;
        }
        return await(call);
    }

    private OutgoingCall startCall(final long objectId, final MethodCodec method, final Object[] args,
        final long deadlineMs)
    {
        final long callId = nextCallId.getAndIncrement();
        final OutgoingCall call = new OutgoingCall(this, callId, objectId, method, deadlineMs);
        if (closed.get())
        {
            call.completeExceptionally(new SessionLostException(
                "SESSION_LOST: " + call.where() + " not sent: " + name + " ended: " + closeReason));
            return call;
        }
        if (!outgoing.putIfAbsentBelow(callId, call, maxCallsInFlight))
        {
            call.completeExceptionally(new LimitExceededException("LIMIT_EXCEEDED: " + call.where() + " not sent: " +
                maxCallsInFlight + " calls already in flight to the peer, the session's maximum"));
            return call;
        }
        if (closed.get())
        {
            // the session ended between the check and the put, after its drain: nobody else will fail this call
            call.completeExceptionally(new SessionLostException(
                "SESSION_LOST: " + call.where() + " not sent: " + name + " ended: " + closeReason));
            return call;
        }
        final FrameEncoder encoder = encoders.acquire();
        final ObjectReferences previous = PayloadCodec.bind(references);
        RemoteException failure = null;
        try
        {
            encoder.call(callId, objectId, deadlineMs, method, args);
        }
        catch (final IOException | RuntimeException ex)
        {
            failure = isFrameTooLong(ex) ?
                new LimitExceededException("LIMIT_EXCEEDED: " + call.where() + " not sent: " + rootMessage(ex), ex) :
                new BadArgumentsException("BAD_ARGUMENTS: " + call.where() + " not sent: its arguments do not " +
                    "encode: " + rootMessage(ex), ex);
        }
        finally
        {
            PayloadCodec.unbind(previous);
        }
        if (failure == null)
        {
            transmit(encoder, !method.isAsync());
        }
        encoders.release(encoder);
        if (failure != null)
        {
            call.completeExceptionally(failure);
        }
        return call;
    }

    private Object await(final OutgoingCall call)
    {
        if (!call.isDone())
        {
            final long deadlineMs = call.deadlineMs();
            final long deadlineNs = deadlineMs > 0 ? System.nanoTime() + deadlineMs * 1_000_000L : Long.MAX_VALUE;
            call.waiter = Thread.currentThread();
            try
            {
                answerWaiter.await(call, deadlineNs);
            }
            catch (final InterruptedException ex)
            {
                call.cancel(true);
                Thread.currentThread().interrupt();
                throw new CallCancelledException("CANCELLED: " + call.where() + ": the calling thread was interrupted");
            }
            if (!call.isDone())
            {
                call.expire();
            }
        }
        switch (call.state())
        {
            case SUCCESS:
                return call.resultNow();
            case CANCELLED:
                throw new CallCancelledException("CANCELLED: " + call.where() + " was cancelled");
            default:
                final Throwable failure = call.exceptionNow();
                if (failure instanceof RuntimeException runtime)
                {
                    // made on the reader or timer thread: show the caller's stack instead
                    runtime.fillInStackTrace();
                    throw runtime;
                }
                throw new RemoteInternalException(RpcErrorCode.INTERNAL, call.where() + " failed: " + failure, failure);
        }
    }

    /**
     * A sync call's waiting thread is about to be woken with its answer.
     */
    void answered()
    {
        answerWaiter.answered();
    }

    void forgetOutgoing(final long callId)
    {
        outgoing.remove(callId);
    }

    void sendCancel(final long callId)
    {
        sendBare(RpcFrame.CANCEL, callId, 0);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Incoming frames
    // ------------------------------------------------------------------------------------------------------------

    /**
     * {@inheritDoc}
     * <p>
     * One whole frame from the peer; called by one reader thread at a time. Calls to non-blocking services run
     * here; everything else is handed on.
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
                case RpcFrame.CALL -> onCall(buffer, offset, length, callId, objectId);
                case RpcFrame.RESULT, RpcFrame.ERROR -> onAnswer(type, buffer, offset, length, callId);
                case RpcFrame.CANCEL -> onCancel(callId);
                case RpcFrame.RELEASE -> onRelease(objectId);
                case RpcFrame.PING -> sendBare(RpcFrame.PONG, callId, 0);
                case RpcFrame.PONG -> onPong(callId);
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

    private void onCall(final byte[] buffer, final int offset, final int length, final long callId,
        final long objectId)
    {
        final int end = offset + length;
        final long deadlineMs = BigEndian.u32(buffer, offset + CALL_DEADLINE_OFFSET);
        final int nameLength = BigEndian.u16(buffer, offset + CALL_METHOD_LENGTH_OFFSET);
        final int nameOffset = offset + CALL_METHOD_OFFSET;
        final int argsOffset = nameOffset + nameLength;
        if (argsOffset > end)
        {
            protocolError("CALL " + callId + " truncated: its method name of " + nameLength +
                " bytes runs past the frame's end");
            return;
        }
        if (argsOffset == end)
        {
            protocolError("CALL " + callId + " truncated: no argument array after the method name");
            return;
        }
        if (callId == 0)
        {
            protocolError("CALL with call id 0; call ids start at 1");
            return;
        }
        if (incoming.get(callId) != null)
        {
            protocolError("CALL " + callId + " while a call with that id is in flight");
            return;
        }
        if (!acceptingCalls)
        {
            sendError(callId, RpcErrorCode.SHUTTING_DOWN, "SHUTTING_DOWN: " + name + " takes no new calls");
            return;
        }
        if (incoming.size() >= maxCallsInFlight)
        {
            sendError(callId, RpcErrorCode.LIMIT_EXCEEDED, "LIMIT_EXCEEDED: call " + callId + " to object " +
                objectId + " refused: " + maxCallsInFlight + " of your calls are already in flight");
            return;
        }
        final ExportedObject target = exportedObject(objectId);
        if (target == null)
        {
            sendError(callId, RpcErrorCode.NO_SUCH_OBJECT, "NO_SUCH_OBJECT: call " + callId + " to object " + objectId +
                " (" + methodName(buffer, nameOffset, nameLength) + "): no such object here, never exported or released");
            return;
        }
        final MethodCodec method = target.remote().find(buffer, nameOffset, nameLength);
        if (method == null)
        {
            sendError(callId, RpcErrorCode.NO_SUCH_METHOD, "NO_SUCH_METHOD: " + target + " has no remote method '" +
                methodName(buffer, nameOffset, nameLength) + "'");
            return;
        }
        final long declared = CborArrayHeader.count(buffer, argsOffset, end);
        if (declared == CborArrayHeader.NOT_AN_ARRAY)
        {
            protocolError("CALL " + callId + " to " + method.qualifiedName() + ": arguments are not a CBOR array");
            return;
        }
        if (declared != CborArrayHeader.INDEFINITE && declared != method.parameterCount())
        {
            sendError(callId, RpcErrorCode.NO_SUCH_METHOD, "NO_SUCH_METHOD: " + target + " has no remote method '" +
                method.name() + "' taking " + declared + " arguments (it takes " + method.parameterCount() + ")");
            return;
        }
        final Object[] args;
        final ObjectReferences previous = PayloadCodec.bind(references);
        try (JsonParser parser = PayloadCodec.factory().createParser(buffer, argsOffset, end - argsOffset))
        {
            parser.nextToken();
            args = method.readArguments(parser);
        }
        catch (final StreamReadException ex)
        {
            protocolError("CALL " + callId + " to " + method.qualifiedName() + ": arguments are not well-formed CBOR (" +
                ex.getOriginalMessage() + ")");
            return;
        }
        catch (final IOException | RuntimeException ex)
        {
            sendError(callId, RpcErrorCode.BAD_ARGUMENTS, "BAD_ARGUMENTS: arguments of " + method.qualifiedName() +
                " on object " + objectId + " do not fit its parameter types: " + rootMessage(ex));
            return;
        }
        finally
        {
            PayloadCodec.unbind(previous);
        }
        final IncomingCall call = new IncomingCall(this, callId, target, method, args);
        incoming.putIfAbsentBelow(callId, call, Integer.MAX_VALUE);
        if (deadlineMs > 0)
        {
            call.timer = DeadlineTimer.schedule(() -> executor.execute(() -> call.stop(RpcErrorCode.DEADLINE_EXCEEDED,
                "DEADLINE_EXCEEDED: " + call.where() + " had not answered within its deadline of " + deadlineMs +
                " ms")), deadlineMs);
        }
        target.dispatch(call);
    }

    private void onAnswer(final int type, final byte[] buffer, final int offset, final int length, final long callId)
    {
        final OutgoingCall call = outgoing.get(callId);
        if (call == null)
        {
            if (callId <= 0 || callId >= nextCallId.get())
            {
                protocolError(RpcFrame.typeName(type) + " for call " + Long.toUnsignedString(callId) +
                    ", which this side never sent");
            }
            // else: an answer after the caller gave up (deadline, cancel): ignored, as the protocol says
            return;
        }
        final int payloadOffset = offset + (type == RpcFrame.RESULT ? HEADER_LENGTH : ERROR_PAYLOAD_OFFSET);
        final ObjectReferences previous = PayloadCodec.bind(references);
        try (JsonParser parser = PayloadCodec.factory().createParser(buffer, payloadOffset, offset + length - payloadOffset))
        {
            if (type == RpcFrame.RESULT)
            {
                call.complete(call.method().readResult(parser));
            }
            else
            {
                final int code = BigEndian.u16(buffer, offset + ERROR_CODE_OFFSET);
                final ErrorPayload error = ErrorPayload.read(parser);
                call.completeExceptionally(
                    RemoteException.fromError(code, error.message(), error.type(), error.stack(), call.where()));
            }
        }
        catch (final StreamReadException ex)
        {
            protocolError(RpcFrame.typeName(type) + " for call " + callId + " (" + call.where() +
                "): payload is not well-formed CBOR (" + ex.getOriginalMessage() + ")");
        }
        catch (final IOException | RuntimeException ex)
        {
            call.completeExceptionally(new RemoteInternalException(RpcErrorCode.INTERNAL, "the answer of " +
                call.where() + " does not decode to its declared type: " + rootMessage(ex), ex));
        }
        finally
        {
            PayloadCodec.unbind(previous);
        }
    }

    private void onCancel(final long callId)
    {
        final IncomingCall call = incoming.get(callId);
        if (call != null)
        {
            call.stop(RpcErrorCode.CANCELLED, "CANCELLED: " + call.where() + " was cancelled by its caller");
        }
    }

    private void onRelease(final long objectId)
    {
        if (objectId == 0)
        {
            return;
        }
        final ExportedObject object;
        synchronized (objectsLock)
        {
            object = exported.remove(objectId);
            if (object != null)
            {
                exportedByTarget.remove(object.target());
            }
        }
        if (object != null)
        {
            object.close(errors);
        }
    }

    private void onPong(final long number)
    {
        final CompletableFuture<Void> pong = pings.remove(number);
        if (pong != null)
        {
            pong.complete(null);
        }
    }

    private void onGoodbye(final byte[] buffer, final int offset, final int length)
    {
        final int code = BigEndian.u16(buffer, offset + GOODBYE_CODE_OFFSET);
        final int messageLength = BigEndian.u16(buffer, offset + GOODBYE_MESSAGE_LENGTH_OFFSET);
        final String message = GOODBYE_MESSAGE_OFFSET + messageLength <= length ?
            new String(buffer, offset + GOODBYE_MESSAGE_OFFSET, messageLength, StandardCharsets.UTF_8) :
            "(message truncated)";
        terminate("the peer said goodbye (" + RpcGoodbyeCode.name(code) + ": " + message + ")", null, -1, null);
    }

    private static String methodName(final byte[] buffer, final int offset, final int length)
    {
        return new String(buffer, offset, length, StandardCharsets.UTF_8);
    }

    void forgetIncoming(final long callId)
    {
        incoming.remove(callId);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Objects
    // ------------------------------------------------------------------------------------------------------------

    private ExportedObject exportedObject(final long objectId)
    {
        if (objectId == 0)
        {
            return registry;
        }
        return exported.get(objectId);
    }

    ExportedObject exportService(final DeployedServices.Definition definition, final Object target)
    {
        return exportObject(target, definition.remote(), definition.has(ServiceOption.CONCURRENT),
            definition.has(ServiceOption.NON_BLOCKING));
    }

    private ExportedObject exportObject(final Object target, final RemoteInterface remote, final boolean concurrent,
        final boolean nonBlocking)
    {
        Objects.requireNonNull(target, "target");
        synchronized (objectsLock)
        {
            final ExportedObject existing = exportedByTarget.get(target);
            if (existing != null)
            {
                return existing;
            }
            if (closed.get())
            {
                throw new SessionLostException("SESSION_LOST: cannot export " + remote + ": " + name + " ended: " +
                    closeReason);
            }
            final ExportedObject object = new ExportedObject(
                nextObjectId++, target, remote, concurrent, nonBlocking, executor);
            exported.putIfAbsentBelow(object.id(), object, Integer.MAX_VALUE);
            exportedByTarget.put(target, object);
            return object;
        }
    }

    private Object proxyFor(final long objectId, final Class<?> type)
    {
        final ImportedObject object;
        if (objectId == 0)
        {
            object = peerRegistry;
        }
        else
        {
            synchronized (imported)
            {
                final ImportedObject known = imported.get(objectId);
                if (known != null)
                {
                    object = known;
                }
                else
                {
                    object = new ImportedObject(objectId);
                    imported.putIfAbsentBelow(objectId, object, Integer.MAX_VALUE);
                }
            }
        }
        final RemoteInterface remote = RemoteInterface.of(type);
        return object.proxy(type, t -> Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t},
            new RemoteObjectHandler(this, object, remote, defaultDeadlineMs)));
    }

    private RemoteObjectHandler ownHandler(final Object proxy)
    {
        final RemoteObjectHandler handler = RemoteObjectHandler.of(proxy);
        if (handler == null || handler.session() != this)
        {
            throw new IllegalArgumentException(proxy + " is not a proxy of " + name);
        }
        return handler;
    }

    /**
     * How payloads of this session refer to objects.
     */
    private final class References implements ObjectReferences
    {
        @Override
        public RemoteRef refFor(final Object value)
        {
            final RemoteObjectHandler handler = RemoteObjectHandler.of(value);
            if (handler != null)
            {
                if (handler.session() != RpcSession.this)
                {
                    throw new IllegalArgumentException("a proxy of " + handler.session() + " cannot travel in " + name);
                }
                if (handler.imported().isReleased())
                {
                    throw new IllegalArgumentException("object " + handler.imported().id() + " was released");
                }
                return new RemoteRef(RemoteRef.RECEIVER, handler.imported().id());
            }
            final ExportedObject object = exportObject(value, RemoteInterface.ofImplementation(value.getClass()),
                false, false);
            return new RemoteRef(RemoteRef.SENDER, object.id());
        }

        @Override
        public Object resolve(final RemoteRef ref, final Class<?> type)
        {
            if (ref.owner() == RemoteRef.SENDER)
            {
                return proxyFor(ref.id(), type);
            }
            final ExportedObject object = exportedObject(ref.id());
            if (object == null)
            {
                throw new IllegalArgumentException("a reference to object " + ref.id() + " of this side, which has none " +
                    "such (never exported, or released)");
            }
            if (!type.isInstance(object.target()))
            {
                throw new IllegalArgumentException("object " + ref.id() + " of this side is not a " + type.getName());
            }
            return object.target();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Sending
    // ------------------------------------------------------------------------------------------------------------

    void sendResult(final long callId, final MethodCodec method, final Object value, final String where)
    {
        final FrameEncoder encoder = encoders.acquire();
        final ObjectReferences previous = PayloadCodec.bind(references);
        Exception failure = null;
        try
        {
            encoder.result(callId, method, value);
        }
        catch (final IOException | RuntimeException ex)
        {
            failure = ex;
        }
        finally
        {
            PayloadCodec.unbind(previous);
        }
        if (failure == null)
        {
            transmit(encoder);
        }
        encoders.release(encoder);
        if (failure != null)
        {
            if (isFrameTooLong(failure))
            {
                sendError(callId, RpcErrorCode.LIMIT_EXCEEDED, "LIMIT_EXCEEDED: the result of " + where + ": " +
                    rootMessage(failure));
            }
            else
            {
                errors.report("the result of " + where + " does not encode", failure);
                sendError(callId, RpcErrorCode.INTERNAL, "INTERNAL: the result of " + where +
                    " does not encode as its declared type: " + rootMessage(failure));
            }
        }
    }

    void sendApplicationError(final long callId, final Throwable thrown, final String where)
    {
        final FrameEncoder encoder = encoders.acquire();
        try
        {
            encoder.applicationError(callId, RpcErrorCode.APPLICATION, thrown);
            transmit(encoder);
        }
        catch (final IOException | RuntimeException ex)
        {
            errors.report("the exception of " + where + " does not encode", ex);
        }
        finally
        {
            encoders.release(encoder);
        }
    }

    void sendError(final long callId, final int code, final String message)
    {
        final FrameEncoder encoder = encoders.acquire();
        try
        {
            encoder.error(callId, code, message);
            transmit(encoder);
        }
        catch (final IOException | RuntimeException ex)
        {
            errors.report("ERROR " + code + " for call " + callId + " does not encode", ex);
        }
        finally
        {
            encoders.release(encoder);
        }
    }

    private void sendBare(final int type, final long callId, final long objectId)
    {
        final FrameEncoder encoder = encoders.acquire();
        encoder.bare(type, callId, objectId);
        transmit(encoder);
        encoders.release(encoder);
    }

    /**
     * Hands a frame to the sink, unless the session ended. A sink that throws has lost its transport: the session
     * ends.
     */
    private void transmit(final FrameEncoder encoder)
    {
        transmit(encoder, false);
    }

    /**
     * @param awaited the sending thread waits for the answer right after (a synchronous call).
     */
    private void transmit(final FrameEncoder encoder, final boolean awaited)
    {
        sendsInProgress.incrementAndGet();
        try
        {
            if (closed.get())
            {
                return;
            }
            if (awaited)
            {
                sink.sendAwaited(encoder.array(), 0, encoder.length());
            }
            else
            {
                sink.send(encoder.array(), 0, encoder.length());
            }
        }
        catch (final RuntimeException ex)
        {
            terminate("the transport failed to send (" + ex + ")", ex, -1, null);
        }
        finally
        {
            sendsInProgress.decrementAndGet();
        }
    }

    private void protocolError(final String what)
    {
        terminate("protocol error: " + what, null, RpcGoodbyeCode.PROTOCOL_ERROR, what);
    }

    // ------------------------------------------------------------------------------------------------------------
    // The end
    // ------------------------------------------------------------------------------------------------------------

    private void terminate(final String reason, final Throwable cause, final int goodbyeCode, final String goodbye)
    {
        if (!closed.compareAndSet(false, true))
        {
            return;
        }
        closeReason = reason;
        if (goodbyeCode >= 0)
        {
            sendGoodbye(goodbyeCode, goodbye);
        }
        for (final OutgoingCall call : outgoing.drain())
        {
            call.completeExceptionally(new SessionLostException(
                "SESSION_LOST: " + call.where() + " was in flight when " + name + " ended: " + reason, cause));
        }
        for (final IncomingCall call : incoming.drain())
        {
            call.abandon();
        }
        for (final CompletableFuture<Void> pong : pings.drain())
        {
            pong.completeExceptionally(new SessionLostException("SESSION_LOST: " + name + " ended: " + reason, cause));
        }
        final List<ExportedObject> objects;
        synchronized (objectsLock)
        {
            objects = exported.drain();
            exportedByTarget.clear();
        }
        for (final ExportedObject object : objects)
        {
            object.close(errors);
        }
        synchronized (imported)
        {
            for (final ImportedObject object : imported.drain())
            {
                object.markReleased();
            }
        }
        try
        {
            sink.close();
        }
        catch (final RuntimeException ex)
        {
            errors.report("the sink failed to close", ex);
        }
    }

    /**
     * Sends GOODBYE after frames other threads are already sending, so nothing follows it on the wire (the CM
     * treats a frame after GOODBYE as a protocol error). Those sends check the closed flag first, so the wait is
     * for frames already handed to the sink; it is bounded all the same, in case the transport is stuck.
     */
    private void sendGoodbye(final int code, final String message)
    {
        final long giveUpNs = System.nanoTime() + SEND_DRAIN_TIMEOUT_NS;
        while (sendsInProgress.get() != 0 && System.nanoTime() < giveUpNs)
        {
            Thread.yield();
        }
        final FrameEncoder encoder = encoders.acquire();
        try
        {
            encoder.goodbye(code, message);
            sink.send(encoder.array(), 0, encoder.length());
        }
        catch (final RuntimeException ex)
        {
            LOG.log(System.Logger.Level.DEBUG, () -> name + ": GOODBYE not sent", ex);
        }
        finally
        {
            encoders.release(encoder);
        }
    }

    private static boolean isFrameTooLong(final Throwable failure)
    {
        for (Throwable cause = failure; cause != null; cause = cause.getCause())
        {
            if (cause instanceof FrameBuffer.FrameTooLongException)
            {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(final Throwable failure)
    {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause)
        {
            cause = cause.getCause();
        }
        final String message = cause instanceof com.fasterxml.jackson.core.JacksonException jackson ?
            jackson.getOriginalMessage() : cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /**
     * How a session is made. Only the sink is required.
     */
    public static final class Builder
    {
        private final FrameSink sink;
        private DeployedServices services = DeployedServices.none();
        private Executor executor = VIRTUAL_THREAD_EXECUTOR;
        private int maxFrameLength = RpcFrame.DEFAULT_MAX_FRAME_LENGTH;
        private int maxCallsInFlight = RpcFrame.DEFAULT_MAX_CALLS_IN_FLIGHT;
        private Duration defaultDeadline = DEFAULT_DEADLINE;
        private long sessionId;
        private String name;
        private AnswerWaiter answerWaiter = AnswerWaiter.PARKING;
        private BiConsumer<String, Throwable> errorHandler =
            (what, cause) -> LOG.log(System.Logger.Level.WARNING, what, cause);

        private Builder(final FrameSink sink)
        {
            this.sink = Objects.requireNonNull(sink, "sink");
        }

        /**
         * @param services what the registry (object id 0) looks up: a worker's deployed application. Default: none,
         * a client's registry.
         */
        public Builder services(final DeployedServices services)
        {
            this.services = Objects.requireNonNull(services, "services");
            return this;
        }

        /**
         * @param executor where incoming calls run, unless their service is non-blocking. Default: a virtual thread
         * per call.
         */
        public Builder executor(final Executor executor)
        {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * @param maxFrameLength the largest whole frame either side may send (the WELCOME's).
         * @param maxCallsInFlight calls either side may have in flight towards the other.
         */
        public Builder limits(final int maxFrameLength, final int maxCallsInFlight)
        {
            if (maxFrameLength < 256 || maxCallsInFlight < 1)
            {
                throw new IllegalArgumentException("maxFrameLength=" + maxFrameLength + " (at least 256), " +
                    "maxCallsInFlight=" + maxCallsInFlight + " (at least 1)");
            }
            this.maxFrameLength = maxFrameLength;
            this.maxCallsInFlight = maxCallsInFlight;
            return this;
        }

        /**
         * @param deadline of calls made through proxies unless {@link RpcSession#withDeadline} says otherwise;
         * {@link Duration#ZERO} for none. Default 30 s.
         */
        public Builder defaultDeadline(final Duration deadline)
        {
            final long ms = deadline.toMillis();
            if (ms < 0 || ms > 0xFFFF_FFFFL)
            {
                throw new IllegalArgumentException("deadline=" + deadline + ": 0 (none) to 2^32-1 ms");
            }
            this.defaultDeadline = deadline;
            return this;
        }

        public Builder sessionId(final long sessionId)
        {
            this.sessionId = sessionId;
            return this;
        }

        /**
         * @param name for messages and logs; default {@code "session <id>"}.
         */
        public Builder name(final String name)
        {
            this.name = name;
            return this;
        }

        /**
         * @param answerWaiter how a thread making a sync call waits; default {@link AnswerWaiter#PARKING}.
         */
        public Builder answerWaiter(final AnswerWaiter answerWaiter)
        {
            this.answerWaiter = Objects.requireNonNull(answerWaiter, "answerWaiter");
            return this;
        }

        /**
         * @param errorHandler told of failures that have no caller to fail (a close hook that threw, an answer that
         * did not encode); default: logged at WARNING.
         */
        public Builder errorHandler(final BiConsumer<String, Throwable> errorHandler)
        {
            this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
            return this;
        }

        public RpcSession build()
        {
            return new RpcSession(this);
        }
    }
}
