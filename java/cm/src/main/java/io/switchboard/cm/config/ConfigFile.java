package io.switchboard.cm.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code --config} file read with the line of every key, so that a mistake is reported where it is:
 * {@code java.util.Properties} forgets the lines. The syntax is that of {@code Properties.load}, in UTF-8:
 * <ul>
 *     <li>{@code key=value}, {@code key: value} or {@code key value}; blanks around the separator are dropped;</li>
 *     <li>a line whose first non-blank character is {@code #} or {@code !} is a comment; blank lines are nothing;</li>
 *     <li>a line ending in an odd number of backslashes goes on on the next line, whose leading blanks are
 *     dropped;</li>
 *     <li>escapes {@code \t \n \r \f \\}, a backslash, u and four hexadecimal digits, and a backslash before any other character stands for that
 *     character (so {@code \=}, {@code \:}, {@code \#}, {@code \ }).</li>
 * </ul>
 * Stricter than {@code Properties}: a key given twice and a key without a value are refused rather than the last
 * one winning or an empty string being taken.
 */
public final class ConfigFile
{
    /**
     * One {@code key=value} of the file.
     *
     * @param key   as written, unescaped.
     * @param value unescaped, never empty.
     * @param line  the (1-based) line on which the entry begins.
     */
    public record Entry(String key, String value, int line)
    {
    }

    private final Path path;
    private final List<Entry> entries;

    private ConfigFile(final Path path, final List<Entry> entries)
    {
        this.path = path;
        this.entries = List.copyOf(entries);
    }

    /**
     * @throws ConfigException naming the file (and line) that is missing, unreadable or malformed.
     */
    public static ConfigFile read(final Path path)
    {
        final String text;
        try
        {
            // a reporting decoder: a file in another encoding is refused rather than read with replacement characters
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(path))).toString();
        }
        catch (final NoSuchFileException ex)
        {
            throw new ConfigException("--config " + path + ": no such file");
        }
        catch (final CharacterCodingException ex)
        {
            throw new ConfigException("--config " + path + ": not UTF-8 text");
        }
        catch (final IOException ex)
        {
            throw new ConfigException("--config " + path + ": cannot read it: " + ex.getMessage());
        }
        return parse(path, text);
    }

    /**
     * @param path for messages only.
     */
    static ConfigFile parse(final Path path, final String text)
    {
        final String[] lines = text.split("\r\n|\r|\n", -1);
        final List<Entry> entries = new ArrayList<>();
        final Map<String, Integer> seen = new HashMap<>();
        int index = 0;
        while (index < lines.length)
        {
            final int firstLine = index + 1;
            String line = stripLeading(lines[index++]);
            if (line.isEmpty() || line.charAt(0) == '#' || line.charAt(0) == '!')
            {
                continue;
            }
            final StringBuilder logical = new StringBuilder();
            while (endsInContinuation(line))
            {
                logical.append(line, 0, line.length() - 1);
                if (index == lines.length)
                {
                    line = "";
                    break;
                }
                line = stripLeading(lines[index++]);
            }
            logical.append(line);

            final Entry entry = entry(path, logical.toString(), firstLine);
            final Integer previous = seen.putIfAbsent(entry.key(), firstLine);
            if (previous != null)
            {
                throw new ConfigException(path + ":" + firstLine + ": '" + entry.key() + "' is set twice (first on line " +
                    previous + ")");
            }
            entries.add(entry);
        }
        return new ConfigFile(path, entries);
    }

    public Path path()
    {
        return path;
    }

    /**
     * @return the entries in the file's order.
     */
    public List<Entry> entries()
    {
        return entries;
    }

    private static Entry entry(final Path path, final String logical, final int line)
    {
        int keyEnd = 0;
        while (keyEnd < logical.length())
        {
            final char c = logical.charAt(keyEnd);
            if (c == '\\')
            {
                keyEnd += 2;
                continue;
            }
            if (c == '=' || c == ':' || isBlank(c))
            {
                break;
            }
            keyEnd++;
        }
        keyEnd = Math.min(keyEnd, logical.length());
        int valueStart = keyEnd;
        while (valueStart < logical.length() && isBlank(logical.charAt(valueStart)))
        {
            valueStart++;
        }
        if (valueStart < logical.length() && (logical.charAt(valueStart) == '=' || logical.charAt(valueStart) == ':'))
        {
            valueStart++;
            while (valueStart < logical.length() && isBlank(logical.charAt(valueStart)))
            {
                valueStart++;
            }
        }
        final String key = unescape(path, line, logical.substring(0, keyEnd));
        final String value = unescape(path, line, logical.substring(valueStart)).strip();
        if (value.isEmpty())
        {
            throw new ConfigException(path + ":" + line + ": '" + key + "' has no value (leave the line out for the default)");
        }
        return new Entry(key, value, line);
    }

    private static String unescape(final Path path, final int line, final String text)
    {
        final StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c != '\\')
            {
                out.append(c);
                continue;
            }
            if (++i == text.length())
            {
                break;
            }
            final char escaped = text.charAt(i);
            switch (escaped)
            {
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 'f' -> out.append('\f');
                case 'u' ->
                {
                    if (i + 4 >= text.length())
                    {
                        throw new ConfigException(path + ":" + line + ": \\u needs four hexadecimal digits");
                    }
                    try
                    {
                        out.append((char)Integer.parseInt(text.substring(i + 1, i + 5), 16));
                    }
                    catch (final NumberFormatException ex)
                    {
                        throw new ConfigException(path + ":" + line + ": \\u needs four hexadecimal digits, not '" +
                            text.substring(i + 1, i + 5) + "'");
                    }
                    i += 4;
                }
                default -> out.append(escaped);
            }
        }
        return out.toString();
    }

    private static boolean endsInContinuation(final String line)
    {
        int backslashes = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--)
        {
            backslashes++;
        }
        return (backslashes & 1) == 1;
    }

    private static String stripLeading(final String line)
    {
        int start = 0;
        while (start < line.length() && isBlank(line.charAt(start)))
        {
            start++;
        }
        return line.substring(start);
    }

    private static boolean isBlank(final char c)
    {
        return c == ' ' || c == '\t' || c == '\f';
    }
}
