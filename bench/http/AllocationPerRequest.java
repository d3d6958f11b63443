import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Heap bytes a JVM allocated per request under load, from a JFR recording made around one wrk run by
 * bench/http/run.sh (jcmd PID JFR.start with jdk.ThreadAllocationStatistics and jdk.GarbageCollection,
 * wrk, jcmd PID JFR.stop). Run as a source file, with JDK 25:
 * <pre>
 *   java AllocationPerRequest.java RECORDING.jfr REQUESTS
 * </pre>
 * prints one line, {@code alloc_bytes=B requests=R alloc_bytes_per_req=X gcs=G gc_pause_ms=P threads=T},
 * and to stderr the threads that allocated most.
 * <p>
 * jdk.ThreadAllocationStatistics gives, per live thread, the bytes it allocated since it started, once when
 * the recording starts and once when it stops. A thread's share is the difference; a thread started during
 * the recording counts from 0; a thread that ended during it keeps only what it had at the start (it is
 * reported: such an undercount should not happen with a server's long-lived threads). The threads of JFR
 * and of the attach mechanism are left out: they work for the measurement, not for the server.
 */
public final class AllocationPerRequest
{
    private static final String ALLOCATION_EVENT = "jdk.ThreadAllocationStatistics";
    private static final String GC_EVENT = "jdk.GarbageCollection";
    private static final Duration SAME_BATCH = Duration.ofMillis(500);

    private AllocationPerRequest()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length != 2)
        {
            System.err.println("usage: java AllocationPerRequest.java RECORDING.jfr REQUESTS");
            System.exit(2);
        }
        final Path recording = Path.of(args[0]);
        final long requests = Long.parseLong(args[1]);
        if (requests <= 0)
        {
            throw new IllegalArgumentException("requests=" + requests + " must be positive");
        }

        final List<RecordedEvent> samples = new ArrayList<>();
        long gcCount = 0;
        Duration gcPause = Duration.ZERO;
        for (final RecordedEvent event : RecordingFile.readAllEvents(recording))
        {
            final String name = event.getEventType().getName();
            if (ALLOCATION_EVENT.equals(name))
            {
                samples.add(event);
            }
            else if (GC_EVENT.equals(name))
            {
                gcCount++;
                gcPause = gcPause.plus(event.getDuration("sumOfPauses"));
            }
        }
        if (samples.isEmpty())
        {
            throw new IllegalStateException("recording=" + recording + " holds no " + ALLOCATION_EVENT + " event");
        }

        Instant first = samples.get(0).getStartTime();
        Instant last = first;
        for (final RecordedEvent sample : samples)
        {
            final Instant time = sample.getStartTime();
            first = time.isBefore(first) ? time : first;
            last = time.isAfter(last) ? time : last;
        }
        if (Duration.between(first, last).compareTo(SAME_BATCH) < 0)
        {
            throw new IllegalStateException("recording=" + recording + " has one batch of " + ALLOCATION_EVENT +
                " events, not one at its start and one at its end");
        }

        final Map<Long, String> names = new HashMap<>();
        final Map<Long, Long> atStart = new HashMap<>();
        final Map<Long, Long> atEnd = new HashMap<>();
        final Map<Long, Long> highest = new HashMap<>();
        for (final RecordedEvent sample : samples)
        {
            final RecordedThread thread = sample.getThread("thread");
            if (thread == null)
            {
                continue;
            }
            final long id = thread.getId();
            final String threadName = thread.getJavaName() == null ? thread.getOSName() : thread.getJavaName();
            names.put(id, threadName == null ? "?" : threadName);
            final long allocated = sample.getLong("allocated");
            highest.merge(id, allocated, Math::max);
            final Instant time = sample.getStartTime();
            if (Duration.between(first, time).compareTo(SAME_BATCH) < 0)
            {
                atStart.merge(id, allocated, Math::min);
            }
            if (Duration.between(time, last).compareTo(SAME_BATCH) < 0)
            {
                atEnd.merge(id, allocated, Math::max);
            }
        }

        long total = 0;
        int threads = 0;
        final List<Map.Entry<String, Long>> shares = new ArrayList<>();
        for (final Map.Entry<Long, String> entry : names.entrySet())
        {
            final long id = entry.getKey();
            final String threadName = entry.getValue();
            if (threadName.startsWith("JFR ") || threadName.equals("Attach Listener"))
            {
                continue;
            }
            final Long end = atEnd.get(id);
            if (end == null)
            {
                System.err.println("warning: thread \"" + threadName + "\" ended during the recording; " +
                    "what it allocated after the start is not counted");
            }
            final long share = (end == null ? highest.get(id) : end) - atStart.getOrDefault(id, 0L);
            if (share > 0)
            {
                total += share;
                threads++;
                shares.add(Map.entry(threadName, share));
            }
        }
        shares.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        for (int i = 0; i < Math.min(5, shares.size()); i++)
        {
            final String threadName = shares.get(i).getKey();
            System.err.printf(Locale.ROOT, "  %-40.40s %,16d bytes%n", threadName, shares.get(i).getValue());
        }

        System.out.printf(Locale.ROOT, "alloc_bytes=%d requests=%d alloc_bytes_per_req=%.0f gcs=%d gc_pause_ms=%.1f threads=%d%n",
            total, requests, (double)total / requests, gcCount, gcPause.toNanos() / 1e6, threads);
    }
}
