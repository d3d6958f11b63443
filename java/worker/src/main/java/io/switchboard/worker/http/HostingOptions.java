package io.switchboard.worker.http;

import java.nio.file.Path;
import java.util.List;

/**
 * What the worker was told about the applications it hosts beyond their names.
 *
 * @param webApplications each {@code PREFIX=PATH} of {@code --webapp}: a web application (a WAR or a directory)
 *                        served under the path prefix, which is also its application name (e.g. {@code /shop}).
 * @param sessionStore    a directory the workers share for HTTP sessions ({@code --session-store}), so that a
 *                        session outlives its worker; null to keep sessions in the worker's memory only.
 */
public record HostingOptions(List<String> webApplications, Path sessionStore)
{
    public static final HostingOptions NONE = new HostingOptions(List.of(), null);

    public HostingOptions
    {
        webApplications = List.copyOf(webApplications);
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
