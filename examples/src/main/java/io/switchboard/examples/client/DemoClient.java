package io.switchboard.examples.client;

import io.switchboard.client.ClientOptions;
import io.switchboard.client.Session;
import io.switchboard.client.Switchboard;
import io.switchboard.examples.rpc.ChatListener;
import io.switchboard.examples.rpc.ChatMessage;
import io.switchboard.examples.rpc.ChatRoom;
import io.switchboard.examples.rpc.Counter;
import io.switchboard.examples.rpc.Echo;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A command-line client of the demo's distributed services, run by {@code ./switchboard client}:
 * <pre>
 *   client [--host H] [--port P] counter [N]   two counters in one session, N increments of the first
 *   client [--host H] [--port P] echo TEXT     TEXT there and back as bytes
 *   client [--host H] [--port P] chat NAME     joins the room as NAME: each line read is said, every
 *                                              message of the room is printed; EOF leaves
 * </pre>
 */
public final class DemoClient
{
    private DemoClient()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        String host = "127.0.0.1";
        int port = 8081;
        int at = 0;
        while (at < args.length && args[at].startsWith("--"))
        {
            switch (args[at])
            {
                case "--host" -> host = args[++at];
                case "--port" -> port = Integer.parseInt(args[++at]);
                default -> usage("unknown option " + args[at]);
            }
            at++;
        }
        if (at >= args.length)
        {
            usage("no command");
        }
        final String command = args[at];
        final List<String> rest = List.of(args).subList(at + 1, args.length);
        // the chat room lives in one worker: every chat session asks for the same one
        final ClientOptions options = "chat".equals(command) ?
            ClientOptions.defaults().withAffinity("demo-chat-room") : ClientOptions.defaults();
        try (Session session = Switchboard.connect(host, port, "demo", options))
        {
            switch (command)
            {
                case "counter" -> counter(session, rest.isEmpty() ? 3 : Integer.parseInt(rest.get(0)));
                case "echo" -> echo(session, String.join(" ", rest));
                case "chat" ->
                {
                    if (rest.isEmpty())
                    {
                        usage("chat needs a name");
                    }
                    chat(session, rest.get(0));
                }
                default -> usage("unknown command " + command);
            }
        }
    }

    private static void counter(final Session session, final int times)
    {
        final Counter first = session.lookup("counter", Counter.class);
        final Counter second = session.lookup("counter", Counter.class);
        for (int i = 0; i < times; i++)
        {
            System.out.println("counter A: increment() = " + first.increment());
        }
        System.out.println("counter B: increment() = " + second.increment() + " (an object of its own)");
        System.out.println("counter A: get() = " + first.get());
    }

    private static void echo(final Session session, final String text)
    {
        final Echo echo = session.lookup("echo", Echo.class);
        final byte[] answer = echo.echo(text.getBytes(StandardCharsets.UTF_8));
        System.out.println("echo: " + new String(answer, StandardCharsets.UTF_8));
    }

    private static void chat(final Session session, final String name) throws Exception
    {
        final ChatRoom room = session.lookup("chat", ChatRoom.class);
        final ChatListener listener = (ChatMessage message) ->
            System.out.println("[" + message.sequence() + "] " + message.from() + ": " + message.text());
        System.out.println("in the room: " + room.join(name, listener));
        final BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = input.readLine()) != null)
        {
            if (!line.isBlank())
            {
                room.say(line);
            }
        }
        room.leave();
    }

    private static void usage(final String problem)
    {
        System.err.println("client: " + problem + "\nusage: client [--host H] [--port P] counter [N] | echo TEXT | chat NAME");
        System.exit(2);
    }
}
