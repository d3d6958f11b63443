package io.switchboard.bench.rpc;

import java.rmi.Remote;
import java.rmi.RemoteException;

/**
 * The benchmark's baseline: the demo's {@code Echo} service as a Java RMI interface.
 */
public interface EchoRmi extends Remote
{
    byte[] echo(byte[] data) throws RemoteException;
}
