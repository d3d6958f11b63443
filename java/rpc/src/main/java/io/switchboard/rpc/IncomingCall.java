package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcErrorCode;
import io.switchboard.rpc.codec.MethodCodec;
import java.lang.reflect.InvocationTargetException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A call the peer made to one of this side's objects, from the frame that carried it to its one answer. The answer
 * is sent once, by whichever comes first: the method's return (or its future's completion), its exception, a
 * CANCEL (ERROR 5), the deadline (ERROR 6). A call cancelled or expired while it runs has its thread interrupted;
 * one not yet started never starts.
 */
final class IncomingCall implements Runnable
{
    private final IncomingCalls calls;
    private final FrameSender sender;
    private final long callId;
    private final ExportedObject target;
    private final MethodCodec method;
    private final Object[] args;
    private final AtomicBoolean answered = new AtomicBoolean();
    /** The thread running the method; guarded by this. */
    private Thread runner;
    /** Whether this call interrupted its runner, whose flag must then not outlive the call; guarded by this. */
    private boolean interrupted;
    private CompletionStage<?> pendingResult;
    volatile DeadlineTimer.Deadline timer;

    IncomingCall(final IncomingCalls calls, final FrameSender sender, final long callId, final ExportedObject target,
        final MethodCodec method, final Object[] args)
    {
        this.calls = calls;
        this.sender = sender;
        this.callId = callId;
        this.target = target;
        this.method = method;
        this.args = args;
    }

    long callId()
    {
        return callId;
    }

    String where()
    {
        return method.qualifiedName() + " on object " + target.id() + " (call " + callId + ")";
    }

    @Override
    public void run()
    {
        if (answered.get())
        {
            return;
        }
        if (!target.isNonBlocking())
        {
            // a non-blocking call runs on the reader thread, which must never be interrupted: nothing to stop there
            synchronized (this)
            {
                // looked at again under the lock: a stop or abandon that came after the first look found no
                // runner to interrupt, so the method must not start at all
                if (answered.get())
                {
                    return;
                }
                runner = Thread.currentThread();
            }
        }
        final Object result;
        try
        {
            result = method.method().invoke(target.target(), args);
        }
        catch (final InvocationTargetException ex)
        {
            failed(ex.getCause());
            return;
        }
        catch (final IllegalAccessException | IllegalArgumentException ex)
        {
            answerError(RpcErrorCode.INTERNAL, where() + " could not be invoked: " + ex);
            return;
        }
        finally
        {
            synchronized (this)
            {
                runner = null;
                if (interrupted)
                {
                    Thread.interrupted();
                }
            }
        }
        if (method.isAsync())
        {
            if (result == null)
            {
                answerError(RpcErrorCode.INTERNAL, where() + " returned a null future");
                return;
            }
            final CompletionStage<?> stage = (CompletionStage<?>)result;
            synchronized (this)
            {
                pendingResult = stage;
            }
            stage.whenComplete((value, failure) ->
            {
                if (failure != null)
                {
                    failed(unwrap(failure));
                }
                else
                {
                    answerResult(value);
                }
            });
        }
        else
        {
            answerResult(result);
        }
    }

    private static Throwable unwrap(final Throwable failure)
    {
        Throwable cause = failure;
        while ((cause instanceof java.util.concurrent.CompletionException ||
            cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null)
        {
            cause = cause.getCause();
        }
        return cause;
    }

    private void failed(final Throwable thrown)
    {
        if (thrown instanceof UnknownServiceException unknown)
        {
            answerError(RpcErrorCode.NO_SUCH_OBJECT, unknown.getMessage());
        }
        else if (thrown instanceof java.util.concurrent.CancellationException)
        {
            answerError(RpcErrorCode.CANCELLED, where() + " was cancelled by its implementation");
        }
        else if (tryAnswer())
        {
            sender.sendApplicationError(callId, thrown, where());
            calls.answerSent();
        }
    }

    private void answerResult(final Object value)
    {
        if (tryAnswer())
        {
            sender.sendResult(callId, method, value, where());
            calls.answerSent();
        }
    }

    /**
     * Answers with an error, unless answered already.
     */
    void answerError(final int code, final String message)
    {
        if (tryAnswer())
        {
            sender.sendError(callId, code, message);
            calls.answerSent();
        }
    }

    /**
     * The caller cancelled, or the deadline passed: answers with {@code code} unless answered, and stops the method.
     */
    void stop(final int code, final String message)
    {
        answerError(code, message);
        interruptRunner();
    }

    /**
     * The session ended: no answer can be sent; stop the method if it runs.
     */
    void abandon()
    {
        tryAnswer();
        interruptRunner();
    }

    private void interruptRunner()
    {
        final Future<?> future;
        synchronized (this)
        {
            if (runner != null)
            {
                interrupted = true;
                runner.interrupt();
            }
            future = pendingResult instanceof Future<?> f ? f : null;
        }
        if (future != null)
        {
            future.cancel(true);
        }
    }

    private boolean tryAnswer()
    {
        if (answered.compareAndSet(false, true))
        {
            calls.forget(callId);
            final DeadlineTimer.Deadline deadline = timer;
            if (deadline != null)
            {
                deadline.cancel();
            }
            return true;
        }
        return false;
    }
}
