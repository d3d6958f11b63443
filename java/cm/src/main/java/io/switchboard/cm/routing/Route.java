package io.switchboard.cm.routing;

/**
 * A path prefix and the application that serves it. The longest matching
 * prefix wins; a prefix matches whole path segments ({@code /api} matches
 * {@code /api} and {@code /api/x}, not {@code /apix}), and {@code /} matches
 * everything.
 *
 * @param prefix      e.g. {@code /api}.
 * @param application the application's name, e.g. {@code demo}.
 */
public record Route(String prefix, String application)
{
    public Route
    {
        if (!prefix.startsWith("/") || (prefix.length() > 1 && prefix.endsWith("/")))
        {
            throw new IllegalArgumentException("a route prefix starts with / and does not end with one: " + prefix);
        }
        if (application.isBlank())
        {
            throw new IllegalArgumentException("route " + prefix + " names no application");
        }
    }

    /**
     * Parses {@code PREFIX=APPLICATION}, e.g. {@code /=demo}.
     */
    public static Route parse(final String text)
    {
        final int equals = text.indexOf('=');
        if (equals <= 0)
        {
            throw new IllegalArgumentException("a route is PREFIX=APPLICATION, e.g. /=demo: " + text);
        }
        return new Route(text.substring(0, equals).strip(), text.substring(equals + 1).strip());
    }

    /**
     * @return whether the path bytes {@code path[offset, offset + length)} fall under this prefix.
     */
    public boolean matches(final byte[] path, final int offset, final int length)
    {
        final int prefixLength = prefix.length();
        if (prefixLength == 1)
        {
            return true;
        }
        if (length < prefixLength)
        {
            return false;
        }
        for (int i = 0; i < prefixLength; i++)
        {
            if (path[offset + i] != prefix.charAt(i))
            {
                return false;
            }
        }
        return length == prefixLength || path[offset + prefixLength] == '/';
    }
}
