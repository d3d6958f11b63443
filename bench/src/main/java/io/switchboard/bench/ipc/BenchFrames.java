package io.switchboard.bench.ipc;

/**
 * The frame types and payload layouts that the benchmark and its peer
 * processes exchange over a channel. Kept apart from the real protocol on
 * purpose: a benchmark must not grow a dependency on codec code it does not
 * measure.
 * <pre>
 *   MESSAGE, both directions (the payload of a round trip or a one-way stream)
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |               Sequence (64 bits), 1 for the first message      |  0
 *  +---------------------------------------------------------------+
 *  |               Filler                                         ...
 *  +---------------------------------------------------------------+
 *  |               Sequence again (64 bits), in the last 8 bytes    |  length - 8
 *  +---------------------------------------------------------------+
 *
 *   COUNT_REQUEST, benchmark to peer: empty payload
 *
 *   COUNT_REPLY, peer to benchmark
 *  +---------------------------------------------------------------+
 *  |               Messages the peer received (64 bits)             |  0
 *  +---------------------------------------------------------------+
 *  |               Messages out of sequence or torn (64 bits)       |  8
 *  +---------------------------------------------------------------+
 * </pre>
 * The sequence at both ends lets a receiver tell a torn frame (a consumer that
 * read before the producer's publication was visible) from a whole one.
 */
final class BenchFrames
{
    static final int MESSAGE = 1;
    static final int COUNT_REQUEST = 2;
    static final int COUNT_REPLY = 3;

    static final int SEQUENCE_OFFSET = 0;
    static final int MIN_MESSAGE_LENGTH = 2 * Long.BYTES;

    static final int RECEIVED_OFFSET = 0;
    static final int ERRORS_OFFSET = 8;
    static final int COUNT_REPLY_LENGTH = 16;

    private BenchFrames()
    {
    }

    /**
     * @return offset, within a message of {@code messageLength} bytes, of the trailing copy of the sequence.
     */
    static int trailingSequenceOffset(final int messageLength)
    {
        return messageLength - Long.BYTES;
    }
}
