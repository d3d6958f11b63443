package io.switchboard.cm.admin;

import io.switchboard.cm.supervisor.WorkerStatus;

import java.util.List;

/**
 * Renders the instance's status as JSON for {@code GET /admin/status}, one
 * worker slot per line so that it also reads well in a terminal:
 * <pre>
 * {"cm_pid": 1234, "segment": "/switchboard-1234-...", "state": "running", "workers": 2,
 *  "rolling_restart": false, "channels_in_use": 3, "channels": 1024, "slots": [
 *   {"slot": 0, "state": "READY", "pid": 1240, "requests": 5123, "open_channels": 2, "starts": 1, ...},
 *   ...]}
 * </pre>
 * Every string rendered is ours (states, a segment name), never a peer's, so
 * escaping is limited to what those can hold.
 */
public final class StatusDocument
{
    private StatusDocument()
    {
    }

    /**
     * @param state one of "running", "stopping".
     */
    public static String render(
        final long cmPid,
        final String segmentName,
        final String state,
        final int workers,
        final boolean rollingRestart,
        final int channelsInUse,
        final int channels,
        final List<WorkerStatus> slots)
    {
        return render(cmPid, segmentName, state, workers, rollingRestart, channelsInUse, channels, slots, null);
    }

    /**
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
