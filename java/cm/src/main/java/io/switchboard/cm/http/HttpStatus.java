package io.switchboard.cm.http;

/**
 * Status codes the CM itself produces, and the reason phrases of the common
 * ones (RFC 9110 section 15).
 */
public final class HttpStatus
{
    public static final int CONTINUE = 100;
    public static final int OK = 200;
    public static final int NO_CONTENT = 204;
    public static final int NOT_MODIFIED = 304;
    public static final int BAD_REQUEST = 400;
    public static final int REQUEST_TIMEOUT = 408;
    public static final int CONTENT_TOO_LARGE = 413;
    public static final int URI_TOO_LONG = 414;
    public static final int REQUEST_HEADER_FIELDS_TOO_LARGE = 431;
    public static final int INTERNAL_SERVER_ERROR = 500;
    public static final int NOT_IMPLEMENTED = 501;
    public static final int BAD_GATEWAY = 502;
    public static final int SERVICE_UNAVAILABLE = 503;
    public static final int GATEWAY_TIMEOUT = 504;
    public static final int HTTP_VERSION_NOT_SUPPORTED = 505;

    private static final String[] REASON_PHRASES = new String[600];

    static
    {
        reason(100, "Continue");
        reason(101, "Switching Protocols");
        reason(200, "OK");
        reason(201, "Created");
        reason(202, "Accepted");
        reason(203, "Non-Authoritative Information");
        reason(204, "No Content");
        reason(205, "Reset Content");
        reason(206, "Partial Content");
        reason(300, "Multiple Choices");
        reason(301, "Moved Permanently");
        reason(302, "Found");
        reason(303, "See Other");
        reason(304, "Not Modified");
        reason(307, "Temporary Redirect");
        reason(308, "Permanent Redirect");
        reason(400, "Bad Request");
        reason(401, "Unauthorized");
        reason(402, "Payment Required");
        reason(403, "Forbidden");
        reason(404, "Not Found");
        reason(405, "Method Not Allowed");
        reason(406, "Not Acceptable");
        reason(407, "Proxy Authentication Required");
        reason(408, "Request Timeout");
        reason(409, "Conflict");
        reason(410, "Gone");
        reason(411, "Length Required");
        reason(412, "Precondition Failed");
        reason(413, "Content Too Large");
        reason(414, "URI Too Long");
        reason(415, "Unsupported Media Type");
        reason(416, "Range Not Satisfiable");
        reason(417, "Expectation Failed");
        reason(421, "Misdirected Request");
        reason(422, "Unprocessable Content");
        reason(425, "Too Early");
        reason(426, "Upgrade Required");
        reason(428, "Precondition Required");
        reason(429, "Too Many Requests");
        reason(431, "Request Header Fields Too Large");
        reason(451, "Unavailable For Legal Reasons");
        reason(500, "Internal Server Error");
        reason(501, "Not Implemented");
        reason(502, "Bad Gateway");
        reason(503, "Service Unavailable");
        reason(504, "Gateway Timeout");
        reason(505, "HTTP Version Not Supported");
    }

    private HttpStatus()
    {
    }

    private static void reason(final int status, final String phrase)
    {
        REASON_PHRASES[status] = phrase;
    }

    /**
     * @return the standard reason phrase, or null for a code without a common one (the status line then carries
     * an empty reason, which RFC 9112 section 4 allows).
     */
    public static String reasonPhrase(final int status)
    {
        return status >= 0 && status < REASON_PHRASES.length ? REASON_PHRASES[status] : null;
    }
}
