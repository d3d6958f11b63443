package io.switchboard.protocol.http;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadCodecTest
{
    private final HeadWriter writer = new HeadWriter();

    @Test
    void shouldRoundTripARequestHeadThroughADirectBuffer()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(512);
        final ByteBuffer wire = ByteBuffer.wrap("POST /echo?x=1 HTTP/1.1".getBytes(StandardCharsets.ISO_8859_1));
        writer.wrap(buffer, 8)
            .requestFixed(1, HttpHeadDescriptor.FLAG_HAS_BODY | HttpHeadDescriptor.FLAG_KEEP_ALIVE, 2, 5)
            .putString("demo")
            .putBytes(wire, 0, 4)
            .putBytes(wire, 5, 9)
            .putString("Host").putString("localhost")
            .putString("X-\u00e9").putString("caf\u00e9");

        final RequestHead head = HeadReader.readRequest(buffer.slice(8, writer.length()));
        assertEquals(new RequestHead("demo", "POST", "/echo?x=1", 1, 5, 5,
            List.of(new HttpHeader("Host", "localhost"), new HttpHeader("X-\u00e9", "caf\u00e9"))), head);
        assertTrue(head.hasBody());
    }

    @Test
    void shouldRoundTripAResponseHead()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        writer.wrap(buffer, 0).responseFixed(404, 1, HttpHeadDescriptor.UNKNOWN_LENGTH)
            .putString("Content-Type").putString("text/plain");
        assertEquals(new ResponseHead(404, -1, List.of(new HttpHeader("Content-Type", "text/plain"))),
            HeadReader.readResponse(buffer.slice(0, writer.length())));
    }

    @Test
    void shouldRefuseWhatCannotBeEncoded()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        writer.wrap(buffer, 0);
        assertThrows(IllegalArgumentException.class, () -> writer.putString("\u2603"));
        assertThrows(IllegalArgumentException.class, () -> writer.responseFixed(42, 0, 0));
    }

    @Test
    void shouldRefuseHeadsThatLie()
    {
        final ByteBuffer buffer = ByteBuffer.allocate(128);
        writer.wrap(buffer, 0).responseFixed(200, 1, 0).putString("A").putString("b");
        final int length = writer.length();

        final HeadFormatException truncated = assertThrows(
            HeadFormatException.class, () -> HeadReader.readResponse(buffer.slice(0, length - 1)));
        assertTrue(truncated.getMessage().contains("header value 0"), truncated.getMessage());

        buffer.putShort(HttpHeadDescriptor.RESPONSE_HEADER_COUNT_OFFSET, (short)0xFFFF);
        assertThrows(HeadFormatException.class, () -> HeadReader.readResponse(buffer.slice(0, length)));
        assertThrows(HeadFormatException.class, () -> HeadReader.readResponse(buffer.slice(0, 10)));
    }

    @Test
    void shouldOnlyEverThrowHeadFormatExceptionOnGarbage()
    {
        final Random random = new Random(7);
        for (int i = 0; i < 20_000; i++)
        {
            final byte[] garbage = new byte[random.nextInt(120)];
            random.nextBytes(garbage);
            try
            {
                if (random.nextBoolean())
                {
                    HeadReader.readRequest(ByteBuffer.wrap(garbage));
                }
                else
                {
                    HeadReader.readResponse(ByteBuffer.wrap(garbage));
                }
            }
            catch (final HeadFormatException expected)
            {
                // the only acceptable failure
            }
        }
    }
}
