package io.switchboard.cm.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.switchboard.ipc.memory.SharedBuffer;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;

import static io.switchboard.cm.http.HttpTestSupport.bytes;
import static io.switchboard.cm.http.HttpTestSupport.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResponseHeadWriterTest
{
    private static final String DATE = "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n";
    private static final String SERVER = "Server: switchboard\r\n";

    private final HttpTestSupport.ManualClock clock = new HttpTestSupport.ManualClock(784_111_777_000L);
    private final ResponseHeadWriter writer = new ResponseHeadWriter(new HttpDate(clock));
    private final ByteBuffer buffer = ByteBuffer.allocate(1024);

    private String written()
    {
        return text(buffer, 0, buffer.position());
    }

    @Test
    void shouldWriteAHeadWithContentLength()
    {
        final int length = writer.begin(buffer, 200)
            .header("Content-Type", "text/plain; charset=utf-8")
            .contentLength(5)
            .end();

        final String expected = "HTTP/1.1 200 OK\r\n" + DATE + SERVER +
            "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\n\r\n";
        assertEquals(expected, written());
        assertEquals(expected.length(), length);
    }

    @Test
    void shouldWriteAChunkedHeadThatClosesTheConnection()
    {
        writer.begin(buffer, 404).chunked().connectionClose().end();

        assertEquals("HTTP/1.1 404 Not Found\r\n" + DATE + SERVER +
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n", written());
    }

    @Test
    void shouldWriteKeepAliveForHttp10Clients()
    {
        writer.begin(buffer, 200).contentLength(0).connectionKeepAlive().end();

        assertTrue(written().endsWith("Content-Length: 0\r\nConnection: keep-alive\r\n\r\n"), written());
    }

    @Test
    void shouldStartWhereTheBufferPositionIs()
    {
        buffer.position(10);

        final int length = writer.begin(buffer, 204).end();

        assertEquals("HTTP/1.1 204 No Content\r\n" + DATE + SERVER + "\r\n", text(buffer, 10, buffer.position()));
        assertEquals(buffer.position() - 10, length);
    }

    @ParameterizedTest
    @CsvSource({
        "200, HTTP/1.1 200 OK", "400, HTTP/1.1 400 Bad Request", "413, HTTP/1.1 413 Content Too Large",
        "414, HTTP/1.1 414 URI Too Long", "431, HTTP/1.1 431 Request Header Fields Too Large",
        "501, HTTP/1.1 501 Not Implemented", "502, HTTP/1.1 502 Bad Gateway",
        "505, HTTP/1.1 505 HTTP Version Not Supported", "299, 'HTTP/1.1 299 '", "599, 'HTTP/1.1 599 '" })
    void shouldWriteTheStatusLine(final int status, final String statusLine)
    {
        writer.begin(buffer, status).contentLength(0).end();

        assertTrue(written().startsWith(statusLine + "\r\n" + DATE), written());
    }

    @ParameterizedTest
    @ValueSource(ints = { -1, 0, 99, 100, 101, 199, 600, 1000 })
    void shouldRefuseStatusesOutsideTheFinalRange(final int status)
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> writer.begin(buffer, status));

        assertTrue(ex.getMessage().contains("status=" + status), ex.getMessage());
        assertEquals(0, buffer.position());
    }

    @ParameterizedTest
    @ValueSource(longs = { 0, 9, 10, 99, 100, 123_456_789, Long.MAX_VALUE })
    void shouldWriteContentLengthDigits(final long length)
    {
        writer.begin(buffer, 200).contentLength(length).end();

        assertTrue(written().endsWith("Content-Length: " + length + "\r\n\r\n"), written());
    }

    @Test
    void shouldUseTheDateOfTheCurrentSecond()
    {
        writer.begin(buffer, 200).end();
        clock.millis += 1_000;
        buffer.clear();

        writer.begin(buffer, 200).end();

        assertTrue(written().contains("Date: Sun, 06 Nov 1994 08:49:38 GMT\r\n"), written());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "X-Injected  | a\\r\\nSet-Cookie: evil=1 | 0x0d",
        "X-Injected  | a\\nb                     | 0x0a",
        "X-Injected  | a\\rb                     | 0x0d",
        "X-Nul       | a\\u0000                  | 0x00",
        "X-Del       | a\\u007f                  | 0x7f",
        "X-Ctl       | \\u0001                   | 0x01",
        "X-Wide      | \\u0100                   | 0x100",
        "X-Emoji     | \\ud83d\\ude00              | 0xd83d" })
    void shouldRefuseForbiddenCharactersInValues(final String name, final String escapedValue, final String code)
    {
        final String value = unescape(escapedValue);
        writer.begin(buffer, 200);
        final int before = buffer.position();

        final InvalidHeaderException ex = assertThrows(InvalidHeaderException.class, () -> writer.header(name, value));

        assertTrue(ex.getMessage().contains("name=" + name), ex.getMessage());
        assertTrue(ex.getMessage().contains("char=" + code), ex.getMessage());
        assertFalse(ex.getMessage().contains("evil"), ex.getMessage());
        assertEquals(before, buffer.position());
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "X Y", "X:Y", "X\\r\\nY", "X\\u0000", "X\\u00e9", "(X)", "X/Y", "X\\u0100" })
    void shouldRefuseNamesThatAreNotTokens(final String escapedName)
    {
        final String name = unescape(escapedName);
        writer.begin(buffer, 200);
        final int before = buffer.position();

        final InvalidHeaderException ex = assertThrows(InvalidHeaderException.class, () -> writer.header(name, "v"));

        assertTrue(ex.getMessage().startsWith("header name"), ex.getMessage());
        assertEquals(before, buffer.position());
    }

    @ParameterizedTest
    @ValueSource(strings = { "Content-Length", "content-length", "Transfer-Encoding", "CONNECTION", "Keep-Alive",
        "Proxy-Connection", "Upgrade", "TE", "Trailer", "Date", "Server" })
    void shouldRefuseFieldsTheCmWritesItself(final String name)
    {
        writer.begin(buffer, 200);

        final InvalidHeaderException ex = assertThrows(InvalidHeaderException.class, () -> writer.header(name, "1"));

        assertEquals("header is written by the CM, not by the application: name=" + name, ex.getMessage());
    }

    @Test
    void shouldAcceptValuesWithTabsSpacesAndObsText()
    {
        writer.begin(buffer, 200).header("X-A", "").header("X-B", " a\tb \u00e9\u00ff").header("X-Content-Length", "1").end();

        assertTrue(written().contains("X-A: \r\nX-B:  a\tb \u00e9\u00ff\r\nX-Content-Length: 1\r\n"), written());
    }

    @Test
    void shouldWriteFieldsStraightFromMemory()
    {
        {
            final SharedBuffer segment = SharedBuffer.allocateNative(64, 8);
            final byte[] frame = bytes("  X-Frame-Id42\r\n");
            segment.putBytes(0, frame, 0, frame.length);

            writer.begin(buffer, 200).header(segment, 2, 10, 12, 2).end();
            assertTrue(written().contains("\r\nX-Frame-Id: 42\r\n"), written());

            buffer.clear();
            writer.begin(buffer, 200);
            final int before = buffer.position();
            final InvalidHeaderException value = assertThrows(
                InvalidHeaderException.class, () -> writer.header(segment, 2, 10, 12, 4));
            assertTrue(value.getMessage().contains("name=X-Frame-Id, index=2, char=0x0d"), value.getMessage());

            final InvalidHeaderException name = assertThrows(
                InvalidHeaderException.class, () -> writer.header(segment, 0, 3, 12, 2));
            assertTrue(name.getMessage().contains("index=0, char=0x20"), name.getMessage());
            assertEquals(before, buffer.position());

            final byte[] reserved = bytes("date");
            segment.putBytes(32, reserved, 0, reserved.length);
            final InvalidHeaderException date = assertThrows(
                InvalidHeaderException.class, () -> writer.header(segment, 32, 4, 12, 2));
            assertTrue(date.getMessage().endsWith("name=date"), date.getMessage());

            assertThrows(IllegalArgumentException.class, () -> writer.header(segment, 2, -1, 12, 2));
        }
    }

    @Test
    void shouldEnforceFramingRules()
    {
        assertThrows(IllegalStateException.class, () -> writer.begin(buffer, 204).contentLength(0));
        assertThrows(IllegalStateException.class, () -> writer.begin(buffer, 204).chunked());
        assertThrows(IllegalStateException.class, () -> writer.begin(buffer, 304).chunked());
        writer.begin(buffer, 304).contentLength(10).end();
        assertThrows(IllegalStateException.class, () -> writer.begin(buffer, 200).contentLength(1).chunked());
        assertThrows(IllegalStateException.class, () -> writer.begin(buffer, 200).chunked().contentLength(1));
        assertThrows(IllegalStateException.class, () -> writer.begin(buffer, 200).connectionClose().connectionKeepAlive());
        assertThrows(IllegalArgumentException.class, () -> writer.begin(buffer, 200).contentLength(-1));
    }

    @Test
    void shouldRequireBegin()
    {
        assertThrows(IllegalStateException.class, () -> writer.header("X", "y"));
        assertThrows(IllegalStateException.class, writer::end);

        writer.begin(buffer, 200).end();

        assertThrows(IllegalStateException.class, writer::end);
        assertThrows(IllegalStateException.class, () -> writer.contentLength(1));
    }

    @Test
    void shouldThrowOverflowWithoutWritingPartOfAField()
    {
        final ByteBuffer small = ByteBuffer.allocate(90);
        writer.begin(small, 200);
        final int afterBegin = small.position();

        assertThrows(BufferOverflowException.class, () -> writer.header("X-Long", "v".repeat(40)));
        assertEquals(afterBegin, small.position());

        assertThrows(BufferOverflowException.class, () -> writer.begin(ByteBuffer.allocate(20), 200));
    }

    @Test
    void shouldWriteContinue()
    {
        assertEquals(25, ResponseHeadWriter.putContinue(buffer));

        assertEquals("HTTP/1.1 100 Continue\r\n\r\n", written());
    }

    @Test
    void shouldWriteIntoDirectBuffers()
    {
        final ByteBuffer direct = ByteBuffer.allocateDirect(256);

        writer.begin(direct, 500).contentLength(0).connectionClose().end();

        assertTrue(text(direct, 0, direct.position()).startsWith("HTTP/1.1 500 Internal Server Error\r\n"));
    }

    private static String unescape(final String text)
    {
        final StringBuilder result = new StringBuilder();
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '\\' && text.charAt(i + 1) == 'u')
            {
                result.append((char)Integer.parseInt(text.substring(i + 2, i + 6), 16));
                i += 5;
            }
            else if (c == '\\')
            {
                result.append(text.charAt(i + 1) == 'r' ? '\r' : '\n');
                i++;
            }
            else
            {
                result.append(c);
            }
        }
        return result.toString();
    }
}
