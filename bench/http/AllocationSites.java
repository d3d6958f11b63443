import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import jdk.jfr.consumer.RecordedClass;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM's heap allocation per request goes, by class and by allocating stack, from a JFR recording with
 * jdk.ObjectAllocationInNewTLAB and jdk.ObjectAllocationOutsideTLAB on (stack traces included) made around one
 * wrk run. Run as a source file, with JDK 25:
 * <pre>
 *   java AllocationSites.java RECORDING.jfr REQUESTS [DEPTH [TOP]]
 * </pre>
 * DEPTH frames name a site (default 3), TOP rows are printed per table (default 40).
 * <p>
 * Why these events and not jdk.ObjectAllocationSample: a new-TLAB event is taken when a thread's buffer is
 * full, so each one stands for the buffer's size of allocation, and the allocations it samples are in proportion
 * to their bytes whatever thread made them. The sample event's weight is the bytes its thread allocated since
 * its last sample, which for virtual threads (one per request, each ending before it is sampled again) charges
 * the few sampled requests with bytes other threads allocated: it once showed 240 bytes a request for an object
 * a counter proved was made once per connection. The figures here are estimates (sampled); for a total use
 * AllocationPerRequest.java. Recording, e.g.:
 * <pre>
 *   jcmd PID JFR.start name=sites settings=$PWD/bench/http/allocation-sites.jfc
 *   wrk -t2 -c64 -d10s http://127.0.0.1:PORT/servlet/hello          (its "requests in" count is REQUESTS)
 *   jcmd PID JFR.stop name=sites filename=/tmp/sites.jfr
 * </pre>
 */
public final class AllocationSites
{
    private AllocationSites()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        if (args.length < 2 || args.length > 4)
        {
            System.err.println("usage: java AllocationSites.java RECORDING.jfr REQUESTS [DEPTH [TOP]]");
            System.exit(2);
        }
        final Path recording = Path.of(args[0]);
        final long requests = Long.parseLong(args[1]);
        final int depth = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        final int top = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        if (requests <= 0 || depth <= 0 || top <= 0)
        {
            throw new IllegalArgumentException("REQUESTS, DEPTH and TOP must be positive");
        }

        final Map<String, Long> byClass = new HashMap<>();
        final Map<String, Long> bySite = new HashMap<>();
        final Map<String, Long> byThread = new HashMap<>();
        long total = 0;
        for (final RecordedEvent event : RecordingFile.readAllEvents(recording))
        {
            final long bytes = switch (event.getEventType().getName())
            {
                case "jdk.ObjectAllocationInNewTLAB" -> event.getLong("tlabSize");
                case "jdk.ObjectAllocationOutsideTLAB" -> event.getLong("allocationSize");
                default -> -1;
            };
            if (bytes < 0)
            {
                continue;
            }
            total += bytes;
            final RecordedClass type = event.getClass("objectClass");
            byClass.merge(type == null ? "?" : type.getName(), bytes, Long::sum);
            bySite.merge(site(event.getStackTrace(), depth), bytes, Long::sum);
            byThread.merge(threadKind(event), bytes, Long::sum);
        }
        System.out.printf(Locale.ROOT, "sampled allocation: %.0f bytes per request over %d requests%n",
            total / (double)requests, requests);
        print("by thread (virtual threads together, numbers in names as N)", byThread, requests, top);
        print("by class", byClass, requests, top);
        print("by site (" + depth + " frames, innermost first)", bySite, requests, top);
    }

    private static String site(final RecordedStackTrace stack, final int depth)
    {
        if (stack == null)
        {
            return "(no stack)";
        }
        final StringBuilder site = new StringBuilder();
        int frames = 0;
        for (final RecordedFrame frame : stack.getFrames())
        {
            if (frames++ == depth)
            {
                break;
            }
            if (site.length() > 0)
            {
                site.append(" < ");
            }
            site.append(frame.getMethod().getType().getName()).append('.').append(frame.getMethod().getName())
                .append(':').append(frame.getLineNumber());
        }
        return site.toString();
    }

    private static String threadKind(final RecordedEvent event)
    {
        if (event.getThread() == null)
        {
            return "?";
        }
        if (event.getThread().isVirtual())
        {
            return "(virtual)";
        }
        final String name = event.getThread().getJavaName();
        return name == null ? "?" : name.replaceAll("[0-9]+", "N");
    }

    private static void print(final String title, final Map<String, Long> bytes, final long requests, final int top)
    {
        System.out.println();
        System.out.println(title + ", bytes per request:");
        bytes.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
            .limit(top)
            .forEach(entry -> System.out.printf(Locale.ROOT, "%10.1f  %s%n", entry.getValue() / (double)requests,
                entry.getKey()));
    }
}
