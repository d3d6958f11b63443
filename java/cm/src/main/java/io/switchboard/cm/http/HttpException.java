package io.switchboard.cm.http;

/**
 * A request the CM refuses: the status to answer with and a terse reason.
 * <p>
 * The reason is always one of the codec's own constant texts, never bytes of
 * the peer, so it may go into the error response's body and into logs as is.
 * <p>
 * After one of these the connection must be closed once the error response is
 * written: the parser stopped somewhere inside the request, so where the next
 * request would begin is unknown (RFC 9112 section 6.3 asks exactly this for
 * bad framing).
 * <p>
 * The exception carries no stack trace: it is the outcome of a peer's bytes,
 * raised as often as a peer likes, and the place in the parser says nothing
 * the reason does not.
 */
public final class HttpException extends RuntimeException
{
    private final int status;
    private final String reason;

    /**
     * @param status a 4xx or 5xx status code.
     * @param reason a constant text, free of peer bytes.
     */
    public HttpException(final int status, final String reason)
    {
        super(status + " " + reason, null, false, false);
        if (status < 400 || status > 599)
        {
            throw new IllegalArgumentException("status must be 4xx or 5xx: status=" + status);
        }
        this.status = status;
        this.reason = reason;
    }

    /**
     * @return the status code to answer with (400, 413, 414, 431, 501 or 505 from this package).
     */
    public int status()
    {
        return status;
    }

    /**
     * @return why, in a few words; contains no byte of the request.
     */
    public String reason()
    {
        return reason;
    }

    static HttpException badRequest(final String reason)
    {
        return new HttpException(HttpStatus.BAD_REQUEST, reason);
    }
}
