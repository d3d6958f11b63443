package io.switchboard.jetty;

import io.switchboard.worker.http.HostingOptions;
import io.switchboard.worker.http.HttpApplication;
import io.switchboard.worker.http.HttpApplicationFactory;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.session.DefaultSessionCacheFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Makes the worker's Jetty applications: a web application per {@code --webapp PREFIX=PATH} (a WAR or an exploded
 * directory, served under the context path PREFIX, which is also its application name), and one per
 * {@link HandlerApplication} found on the class path. Each gets a Jetty server of its own with the worker's node
 * name in its session ids ({@link NodeSessionIds}) and, with {@code --session-store DIR}, Jetty's file session
 * store in that directory, read again at each load since the workers share it ({@link SharedFileSessionStore}).
 * They unpack their web applications into a directory of this worker's ({@link WorkerTempDirectory}), which the
 * next worker removes should this one die without stopping them.
 */
public final class JettyApplicationFactory implements HttpApplicationFactory
{
    private static final Logger LOG = LoggerFactory.getLogger(JettyApplicationFactory.class);

    private final List<NodeSessionIds> sessionIds = new ArrayList<>();
    /** Where this worker's servers unpack their web applications; made with the first server. */
    private Path tempDirectory;

    @Override
    public List<HttpApplication> create(final HostingOptions options) throws Exception
    {
        final List<HttpApplication> applications = new ArrayList<>();
        try
        {
            for (final String spec : options.webApplications())
            {
                applications.add(webApplication(spec, options));
            }
            for (final HandlerApplication application :
                ServiceLoader.load(HandlerApplication.class, Thread.currentThread().getContextClassLoader()))
            {
                applications.add(start(application.name(), application.newHandler(), options));
            }
        }
        catch (final Exception ex)
        {
            for (final HttpApplication application : applications)
            {
                ((JettyApplication)application).close();
            }
            throw ex;
        }
        return applications;
    }

    @Override
    public void onSlot(final int slot)
    {
        for (final NodeSessionIds ids : sessionIds)
        {
            ids.node(HostingOptions.nodeName(slot));
        }
    }

    private JettyApplication webApplication(final String spec, final HostingOptions options) throws Exception
    {
        final int equals = spec.indexOf('=');
        if (equals <= 0)
        {
            throw new IllegalArgumentException("--webapp is PREFIX=PATH, e.g. /shop=shop.war: " + spec);
        }
        final String contextPath = spec.substring(0, equals).strip();
        final Path path = Path.of(spec.substring(equals + 1).strip()).toAbsolutePath();
        if (!contextPath.startsWith("/") || (contextPath.length() > 1 && contextPath.endsWith("/")))
        {
            throw new IllegalArgumentException(
                "--webapp " + spec + ": the prefix starts with / and does not end with one");
        }
        if (!Files.exists(path))
        {
            throw new IllegalArgumentException("--webapp " + spec + ": no WAR or directory at " + path);
        }
        final WebAppContext context = new WebAppContext();
        context.setContextPath(contextPath);
        context.setWar(path.toString());
        // a broken web application must keep the worker from READY, not serve 503s
        context.setThrowUnavailableOnStartupException(true);
        final JettyApplication application = start(contextPath, context, options);
        LOG.info("web application {} from {}", contextPath, path);
        return application;
    }

    private JettyApplication start(final String name, final Handler handler, final HostingOptions options)
        throws Exception
    {
        final Path sessionStore = options.sessionStore();
        final Server server = JettyApplication.newServer(options.handlerThreads());
        if (tempDirectory == null)
        {
            tempDirectory = WorkerTempDirectory.create(WorkerTempDirectory.defaultRoot());
        }
        server.setTempDirectory(tempDirectory.toFile());
        final NodeSessionIds ids = new NodeSessionIds(server);
        server.addBean(ids, true);
        if (sessionStore != null)
        {
            Files.createDirectories(sessionStore);
            final SharedFileSessionStore.Factory store = new SharedFileSessionStore.Factory();
            store.setStoreDir(sessionStore.toFile());
            server.addBean(store);
            // cached in the worker (sticky routing brings a session's requests back to it), written through to the
            // shared store when created and before each response that changed it is committed, so that the worker
            // a session moves to (its own was restarted or killed) reads what was last answered
            final DefaultSessionCacheFactory cache = new DefaultSessionCacheFactory();
            cache.setSaveOnCreate(true);
            cache.setFlushOnResponseCommit(true);
            server.addBean(cache);
        }
        server.setHandler(handler);
        sessionIds.add(ids);
        return new JettyApplication(name, server);
    }
}
