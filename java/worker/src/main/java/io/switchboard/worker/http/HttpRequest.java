package io.switchboard.worker.http;

import io.switchboard.protocol.http.HttpHeader;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * A request as the CM parsed it: the request line, the headers, and the body
 * as a stream (the CM has removed any chunked framing).
 * <p>
 * Who sent it: {@link #remoteAddress()} is the CM's TCP peer, which is the client, or a proxy in front of it;
 * like a servlet container's {@code getRemoteAddr()} behind a proxy, it is never taken from a header. The
 * forwarding fields tell the rest, and they can be believed: the CM replaces {@code X-Forwarded-For} and
 * {@code Forwarded} with the peer's address (and drops {@code X-Real-IP}) unless the peer is one of its
 * {@code --trusted-proxies}, whose fields it keeps and appends the peer's address to. So the last element of
 * {@code X-Forwarded-For} is always the remote address; elements before it come only through a trusted proxy,
 * and the first from the right that is not a trusted proxy is the client, which {@link #clientAddress()} gives.
 * <p>
 * Every request carries exactly one {@code X-Request-Id} ({@link #requestId()}): the client's if it sent a valid
 * one (1-128 visible ASCII characters), else one the CM made.
 */
public interface HttpRequest
{
    /**
     * @return e.g. {@code GET}.
     */
    String method();

    /**
     * @return the request target as sent, e.g. {@code /bytes?n=10}.
     */
    String target();

    /**
     * @return the target's path, e.g. {@code /bytes}.
     */
    String path();

    /**
     * @return the target's query without the {@code ?}, or an empty string.
     */
    String query();

    /**
     * @return the value of a query parameter (not decoded), or null.
     */
    String queryParameter(String name);

    /**
     * @return every header, in the order received.
     */
    List<HttpHeader> headers();

    /**
     * @return the first value of a header (name compared ignoring case), or null.
     */
    String header(String name);

    /**
     * @return the body length when known, else -1 (the body is streamed to its end).
     */
    long contentLength();

    /**
     * @return the body; read it to its end (-1). Reading blocks until the client
     * has sent more. Fails with {@link java.io.IOException} once the request is cancelled.
     */
    InputStream body();

    /**
     * @return the body for a reader that must not block (a container with a demand model); use it or
     * {@link #body()}, not both.
     */
    NonBlockingBody nonBlockingBody();

    /**
     * @return true once the client has gone away: a streaming handler stops.
     */
    boolean isCancelled();

    /**
     * Runs {@code action} once when the request is cancelled (the client went away, the CM gave up on it) while its
     * response is not done; at once if it already is. It runs on the worker's polling thread: hand the work to
     * another thread, never block in it. One action per request; a second replaces the first.
     */
    void onCancel(Runnable action);

    /**
     * @return the address and port of the CM's peer on this request's connection: the client, or the proxy in
     * front of it (see above). Made on the first call, without a name lookup; null only if the CM could not
     * tell (the connection was gone as it was accepted).
     */
    InetSocketAddress remoteAddress();

    /**
     * @return the client's address as the CM's trusted proxies tell it: {@link #remoteAddress()}'s address when
     * the peer is not one of {@code --trusted-proxies}; else the first address from the right of
     * {@code X-Forwarded-For} that is not a trusted proxy (the leftmost if all are, the last trusted one if an
     * element further left is not an address), as nginx's realip module with {@code real_ip_recursive on}.
     * Made on the first call, without a name lookup; null only if the CM could not tell.
     */
    InetAddress clientAddress();

    /**
     * @return the port of {@link #remoteAddress()}, without making the address; 0 if not known.
     */
    int remotePort();

    /**
     * @return the request's {@code X-Request-Id}: the client's if valid, else the one the CM generated.
     */
    String requestId();
}
