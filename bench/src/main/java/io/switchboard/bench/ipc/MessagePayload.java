package io.switchboard.bench.ipc;

import io.switchboard.ipc.memory.SharedBuffer;


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
    static SharedBuffer newMessage(final int length)
    {
        if (length < BenchFrames.MIN_MESSAGE_LENGTH || (length & (Long.BYTES - 1)) != 0)
        {
            throw new IllegalArgumentException("message length must be a multiple of 8, at least 16: length=" + length);
        }

        final SharedBuffer message = SharedBuffer.wrap(new byte[length]);
        for (int i = 0; i < length / Long.BYTES; i++)
        {
            message.putLong((long)i * Long.BYTES, 0x5357_4954_4348_0000L | i);
        }

        return message;
    }

    /**
     * Copies the template to {@code memory[offset, offset + length)} and stamps the sequence.
     */
    static void write(
        final SharedBuffer template, final SharedBuffer memory, final long offset, final int length, final long sequence)
    {
        template.getBytes(0, memory, offset, length);
        memory.putLong(offset + BenchFrames.SEQUENCE_OFFSET, sequence);
        memory.putLong(offset + BenchFrames.trailingSequenceOffset(length), sequence);
    }
}
