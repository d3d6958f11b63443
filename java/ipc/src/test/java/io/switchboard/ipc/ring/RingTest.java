package io.switchboard.ipc.ring;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.switchboard.ipc.memory.SharedBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RingTest
{
    private static final int CAPACITY = 1024;
    private static final int TYPE = 7;

    private final SharedBuffer memory = SharedBuffer.allocateNative((int)RingDescriptor.length(CAPACITY), 128);
    private final RingWriter writer = new RingWriter(memory, 0, CAPACITY);
    private final RingReader reader = new RingReader(memory, 0, CAPACITY);
    private final List<byte[]> received = new ArrayList<>();
    private final FrameHandler collector = (buffer, offset, length, type, flags) ->
        received.add(buffer.toByteArray(offset, length));

    @Test
    void shouldReadNothingFromAnEmptyRing()
    {
        assertEquals(0, reader.read(collector, Integer.MAX_VALUE));
        assertFalse(reader.isSatisfied());
        assertEquals(0, reader.headPosition());
    }

    @Test
    void shouldLeaveTheFrameAControlledHandlerRefusesFirstInLine()
    {
        for (int i = 1; i <= 3; i++)
        {
            assertTrue(writer.offer(TYPE, SharedBuffer.wrap(bytes(8, i)), 0, 8));
        }
        final List<Integer> taken = new ArrayList<>();
        final int[] refuse = {2};
        final ControlledFrameHandler handler = (buffer, offset, length, type, flags) ->
        {
            final int first = buffer.getByte(offset);
            if (first == refuse[0])
            {
                return false;
            }
            taken.add(first);
            return true;
        };

        assertEquals(1, reader.controlledRead(handler, 10));
        assertEquals(List.of(1), taken);
        assertEquals(FrameDescriptor.alignedFrameLength(8), reader.headPosition(), "only the frame taken is released");
        assertTrue(reader.isSatisfied());

        assertEquals(0, reader.controlledRead(handler, 10), "refused again: nothing moves");
        refuse[0] = 0;
        assertEquals(2, reader.controlledRead(handler, 10));
        assertEquals(List.of(1, 2, 3), taken);
        assertFalse(reader.isSatisfied());
    }

    @Test
    void shouldDeliverAFrameWithItsTypeAndFlags()
    {
        final byte[] payload = bytes(13, 1);
        assertTrue(writer.offer(TYPE, SharedBuffer.wrap(payload), 0, payload.length));
        assertTrue(reader.isSatisfied());

        final int[] seen = new int[3];
        assertEquals(1, reader.read((buffer, offset, length, type, flags) ->
        {
            seen[0] = length;
            seen[1] = type;
            seen[2] = flags;
        }, 10));

        assertEquals(13, seen[0]);
        assertEquals(TYPE, seen[1]);
        assertEquals(FrameDescriptor.UNFRAGMENTED, seen[2]);
        assertEquals(FrameDescriptor.alignedFrameLength(13), reader.headPosition());
    }

    @Test
    void shouldHideUnpublishedFramesUntilPublishedTogether()
    {
        assertTrue(writer.offerUnpublished(TYPE, SharedBuffer.wrap(bytes(8, 1)), 0, 8));
        assertTrue(writer.offerUnpublished(TYPE, SharedBuffer.wrap(bytes(8, 2)), 0, 8));
        assertFalse(reader.isSatisfied());
        assertEquals(0, reader.read(collector, Integer.MAX_VALUE));

        writer.publish();
        assertTrue(reader.isSatisfied());
        assertEquals(2, reader.read(collector, Integer.MAX_VALUE));
        assertArrayEquals(bytes(8, 1), received.get(0));
        assertArrayEquals(bytes(8, 2), received.get(1));
    }

    @Test
    void shouldPublishHeldFramesWithTheNextCommit()
    {
        assertTrue(writer.offerUnpublished(TYPE, SharedBuffer.wrap(bytes(8, 1)), 0, 8));
        assertTrue(writer.offer(TYPE, SharedBuffer.wrap(bytes(8, 2)), 0, 8));

        assertEquals(2, reader.read(collector, Integer.MAX_VALUE));
        assertArrayEquals(bytes(8, 1), received.get(0));
    }

    @Test
    void shouldCountHeldFramesAsUsedSpace()
    {
        final int payloadLength = writer.maxPayloadLength();
        final int frames = CAPACITY / FrameDescriptor.alignedFrameLength(payloadLength);
        final byte[] payload = bytes(payloadLength, 3);
        for (int i = 0; i < frames; i++)
        {
            assertTrue(writer.offerUnpublished(TYPE, SharedBuffer.wrap(payload), 0, payload.length), "frame " + i);
        }

        assertFalse(writer.offerUnpublished(TYPE, SharedBuffer.wrap(payload), 0, payload.length));
        writer.publish();
        assertEquals(frames, reader.read(collector, Integer.MAX_VALUE));
    }

    @Test
    void shouldRefuseAFrameWhenFullAndAcceptItOnceSpaceIsReleased()
    {
        final int payloadLength = writer.maxPayloadLength();
        final int frames = CAPACITY / FrameDescriptor.alignedFrameLength(payloadLength);
        final byte[] payload = bytes(payloadLength, 2);
        for (int i = 0; i < frames; i++)
        {
            assertTrue(writer.offer(TYPE, SharedBuffer.wrap(payload), 0, payload.length), "frame " + i);
        }

        assertFalse(writer.offer(TYPE, SharedBuffer.wrap(payload), 0, payload.length));
        assertFalse(writer.isSatisfied());
        assertEquals(RingWriter.INSUFFICIENT_CAPACITY, writer.tryClaim(TYPE, FrameDescriptor.UNFRAGMENTED, 0));

        assertEquals(1, reader.read(collector, 1));
        assertTrue(writer.isSatisfied());
        assertTrue(writer.offer(TYPE, SharedBuffer.wrap(payload), 0, payload.length));
        assertEquals(frames, reader.read(collector, Integer.MAX_VALUE));
        assertEquals(frames + 1, received.size());
    }

    @Test
    void shouldReleaseSpaceOnceForTheWholeBatch()
    {
        for (int i = 0; i < 5; i++)
        {
            assertTrue(writer.offer(TYPE, SharedBuffer.wrap(bytes(8, i)), 0, 8));
        }

        final long headOffset = RingDescriptor.HEAD_POSITION_OFFSET;
        final long[] headSeenByHandler = new long[5];
        final int[] index = {0};
        reader.read((buffer, offset, length, type, flags) -> headSeenByHandler[index[0]++] = memory.getLong(headOffset), 10);

        assertArrayEquals(new long[5], headSeenByHandler);
        assertEquals(5 * FrameDescriptor.alignedFrameLength(8), memory.getLong(headOffset));
    }

    @Test
    void shouldLeaveTheFrameThatWouldGoOverTheByteLimitFirstInLine()
    {
        final int[] lengths = {40, 100, 60, 8};
        for (int i = 0; i < lengths.length; i++)
        {
            assertTrue(writer.offer(TYPE, SharedBuffer.wrap(bytes(lengths[i], i)), 0, lengths[i]));
        }

        // 40 + 100 fit in 150, 40 + 100 + 60 do not
        assertEquals(2, reader.read(collector, Integer.MAX_VALUE, 150));
        assertEquals(FrameDescriptor.alignedFrameLength(40) + FrameDescriptor.alignedFrameLength(100),
            reader.headPosition());
        // a limit the next frame does not fit in reads nothing and releases nothing
        assertEquals(0, reader.read(collector, Integer.MAX_VALUE, 59));
        assertEquals(2, received.size());
        // exactly the limit fits
        assertEquals(2, reader.read(collector, Integer.MAX_VALUE, 68));

        assertEquals(4, received.size());
        for (int i = 0; i < lengths.length; i++)
        {
            assertArrayEquals(bytes(lengths[i], i), received.get(i));
        }
        assertFalse(reader.isSatisfied());
    }

    @Test
    void shouldNotCountPaddingAgainstTheByteLimit()
    {
        final int payload = FrameDescriptor.alignedFrameLength(8) * 2;
        // fill the ring to 8 bytes before its end, then free it all: the next frame pads and wraps
        advance(CAPACITY - 8);
        assertTrue(writer.offer(TYPE, SharedBuffer.wrap(bytes(payload, 3)), 0, payload));

        assertEquals(1, reader.read(collector, Integer.MAX_VALUE, payload));
        assertArrayEquals(bytes(payload, 3), received.get(received.size() - 1));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 8, 16, 56, 120})
    void shouldPadTheEndOfTheRingWhenAFrameDoesNotFitBeforeTheWrap(final int slackBeforeEnd)
    {
        // move the tail so that exactly slackBeforeEnd bytes remain before the end
        advance(CAPACITY - slackBeforeEnd);
        final byte[] payload = bytes(100, 3);
        assertTrue(writer.offer(TYPE, SharedBuffer.wrap(payload), 0, payload.length));
        assertEquals(1, reader.read(collector, 10));
        assertArrayEquals(payload, received.get(0));

        final long aligned = FrameDescriptor.alignedFrameLength(100);
        final long expectedTail = slackBeforeEnd >= aligned || slackBeforeEnd == 0 ?
            CAPACITY - slackBeforeEnd + aligned : CAPACITY + aligned;
        assertEquals(expectedTail, writer.tailPosition());
    }

    @Test
    void shouldFitAFrameExactlyAtTheEnd()
    {
        final int aligned = FrameDescriptor.alignedFrameLength(56);
        advance(CAPACITY - aligned);
        assertTrue(writer.offer(TYPE, SharedBuffer.wrap(bytes(56, 4)), 0, 56));
        assertEquals(CAPACITY, writer.tailPosition());
        assertEquals(1, reader.read(collector, 1));
    }

    @Test
    void shouldPublishTheShortenedLengthOnCommit()
    {
        final long offset = writer.tryClaim(TYPE, FrameDescriptor.UNFRAGMENTED, 100);
        memory.putBytes(offset, bytes(10, 5), 0, 10);
        writer.commit(10);

        assertEquals(1, reader.read(collector, 1));
        assertArrayEquals(bytes(10, 5), received.get(0));
        assertEquals(FrameDescriptor.alignedFrameLength(10), reader.headPosition());
    }

    @Test
    void shouldPublishNothingOnAbort()
    {
        writer.tryClaim(TYPE, FrameDescriptor.UNFRAGMENTED, 100);
        writer.abort();
        assertEquals(0, reader.read(collector, 1));
        assertTrue(writer.offer(TYPE, SharedBuffer.wrap(bytes(4, 6)), 0, 4));
        assertEquals(1, reader.read(collector, 1));
    }

    @Test
    void shouldRejectBadClaims()
    {
        assertThrows(IllegalArgumentException.class, () -> writer.tryClaim(TYPE, 0, writer.maxPayloadLength() + 1));
        assertThrows(IllegalArgumentException.class, () -> writer.tryClaim(FrameDescriptor.PADDING_TYPE, 0, 1));
        writer.tryClaim(TYPE, 0, 1);
        assertThrows(IllegalStateException.class, () -> writer.tryClaim(TYPE, 0, 1));
    }

    @Test
    void shouldStreamAMessageLargerThanTheRingAsFragments()
    {
        final byte[] message = bytes(10 * CAPACITY + 3, 7);
        final FragmentAssembler assembler = new FragmentAssembler(collector, 64, message.length);
        final SharedBuffer source = SharedBuffer.wrap(message);

        int written = 0;
        int fragments = 0;
        while (written < message.length)
        {
            final int n = writer.offerPart(TYPE, source, written, message.length - written, written == 0, true);
            if (n == RingWriter.NOTHING_WRITTEN)
            {
                fragments += reader.read(assembler, Integer.MAX_VALUE);
                continue;
            }
            written += n;
        }
        fragments += reader.read(assembler, Integer.MAX_VALUE);

        assertTrue(fragments > 10, "fragments=" + fragments);
        assertEquals(1, received.size());
        assertArrayEquals(message, received.get(0));
    }

    @Test
    void shouldRefuseAFragmentWithoutABeginning()
    {
        final FragmentAssembler assembler = new FragmentAssembler(collector, 64, 1024);
        final long offset = writer.tryClaim(TYPE, FrameDescriptor.END_FLAG, 4);
        memory.putInt(offset, 1);
        writer.commit();

        assertThrows(RingCorruptedException.class, () -> reader.read(assembler, 1));
        assertTrue(received.isEmpty());
    }

    @Test
    void shouldDetectATailBeyondTheCapacity()
    {
        memory.putLong(RingDescriptor.TAIL_POSITION_OFFSET, CAPACITY + 8);
        final RingCorruptedException ex =
            assertThrows(RingCorruptedException.class, () -> reader.read(collector, 1));
        assertTrue(ex.getMessage().contains("tailPosition=" + (CAPACITY + 8)), ex.getMessage());
    }

    @Test
    void shouldDetectAFrameLengthThatOverrunsThePublishedBytes()
    {
        assertTrue(writer.offer(TYPE, SharedBuffer.wrap(bytes(8, 1)), 0, 8));
        memory.putInt(RingDescriptor.HEADER_LENGTH + FrameDescriptor.LENGTH_OFFSET, 512);
        final RingCorruptedException ex =
            assertThrows(RingCorruptedException.class, () -> reader.read(collector, 1));
        assertTrue(ex.getMessage().contains("frameLength=512"), ex.getMessage());

        memory.putInt(RingDescriptor.HEADER_LENGTH + FrameDescriptor.LENGTH_OFFSET, 3);
        assertThrows(RingCorruptedException.class, () -> reader.read(collector, 1));
    }

    @Test
    void shouldDetectATailThatGoesBackwards()
    {
        advance(64);
        memory.putLong(RingDescriptor.TAIL_POSITION_OFFSET, 56);
        final RingCorruptedException ex =
            assertThrows(RingCorruptedException.class, () -> reader.read(collector, 1));
        assertTrue(ex.getMessage().contains("headPosition=64 tailPosition=56"), ex.getMessage());
    }

    @Test
    void shouldDetectAnUnalignedTail()
    {
        memory.putLong(RingDescriptor.TAIL_POSITION_OFFSET, 12);
        assertThrows(RingCorruptedException.class, () -> reader.read(collector, 1));
    }

    @Test
    void shouldDetectAPaddingFrameThatStopsShortOfTheRingsEnd()
    {
        writeFrameHeader(0, 16, FrameDescriptor.PADDING_TYPE, 0);
        memory.putLong(RingDescriptor.TAIL_POSITION_OFFSET, 16);
        final RingCorruptedException ex =
            assertThrows(RingCorruptedException.class, () -> reader.read(collector, 1));
        assertTrue(ex.getMessage().contains("padding frame"), ex.getMessage());
    }

    @Test
    void shouldDetectUnknownFlags()
    {
        writeFrameHeader(0, 16, TYPE, FrameDescriptor.UNFRAGMENTED | 0x1);
        memory.putLong(RingDescriptor.TAIL_POSITION_OFFSET, 16);
        final RingCorruptedException ex =
            assertThrows(RingCorruptedException.class, () -> reader.read(collector, 1));
        assertTrue(ex.getMessage().contains("flags=0xc1"), ex.getMessage());
    }

    @Test
    void shouldDetectAFrameLongerThanAnyWriterWrites()
    {
        final int frameLength = RingDescriptor.maxFrameLength(CAPACITY) + 8;
        writeFrameHeader(0, frameLength, TYPE, FrameDescriptor.UNFRAGMENTED);
        memory.putLong(RingDescriptor.TAIL_POSITION_OFFSET, frameLength);
        final RingCorruptedException ex =
            assertThrows(RingCorruptedException.class, () -> reader.read(collector, 1));
        assertTrue(ex.getMessage().contains("frameLength=" + frameLength), ex.getMessage());
        assertTrue(received.isEmpty());
    }

    @Test
    void shouldHandTheHandlerNothingAfterACorruptFrameButReleaseWhatWasGood()
    {
        assertTrue(writer.offer(TYPE, SharedBuffer.wrap(bytes(8, 1)), 0, 8));
        writeFrameHeader(16, 3, TYPE, FrameDescriptor.UNFRAGMENTED);
        memory.putLong(RingDescriptor.TAIL_POSITION_OFFSET, 32);
        assertThrows(RingCorruptedException.class, () -> reader.read(collector, 10));
        assertEquals(1, received.size());
        assertEquals(16, reader.headPosition());
    }

    @Test
    void shouldDetectAHeadAheadOfTheTail()
    {
        assertTrue(writer.offer(TYPE, SharedBuffer.wrap(bytes(8, 1)), 0, 8));
        memory.putLong(RingDescriptor.HEAD_POSITION_OFFSET, 64);
        final RingCorruptedException ex =
            assertThrows(RingCorruptedException.class, writer::writablePayloadLength);
        assertTrue(ex.getMessage().contains("headPosition=64"), ex.getMessage());
    }

    @Test
    void shouldDetectAHeadThatGoesBackwards()
    {
        advance(64);
        writer.writablePayloadLength();
        memory.putLong(RingDescriptor.HEAD_POSITION_OFFSET, 8);
        final RingCorruptedException ex =
            assertThrows(RingCorruptedException.class, writer::writablePayloadLength);
        assertTrue(ex.getMessage().contains("lastHeadPosition=64"), ex.getMessage());
    }

    @Test
    void shouldDetectImpossiblePositionsAtResync()
    {
        memory.putLong(RingDescriptor.HEAD_POSITION_OFFSET, 4);
        assertThrows(RingCorruptedException.class, reader::resync);
        assertThrows(RingCorruptedException.class, writer::resync);
        memory.putLong(RingDescriptor.HEAD_POSITION_OFFSET, 0);
        memory.putLong(RingDescriptor.TAIL_POSITION_OFFSET, CAPACITY + 8);
        assertThrows(RingCorruptedException.class, writer::resync);
    }

    private void writeFrameHeader(final int index, final int frameLength, final int type, final int flags)
    {
        final long frameOffset = RingDescriptor.HEADER_LENGTH + index;
        memory.putInt(frameOffset + FrameDescriptor.LENGTH_OFFSET, frameLength);
        memory.putShort(frameOffset + FrameDescriptor.TYPE_OFFSET, (short)type);
        memory.putShort(frameOffset + FrameDescriptor.FLAGS_OFFSET, (short)flags);
    }

    @Test
    void shouldMatchAQueueModelForRandomFrameSizesAndInterleavings()
    {
        final Random random = new Random(42);
        final ArrayDeque<byte[]> model = new ArrayDeque<>();
        final ArrayDeque<byte[]> rejected = new ArrayDeque<>();
        for (int step = 0; step < 200_000; step++)
        {
            if (random.nextInt(3) != 0)
            {
                final byte[] payload = bytes(random.nextInt(writer.maxPayloadLength() + 1), step);
                if (writer.offer(TYPE, SharedBuffer.wrap(payload), 0, payload.length))
                {
                    model.add(payload);
                }
                else
                {
                    rejected.add(payload);
                    assertTrue(
                        model.stream().mapToInt(p -> FrameDescriptor.alignedFrameLength(p.length)).sum() +
                        FrameDescriptor.alignedFrameLength(payload.length) > CAPACITY - FrameDescriptor.alignedFrameLength(
                        writer.maxPayloadLength()), "refused with room to spare at step " + step);
                }
            }
            else
            {
                received.clear();
                reader.read(collector, 1 + random.nextInt(4));
                for (final byte[] got : received)
                {
                    assertArrayEquals(model.poll(), got, "step " + step);
                }
            }
        }

        received.clear();
        reader.read(collector, Integer.MAX_VALUE);
        assertEquals(model.size(), received.size());
        for (final byte[] got : received)
        {
            assertArrayEquals(model.poll(), got);
        }
        assertFalse(rejected.isEmpty(), "the model never filled the ring");
    }

    private void advance(final int bytes)
    {
        int remaining = bytes;
        while (remaining > 0)
        {
            final int aligned = Math.min(remaining, FrameDescriptor.alignedFrameLength(writer.maxPayloadLength()));
            assertTrue(writer.offer(TYPE, SharedBuffer.wrap(new byte[aligned - 8]), 0, aligned - 8));
            reader.read((buffer, offset, length, type, flags) -> { }, Integer.MAX_VALUE);
            remaining -= aligned;
        }
    }

    private static byte[] bytes(final int length, final int seed)
    {
        final byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte)seed);
        for (int i = 0; i < length; i++)
        {
            bytes[i] += (byte)i;
        }
        return bytes;
    }
}
