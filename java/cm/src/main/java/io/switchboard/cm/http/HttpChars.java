package io.switchboard.cm.http;

import java.util.Arrays;

/**
 * Byte classes of RFC 9110/9112 and RFC 3986 as lookup tables, shared by the
 * parser, the chunked decoder and the response writer. A byte is passed as an
 * int in 0..255 ({@code b & 0xFF}).
 */
final class HttpChars
{
    static final int CR = '\r';
    static final int LF = '\n';
    static final int SP = ' ';
    static final int HTAB = '\t';

    private static final int TCHAR = 1;
    private static final int FIELD_VCHAR = 1 << 1;
    private static final int TARGET = 1 << 2;
    private static final int HOST = 1 << 3;
    private static final int IP_LITERAL = 1 << 4;
    private static final int DIGIT = 1 << 5;

    private static final byte[] CLASSES = new byte[256];
    private static final byte[] HEX_VALUES = new byte[256];

    static
    {
        final String alphaDigit = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        final String unreserved = alphaDigit + "-._~";
        final String subDelims = "!$&'()*+,;=";

        mark(alphaDigit + "!#$%&'*+-.^_`|~", TCHAR);
        for (int b = 0x21; b <= 0x7E; b++)
        {
            CLASSES[b] |= FIELD_VCHAR;
        }
        for (int b = 0x80; b <= 0xFF; b++)
        {
            CLASSES[b] |= FIELD_VCHAR;
        }

        // RFC 3986 characters of a request target; '%' starts a pct-encoded triplet, checked by the parser.
        mark(unreserved + subDelims + ":@/?%[]", TARGET);
        mark(unreserved + subDelims + "%", HOST);
        mark("0123456789ABCDEFabcdef:.", IP_LITERAL);
        mark("0123456789", DIGIT);

        Arrays.fill(HEX_VALUES, (byte)-1);
        for (int d = 0; d < 10; d++)
        {
            HEX_VALUES['0' + d] = (byte)d;
        }
        for (int d = 0; d < 6; d++)
        {
            HEX_VALUES['a' + d] = (byte)(10 + d);
            HEX_VALUES['A' + d] = (byte)(10 + d);
        }
    }

    private HttpChars()
    {
    }

    private static void mark(final String chars, final int byteClass)
    {
        for (int i = 0; i < chars.length(); i++)
        {
            CLASSES[chars.charAt(i)] |= (byte)byteClass;
        }
    }

    /**
     * @return true for a {@code tchar}: the bytes of a token (method, field name, coding).
     */
    static boolean isTchar(final int b)
    {
        return (CLASSES[b] & TCHAR) != 0;
    }

    /**
     * @return true for a {@code field-vchar}: VCHAR or obs-text. SP and HTAB are not, though a value may hold them inside.
     */
    static boolean isFieldVchar(final int b)
    {
        return (CLASSES[b] & FIELD_VCHAR) != 0;
    }

    /**
     * @return true for a byte a request target may hold as is (strict RFC 3986: no '#', '"', '{', '|', ..., no obs-text).
     */
    static boolean isTargetChar(final int b)
    {
        return (CLASSES[b] & TARGET) != 0;
    }

    static boolean isDigit(final int b)
    {
        return (CLASSES[b] & DIGIT) != 0;
    }

    /**
     * @return 0..15, or -1 when {@code b} is not a hex digit.
     */
    static int hexValue(final int b)
    {
        return HEX_VALUES[b];
    }

    static boolean isOws(final int b)
    {
        return b == SP || b == HTAB;
    }

    static int toLowerCase(final int b)
    {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }

    /**
     * Compares ASCII case-insensitively against a name given in lower case.
     */
    static boolean equalsIgnoreCase(final byte[] buffer, final int offset, final int length, final byte[] lowerCase)
    {
        if (length != lowerCase.length)
        {
            return false;
        }

        for (int i = 0; i < length; i++)
        {
            if (toLowerCase(buffer[offset + i] & 0xFF) != lowerCase[i])
            {
                return false;
            }
        }

        return true;
    }

    /**
     * Checks {@code uri-host [ ":" port ]} (RFC 9110 section 7.2, RFC 3986 section 3.2.2): an IPv6 literal in
     * brackets (hex digits, ':' and '.', at least one ':'), or a reg-name/IPv4 address of unreserved, sub-delims
     * and pct-encoded bytes; a port from 1 to 65535. Userinfo ('@') is refused.
     * <p>
     * Stricter than RFC 3986 in three ways, as the servlet containers behind a worker are (Jetty answers a
     * request with such a Host with an error): the empty port after ':', port 0 and the IPvFuture literal
     * ({@code [v1.x]}) are refused here, so that the client gets the CM's 400 instead of an application's error.
     *
     * @param requireHost true when the host may not be empty (an "http" URI's authority).
     */
    static boolean isValidHost(final byte[] buffer, final int offset, final int length, final boolean requireHost)
    {
        final int end = offset + length;
        int i = offset;
        if (i < end && buffer[i] == '[')
        {
            final int literalStart = ++i;
            boolean colon = false;
            while (i < end && buffer[i] != ']')
            {
                if ((CLASSES[buffer[i] & 0xFF] & IP_LITERAL) == 0)
                {
                    return false;
                }
                colon |= buffer[i] == ':';
                i++;
            }
            if (i == end || i == literalStart || !colon)
            {
                return false;
            }
            i++;
        }
        else
        {
            while (i < end && buffer[i] != ':')
            {
                final int b = buffer[i] & 0xFF;
                if ((CLASSES[b] & HOST) == 0)
                {
                    return false;
                }
                if (b == '%')
                {
                    if (end - i < 3 || hexValue(buffer[i + 1] & 0xFF) < 0 || hexValue(buffer[i + 2] & 0xFF) < 0)
                    {
                        return false;
                    }
                    i += 2;
                }
                i++;
            }
            if (requireHost && i == offset)
            {
                return false;
            }
        }

        if (i == end)
        {
            return true;
        }
        if (buffer[i] != ':' || end - (i + 1) > 5 || end - (i + 1) < 1)
        {
            return false;
        }
        int port = 0;
        for (i++; i < end; i++)
        {
            if (!isDigit(buffer[i] & 0xFF))
            {
                return false;
            }
            port = port * 10 + (buffer[i] - '0');
        }

        return port >= 1 && port <= 65535;
    }
}
