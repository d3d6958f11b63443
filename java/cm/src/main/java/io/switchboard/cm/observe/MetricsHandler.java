package io.switchboard.cm.observe;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.switchboard.cm.http.HttpMethod;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns request events into the counted metrics, on the handler thread only (the scrape reads them on the
 * admin thread; the Prometheus client's metrics are safe for that):
 * <pre>
 *   switchboard_http_requests_total{application,method,status_class}   counter
 *   switchboard_http_request_duration_seconds{application}             histogram, head to end of response
 *   switchboard_http_request_queue_wait_seconds                        histogram, requests that queued
 *   switchboard_http_received_bytes_total{application}                 counter, head and body
 *   switchboard_http_sent_bytes_total{application}                     counter, head and body
 *   switchboard_http_failures_total{code}                              counter: 408, 499 (client gone),
 *                                                                        502, 503, 504
 *   switchboard_rpc_sessions_opened_total, ..._closed_total            counters
 * </pre>
 * Labels are bounded: applications are the routed ones ({@code none} when no route matched), methods the
 * known ones and {@code OTHER} ({@code -} when the request line was not understood), status classes 1xx-5xx.
 * Each label combination's data point is looked up once and kept, so counting allocates nothing.
 * It also feeds the {@link TrafficWindow} of the status document.
 * <p>
 * Not thread-safe: the handler thread's.
 */
final class MetricsHandler
{
    static final String NO_APPLICATION = "none";
    private static final String[] STATUS_CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx", "other"};
    private static final int[] FAILURE_CODES = {408, 499, 502, 503, 504};
    private static final int METHODS = HttpMethod.values().length + 1;

    private final Counter requests;
    private final Histogram duration;
    private final Histogram queueWait;
    private final Counter received;
    private final Counter sent;
    private final CounterDataPoint[] failures = new CounterDataPoint[FAILURE_CODES.length];
    private final Counter sessionsOpened;
    private final Counter sessionsClosed;
    private final Map<String, ApplicationSeries> byApplication = new HashMap<>();
    private final TrafficWindow traffic = new TrafficWindow();

    MetricsHandler(final PrometheusRegistry registry)
    {
        requests = Counter.builder().name("switchboard_http_requests_total")
            .help("HTTP exchanges ended: answered by a worker or by the CM, or given up because the client left")
            .labelNames("application", "method", "status_class").register(registry);
        duration = (Histogram)Histogram.builder().name("switchboard_http_request_duration_seconds")
            .help("from the complete request head to the end of the response")
            .labelNames("application").classicOnly()
            .classicUpperBounds(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                1, 2.5, 5, 10, 30, 60)
            .withoutExemplars().register(registry);
        queueWait = (Histogram)Histogram.builder().name("switchboard_http_request_queue_wait_seconds")
            .help("time requests waited for a worker and a channel (requests that queued)")
            .classicOnly()
            .classicUpperBounds(0.0001, 0.001, 0.01, 0.1, 0.5, 1, 2.5, 5, 10)
            .withoutExemplars().register(registry);
        received = Counter.builder().name("switchboard_http_received_bytes_total")
            .help("request bytes read from clients, head and body").labelNames("application").register(registry);
        sent = Counter.builder().name("switchboard_http_sent_bytes_total")
            .help("response bytes written to clients, head and body").labelNames("application").register(registry);
        final Counter failed = Counter.builder().name("switchboard_http_failures_total")
            .help("exchanges that ended in a timeout (408, 504), a refusal (503), a worker failure (502), " +
                "or the client leaving first (499)")
            .labelNames("code").register(registry);
        for (int i = 0; i < FAILURE_CODES.length; i++)
        {
            failures[i] = failed.labelValues(Integer.toString(FAILURE_CODES[i]));
        }
        sessionsOpened = Counter.builder().name("switchboard_rpc_sessions_opened_total")
            .help("distributed sessions welcomed").register(registry);
        sessionsClosed = Counter.builder().name("switchboard_rpc_sessions_closed_total")
            .help("distributed sessions ended after their welcome").register(registry);
    }

    void onEvent(final RequestEvent event)
    {
        switch (event.kind)
        {
            case RequestEvent.HTTP_EXCHANGE -> onExchange(event);
            case RequestEvent.RPC_SESSION_OPEN ->
            {
                sessionsOpened.inc();
                traffic.onSessionOpened();
            }
            case RequestEvent.RPC_SESSION_CLOSE -> sessionsClosed.inc();
            default ->
            {
            }
        }
    }

    private void onExchange(final RequestEvent event)
    {
        final String application = event.application == null ? NO_APPLICATION : event.application;
        ApplicationSeries series = byApplication.get(application);
        if (series == null)
        {
            series = new ApplicationSeries(application);
            byApplication.put(application, series);
        }
        final int statusClass = event.status >= 100 && event.status < 600 ? event.status / 100 - 1 : 5;
        series.requests(event.methodOrdinal + 1, statusClass, application).inc();
        series.duration.observe(event.durationNs / 1e9);
        series.received.inc(event.receivedBytes);
        series.sent.inc(event.sentBytes);
        if (event.queueWaitNs >= 0)
        {
            queueWait.observe(event.queueWaitNs / 1e9);
        }
        for (int i = 0; i < FAILURE_CODES.length; i++)
        {
            if (FAILURE_CODES[i] == event.status)
            {
                failures[i].inc();
            }
        }
        traffic.onExchange(event);
    }

    TrafficWindow traffic()
    {
        return traffic;
    }

    /**
     * The data points of one application, looked up once.
     */
    private final class ApplicationSeries
    {
        private final CounterDataPoint[][] requestsByMethodAndClass = new CounterDataPoint[METHODS][STATUS_CLASSES.length];
        private final DistributionDataPoint duration;
        private final CounterDataPoint received;
        private final CounterDataPoint sent;

        ApplicationSeries(final String application)
        {
            duration = MetricsHandler.this.duration.labelValues(application);
            received = MetricsHandler.this.received.labelValues(application);
            sent = MetricsHandler.this.sent.labelValues(application);
        }

        CounterDataPoint requests(final int method, final int statusClass, final String application)
        {
            CounterDataPoint point = requestsByMethodAndClass[method][statusClass];
            if (point == null)
            {
                point = MetricsHandler.this.requests.labelValues(
                    application, AccessLogFormat.methodLabel(method - 1), STATUS_CLASSES[statusClass]);
                requestsByMethodAndClass[method][statusClass] = point;
            }
            return point;
        }
    }
}
