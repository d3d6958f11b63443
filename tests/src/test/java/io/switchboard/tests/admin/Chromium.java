package io.switchboard.tests.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Headless Chromium showing one page, driven through the DevTools protocol: the test evaluates JavaScript in
 * the page ({@code Runtime.evaluate}) to read its DOM. Chromium comes from the distribution
 * ({@code tests/install-tools.sh}, which {@code ./switchboard test} runs).
 * <p>
 * The browser listens on a port it chooses ({@code --remote-debugging-port=0}) and writes it to
 * {@code DevToolsActivePort} in its profile; the page's WebSocket address comes from {@code /json/list}. Closing
 * stops the browser (SIGTERM, then SIGKILL) and deletes the temporary profile.
 */
final class Chromium implements AutoCloseable
{
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path profile;
    private final Process process;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private WebSocket page;

    private Chromium(final Path profile, final Process process)
    {
        this.profile = profile;
        this.process = process;
    }

    /**
     * Starts the browser on {@code url} and connects to that page. No deadline: the test's timeout bounds it.
     *
     * @throws AssertionError naming tests/install-tools.sh when there is no {@code chromium} on the PATH.
     */
    static Chromium open(final String url) throws IOException, InterruptedException
    {
        final Path executable = findOnPath("chromium");
        if (executable == null)
        {
            throw new AssertionError("chromium is not installed (no chromium on the PATH): run tests/install-tools.sh, " +
                "which ./switchboard test runs, or apt-get install chromium");
        }
        final Path profile = Files.createTempDirectory("switchboard-chromium-");
        final Path log = profile.resolveSibling(profile.getFileName() + ".log");
        final Process process = new ProcessBuilder(List.of(executable.toString(), "--headless", "--no-sandbox",
            "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
            "--remote-debugging-port=0", url))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        final Chromium chromium = new Chromium(profile, process);
        try
        {
            chromium.connect(url, log);
            return chromium;
        }
        catch (final IOException | InterruptedException | RuntimeException | Error ex)
        {
            chromium.close();
            throw ex;
        }
    }

    /**
     * Evaluates {@code expression} in the page and returns its value (by value: JSON-serialisable results).
     */
    JsonNode evaluate(final String expression) throws Exception
    {
        final int id = ids.incrementAndGet();
        final CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        final ObjectNode command = JSON.createObjectNode().put("id", id).put("method", "Runtime.evaluate");
        command.putObject("params").put("expression", expression).put("returnByValue", true);
        page.sendText(JSON.writeValueAsString(command), true).join();
        final JsonNode reply = answer.get(60, TimeUnit.SECONDS);
        if (reply.has("error") || reply.path("result").has("exceptionDetails"))
        {
            throw new AssertionError("evaluating " + expression + " failed: " + reply);
        }
        return reply.path("result").path("result").path("value");
    }

    private void connect(final String url, final Path log) throws IOException, InterruptedException
    {
        final Path activePort = profile.resolve("DevToolsActivePort");
        while (!Files.exists(activePort) || Files.readAllLines(activePort).isEmpty())
        {
            if (!process.isAlive())
            {
                throw new AssertionError("chromium exited with " + process.exitValue() + ":\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
        final int port = Integer.parseInt(Files.readAllLines(activePort).getFirst().strip());
        String pageSocket = null;
        while (pageSocket == null)
        {
            final HttpResponse<String> targets = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString());
            for (final JsonNode target : JSON.readTree(targets.body()))
            {
                if ("page".equals(target.path("type").asText()) && target.path("url").asText().startsWith(url))
                {
                    pageSocket = target.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageSocket == null)
            {
                Thread.sleep(20);
            }
        }
        page = http.newWebSocketBuilder().buildAsync(URI.create(pageSocket), new WebSocket.Listener()
        {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(final WebSocket socket, final CharSequence data, final boolean last)
            {
                message.append(data);
                if (last)
                {
                    dispatch(message.toString());
                    message.setLength(0);
                }
                socket.request(1);
                return null;
            }
        }).join();
    }

    private void dispatch(final String text)
    {
        try
        {
            final JsonNode message = JSON.readTree(text);
            if (message.has("id"))
            {
                final CompletableFuture<JsonNode> answer = pending.remove(message.get("id").asInt());
                if (answer != null)
                {
                    answer.complete(message);
                }
            }
        }
        catch (final IOException ex)
        {
            pending.values().forEach(answer -> answer.completeExceptionally(ex));
        }
    }

    private static Path findOnPath(final String name)
    {
        final String path = System.getenv("PATH");
        if (path == null)
        {
            return null;
        }
        for (final String directory : path.split(File.pathSeparator))
        {
            final Path candidate = Path.of(directory, name);
            if (Files.isExecutable(candidate))
            {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public void close()
    {
        if (page != null)
        {
            page.abort();
        }
        // chromium's wrapper script and its helper processes: each by its handle, children first
        final List<ProcessHandle> tree = Stream.concat(process.descendants(), Stream.of(process.toHandle())).toList();
        tree.forEach(ProcessHandle::destroy);
        try
        {
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                tree.forEach(ProcessHandle::destroyForcibly);
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            tree.forEach(ProcessHandle::destroyForcibly);
            Thread.currentThread().interrupt();
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        deleteTree(profile);
        try
        {
            Files.deleteIfExists(profile.resolveSibling(profile.getFileName() + ".log"));
        }
        catch (final IOException ignored)
        {
            // a temporary file: the system cleans it up eventually
        }
    }

    private static void deleteTree(final Path root)
    {
        try (Stream<Path> paths = Files.walk(root))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ignored)
        {
            // already gone, or a file the browser still wrote while dying: the system's temp cleanup takes it
        }
    }
}
