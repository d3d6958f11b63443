package io.switchboard.tests.ipc;

import io.switchboard.ipc.ring.FragmentAssembler;
import io.switchboard.ipc.ring.FrameHandler;
import io.switchboard.ipc.ring.RingWriter;

import io.switchboard.ipc.memory.SharedBuffer;
import java.util.zip.CRC32;

/**
 * A deterministic stream of frames that both ends can compute: frame {@code n}
 * has a size and content derived from the seed and {@code n}, starts with its
 * sequence number, and every 997th is a message several rings long, sent as
 * fragments. The sender and receiver each keep a CRC32 of every payload byte,
 * so the two processes can compare checksums at the end.
 */
final class FrameStream
{
    static final int TYPE = 3;
    private static final int LARGE_EVERY = 997;

    private final long seed;
    private final int largeLength;

    FrameStream(final long seed, final int ringCapacity)
    {
        this.seed = seed;
        this.largeLength = 3 * ringCapacity + 13;
    }

    int sizeOf(final long sequence)
    {
        if (sequence % LARGE_EVERY == LARGE_EVERY - 1)
        {
            return largeLength;
        }

        long z = seed + sequence * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return 8 + (int)((z ^ (z >>> 31)) & 0xFF);
    }

    static byte contentByte(final long sequence, final int index)
    {
        return (byte)(sequence * 31 + index * 7);
    }

    /**
     * Writes frames in order as space allows.
     */
    final class Sender
    {
        private final byte[] scratch = new byte[largeLength];
        private final SharedBuffer scratchSegment = SharedBuffer.wrap(scratch);
        private final CRC32 crc = new CRC32();
        private long next;
        private int partOffset;
        private boolean prepared;

        /**
         * @return frames or fragments published by this call: the caller rings the peer when non-zero.
         */
        int send(final RingWriter writer, final long limit, final int budget)
        {
            int done = 0;
            int fragments = 0;
            while (next < limit && done < budget)
            {
                final int size = sizeOf(next);
                if (!prepared)
                {
                    for (int i = 0; i < size; i++)
                    {
                        scratch[i] = contentByte(next, i);
                    }
                    scratchSegment.putLong(0, next);
                    prepared = true;
                }

                if (size <= writer.maxPayloadLength())
                {
                    if (!writer.offer(TYPE, scratchSegment, 0, size))
                    {
                        return done + fragments;
                    }
                }
                else
                {
                    final int n = writer.offerPart(TYPE, scratchSegment, partOffset, size - partOffset, partOffset == 0, true);
                    if (n == RingWriter.NOTHING_WRITTEN)
                    {
                        return done + fragments;
                    }
                    fragments++;
                    partOffset += n;
                    if (partOffset < size)
                    {
                        continue;
                    }
                    partOffset = 0;
                }

                crc.update(scratch, 0, size);
                prepared = false;
                next++;
                done++;
            }

            return done + fragments;
        }

        long sent()
        {
            return next;
        }

        long crc()
        {
            return crc.getValue();
        }
    }

    /**
     * Checks each message against the sequence it should be, and sums the CRC.
     */
    final class Receiver implements FrameHandler
    {
        private final CRC32 crc = new CRC32();
        private final FragmentAssembler assembler;
        private byte[] copy = new byte[1024];
        private long next;
        private String error;

        Receiver()
        {
            this.assembler = new FragmentAssembler(this::onMessage, 4096, largeLength);
        }

        FrameHandler handler()
        {
            return assembler;
        }

        public void onFrame(final SharedBuffer buffer, final long offset, final int length, final int type, final int flags)
        {
            onMessage(buffer, offset, length, type, flags);
        }

        private void onMessage(final SharedBuffer buffer, final long offset, final int length, final int type, final int flags)
        {
            if (length > copy.length)
            {
                copy = new byte[length];
            }
            buffer.getBytes(offset, copy, 0, length);
            crc.update(copy, 0, length);

            if (error == null)
            {
                final long sequence = SharedBuffer.wrap(copy).getLong(0);
                if (type != TYPE || sequence != next || length != sizeOf(next))
                {
                    error = "expected sequence " + next + " of " + sizeOf(next) + " bytes, got sequence " + sequence +
                        " of " + length + " bytes, type " + type;
                }
                else
                {
                    for (int i = 8; i < length; i++)
                    {
                        if (copy[i] != contentByte(next, i))
                        {
                            error = "sequence " + next + " differs at byte " + i;
                            break;
                        }
                    }
                }
            }
            next++;
        }

        long received()
        {
            return next;
        }

        long crc()
        {
            return crc.getValue();
        }

        String error()
        {
            return error;
        }
    }
}
