package io.switchboard.cm.observe;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.switchboard.cm.supervisor.WorkerStatus;
import io.switchboard.ipc.segment.WorkerState;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.TimeUnit;

/**
 * The request-event pipeline: a Disruptor ring of preallocated {@link RequestEvent}s that the I/O threads
 * fill through the {@link RequestEventPublisher} (never waiting: a full ring drops and counts), and one
 * consumer thread, {@code switchboard-request-events}, that turns each batch into metrics
 * ({@link MetricsHandler}) and access-log lines ({@link AccessLogHandler}, written once per batch).
 * <pre>
 *   switchboard-io-N ---\                                              +--> MetricsHandler --> registry <-- GET /metrics
 *   acceptors ----------+--tryNext/publish--> ring (MULTI producer) ---+        (and TrafficWindow <-- status)
 *   admin (control) ----/                     napping, then blocking   +--> AccessLogHandler --> file (per batch)
 * </pre>
 * When the ring is empty the consumer naps a millisecond, then blocks on a condition
 * ({@link NappingBlockingWaitStrategy}): under load the producers never have to wake it, and an idle instance
 * spends nothing here. Admin requests the consumer alone may carry out (reopen the log, render the
 * traffic window) travel through the ring as {@link ControlRequest}s and are waited for with a bound.
 * <p>
 * With both the access log and the metrics off, there is no ring and no thread: the publisher is
 * {@link RequestEventPublisher#DISABLED} and the I/O threads copy nothing.
 * <p>
 * Thread-safe: started and stopped by the instance's thread; the admin calls from any thread.
 */
public final class RequestEventPipeline implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(RequestEventPipeline.class);
    static final String THREAD_NAME = "switchboard-request-events";
    /** The consumer's nap when the ring is empty, before it blocks: at 100k requests/s, batches of about 100. */
    static final long NAP_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ObservabilitySettings settings;
    private final ScrapeSources sources;
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Disruptor<RequestEvent> disruptor;
    private final RequestEventPublisher publisher;
    private final MetricsHandler metrics;
    private final AccessLogHandler accessLog;

    private RequestEventPipeline(final ObservabilitySettings settings, final ScrapeSources sources,
        final EventHandler<RequestEvent> testHandler)
    {
        this.settings = settings;
        this.sources = sources;
        if (!settings.enabled() && testHandler == null)
        {
            disruptor = null;
            publisher = RequestEventPublisher.DISABLED;
            metrics = null;
            accessLog = null;
            return;
        }
        metrics = settings.metrics() ? new MetricsHandler(registry) : null;
        accessLog = settings.accessLog() ? new AccessLogHandler(settings.accessLogPath(), settings.format()) : null;
        disruptor = new Disruptor<>(RequestEvent::new, settings.ringSize(), runnable ->
        {
            final Thread thread = new Thread(runnable, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        }, ProducerType.MULTI, new NappingBlockingWaitStrategy(NAP_NS));
        disruptor.handleEventsWith(testHandler != null ? testHandler : new Consumer());
        disruptor.setDefaultExceptionHandler(new LoggingExceptionHandler());
        publisher = new RequestEventPublisher(disruptor.getRingBuffer(), accessLog != null || testHandler != null);
        if (metrics != null)
        {
            registerGauges();
        }
    }

    /**
     * Builds and starts the pipeline the settings ask for.
     *
     * @throws UncheckedIOException naming {@code --access-log} when its file cannot be opened.
     */
    public static RequestEventPipeline start(final ObservabilitySettings settings, final ScrapeSources sources)
    {
        final RequestEventPipeline pipeline = new RequestEventPipeline(settings, sources, null);
        if (pipeline.disruptor != null)
        {
            pipeline.disruptor.start();
        }
        return pipeline;
    }

    /**
     * For tests: a pipeline whose consumer is {@code handler} instead of the log and the metrics.
     */
    static RequestEventPipeline startWith(final int ringSize, final EventHandler<RequestEvent> handler)
    {
        final RequestEventPipeline pipeline = new RequestEventPipeline(
            new ObservabilitySettings(false, null, AccessLogFormat.COMBINED, false, ringSize), ScrapeSources.NONE, handler);
        pipeline.disruptor.start();
        return pipeline;
    }

    public RequestEventPublisher publisher()
    {
        return publisher;
    }

    public boolean metricsEnabled()
    {
        return metrics != null;
    }

    public boolean accessLogEnabled()
    {
        return accessLog != null;
    }

    /**
     * Admin thread: the metrics in the Prometheus text format (version 0.0.4).
     *
     * @return the exposition, or null when the metrics are off.
     */
    public byte[] scrape()
    {
        if (metrics == null)
        {
            return null;
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try
        {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    public static String contentType()
    {
        return PrometheusTextFormatWriter.CONTENT_TYPE;
    }

    /**
     * Admin thread: has the handler thread reopen the access log, and waits for it at most {@code timeoutMs}.
     *
     * @return null when reopened, else why not, for the admin client.
     */
    public String reopenAccessLog(final long timeoutMs)
    {
        if (accessLog == null)
        {
            return "the access log is off (--access-log off): nothing to reopen";
        }
        return ask(new ControlRequest(ControlRequest.Kind.REOPEN_ACCESS_LOG), timeoutMs, "reopening the access log");
    }

    /**
     * Admin thread: the status document's traffic section (a JSON object), rendered by the handler thread.
     */
    public String trafficJson(final long timeoutMs)
    {
        if (metrics == null)
        {
            return TrafficWindow.idle(sources.rpcSessionsOpen().getAsInt(), publisher.dropped());
        }
        final ControlRequest request = new ControlRequest(ControlRequest.Kind.TRAFFIC);
        final String failure = ask(request, timeoutMs, "rendering the traffic section");
        return failure == null ? request.answer() : TrafficWindow.idle(sources.rpcSessionsOpen().getAsInt(), publisher.dropped());
    }

    /**
     * @return null when the request succeeded, else why not.
     */
    private String ask(final ControlRequest request, final long timeoutMs, final String what)
    {
        final long startNs = System.nanoTime();
        try
        {
            if (!publisher.offerControl(request, timeoutMs))
            {
                return what + " failed: the request-event ring stayed full for " + timeoutMs + " ms";
            }
            final long leftMs = Math.max(1, timeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
            if (!request.await(leftMs))
            {
                return what + " failed: the handler thread did not get to it within " + timeoutMs + " ms";
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return what + " was interrupted";
        }
        return request.succeeded() ? null : request.answer();
    }

    /**
     * Events dropped because the ring was full.
     */
    public long droppedEvents()
    {
        return publisher.dropped();
    }

    private void registerGauges()
    {
        GaugeWithCallback.builder().name("switchboard_connections_open").help("client connections open")
            .callback(cb -> cb.call(sources.connectionsOpen().getAsInt())).register(registry);
        GaugeWithCallback.builder().name("switchboard_channels_in_use").help("channel slots not free")
            .callback(cb -> cb.call(sources.channelsInUse().getAsInt())).register(registry);
        GaugeWithCallback.builder().name("switchboard_requests_queued")
            .help("requests and sessions waiting for a worker or a channel")
            .callback(cb -> cb.call(sources.requestsQueued().getAsInt())).register(registry);
        GaugeWithCallback.builder().name("switchboard_rpc_sessions_open")
            .help("distributed sessions open or being opened")
            .callback(cb -> cb.call(sources.rpcSessionsOpen().getAsInt())).register(registry);
        GaugeWithCallback.builder().name("switchboard_workers").help("worker slots by state").labelNames("state")
            .callback(cb ->
            {
                // every state a slot can be in is reported, 0 included, so that a series never vanishes
                final java.util.Map<String, Integer> counts = new java.util.TreeMap<>();
                for (final WorkerState state : WorkerState.values())
                {
                    counts.put(state.name(), 0);
                }
                for (final WorkerStatus slot : sources.workers().get())
                {
                    counts.merge(slot.state(), 1, Integer::sum);
                }
                counts.forEach((state, count) -> cb.call(count, state));
            }).register(registry);
        CounterWithCallback.builder().name("switchboard_worker_starts_total")
            .help("worker processes started, first starts and restarts")
            .callback(cb ->
            {
                long starts = 0;
                for (final WorkerStatus slot : sources.workers().get())
                {
                    starts += slot.starts();
                }
                cb.call(starts);
            }).register(registry);
        CounterWithCallback.builder().name("switchboard_request_events_dropped_total")
            .help("request events dropped because the ring was full (not logged, not counted)")
            .callback(cb -> cb.call(publisher.dropped())).register(registry);
    }

    /**
     * Lets the handler thread finish what is in the ring (at most {@code timeoutMs}), then stops it; the
     * access log is flushed and closed on that thread.
     */
    public void close(final long timeoutMs)
    {
        if (disruptor == null)
        {
            return;
        }
        try
        {
            disruptor.shutdown(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final TimeoutException ex)
        {
            LOG.warn("the request-event handler did not finish the ring within {} ms; the rest is dropped", timeoutMs);
            disruptor.halt();
        }
    }

    @Override
    public void close()
    {
        close(2_000);
    }

    /**
     * The one consumer: metrics first (cheap), then the line; control requests in their turn.
     */
    private final class Consumer implements EventHandler<RequestEvent>
    {
        @Override
        public void onEvent(final RequestEvent event, final long sequence, final boolean endOfBatch)
        {
            if (event.kind == RequestEvent.CONTROL)
            {
                control(event.control);
                event.control = null;
            }
            else if (metrics != null)
            {
                metrics.onEvent(event);
            }
            if (accessLog != null)
            {
                accessLog.onEvent(event, endOfBatch);
            }
        }

        private void control(final ControlRequest request)
        {
            switch (request.kind())
            {
                case REOPEN_ACCESS_LOG ->
                {
                    final String failure = accessLog == null ? "the access log is off" : accessLog.reopen();
                    request.complete(failure == null, failure == null ? "access log reopened" : failure);
                }
                case TRAFFIC -> request.complete(true, metrics.traffic().render(System.currentTimeMillis(),
                    sources.rpcSessionsOpen().getAsInt(), publisher.dropped()));
            }
        }

        @Override
        public void onShutdown()
        {
            if (accessLog != null)
            {
                accessLog.close();
            }
        }
    }

    /**
     * A failing event is logged and skipped; the consumer goes on (the Disruptor's default would stop it).
     */
    private static final class LoggingExceptionHandler implements ExceptionHandler<RequestEvent>
    {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final RequestEvent event)
        {
            LOG.error("request event {} (kind {}) could not be handled; skipped", sequence, event.kind, ex);
            if (event.control != null)
            {
                event.control.complete(false, "failed on the handler thread: " + ex);
            }
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            LOG.error("the request-event handler failed to start", ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            LOG.error("the request-event handler failed to stop cleanly", ex);
        }
    }
}
