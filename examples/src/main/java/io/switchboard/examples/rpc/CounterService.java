package io.switchboard.examples.rpc;

/**
 * One worker object per lookup. Calls to one object run one at a time, in order, so a plain field is enough.
 */
final class CounterService implements Counter
{
    private long value;

    public long increment()
    {
        return ++value;
    }

    public long get()
    {
        return value;
    }
}
