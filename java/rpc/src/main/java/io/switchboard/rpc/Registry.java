package io.switchboard.rpc;

/**
 * The registry every session side has as object id 0 (docs/rpc-protocol.md, section 3.2). A worker's finds
 * deployed services; a client's has no methods ({@link Empty}).
 */
@Remote
interface Registry
{
    /**
     * @return a reference to a new object of the named service (the shared one, for a SHARED service).
     */
    Object lookup(String name);

    /**
     * A client's registry.
     */
    @Remote
    interface Empty
    {
    }
}
