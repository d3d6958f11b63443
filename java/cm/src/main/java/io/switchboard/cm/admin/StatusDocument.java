package io.switchboard.cm.admin;

import io.switchboard.cm.supervisor.WorkerStatus;

import java.util.List;

/**
 * Renders the instance's status as JSON for {@code GET /admin/status}, one
 * worker slot per line so that it also reads well in a terminal:
 * <pre>
 * {"cm_pid": 1234, "segment": "/switchboard-1234-...", "state": "running", "workers": 2,
 *  "rolling_restart": false, "channels_in_use": 3, "channels": 1024, "uptime_s": 3600, "rpc_sessions": 4, "slots": [
 *   {"slot": 0, "state": "READY", "pid": 1240, "requests": 5123, "open_channels": 2, "starts": 1, ...,
 *    "sessions": 2, "restarts": 0, "jdk": "25.0.1", "uptime_s": 3599, "rss_bytes": 123456789},
 *   ...]}
 * </pre>
 * {@code state} is "running", "draining" (stopping: {@code /ready} answers 503 and new requests are still served
 * for the readiness grace), "stopping" (listeners closed, in-flight work finishing, then the workers stopped) or
 * "failed". A slot's {@code jdk} is null and its {@code uptime_s} -1 while no READY worker is in it; its
 * {@code rss_bytes} is -1 while it has no process. The status page ({@code /}) reads this document; it adds no field a script could not read here.
 * <p>
 * Every string rendered is ours (states, a segment name, a version the worker packed into numbers), never a
 * peer's, so escaping is limited to what those can hold.
 */
public final class StatusDocument
{
    private StatusDocument()
    {
    }

    /**
     * @param state       one of "running", "draining", "stopping", "failed".
     * @param uptimeS     seconds since the CM started.
     * @param rpcSessions distributed sessions open now.
     * @param trafficJson the {@code "traffic"} object (see {@code TrafficWindow}), or null for none.
     */
    public static String render(
        final long cmPid,
        final String segmentName,
        final String state,
        final int workers,
        final boolean rollingRestart,
        final int channelsInUse,
        final int channels,
        final long uptimeS,
        final int rpcSessions,
        final List<WorkerStatus> slots,
        final String trafficJson)
    {
        final StringBuilder json = new StringBuilder(256 + 192 * slots.size());
        json.append("{\"cm_pid\": ").append(cmPid)
            .append(", \"segment\": ").append(quote(segmentName))
            .append(", \"state\": ").append(quote(state))
            .append(", \"workers\": ").append(workers)
            .append(", \"rolling_restart\": ").append(rollingRestart)
            .append(", \"channels_in_use\": ").append(channelsInUse)
            .append(", \"channels\": ").append(channels)
            .append(", \"uptime_s\": ").append(uptimeS)
            .append(", \"rpc_sessions\": ").append(rpcSessions)
            .append(", \"slots\": [");
        for (int i = 0; i < slots.size(); i++)
        {
            final WorkerStatus slot = slots.get(i);
            json.append(i == 0 ? "\n" : ",\n")
                .append("  {\"slot\": ").append(slot.slot())
                .append(", \"state\": ").append(quote(slot.state()))
                .append(", \"pid\": ").append(slot.pid())
                .append(", \"requests\": ").append(slot.requests())
                .append(", \"open_channels\": ").append(slot.openChannels())
                .append(", \"starts\": ").append(slot.starts())
                .append(", \"deaths_before_ready\": ").append(slot.deathsBeforeReady())
                .append(", \"last_exit_status\": ").append(slot.lastExitStatus())
                .append(", \"next_start_in_ms\": ").append(slot.nextStartInMs())
                .append(", \"sessions\": ").append(slot.sessions())
                .append(", \"restarts\": ").append(slot.restarts())
                .append(", \"jdk\": ").append(slot.jdk() == null ? "null" : quote(slot.jdk()))
                .append(", \"uptime_s\": ").append(slot.uptimeS())
                .append(", \"rss_bytes\": ").append(slot.rssBytes())
                .append('}');
        }
        json.append(']');
        if (trafficJson != null)
        {
            json.append(",\n \"traffic\": ").append(trafficJson);
        }
        return json.append("}\n").toString();
    }

    private static String quote(final String text)
    {
        final StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            if (c == '"' || c == '\\')
            {
                quoted.append('\\').append(c);
            }
            else if (c < 0x20)
            {
                quoted.append(String.format("\\u%04x", (int)c));
            }
            else
            {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }
}
