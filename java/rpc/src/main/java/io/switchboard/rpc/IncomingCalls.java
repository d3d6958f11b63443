package io.switchboard.rpc;

import static io.switchboard.protocol.rpc.RpcFrame.CALL_DEADLINE_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.CALL_METHOD_LENGTH_OFFSET;
import static io.switchboard.protocol.rpc.RpcFrame.CALL_METHOD_OFFSET;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.StreamReadException;
import io.switchboard.protocol.rpc.RpcErrorCode;
import io.switchboard.rpc.codec.BigEndian;
import io.switchboard.rpc.codec.CborArrayHeader;
import io.switchboard.rpc.codec.MethodCodec;
import io.switchboard.rpc.codec.ObjectReferences;
import io.switchboard.rpc.codec.PayloadCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;

/**
 * The calls the peer makes to this side's objects: a CALL frame is checked (protocol errors end the session, the
 * rest is answered with an ERROR), its arguments decoded, and the call handed to its object to run; CANCEL and the
 * deadline stop it. Refuses new calls with ERROR 9 once {@link #stopAccepting} was called, while those already
 * received run to their answers.
 * <p>
 * {@link #onCall} and {@link #onCancel} are the reader thread's; the calls answer from any thread.
 */
final class IncomingCalls
{
    private final RpcSession session;
    private final FrameSender sender;
    private final ObjectTable objects;
    private final ObjectReferences references;
    private final Executor executor;
    private final int maxCallsInFlight;
    private final LongHashTable<IncomingCall> inFlight;
    private volatile boolean accepting = true;

    IncomingCalls(
        final RpcSession session,
        final FrameSender sender,
        final ObjectTable objects,
        final Executor executor,
        final int maxCallsInFlight)
    {
        this.session = session;
        this.sender = sender;
        this.objects = objects;
        this.references = objects.references();
        this.executor = executor;
        this.maxCallsInFlight = maxCallsInFlight;
        this.inFlight = new LongHashTable<>(Math.min(maxCallsInFlight, 1024));
    }

    int size()
    {
        return inFlight.size();
    }

    void stopAccepting()
    {
        accepting = false;
    }

    boolean isAccepting()
    {
        return accepting;
    }

    /**
     * A CALL frame whose header the session checked.
     */
    void onCall(final byte[] buffer, final int offset, final int length, final long callId, final long objectId)
    {
        final int end = offset + length;
        final long deadlineMs = BigEndian.u32(buffer, offset + CALL_DEADLINE_OFFSET);
        final int nameLength = BigEndian.u16(buffer, offset + CALL_METHOD_LENGTH_OFFSET);
        final int nameOffset = offset + CALL_METHOD_OFFSET;
        final int argsOffset = nameOffset + nameLength;
        if (argsOffset > end)
        {
            session.protocolError("CALL " + callId + " truncated: its method name of " + nameLength +
                " bytes runs past the frame's end");
            return;
        }
        if (argsOffset == end)
        {
            session.protocolError("CALL " + callId + " truncated: no argument array after the method name");
            return;
        }
        if (callId == 0)
        {
            session.protocolError("CALL with call id 0; call ids start at 1");
            return;
        }
        if (inFlight.get(callId) != null)
        {
            session.protocolError("CALL " + callId + " while a call with that id is in flight");
            return;
        }
        if (!accepting)
        {
            sender.sendError(callId, RpcErrorCode.SHUTTING_DOWN, "SHUTTING_DOWN: " + session + " takes no new calls");
            return;
        }
        if (inFlight.size() >= maxCallsInFlight)
        {
            sender.sendError(callId, RpcErrorCode.LIMIT_EXCEEDED, "LIMIT_EXCEEDED: call " + callId + " to object " +
                objectId + " refused: " + maxCallsInFlight + " of your calls are already in flight");
            return;
        }
        final ExportedObject target = objects.exported(objectId);
        if (target == null)
        {
            sender.sendError(callId, RpcErrorCode.NO_SUCH_OBJECT, "NO_SUCH_OBJECT: call " + callId + " to object " +
                objectId + " (" + methodName(buffer, nameOffset, nameLength) +
                "): no such object here, never exported or released");
            return;
        }
        final MethodCodec method = target.remote().find(buffer, nameOffset, nameLength);
        if (method == null)
        {
            sender.sendError(callId, RpcErrorCode.NO_SUCH_METHOD, "NO_SUCH_METHOD: " + target +
                " has no remote method '" + methodName(buffer, nameOffset, nameLength) + "'");
            return;
        }
        final long declared = CborArrayHeader.count(buffer, argsOffset, end);
        if (declared == CborArrayHeader.NOT_AN_ARRAY)
        {
            session.protocolError("CALL " + callId + " to " + method.qualifiedName() +
                ": arguments are not a CBOR array");
            return;
        }
        if (declared != CborArrayHeader.INDEFINITE && declared != method.parameterCount())
        {
            sender.sendError(callId, RpcErrorCode.NO_SUCH_METHOD, "NO_SUCH_METHOD: " + target +
                " has no remote method '" + method.name() + "' taking " + declared + " arguments (it takes " +
                method.parameterCount() + ")");
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
            session.protocolError("CALL " + callId + " to " + method.qualifiedName() +
                ": arguments are not well-formed CBOR (" + ex.getOriginalMessage() + ")");
            return;
        }
        catch (final IOException | RuntimeException ex)
        {
            sender.sendError(callId, RpcErrorCode.BAD_ARGUMENTS, "BAD_ARGUMENTS: arguments of " +
                method.qualifiedName() + " on object " + objectId + " do not fit its parameter types: " +
                Failures.rootMessage(ex));
            return;
        }
        finally
        {
            PayloadCodec.unbind(previous);
        }
        final IncomingCall call = new IncomingCall(this, sender, callId, target, method, args);
        inFlight.putIfAbsentBelow(callId, call, Integer.MAX_VALUE);
        if (deadlineMs > 0)
        {
            call.timer = DeadlineTimer.schedule(() -> executor.execute(() -> call.stop(RpcErrorCode.DEADLINE_EXCEEDED,
                "DEADLINE_EXCEEDED: " + call.where() + " had not answered within its deadline of " + deadlineMs +
                " ms")), deadlineMs);
        }
        target.dispatch(call);
    }

    void onCancel(final long callId)
    {
        final IncomingCall call = inFlight.get(callId);
        if (call != null)
        {
            call.stop(RpcErrorCode.CANCELLED, "CANCELLED: " + call.where() + " was cancelled by its caller");
        }
    }

    /**
     * A call's answer went to the sink: after the peer's GOODBYE 9, the last answer may end the session.
     */
    void answerSent()
    {
        session.onCallSettled();
    }

    /**
     * The call was answered (or abandoned): a CANCEL for it is ignored from now on.
     */
    void forget(final long callId)
    {
        inFlight.remove(callId);
    }

    /**
     * The session ended: no call can be answered; those running are stopped.
     */
    void abandonAll()
    {
        for (final IncomingCall call : inFlight.drain())
        {
            call.abandon();
        }
    }

    private static String methodName(final byte[] buffer, final int offset, final int length)
    {
        return new String(buffer, offset, length, StandardCharsets.UTF_8);
    }
}
