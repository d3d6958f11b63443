package io.switchboard.cm.http;

/**
 * Reads which worker holds a request's HTTP session, from the session id a Servlet container gave it: the
 * {@code jvmRoute} convention of mod_jk, which Jetty's session id manager follows with a worker name, puts the node
 * after the id's last dot ({@code JSESSIONID=w0abc123.w0}); Switchboard's workers name themselves {@code w<slot>}.
 * The id comes in the {@code JSESSIONID} cookie or, from a client without cookies, in the path parameter
 * {@code ;jsessionid=} (URL rewriting), which the cookie wins over, as in the Servlet containers.
 * <p>
 * Reads the parsed head's bytes in place and allocates nothing: it runs on an I/O thread for every routed request.
 */
public final class SessionNode
{
    /** What {@link #workerSlot} returns for a request that names no node. */
    public static final int NONE = -1;

    private static final byte[] COOKIE_NAME = {'J', 'S', 'E', 'S', 'S', 'I', 'O', 'N', 'I', 'D'};
    private static final byte[] PATH_PARAMETER = {';', 'j', 's', 'e', 's', 's', 'i', 'o', 'n', 'i', 'd', '='};
    /** Slots above this are not worker numbers (a forged id); keeps the arithmetic from overflowing. */
    private static final int MAX_SLOT = 1 << 16;

    private SessionNode()
    {
    }

    /**
     * @return the worker slot the request's session id names ({@code .w3}: 3), or {@link #NONE} when it names
     * none, or a node that is not of this form.
     */
    public static int workerSlot(final RequestHead head)
    {
        final byte[] buffer = head.buffer();
        for (int field = head.findHeader("cookie", 0); field >= 0; field = head.findHeader("cookie", field + 1))
        {
            final int slot = fromCookies(buffer, head.headerValueOffset(field), head.headerValueLength(field));
            if (slot != NONE)
            {
                return slot;
            }
        }
        return fromPath(buffer, head.pathOffset(), head.pathLength());
    }

    /**
     * A {@code Cookie} field's value: {@code name=value} pairs separated by {@code ;} and optional spaces.
     */
    static int fromCookies(final byte[] buffer, final int offset, final int length)
    {
        final int end = offset + length;
        int at = offset;
        while (at < end)
        {
            while (at < end && (buffer[at] == ' ' || buffer[at] == '\t' || buffer[at] == ';'))
            {
                at++;
            }
            int pairEnd = at;
            while (pairEnd < end && buffer[pairEnd] != ';')
            {
                pairEnd++;
            }
            if (startsWith(buffer, at, pairEnd, COOKIE_NAME) && at + COOKIE_NAME.length < pairEnd &&
                buffer[at + COOKIE_NAME.length] == '=')
            {
                int valueStart = at + COOKIE_NAME.length + 1;
                int valueEnd = pairEnd;
                while (valueEnd > valueStart && (buffer[valueEnd - 1] == ' ' || buffer[valueEnd - 1] == '\t'))
                {
                    valueEnd--;
                }
                if (valueEnd - valueStart >= 2 && buffer[valueStart] == '"' && buffer[valueEnd - 1] == '"')
                {
                    valueStart++;
                    valueEnd--;
                }
                final int slot = fromId(buffer, valueStart, valueEnd);
                if (slot != NONE)
                {
                    return slot;
                }
            }
            at = pairEnd + 1;
        }
        return NONE;
    }

    /**
     * The path, e.g. {@code /shop/cart;jsessionid=w0abc.w0}: the parameter's value ends at the next {@code ;} or
     * {@code /}, or at the path's end.
     */
    static int fromPath(final byte[] buffer, final int offset, final int length)
    {
        final int end = offset + length;
        for (int at = offset; at + PATH_PARAMETER.length <= end; at++)
        {
            if (buffer[at] == ';' && startsWith(buffer, at, end, PATH_PARAMETER))
            {
                final int valueStart = at + PATH_PARAMETER.length;
                int valueEnd = valueStart;
                while (valueEnd < end && buffer[valueEnd] != ';' && buffer[valueEnd] != '/')
                {
                    valueEnd++;
                }
                return fromId(buffer, valueStart, valueEnd);
            }
        }
        return NONE;
    }

    /**
     * A session id: the node is after the last dot, {@code w} and a decimal slot number.
     */
    static int fromId(final byte[] buffer, final int start, final int end)
    {
        int dot = end - 1;
        while (dot >= start && buffer[dot] != '.')
        {
            dot--;
        }
        if (dot < start || end - dot < 3 || buffer[dot + 1] != 'w')
        {
            return NONE;
        }
        int slot = 0;
        for (int at = dot + 2; at < end; at++)
        {
            final int digit = buffer[at] - '0';
            if (digit < 0 || digit > 9 || slot > MAX_SLOT)
            {
                return NONE;
            }
            slot = slot * 10 + digit;
        }
        return slot > MAX_SLOT ? NONE : slot;
    }

    private static boolean startsWith(final byte[] buffer, final int at, final int end, final byte[] prefix)
    {
        if (end - at < prefix.length)
        {
            return false;
        }
        for (int i = 0; i < prefix.length; i++)
        {
            if (buffer[at + i] != prefix[i])
            {
                return false;
            }
        }
        return true;
    }
}
