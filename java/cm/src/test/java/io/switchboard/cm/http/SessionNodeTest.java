package io.switchboard.cm.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SessionNodeTest
{
    private final RequestHeadParser parser = new RequestHeadParser(HttpLimits.DEFAULT);

    private RequestHead parse(final String head)
    {
        assertTrue(parser.parse(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1))));
        return parser.head();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "JSESSIONID=w0abc.w0|0",
        "JSESSIONID=w1node0abc.w1|1",
        "a=b; JSESSIONID=xyz.w12; c=d|12",
        "a=b;JSESSIONID=xyz.w3|3",
        "JSESSIONID=\"xyz.w4\"|4",
        "JSESSIONID=xyz.w5 |5",
        "JSESSIONID=xyz|-1",
        "JSESSIONID=xyz.node1|-1",
        "JSESSIONID=xyz.w|-1",
        "JSESSIONID=xyz.w1x|-1",
        "JSESSIONID=xyz.w99999999999|-1",
        "XJSESSIONID=xyz.w1|-1",
        "JSESSIONIDX=xyz.w1|-1",
        "jsessionid=xyz.w1|-1",
        "other=1.w2|-1",
        "JSESSIONID=|-1",
        "JSESSIONID|-1",
        "JSESSIONID=bad; JSESSIONID=good.w7|7"})
    void shouldReadTheNodeFromTheSessionCookie(final String cookie, final int slot)
    {
        assertEquals(slot, SessionNode.workerSlot(parse("GET /shop HTTP/1.1\r\nHost: h\r\nCookie: " + cookie + "\r\n\r\n")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "/shop/cart;jsessionid=w0abc.w2|2",
        "/shop/cart;jsessionid=w0abc.w2?x=1|2",
        "/shop;jsessionid=abc.w3/cart|3",
        "/shop/cart;jsessionid=abc.w4;other=1|4",
        "/shop/cart;JSESSIONID=abc.w4|-1",
        "/shop/cart;jsessionid=abc|-1",
        "/shop/cart|-1",
        "/shop/jsessionid=abc.w1|-1"})
    void shouldReadTheNodeFromThePathParameter(final String target, final int slot)
    {
        assertEquals(slot, SessionNode.workerSlot(parse("GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n")));
    }

    @Test
    void shouldPreferTheCookieToThePathParameter()
    {
        assertEquals(1, SessionNode.workerSlot(
            parse("GET /shop;jsessionid=abc.w2 HTTP/1.1\r\nHost: h\r\nCookie: JSESSIONID=abc.w1\r\n\r\n")));
    }

    @Test
    void shouldLookInEveryCookieField()
    {
        assertEquals(6, SessionNode.workerSlot(
            parse("GET / HTTP/1.1\r\nHost: h\r\nCookie: a=1\r\nX: y\r\nCookie: JSESSIONID=abc.w6\r\n\r\n")));
    }

    @Test
    void shouldAllocateNothing()
    {
        final RequestHead head = parse("GET /shop;jsessionid=q.w1 HTTP/1.1\r\nHost: h\r\nCookie: a=b; JSESSIONID=abc.w3\r\n\r\n");
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 20_000; i++)
        {
            SessionNode.workerSlot(head);
        }
        final long before = threads.getCurrentThreadAllocatedBytes();
        int sum = 0;
        for (int i = 0; i < 10_000; i++)
        {
            sum += SessionNode.workerSlot(head);
        }
        final long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(30_000, sum);
        assertTrue(allocated < 1024, "allocated " + allocated + " bytes in 10,000 reads");
    }
}
