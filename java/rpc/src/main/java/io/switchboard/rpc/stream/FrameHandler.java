package io.switchboard.rpc.stream;

/**
 * Takes whole frames out of a {@link FrameAssembler}. {@link io.switchboard.rpc.RpcSession} is one.
 */
public interface FrameHandler
{
    /**
     * One whole frame, length field included. The bytes are the assembler's or the transport's: valid only during
     * the call.
     */
    void onFrame(byte[] buffer, int offset, int length);

    /**
     * The stream cannot be cut into frames (a length over the maximum, or under the smallest header): nothing more
     * will be delivered.
     */
    void onMalformedStream(String reason);
}
