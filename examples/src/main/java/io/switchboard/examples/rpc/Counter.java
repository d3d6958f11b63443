package io.switchboard.examples.rpc;

import io.switchboard.rpc.Remote;

/**
 * A counter that lives on the worker, one per lookup: its state is the object's own.
 */
@Remote
public interface Counter
{
    /**
     * @return the value after adding one.
     */
    long increment();

    long get();
}
