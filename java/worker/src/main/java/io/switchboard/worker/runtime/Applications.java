package io.switchboard.worker.runtime;

import io.switchboard.worker.http.HttpApplication;

import java.util.Collection;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The applications this worker hosts: every {@link HttpApplication} found by
 * {@link ServiceLoader} on the class path, or the named subset of them.
 */
final class Applications
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Applications.class);

    private final Map<String, HttpApplication> byName;
    /** Those whose start hook returned, in the order it did. */
    private final java.util.List<HttpApplication> started = new java.util.ArrayList<>();

    private Applications(final Map<String, HttpApplication> byName)
    {
        this.byName = byName;
    }

    /**
     * @param wanted     names to host; empty for all found.
     * @param forSessions names found as applications for distributed sessions: a wanted name may be one of those
     *                   and have no HTTP side.
     * @throws IllegalArgumentException naming what is missing and what was found.
     */
    static Applications load(final Set<String> wanted, final Set<String> forSessions, final ClassLoader loader)
    {
        final Map<String, HttpApplication> found = new TreeMap<>();
        for (final HttpApplication application : ServiceLoader.load(HttpApplication.class, loader))
        {
            final HttpApplication previous = found.putIfAbsent(application.name(), application);
            if (previous != null)
            {
                throw new IllegalArgumentException("two applications named " + application.name() + ": " +
                    previous.getClass().getName() + " and " + application.getClass().getName());
            }
        }

        if (wanted.isEmpty())
        {
            return new Applications(found);
        }

        final Map<String, HttpApplication> chosen = new TreeMap<>();
        for (final String name : wanted)
        {
            final HttpApplication application = found.get(name);
            if (application == null && forSessions.contains(name))
            {
                continue;
            }
            if (application == null)
            {
                throw new IllegalArgumentException(
                    "application " + name + " not found on the worker's class path; found: " + found.keySet() +
                    ", for sessions: " + forSessions);
            }
            chosen.put(name, application);
        }
        return new Applications(chosen);
    }

    /**
     * Calls every application's {@link HttpApplication#start}, in name order. If one throws, those already started
     * are stopped (in reverse order) and the failure is thrown on.
     *
     * @throws ApplicationStartException naming the application, its cause the application's exception.
     */
    void start()
    {
        for (final HttpApplication application : byName.values())
        {
            try
            {
                application.start();
                started.add(application);
            }
            catch (final Exception | LinkageError ex)
            {
                stop();
                throw new ApplicationStartException(application.name(), ex);
            }
        }
    }

    /**
     * Calls {@link HttpApplication#stop} of every application started, in the reverse order; each failure is
     * logged and the others are stopped all the same. Idempotent.
     */
    void stop()
    {
        for (int i = started.size() - 1; i >= 0; i--)
        {
            final HttpApplication application = started.remove(i);
            try
            {
                application.stop();
            }
            catch (final Exception | LinkageError ex)
            {
                LOG.error("application {} failed to stop", application.name(), ex);
            }
        }
    }

    HttpApplication get(final String name)
    {
        return byName.get(name);
    }

    Collection<String> names()
    {
        return byName.keySet();
    }
}
