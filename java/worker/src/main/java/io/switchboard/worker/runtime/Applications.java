package io.switchboard.worker.runtime;

import io.switchboard.worker.http.HostingOptions;
import io.switchboard.worker.http.HttpApplication;
import io.switchboard.worker.http.HttpApplicationFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;

/**
 * The applications this worker hosts: every {@link HttpApplication} found by
 * {@link ServiceLoader} on the class path, and those the {@link HttpApplicationFactory factories} found there make
 * from the worker's {@link HostingOptions} (web applications), or the named subset of them.
 */
final class Applications implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(Applications.class);

    private final Map<String, HttpApplication> byName;
    private final List<HttpApplicationFactory> factories;
    /** What the factories made, each closed once by {@link #close} (after its stop hook if it was started). */
    private final List<HttpApplication> made;
    /** Those whose start hook returned, in the order it did. */
    private final List<HttpApplication> started = new ArrayList<>();

    private Applications(
        final Map<String, HttpApplication> byName, final List<HttpApplicationFactory> factories,
        final List<HttpApplication> made)
    {
        this.byName = byName;
        this.factories = factories;
        this.made = made;
    }

    static Applications load(final Set<String> wanted, final Set<String> forSessions, final ClassLoader loader)
    {
        return load(wanted, forSessions, loader, HostingOptions.NONE);
    }

    /**
     * @param wanted     names to host; empty for all found.
     * @param forSessions names found as applications for distributed sessions: a wanted name may be one of those
     *                   and have no HTTP side.
     * @throws IllegalArgumentException naming what is missing and what was found.
     */
    static Applications load(
        final Set<String> wanted, final Set<String> forSessions, final ClassLoader loader, final HostingOptions options)
    {
        final Map<String, HttpApplication> found = new TreeMap<>();
        final List<HttpApplicationFactory> factories = new ArrayList<>();
        final List<HttpApplication> made = new ArrayList<>();
        final List<HttpApplication> all = new ArrayList<>();
        for (final HttpApplication application : ServiceLoader.load(HttpApplication.class, loader))
        {
            all.add(application);
        }
        for (final HttpApplicationFactory factory : ServiceLoader.load(HttpApplicationFactory.class, loader))
        {
            factories.add(factory);
            try
            {
                made.addAll(factory.create(options));
            }
            catch (final Exception ex)
            {
                closeAll(made);
                throw new IllegalArgumentException(
                    factory.getClass().getName() + " cannot make its applications: " + ex.getMessage(), ex);
            }
        }
        all.addAll(made);
        for (final HttpApplication application : all)
        {
            final HttpApplication previous = found.putIfAbsent(application.name(), application);
            if (previous != null)
            {
                closeAll(made);
                throw new IllegalArgumentException("two applications named " + application.name() + ": " +
                    previous.getClass().getName() + " and " + application.getClass().getName());
            }
        }

        if (wanted.isEmpty())
        {
            return new Applications(found, factories, made);
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
                closeAll(made);
                throw new IllegalArgumentException(
                    "application " + name + " not found on the worker's class path; found: " + found.keySet() +
                    ", for sessions: " + forSessions);
            }
            chosen.put(name, application);
        }
        return new Applications(chosen, factories, made);
    }

    /**
     * Tells the factories the worker's slot, before any request.
     */
    void onSlot(final int slot)
    {
        for (final HttpApplicationFactory factory : factories)
        {
            factory.onSlot(slot);
        }
    }

    /**
     * Closes the applications the factories made (web applications stop, sessions are saved).
     */
    public void close()
    {
        closeAll(made);
        made.clear();
    }

    private static void closeAll(final List<HttpApplication> applications)
    {
        for (final HttpApplication application : applications)
        {
            if (application instanceof AutoCloseable closeable)
            {
                try
                {
                    closeable.close();
                }
                catch (final Exception ex)
                {
                    LOG.warn("application {} failed to close: {}", application.name(), ex.toString());
                }
            }
        }
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
