package io.switchboard.rpc;

import io.switchboard.protocol.rpc.RpcFrame;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How an {@link RpcSession} is made ({@link RpcSession#builder}). Only the sink is required.
 */
public final class RpcSessionBuilder
{
    private static final Logger LOG = LoggerFactory.getLogger(RpcSession.class);

    final FrameSink sink;
    DeployedServices services = DeployedServices.none();
    Executor executor = RpcSession.VIRTUAL_THREAD_EXECUTOR;
    int maxFrameLength = RpcFrame.DEFAULT_MAX_FRAME_LENGTH;
    int maxCallsInFlight = RpcFrame.DEFAULT_MAX_CALLS_IN_FLIGHT;
    Duration defaultDeadline = RpcSession.DEFAULT_DEADLINE;
    long sessionId;
    String name;
    AnswerWaiter answerWaiter = AnswerWaiter.PARKING;
    BiConsumer<String, Throwable> errorHandler = (what, cause) -> LOG.warn(what, cause);

    RpcSessionBuilder(final FrameSink sink)
    {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * @param services what the registry (object id 0) looks up: a worker's deployed application. Default: none,
     * a client's registry.
     */
    public RpcSessionBuilder services(final DeployedServices services)
    {
        this.services = Objects.requireNonNull(services, "services");
        return this;
    }

    /**
     * @param executor where incoming calls run, unless their service is non-blocking. Default: a virtual thread
     * per call.
     */
    public RpcSessionBuilder executor(final Executor executor)
    {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /**
     * @param maxFrameLength the largest whole frame either side may send (the WELCOME's).
     * @param maxCallsInFlight calls either side may have in flight towards the other.
     */
    public RpcSessionBuilder limits(final int maxFrameLength, final int maxCallsInFlight)
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
    public RpcSessionBuilder defaultDeadline(final Duration deadline)
    {
        RpcSession.checkDeadline(deadline);
        this.defaultDeadline = deadline;
        return this;
    }

    public RpcSessionBuilder sessionId(final long sessionId)
    {
        this.sessionId = sessionId;
        return this;
    }

    /**
     * @param name for messages and logs; default {@code "session <id>"}.
     */
    public RpcSessionBuilder name(final String name)
    {
        this.name = name;
        return this;
    }

    /**
     * @param answerWaiter how a thread making a sync call waits; default {@link AnswerWaiter#PARKING}.
     */
    public RpcSessionBuilder answerWaiter(final AnswerWaiter answerWaiter)
    {
        this.answerWaiter = Objects.requireNonNull(answerWaiter, "answerWaiter");
        return this;
    }

    /**
     * @param errorHandler told of failures that have no caller to fail (a close hook that threw, an answer that
     * did not encode); default: logged at WARN.
     */
    public RpcSessionBuilder errorHandler(final BiConsumer<String, Throwable> errorHandler)
    {
        this.errorHandler = Objects.requireNonNull(errorHandler, "errorHandler");
        return this;
    }

    public RpcSession build()
    {
        return new RpcSession(this);
    }
}
