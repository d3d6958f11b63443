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
    private final Map<String, HttpApplication> byName;

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

    HttpApplication get(final String name)
    {
        return byName.get(name);
    }

    Collection<String> names()
    {
        return byName.keySet();
    }
}
