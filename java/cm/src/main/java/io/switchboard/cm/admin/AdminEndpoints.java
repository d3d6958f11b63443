package io.switchboard.cm.admin;

import io.switchboard.cm.http.HttpMethod;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What the admin listener does, once a request has passed the
 * {@link AdminRequestGuard}:
 * <ul>
 *     <li>{@code POST /admin/workers/restart}: starts a rolling restart of every worker; 202, or 409 while one
 *     runs.</li>
 *     <li>{@code GET /admin/status} (or HEAD): the instance and its worker slots, as JSON
 *     ({@link StatusDocument}).</li>
 *     <li>{@code GET /health} (or HEAD): 200 {@code ok} while the CM runs. Nothing more is checked: the CM exits
 *     when one of its I/O threads fails ({@code IoThreadFailureHandler}), so an answer means it serves.</li>
 *     <li>{@code GET /ready} (or HEAD): 200 when the instance should get traffic, else 503; the body says why
 *     ({@link InstanceReadiness}). From the start of a shutdown on, 503.</li>
 *     <li>{@code POST /admin/drain}: takes the instance out of service ({@code /ready} 503 at once) and stops it as
 *     SIGTERM does, after the readiness grace and the drain; 202 before the stop begins, and 202 again
 *     (idempotent, the body says so) when it is stopping already.</li>
 *     <li>{@code GET /}, {@code /status.js}, {@code /status.css}: the live status page ({@link StatusPage}).</li>
 *     <li>{@code GET /metrics}, {@code POST /admin/logs/reopen}: see {@link ObservabilityEndpoints}.</li>
 * </ul>
 * The query is ignored. Thread-safe as long as the callbacks are: exchanges run concurrently.
 */
final class AdminEndpoints
{
    static final String RESTART_PATH = "/admin/workers/restart";
    static final String STATUS_PATH = "/admin/status";
    static final String HEALTH_PATH = "/health";
    static final String READY_PATH = "/ready";
    static final String DRAIN_PATH = "/admin/drain";

    private static final Logger LOG = LoggerFactory.getLogger(AdminEndpoints.class);

    private final BooleanSupplier restartWorkers;
    private final Supplier<String> statusJson;
    private final Supplier<InstanceReadiness.Answer> readiness;
    private final ObservabilityEndpoints observe;
    private final BooleanSupplier drain;

    /**
     * @param restartWorkers starts a rolling restart; false if one runs already.
     * @param statusJson     the status document.
     * @param readiness      whether the instance should get traffic now.
     * @param observe        {@code /metrics} and the access log's reopening.
     * @param drain          takes the instance out of service and stops it; false if it was stopping already.
     */
    AdminEndpoints(
        final BooleanSupplier restartWorkers,
        final Supplier<String> statusJson,
        final Supplier<InstanceReadiness.Answer> readiness,
        final ObservabilityEndpoints observe,
        final BooleanSupplier drain)
    {
        this.drain = drain;
        this.restartWorkers = restartWorkers;
        this.statusJson = statusJson;
        this.readiness = readiness;
        this.observe = observe;
    }

    /**
     * @param peer who asked, for the log of the restarts.
     */
    AdminResponse serve(final HttpMethod method, final String path, final SocketAddress peer)
    {
        return switch (path)
        {
            case RESTART_PATH -> method != HttpMethod.POST ?
                AdminResponse.methodNotAllowed("POST", "POST starts a rolling restart\n") : restart(peer);
            case STATUS_PATH -> get(method, () -> AdminResponse.json(200, statusJson.get()));
            case HEALTH_PATH -> get(method, () -> AdminResponse.text(200, "ok\n"));
            case READY_PATH -> get(method, this::ready);
            case DRAIN_PATH -> method != HttpMethod.POST ?
                AdminResponse.methodNotAllowed("POST", "POST drains and stops the instance\n") : drain(peer);
            case StatusPage.PAGE_PATH -> get(method, () -> StatusPage.HTML);
            case StatusPage.SCRIPT_PATH -> get(method, () -> StatusPage.SCRIPT);
            case StatusPage.STYLE_PATH -> get(method, () -> StatusPage.STYLE);
            case ObservabilityEndpoints.METRICS_PATH -> observe.metrics(method);
            case ObservabilityEndpoints.REOPEN_LOGS_PATH -> observe.reopenLogs(method);
            default -> AdminResponse.text(404, "GET / (the status page), " + STATUS_PATH + ", " +
                ObservabilityEndpoints.METRICS_PATH + ", " + HEALTH_PATH + " or " + READY_PATH + "; POST " +
                RESTART_PATH + ", " + DRAIN_PATH + " or " + ObservabilityEndpoints.REOPEN_LOGS_PATH + "\n");
        };
    }

    /**
     * @return the answer of a GET or HEAD; a 405 for another method.
     */
    private static AdminResponse get(final HttpMethod method, final Supplier<AdminResponse> answer)
    {
        return method == HttpMethod.GET || method == HttpMethod.HEAD ? answer.get() :
            AdminResponse.methodNotAllowed("GET, HEAD", "GET or HEAD this path\n");
    }

    private AdminResponse ready()
    {
        final InstanceReadiness.Answer answer = readiness.get();

        return AdminResponse.text(answer.ready() ? 200 : 503, answer.reason() + "\n");
    }

    private AdminResponse restart(final SocketAddress peer)
    {
        if (!restartWorkers.getAsBoolean())
        {
            return AdminResponse.text(409, "a rolling restart is running already, or the instance is starting or stopping\n");
        }
        LOG.info("rolling restart of the workers started, asked by the admin client at {}", peer);

        return AdminResponse.text(202, "rolling restart started; GET " + STATUS_PATH + " follows it\n");
    }

    private AdminResponse drain(final SocketAddress peer)
    {
        if (!drain.getAsBoolean())
        {
            return AdminResponse.text(202, "draining already: the instance is stopping\n");
        }
        LOG.info("drain asked by the admin client at {}", peer);

        return AdminResponse.text(202, "draining: /ready answers 503; the instance stops after the readiness grace " +
            "and the drain\n");
    }
}
