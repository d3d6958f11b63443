package io.switchboard.rpc;

import static io.switchboard.protocol.rpc.RpcFrame.ERROR_CODE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.ERROR_PAYLOAD_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.HEADER_LENGTH;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.switchboard.protocol.rpc.RpcErrorCode;
import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.rpc.codec.BigEndian;
import io.switchboard.rpc.codec.ErrorPayload;
import io.switchboard.rpc.codec.MethodCodec;
import io.switchboard.rpc.codec.ObjectReferences;
import io.switchboard.rpc.codec.PayloadCodec;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The calls this side makes to the peer's objects, from the proxy's method call to the answer: numbering, the table
 * of calls in flight (at most the session's maximum), sending the CALL, waiting for a synchronous call's answer and
 * decoding RESULT or ERROR into the call's future on the reader thread. Also the PINGs in flight, answered by PONG.
 * <p>
 * Thread-safe: any thread calls; {@link #onAnswer} and {@link #onPong} are the reader thread's.
 */
final class OutgoingCalls
{
    private final RpcSession session;
    private final FrameSender sender;
    private final AtomicBoolean closed;
    private final ObjectReferences references;
    private final AnswerWaiter answerWaiter;
    private final int maxCallsInFlight;
    private final LongHashTable<OutgoingCall> inFlight;
    private final AtomicLong nextCallId = new AtomicLong(1);
    private final LongHashTable<CompletableFuture<Void>> pings = new LongHashTable<>(4);
    private final AtomicLong nextPing = new AtomicLong(1);

    OutgoingCalls(
        final RpcSession session,
        final FrameSender sender,
        final AtomicBoolean closed,
        final ObjectReferences references,
        final AnswerWaiter answerWaiter,
        final int maxCallsInFlight)
    {
        this.session = session;
        this.sender = sender;
        this.closed = closed;
        this.references = references;
        this.answerWaiter = answerWaiter;
        this.maxCallsInFlight = maxCallsInFlight;
        this.inFlight = new LongHashTable<>(Math.min(maxCallsInFlight, 1024));
    }

    int size()
    {
        return inFlight.size();
    }

    /**
     * Calls a method of a peer's object: waits for the answer, or for a method returning a future returns the call.
     */
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
        final OutgoingCall call = start(target.id(), method, args, deadlineMs);
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

    private OutgoingCall start(final long objectId, final MethodCodec method, final Object[] args,
        final long deadlineMs)
    {
        final long callId = nextCallId.getAndIncrement();
        final OutgoingCall call = new OutgoingCall(this, callId, objectId, method, deadlineMs);
        if (closed.get())
        {
            call.completeExceptionally(new SessionLostException(
                "SESSION_LOST: " + call.where() + " not sent: " + session + " ended: " + session.closeReason()));
            return call;
        }
        if (session.endingReason() != null)
        {
            call.completeExceptionally(notSentAfterNotice(call));
            return call;
        }
        if (!inFlight.putIfAbsentBelow(callId, call, maxCallsInFlight))
        {
            call.completeExceptionally(new LimitExceededException("LIMIT_EXCEEDED: " + call.where() + " not sent: " +
                maxCallsInFlight + " calls already in flight to the peer, the session's maximum"));
            return call;
        }
        if (closed.get())
        {
            // the session ended between the check and the put, after its drain: nobody else will fail this call
            call.completeExceptionally(new SessionLostException(
                "SESSION_LOST: " + call.where() + " not sent: " + session + " ended: " + session.closeReason()));
            return call;
        }
        if (session.endingReason() != null)
        {
            // the peer's GOODBYE 9 was read between the check and the put: this call is not sent either
            call.completeExceptionally(notSentAfterNotice(call));
            return call;
        }
        final Exception failure = sender.sendCall(callId, objectId, deadlineMs, method, args, !method.isAsync());
        if (failure != null)
        {
            call.completeExceptionally(Failures.isFrameTooLong(failure) ?
                new LimitExceededException("LIMIT_EXCEEDED: " + call.where() + " not sent: " +
                    Failures.rootMessage(failure), failure) :
                new BadArgumentsException("BAD_ARGUMENTS: " + call.where() + " not sent: its arguments do not " +
                    "encode: " + Failures.rootMessage(failure), failure));
        }
        return call;
    }

    private SessionLostException notSentAfterNotice(final OutgoingCall call)
    {
        return new SessionLostException("SESSION_LOST: " + call.where() + " not sent: " + session +
            " is ending, and takes no new call: " + session.endingReason());
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
        // Future.state() and resultNow() are Java 19: asked the Java 17 way, which says the same
        if (call.isCancelled())
        {
            throw new CallCancelledException("CANCELLED: " + call.where() + " was cancelled");
        }
        final Throwable failure;
        try
        {
            final Object result = call.getNow(null);
            return result;
        }
        catch (final CompletionException ex)
        {
            failure = null != ex.getCause() ? ex.getCause() : ex;
        }
        if (failure instanceof RuntimeException runtime)
        {
            // made on the reader or timer thread: show the caller's stack instead
            runtime.fillInStackTrace();
            throw runtime;
        }
        throw new RemoteInternalException(RpcErrorCode.INTERNAL, call.where() + " failed: " + failure, failure);
    }

    /**
     * A sync call's waiting thread is about to be woken with its answer.
     */
    void answered()
    {
        answerWaiter.answered();
    }

    /**
     * The call completed (answered, expired, cancelled, or the session ended): later answers find no entry.
     */
    void forget(final long callId)
    {
        if (inFlight.remove(callId) != null)
        {
            session.onCallSettled();
        }
    }

    void sendCancel(final long callId)
    {
        sender.sendBare(RpcFrame.CANCEL, callId, 0);
    }

    /**
     * A RESULT or ERROR frame, on the reader thread: completes the call it answers.
     */
    void onAnswer(final int type, final byte[] buffer, final int offset, final int length, final long callId)
    {
        final OutgoingCall call = inFlight.get(callId);
        if (call == null)
        {
            if (callId <= 0 || callId >= nextCallId.get())
            {
                session.protocolError(RpcFrame.typeName(type) + " for call " + Long.toUnsignedString(callId) +
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
            session.protocolError(RpcFrame.typeName(type) + " for call " + callId + " (" + call.where() +
                "): payload is not well-formed CBOR (" + ex.getOriginalMessage() + ")");
        }
        catch (final IOException | RuntimeException ex)
        {
            call.completeExceptionally(new RemoteInternalException(RpcErrorCode.INTERNAL, "the answer of " +
                call.where() + " does not decode to its declared type: " + Failures.rootMessage(ex), ex));
        }
        finally
        {
            PayloadCodec.unbind(previous);
        }
    }

    /**
     * @return a future completed by the peer's PONG.
     */
    CompletableFuture<Void> ping()
    {
        final CompletableFuture<Void> pong = new CompletableFuture<>();
        final long number = nextPing.getAndIncrement();
        pings.putIfAbsentBelow(number, pong, Integer.MAX_VALUE);
        if (closed.get())
        {
            pings.remove(number);
            pong.completeExceptionally(new SessionLostException("SESSION_LOST: " + session + " ended: " +
                session.closeReason()));
            return pong;
        }
        sender.sendBare(RpcFrame.PING, number, 0);
        return pong;
    }

    void onPong(final long number)
    {
        final CompletableFuture<Void> pong = pings.remove(number);
        if (pong != null)
        {
            pong.complete(null);
        }
    }

    /**
     * The session ended: every call and ping in flight fails with {@link SessionLostException}.
     */
    void failAll(final String reason, final Throwable cause)
    {
        for (final OutgoingCall call : inFlight.drain())
        {
            call.completeExceptionally(new SessionLostException(
                "SESSION_LOST: " + call.where() + " was in flight when " + session + " ended: " + reason, cause));
        }
        for (final CompletableFuture<Void> pong : pings.drain())
        {
            pong.completeExceptionally(new SessionLostException("SESSION_LOST: " + session + " ended: " + reason,
                cause));
        }
    }
}
