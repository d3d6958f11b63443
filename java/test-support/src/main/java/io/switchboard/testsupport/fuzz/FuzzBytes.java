package io.switchboard.testsupport.fuzz;

/**
 * Byte helpers for fuzz reports.
 */
public final class FuzzBytes
{
    private FuzzBytes()
    {
    }

    /**
     * @return the bytes as a Java-like string literal, printable ASCII kept and the rest as {@code \xNN},
     * cut after {@code maxLength} bytes with the total noted.
     */
    public static String escape(final byte[] bytes, final int maxLength)
    {
        final StringBuilder text = new StringBuilder("\"");
        final int n = Math.min(bytes.length, maxLength);
        for (int i = 0; i < n; i++)
        {
            final int c = bytes[i] & 0xFF;
            if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\')
            {
                text.append((char)c);
            }
            else
            {
                text.append(String.format("\\x%02x", c));
            }
        }
        text.append('"');
        if (n < bytes.length)
        {
            text.append("... (").append(bytes.length).append(" bytes)");
        }
        return text.toString();
    }
}
