package io.switchboard.cm.net;

/**
 * What a listening port speaks.
 */
public enum ListenerProtocol
{
    /** HTTP/1.1, or a distributed session recognised by its first byte. */
    HTTP_OR_RPC,
    /** Distributed sessions only: the dedicated RPC port. */
    RPC
}
