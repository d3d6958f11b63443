package io.switchboard.rpc.codec;

/**
 * A session's side of object references, which the CBOR codec consults while it encodes or decodes a payload of
 * that session (see {@link PayloadCodec#bind}).
 */
public interface ObjectReferences
{
    /**
     * @return how {@code value} travels: a proxy of the peer's object as {@link RemoteRef#RECEIVER}, a local object
     * as {@link RemoteRef#SENDER}, exported if it was not already.
     */
    RemoteRef refFor(Object value);

    /**
     * @return the object a reference received names, as {@code type}: a proxy of the peer's object, or the local
     * object itself when the peer passes one of ours back.
     * @throws IllegalArgumentException when there is no such local object or it is not a {@code type}.
     */
    Object resolve(RemoteRef ref, Class<?> type);
}
