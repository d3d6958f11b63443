package io.switchboard.bench.ipc;

import java.lang.foreign.MemorySegment;

import static io.switchboard.ipc.SharedMemory.LONG;

/**
 * Writes benchmark messages (layout in {@link BenchFrames}) into a ring in
 * place: the filler is copied from a template, as a real producer copies a
 * body, and the sequence is stamped at both ends.
 */
final class MessagePayload
{
    private MessagePayload()
    {
    }

    /**
     * @return a template of {@code length} bytes of filler, 8-byte aligned.
     */
    static MemorySegment newMessage(final int length)
    {
        if (length < BenchFrames.MIN_MESSAGE_LENGTH || (length & (Long.BYTES - 1)) != 0)
        {
            throw new IllegalArgumentException("message length must be a multiple of 8, at least 16: length=" + length);
        }

        final long[] words = new long[length / Long.BYTES];
        for (int i = 0; i < words.length; i++)
        {
            words[i] = 0x5357_4954_4348_0000L | i;
        }

        return MemorySegment.ofArray(words);
    }

    /**
     * Copies the template to {@code memory[offset, offset + length)} and stamps the sequence.
     */
    static void write(
        final MemorySegment template, final MemorySegment memory, final long offset, final int length, final long sequence)
    {
        MemorySegment.copy(template, 0, memory, offset, length);
        memory.set(LONG, offset + BenchFrames.SEQUENCE_OFFSET, sequence);
        memory.set(LONG, offset + BenchFrames.trailingSequenceOffset(length), sequence);
    }
}
