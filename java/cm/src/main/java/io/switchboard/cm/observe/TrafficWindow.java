package io.switchboard.cm.observe;

import org.HdrHistogram.Histogram;

/**
 * The traffic section of {@code GET /admin/status}: totals since the start and latency percentiles over the
 * last {@link #WINDOW_S} seconds. Latencies go into one HdrHistogram per second of a ring of
 * {@link #WINDOW_S}; a slot whose second is over is reset when its turn comes again, and a render merges the
 * slots of the window, so the percentiles follow the traffic without any timer (an idle instance renders an
 * empty window, zeros).
 * <pre>
 * "traffic": {"requests_total": N, "responses": {"1xx": N, "2xx": N, "3xx": N, "4xx": N, "5xx": N},
 *             "latency_us": {"p50": N, "p90": N, "p99": N, "max": N, "window_s": 10},
 *             "bytes_in_total": N, "bytes_out_total": N, "rpc_sessions_open": N, "rpc_sessions_total": N,
 *             "events_dropped_total": N}
 * </pre>
 * Not thread-safe: the handler thread's (the admin thread asks through a {@link ControlRequest}).
 */
final class TrafficWindow
{
    static final int WINDOW_S = 10;
    private static final long HIGHEST_US = 3_600_000_000L;

    private final Histogram[] seconds = new Histogram[WINDOW_S];
    private final long[] secondOf = new long[WINDOW_S];
    private final Histogram merged = new Histogram(HIGHEST_US, 2);
    private final long[] responses = new long[5];
    private long requests;
    private long bytesIn;
    private long bytesOut;
    private long sessionsOpened;

    TrafficWindow()
    {
        for (int i = 0; i < WINDOW_S; i++)
        {
            seconds[i] = new Histogram(HIGHEST_US, 2);
            secondOf[i] = Long.MIN_VALUE;
        }
    }

    void onExchange(final RequestEvent event)
    {
        requests++;
        final int statusClass = event.status / 100;
        if (statusClass >= 1 && statusClass <= 5)
        {
            responses[statusClass - 1]++;
        }
        bytesIn += event.receivedBytes;
        bytesOut += event.sentBytes;
        final long second = Math.floorDiv(event.epochMs, 1000L);
        final int index = (int)Math.floorMod(second, (long)WINDOW_S);
        if (secondOf[index] != second)
        {
            seconds[index].reset();
            secondOf[index] = second;
        }
        seconds[index].recordValue(Math.min(HIGHEST_US, Math.max(0, event.durationNs / 1_000)));
    }

    void onSessionOpened()
    {
        sessionsOpened++;
    }

    long requests()
    {
        return requests;
    }

    /**
     * @param nowMs           the wall clock now: slots older than the window are left out.
     * @param sessionsOpen    sessions open now (read by the caller).
     * @param eventsDropped   events the ring had no room for.
     */
    String render(final long nowMs, final long sessionsOpen, final long eventsDropped)
    {
        merged.reset();
        final long nowSecond = Math.floorDiv(nowMs, 1000L);
        for (int i = 0; i < WINDOW_S; i++)
        {
            if (secondOf[i] > nowSecond - WINDOW_S && secondOf[i] <= nowSecond)
            {
                merged.add(seconds[i]);
            }
        }
        final boolean empty = merged.getTotalCount() == 0;
        return new StringBuilder(320)
            .append("{\"requests_total\": ").append(requests)
            .append(", \"responses\": {\"1xx\": ").append(responses[0])
            .append(", \"2xx\": ").append(responses[1])
            .append(", \"3xx\": ").append(responses[2])
            .append(", \"4xx\": ").append(responses[3])
            .append(", \"5xx\": ").append(responses[4])
            .append("}, \"latency_us\": {\"p50\": ").append(empty ? 0 : merged.getValueAtPercentile(50))
            .append(", \"p90\": ").append(empty ? 0 : merged.getValueAtPercentile(90))
            .append(", \"p99\": ").append(empty ? 0 : merged.getValueAtPercentile(99))
            .append(", \"max\": ").append(empty ? 0 : merged.getMaxValue())
            .append(", \"window_s\": ").append(WINDOW_S)
            .append("}, \"bytes_in_total\": ").append(bytesIn)
            .append(", \"bytes_out_total\": ").append(bytesOut)
            .append(", \"rpc_sessions_open\": ").append(sessionsOpen)
            .append(", \"rpc_sessions_total\": ").append(sessionsOpened)
            .append(", \"events_dropped_total\": ").append(eventsDropped)
            .append('}')
            .toString();
    }

    /**
     * The section when nothing feeds it (metrics off): the same shape, zeros but for what is read live.
     */
    static String idle(final long sessionsOpen, final long eventsDropped)
    {
        return new TrafficWindow().render(0, sessionsOpen, eventsDropped);
    }
}
