package io.switchboard.tests.ipc;

import io.switchboard.ipc.channel.ChannelEnd;
import io.switchboard.ipc.doorbell.Doorbell;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.signal.IdleStrategy;
import io.switchboard.ipc.signal.SpinParkIdleStrategy;

import io.switchboard.ipc.memory.SharedBuffer;
import java.util.concurrent.TimeUnit;


/**
 * One end of a ping-pong in which the receiver parks on the futex before every
 * message. A park that times out while the doorbell is set is a lost wake-up:
 * the signal came and the sleeper was not woken. Counting them (with a park
 * timeout far above a healthy wake) fails the test without hanging it.
 */
final class PingPong
{
    static final int TYPE = 9;
    static final long PARK_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(2);

    private final ChannelEnd end;
    private final Doorbell doorbell;
    private final SpinParkIdleStrategy idle;
    private final SharedBuffer message = SharedBuffer.wrap(new byte[64]);
    private final long[] lastValue = {-1};
    private final FrameHandler handler = (buffer, offset, length, type, flags) -> lastValue[0] = buffer.getLong(offset);
    private long lostWakeups;

    PingPong(final ChannelEnd end, final Doorbell doorbell)
    {
        this.end = end;
        this.doorbell = doorbell;
        this.idle = SpinParkIdleStrategy.parkAlways(doorbell.eventCount(), doorbell, PARK_TIMEOUT_NS);
    }

    void send(final long value)
    {
        message.putLong(0, value);
        if (!end.writer().offer(TYPE, message, 0, 64))
        {
            throw new IllegalStateException("ring full in a ping-pong");
        }
        end.signalPeer();
    }

    /**
     * @return the value received, or -1 when nothing came before the deadline.
     */
    long receive(final long deadlineNs)
    {
        lastValue[0] = -1;
        while (true)
        {
            final int work = doorbell.poll(channel -> end.reader().read(handler, Integer.MAX_VALUE));
            if (lastValue[0] >= 0)
            {
                idle.idle(work);
                return lastValue[0];
            }

            if (idle.idle(work) == IdleStrategy.TIMED_OUT && doorbell.isSatisfied())
            {
                lostWakeups++;
            }

            if (System.nanoTime() - deadlineNs > 0)
            {
                return -1;
            }
        }
    }

    long lostWakeups()
    {
        return lostWakeups;
    }

    long parks()
    {
        return idle.parks();
    }
}
