package io.switchboard.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rpc.codec.BigEndian;
import io.switchboard.rpc.stream.AssemblyBudget;
import io.switchboard.rpc.stream.FrameAssembler;
import io.switchboard.rpc.stream.FrameHandler;
import io.switchboard.ipc.memory.SharedBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrameAssemblerTest
{
    private final List<byte[]> frames = new ArrayList<>();
    private final List<String> errors = new ArrayList<>();
    private final FrameHandler handler = new FrameHandler()
    {
        @Override
        public void onFrame(final byte[] buffer, final int offset, final int length)
        {
            frames.add(Arrays.copyOfRange(buffer, offset, offset + length));
        }

        @Override
        public void onMalformedStream(final String reason)
        {
            errors.add(reason);
        }
    };

    private static byte[] frame(final int bodyLength, final int seed)
    {
        final byte[] frame = RawPeer.header(2, seed, 0, bodyLength);
        for (int i = 24; i < frame.length; i++)
        {
            frame[i] = (byte)(seed + i);
        }
        return frame;
    }

    @Test
    void shouldCutAStreamInAnyPiecesIntoTheSameFrames()
    {
        final List<byte[]> sent = List.of(frame(0, 1), frame(5, 2), frame(3000, 3), frame(17, 4), frame(70_000, 5));
        final byte[] stream = concat(sent);
        final SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 50; round++)
        {
            frames.clear();
            final FrameAssembler assembler = new FrameAssembler(1 << 20, 64, handler);
            int index = 0;
            while (index < stream.length)
            {
                final int piece = Math.min(stream.length - index, 1 + random.nextInt(round < 25 ? 40 : 9000));
                if (random.nextBoolean())
                {
                    assembler.onBytes(stream, index, piece);
                }
                else
                {
                    final SharedBuffer segment = SharedBuffer.wrap(stream);
                    assembler.onBytes(segment, index, piece);
                }
                index += piece;
            }
            assertEquals(sent.size(), frames.size());
            for (int i = 0; i < sent.size(); i++)
            {
                assertArrayEquals(sent.get(i), frames.get(i));
            }
            assertEquals(64, assembler.bufferCapacity(), "shrinks back after a large frame");
        }
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldReadFramesFromNativeMemory()
    {
        final byte[] stream = concat(List.of(frame(10, 1), frame(100, 2)));
        final SharedBuffer ring = SharedBuffer.allocateNative(stream.length + 16, 8);
        ring.putBytes(16, stream, 0, stream.length);
        new FrameAssembler(4096, handler).onBytes(ring, 16, stream.length);
        assertEquals(2, frames.size());
        assertArrayEquals(frame(100, 2), frames.get(1));
    }

    @Test
    void shouldRefuseAFrameOverTheMaximumBeforeGrowing()
    {
        final FrameAssembler assembler = new FrameAssembler(1000, 64, handler);
        final byte[] header = RawPeer.header(1, 1, 0, 0);
        BigEndian.putU32(header, 0, 0xFFFF_FFF0L);
        assembler.onBytes(header, 0, 2);
        assembler.onBytes(header, 2, header.length - 2);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).contains("over the session's maximum of 1000"), errors.get(0));
        assertEquals(64, assembler.bufferCapacity());
        assertTrue(assembler.isFailed());
        final byte[] good = frame(3, 1);
        assembler.onBytes(good, 0, good.length);
        assertEquals(0, frames.size(), "nothing after a malformed stream");
    }

    @Test
    void shouldAcceptAFrameOfExactlyTheMaximum()
    {
        final FrameAssembler assembler = new FrameAssembler(1000, 64, handler);
        final byte[] frame = frame(1000 - 24, 9);
        assembler.onBytes(frame, 0, 500);
        assembler.onBytes(frame, 500, 500);
        assertEquals(1, frames.size());
        assertEquals(List.of(), errors);
    }

    @Test
    void shouldNotAllocateTheDeclaredLengthBeforeTheBytesArrive()
    {
        final int max = 16 << 20;
        final byte[] header = RawPeer.header(1, 1, 0, max - 24);
        final FrameAssembler fromArray = new FrameAssembler(max, handler);
        fromArray.onBytes(header, 0, header.length);
        assertEquals(FrameAssembler.DEFAULT_INITIAL_CAPACITY, fromArray.bufferCapacity());
        final FrameAssembler fromSegment = new FrameAssembler(max, handler);
        assertTrue(fromSegment.onBytes(SharedBuffer.wrap(header), 0, header.length));
        assertEquals(FrameAssembler.DEFAULT_INITIAL_CAPACITY, fromSegment.bufferCapacity());
    }

    @Test
    void shouldGrowByDoublingWithTheBytesThatArrivedUpToTheDeclaredLength()
    {
        final byte[] frame = frame(200_000 - 24, 3);
        final FrameAssembler assembler = new FrameAssembler(1 << 20, 1024, handler);
        final List<Integer> capacities = new ArrayList<>();
        for (int index = 0; index < frame.length - 1000; index += 1000)
        {
            assertTrue(assembler.onBytes(SharedBuffer.wrap(frame), index, 1000));
            final int arrived = index + 1000;
            assertTrue(assembler.bufferCapacity() < 2 * arrived + 1024, "capacity " + assembler.bufferCapacity() +
                " after " + arrived + " bytes");
            if (capacities.isEmpty() || capacities.getLast() != assembler.bufferCapacity())
            {
                capacities.add(assembler.bufferCapacity());
            }
        }
        assertEquals(List.of(1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 200_000), capacities);
        assertTrue(assembler.onBytes(SharedBuffer.wrap(frame), frame.length - 1000, 1000));
        assertArrayEquals(frame, frames.getFirst());
        assertEquals(1024, assembler.bufferCapacity(), "back to the initial buffer");
    }

    @Test
    void shouldLeaveAPieceTheBudgetCannotCoverAndTakeItOnceBudgetIsBack()
    {
        final CountingBudget budget = new CountingBudget(1 << 20);
        final FrameAssembler assembler = new FrameAssembler(1 << 20, 64, handler, budget);
        final byte[] frame = frame(1000, 7);
        final SharedBuffer source = SharedBuffer.wrap(frame);
        assertTrue(assembler.onBytes(source, 0, 60));

        budget.refuse = true;
        assertFalse(assembler.onBytes(source, 60, 540), "no budget: the piece stays with the caller");
        assertEquals(64, assembler.bufferCapacity());
        assertEquals(0, budget.held);

        budget.refuse = false;
        assertTrue(assembler.onBytes(source, 60, 540));
        assertTrue(budget.held > 0 && budget.held <= frame.length - 64, "held " + budget.held);
        assertEquals(frame.length - 64 - budget.held, budget.lastNeed, "what it will still ask for");
        assertTrue(assembler.onBytes(source, 600, frame.length - 600));
        assertArrayEquals(frame, frames.getFirst());
        assertEquals(0, budget.held, "given back with the frame");
    }

    @Test
    void shouldEndTheStreamWhenAFrameCouldNeverFitTheBudget()
    {
        final CountingBudget budget = new CountingBudget(1000);
        final FrameAssembler assembler = new FrameAssembler(1 << 20, 64, handler, budget);
        final byte[] header = RawPeer.header(1, 1, 0, 2000);
        assertTrue(assembler.onBytes(SharedBuffer.wrap(header), 0, header.length));
        assertEquals(1, errors.size());
        assertTrue(errors.getFirst().contains("over the 1064 bytes this side can hold"), errors.getFirst());
        assertTrue(assembler.isFailed());
    }

    @Test
    void shouldGiveBackTheBudgetOfAPartFrameWhenClosed()
    {
        final CountingBudget budget = new CountingBudget(1 << 20);
        final FrameAssembler assembler = new FrameAssembler(1 << 20, 64, handler, budget);
        final byte[] frame = frame(10_000, 7);
        assertTrue(assembler.onBytes(SharedBuffer.wrap(frame), 0, 5000));
        assertTrue(budget.held > 0);
        assembler.close();
        assertEquals(0, budget.held);
        assertEquals(64, assembler.bufferCapacity());
    }

    @Test
    void shouldCutTheSameFramesWhenTheBudgetRefusesAtRandom()
    {
        final List<byte[]> sent = List.of(frame(0, 1), frame(5, 2), frame(3000, 3), frame(17, 4), frame(70_000, 5),
            frame(100, 6));
        final byte[] stream = concat(sent);
        final SharedBuffer segment = SharedBuffer.wrap(stream);
        final SplittableRandom random = new SplittableRandom(7);
        for (int round = 0; round < 50; round++)
        {
            frames.clear();
            final CountingBudget budget = new CountingBudget(1 << 20);
            final FrameAssembler assembler = new FrameAssembler(1 << 20, 64, handler, budget);
            int index = 0;
            while (index < stream.length)
            {
                final int piece = Math.min(stream.length - index, 1 + random.nextInt(round < 25 ? 40 : 9000));
                budget.refuse = random.nextInt(3) == 0;
                if (assembler.onBytes(segment, index, piece))
                {
                    index += piece;
                }
            }
            assertEquals(sent.size(), frames.size());
            for (int i = 0; i < sent.size(); i++)
            {
                assertArrayEquals(sent.get(i), frames.get(i));
            }
            assertEquals(0, budget.held);
        }
        assertEquals(List.of(), errors);
    }

    /**
     * A budget that grants everything up to its limit, unless told to refuse.
     */
    private static final class CountingBudget implements AssemblyBudget
    {
        final long limit;
        long held;
        long lastNeed;
        boolean refuse;

        CountingBudget(final long limit)
        {
            this.limit = limit;
        }

        @Override
        public long limitBytes()
        {
            return limit;
        }

        @Override
        public boolean tryGrow(final int bytes, final long needAfterBytes)
        {
            if (refuse || held + bytes > limit)
            {
                return false;
            }
            held += bytes;
            lastNeed = needAfterBytes;
            return true;
        }

        @Override
        public void releaseAll()
        {
            held = 0;
        }
    }

    private static byte[] concat(final List<byte[]> parts)
    {
        final byte[] all = new byte[parts.stream().mapToInt(p -> p.length).sum()];
        int at = 0;
        for (final byte[] part : parts)
        {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
