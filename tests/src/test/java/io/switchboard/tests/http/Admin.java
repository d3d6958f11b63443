package io.switchboard.tests.http;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A client of the CM's admin listener, and the few readings of its status
 * document the tests need (it renders one slot per line).
 */
final class Admin
{
    private static final Pattern SLOT = Pattern.compile(
        "\\{\"slot\": (\\d+), \"state\": \"(\\w+)\", \"pid\": (-?\\d+), \"requests\": (\\d+), \"open_channels\": (-?\\d+), " +
        "\"starts\": (\\d+), \"deaths_before_ready\": (\\d+), \"last_exit_status\": (-?\\d+), \"next_start_in_ms\": (-?\\d+)" +
        "[^}\\n]*}");
    private static final Pattern FIELD = Pattern.compile("\"(\\w+)\": (\"[^\"]*\"|[-\\w]+)");

    private Admin()
    {
    }

    record Reply(int status, String body)
    {
        /**
         * @return a top-level field of the status document, unquoted.
         */
        String field(final String name)
        {
            final Matcher matcher = FIELD.matcher(body.substring(0, Math.max(0, body.indexOf("\"slots\""))));
            while (matcher.find())
            {
                if (matcher.group(1).equals(name))
                {
                    return matcher.group(2).replace("\"", "");
                }
            }
            return null;
        }

        List<Slot> slots()
        {
            final List<Slot> slots = new ArrayList<>();
            final Matcher matcher = SLOT.matcher(body);
            while (matcher.find())
            {
                slots.add(new Slot(Integer.parseInt(matcher.group(1)), matcher.group(2), Long.parseLong(matcher.group(3)),
                    Long.parseLong(matcher.group(4)), Long.parseLong(matcher.group(6)), Integer.parseInt(matcher.group(7)),
                    Integer.parseInt(matcher.group(8)), Long.parseLong(matcher.group(9))));
            }
            return slots;
        }
    }

    record Slot(int slot, String state, long pid, long requests, long starts, int deathsBeforeReady, int lastExitStatus,
        long nextStartInMs)
    {
    }

    static Reply call(final int port, final String method, final String path) throws IOException
    {
        final HttpURLConnection connection =
            (HttpURLConnection)URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        connection.setRequestMethod(method);
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        try
        {
            final int status = connection.getResponseCode();
            final var stream = status < 400 ? connection.getInputStream() : connection.getErrorStream();
            final String body = stream == null ? "" : new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            return new Reply(status, body);
        }
        finally
        {
            connection.disconnect();
        }
    }
}
