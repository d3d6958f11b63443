package io.switchboard.cm.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

import static io.switchboard.cm.http.HttpTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChunkedEncoderTest
{
    private final ByteBuffer buffer = ByteBuffer.allocate(64);

    @ParameterizedTest
    @CsvSource({ "1, 1", "9, 9", "10, a", "15, f", "16, 10", "255, ff", "256, 100", "4096, 1000",
        "2147483647, 7fffffff" })
    void shouldWriteTheSizeInHex(final int dataLength, final String hex)
    {
        final int written = ChunkedEncoder.putChunkHeader(buffer, dataLength);

        assertEquals(hex + "\r\n", text(buffer, 0, buffer.position()));
        assertEquals(hex.length() + 2, written);
        assertEquals(written, ChunkedEncoder.chunkHeaderLength(dataLength));
        assertTrue(written <= ChunkedEncoder.MAX_CHUNK_HEADER_LENGTH);
    }

    @Test
    void shouldWriteTheChunkEndAndTheLastChunk()
    {
        assertEquals(2, ChunkedEncoder.putChunkEnd(buffer));
        assertEquals(5, ChunkedEncoder.putLastChunk(buffer));

        assertEquals("\r\n0\r\n\r\n", text(buffer, 0, buffer.position()));
    }

    @Test
    void shouldRefuseAnEmptyChunk()
    {
        assertThrows(IllegalArgumentException.class, () -> ChunkedEncoder.putChunkHeader(buffer, 0));
        assertThrows(IllegalArgumentException.class, () -> ChunkedEncoder.chunkHeaderLength(-1));
        assertEquals(0, buffer.position());
    }

    @Test
    void shouldWriteNothingWhenThereIsNoRoom()
    {
        final ByteBuffer small = ByteBuffer.allocate(4);
        small.position(1);

        assertThrows(BufferOverflowException.class, () -> ChunkedEncoder.putChunkHeader(small, 0x100));
        assertThrows(BufferOverflowException.class, () -> ChunkedEncoder.putLastChunk(small));
        assertEquals(1, small.position());
        assertArrayEquals(new byte[4], small.array());

        assertEquals(2, ChunkedEncoder.putChunkEnd(small));
    }

    @Test
    void shouldProduceWhatTheDecoderReadsBack()
    {
        final Random random = new Random(42);
        for (int round = 0; round < 200; round++)
        {
            final ByteArrayOutputStream payload = new ByteArrayOutputStream();
            final ByteBuffer encoded = ByteBuffer.allocate(64 * 1024);
            final int chunks = random.nextInt(8);
            for (int i = 0; i < chunks; i++)
            {
                final byte[] data = new byte[1 + random.nextInt(random.nextBoolean() ? 20 : 3000)];
                random.nextBytes(data);
                payload.writeBytes(data);
                ChunkedEncoder.putChunkHeader(encoded, data.length);
                encoded.put(data);
                ChunkedEncoder.putChunkEnd(encoded);
            }
            ChunkedEncoder.putLastChunk(encoded);
            encoded.flip();

            final ChunkedDecoder decoder = new ChunkedDecoder(HttpLimits.DEFAULT);
            final ByteArrayOutputStream decoded = new ByteArrayOutputStream();
            decoder.decode(encoded, Integer.MAX_VALUE, (source, index, length) ->
            {
                final byte[] bytes = new byte[length];
                source.get(index, bytes);
                decoded.writeBytes(bytes);
            });

            assertTrue(decoder.isDone(), "round " + round);
            assertEquals(encoded.limit(), encoded.position());
            assertTrue(Arrays.equals(payload.toByteArray(), decoded.toByteArray()), "round " + round);
        }
    }
}
