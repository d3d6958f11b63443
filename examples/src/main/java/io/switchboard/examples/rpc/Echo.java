package io.switchboard.examples.rpc;

import io.switchboard.rpc.Remote;

/**
 * Answers what it is given: the benchmark's service.
 */
@Remote
public interface Echo
{
    byte[] echo(byte[] data);
}
