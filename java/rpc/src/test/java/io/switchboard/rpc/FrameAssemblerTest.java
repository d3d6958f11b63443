package io.switchboard.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.rpc.codec.BigEndian;
import io.switchboard.rpc.stream.FrameAssembler;
import io.switchboard.rpc.stream.FrameHandler;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
                    final MemorySegment segment = MemorySegment.ofArray(stream);
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
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment ring = arena.allocate(stream.length + 16);
            MemorySegment.copy(stream, 0, ring, ValueLayout.JAVA_BYTE, 16, stream.length);
            new FrameAssembler(4096, handler).onBytes(ring, 16, stream.length);
        }
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
