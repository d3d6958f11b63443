package io.switchboard.cm.net;

import io.switchboard.cm.http.HttpLimits;
import io.switchboard.cm.observe.RequestEventPublisher;
import io.switchboard.cm.routing.Router;

/**
 * What every I/O thread of an instance is configured with, and the bounds they share.
 *
 * @param ioThreadCount     the instance's I/O threads (they share the memory bound on workspaces).
 * @param router            request paths to applications.
 * @param limits            the HTTP codec's limits.
 * @param timeouts          the phases' deadlines and the minimum body rate.
 * @param buffers           the sizes of an exchange's buffers.
 * @param maxWaiting        requests and sessions a thread queues for a channel or a worker before 503.
 * @param rpcSettings       distributed sessions' settings.
 * @param connectionLimit   --max-connections, shared with the acceptors.
 * @param sessionLimit      --max-sessions and --max-sessions-per-address.
 * @param trustedProxies    --trusted-proxies: peers whose forwarding fields are kept and appended to.
 * @param events            where exchanges and sessions that end are told (the access log, the metrics).
 */
public record IoThreadSettings(
    int ioThreadCount,
    Router router,
    HttpLimits limits,
    Timeouts timeouts,
    IoBuffers buffers,
    int maxWaiting,
    RpcSettings rpcSettings,
    ConnectionLimit connectionLimit,
    SessionLimit sessionLimit,
    TrustedProxies trustedProxies,
    RequestEventPublisher events)
{
}
