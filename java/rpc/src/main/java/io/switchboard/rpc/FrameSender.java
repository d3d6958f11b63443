package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;
import io.switchboard.rpc.codec.MethodCodec;
import io.switchboard.rpc.codec.ObjectReferences;
import io.switchboard.rpc.codec.PayloadCodec;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a session sends goes through here: a frame is encoded with a pooled {@link FrameEncoder} (payloads
 * with the session's {@link ObjectReferences} bound) and handed to the transport's {@link FrameSink}, unless the
 * session has ended. A sink that throws has lost its transport, and the session ends.
 * <p>
 * GOODBYE goes last: {@link #sendGoodbye} waits for the sends already past the closed check, so nothing follows it
 * on the wire. Thread-safe: any thread of the session sends.
 */
final class FrameSender
{
    private static final Logger LOG = LoggerFactory.getLogger(FrameSender.class);
    private static final long SEND_DRAIN_TIMEOUT_NS = 1_000_000_000L;

    private final RpcSession session;
    private final FrameSink sink;
    private final AtomicBoolean closed;
    private final EncoderPool encoders;
    private final ObjectReferences references;
    private final ExportedObject.ErrorReporter errors;
    private final AtomicInteger sendsInProgress = new AtomicInteger();

    FrameSender(
        final RpcSession session,
        final FrameSink sink,
        final AtomicBoolean closed,
        final int maxFrameLength,
        final ObjectReferences references,
        final ExportedObject.ErrorReporter errors)
    {
        this.session = session;
        this.sink = sink;
        this.closed = closed;
        this.encoders = new EncoderPool(maxFrameLength);
        this.references = references;
        this.errors = errors;
    }

    /**
     * Sends a CALL.
     *
     * @param awaited the calling thread waits for the answer right after (a synchronous call).
     * @return why the arguments did not encode (nothing was sent), or null.
     */
    Exception sendCall(final long callId, final long objectId, final long deadlineMs, final MethodCodec method,
        final Object[] args, final boolean awaited)
    {
        final FrameEncoder encoder = encoders.acquire();
        final ObjectReferences previous = PayloadCodec.bind(references);
        Exception failure = null;
        try
        {
            encoder.call(callId, objectId, deadlineMs, method, args);
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
            transmit(encoder, awaited);
        }
        encoders.release(encoder);
        return failure;
    }

    /**
     * Answers a call with RESULT; a value that does not encode is answered with ERROR 7 (too long) or 10.
     */
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
            transmit(encoder, false);
        }
        encoders.release(encoder);
        if (failure != null)
        {
            if (Failures.isFrameTooLong(failure))
            {
                sendError(callId, RpcErrorCode.LIMIT_EXCEEDED, "LIMIT_EXCEEDED: the result of " + where + ": " +
                    Failures.rootMessage(failure));
            }
            else
            {
                errors.report("the result of " + where + " does not encode", failure);
                sendError(callId, RpcErrorCode.INTERNAL, "INTERNAL: the result of " + where +
                    " does not encode as its declared type: " + Failures.rootMessage(failure));
            }
        }
    }

    void sendApplicationError(final long callId, final Throwable thrown, final String where)
    {
        final FrameEncoder encoder = encoders.acquire();
        try
        {
            encoder.applicationError(callId, RpcErrorCode.APPLICATION, thrown);
            transmit(encoder, false);
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
            transmit(encoder, false);
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

    /**
     * A frame of header alone: CANCEL, RELEASE, PING, PONG.
     */
    void sendBare(final int type, final long callId, final long objectId)
    {
        final FrameEncoder encoder = encoders.acquire();
        encoder.bare(type, callId, objectId);
        transmit(encoder, false);
        encoders.release(encoder);
    }

    /**
     * Sends GOODBYE after frames other threads are already sending, so nothing follows it on the wire (the CM
     * treats a frame after GOODBYE as a protocol error). Those sends check the closed flag first, so the wait is
     * for frames already handed to the sink; it is bounded all the same, in case the transport is stuck.
     * Called once, after the session closed.
     */
    void sendGoodbye(final int code, final String message)
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
            LOG.debug("{}: GOODBYE not sent", session, ex);
        }
        finally
        {
            encoders.release(encoder);
        }
    }

    /**
     * Tells the transport the session is over. Called once.
     */
    void closeSink()
    {
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
     * Hands a frame to the sink, unless the session ended.
     *
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
            session.transportFailed(ex);
        }
        finally
        {
            sendsInProgress.decrementAndGet();
        }
    }
}
