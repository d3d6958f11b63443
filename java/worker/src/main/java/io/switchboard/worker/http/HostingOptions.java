package io.switchboard.worker.http;

import io.switchboard.rpc.thread.HandlerThreads;

import java.nio.file.Path;
import java.util.List;

/**
 * What the worker was told about the applications it hosts beyond their names.
 *
 * @param webApplications each {@code PREFIX=PATH} of {@code --webapp}: a web application (a WAR or a directory)
 *                        served under the path prefix, which is also its application name (e.g. {@code /shop}).
 * @param sessionStore    a directory the workers share for HTTP sessions ({@code --session-store}), so that a
 *                        session outlives its worker; null to keep sessions in the worker's memory only.
 * @param handlerThreads  {@code --handler-threads}: on Java 17 to 20, which lack virtual threads, the platform
 *                        threads that run blocking HTTP handlers at once (more requests wait in line); unused on
 *                        Java 21+, where each handler gets a virtual thread.
 */
public record HostingOptions(List<String> webApplications, Path sessionStore, int handlerThreads)
{
    public static final HostingOptions NONE = new HostingOptions(List.of(), null);

    public HostingOptions
    {
        webApplications = List.copyOf(webApplications);
        if (handlerThreads < 1)
        {
            throw new IllegalArgumentException("--handler-threads " + handlerThreads + ": at least 1");
        }
    }

    public HostingOptions(final List<String> webApplications, final Path sessionStore)
    {
        this(webApplications, sessionStore, HandlerThreads.DEFAULT_PLATFORM_THREADS);
    }

    /**
     * @return the node name a worker in {@code slot} puts in its session ids, the {@code jvmRoute} of mod_jk:
     * the CM reads it back to send a session's requests to the worker that holds it.
     */
    public static String nodeName(final int slot)
    {
        return "w" + slot;
    }
}
