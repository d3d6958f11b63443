package io.switchboard.cm.admin;

import io.switchboard.cm.http.HttpMethod;
import io.switchboard.cm.observe.RequestEventPipeline;

/**
 * The admin endpoints of the request-event pipeline:
 * <ul>
 *     <li>{@code GET /metrics} (or HEAD): the metrics in the Prometheus text format; 404 when they are off.</li>
 *     <li>{@code POST /admin/logs/reopen}: the handler thread reopens the access log (after logrotate moved
 *     it); the call waits for it at most the admin request timeout and answers 200, or 500 saying why
 *     (the file could not be opened, the handler did not get to it in time), or 409 with the log off.</li>
 * </ul>
 * Thread-safe: the pipeline's calls are.
 */
public final class ObservabilityEndpoints
{
    static final String METRICS_PATH = "/metrics";
    static final String REOPEN_LOGS_PATH = "/admin/logs/reopen";

    /** Nothing to observe: the admin listener of tests that make one without an instance. */
    static final ObservabilityEndpoints NONE = new ObservabilityEndpoints(null, 0);

    private final RequestEventPipeline pipeline;
    private final long timeoutMs;

    /**
     * @param timeoutMs the longest an admin call waits for the handler thread.
     */
    public ObservabilityEndpoints(final RequestEventPipeline pipeline, final long timeoutMs)
    {
        this.pipeline = pipeline;
        this.timeoutMs = timeoutMs;
    }

    AdminResponse metrics(final HttpMethod method)
    {
        if (method != HttpMethod.GET && method != HttpMethod.HEAD)
        {
            return AdminResponse.methodNotAllowed("GET, HEAD", "GET the metrics\n");
        }
        final byte[] exposition = pipeline == null ? null : pipeline.scrape();
        if (exposition == null)
        {
            return AdminResponse.text(404, "the metrics are off (--metrics off)\n");
        }
        return new AdminResponse(200, RequestEventPipeline.contentType(), exposition, null);
    }

    AdminResponse reopenLogs(final HttpMethod method)
    {
        if (method != HttpMethod.POST)
        {
            return AdminResponse.methodNotAllowed("POST", "POST reopens the access log\n");
        }
        if (pipeline == null || !pipeline.accessLogEnabled())
        {
            return AdminResponse.text(409, "the access log is off (--access-log off): nothing to reopen\n");
        }
        final String failure = pipeline.reopenAccessLog(timeoutMs);
        return failure == null ? AdminResponse.text(200, "access log reopened\n") : AdminResponse.text(500, failure + "\n");
    }
}
