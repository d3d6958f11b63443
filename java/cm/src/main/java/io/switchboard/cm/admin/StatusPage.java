package io.switchboard.cm.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The live status page of the admin listener: {@code /} is a static HTML document, {@code /status.js} the script
 * that polls {@code GET /admin/status} every second and renders it, {@code /status.css} its style. All three are
 * resources of the CM's jar beside this class, read once and served from memory; the page loads nothing from
 * elsewhere (no framework, no CDN), so the admin listener's {@code Content-Security-Policy} (scripts, styles and
 * fetches from itself only, no inline script) holds for it.
 * <p>
 * What the page shows, and the element ids and classes a test reads, are described in {@code status.js}.
 * <p>
 * Immutable, so thread-safe.
 */
final class StatusPage
{
    static final String PAGE_PATH = "/";
    static final String SCRIPT_PATH = "/status.js";
    static final String STYLE_PATH = "/status.css";

    static final AdminResponse HTML = load("status.html", "text/html; charset=utf-8");
    static final AdminResponse SCRIPT = load("status.js", "text/javascript; charset=utf-8");
    static final AdminResponse STYLE = load("status.css", "text/css; charset=utf-8");

    private StatusPage()
    {
    }

    private static AdminResponse load(final String name, final String contentType)
    {
        try (InputStream in = StatusPage.class.getResourceAsStream(name))
        {
            if (in == null)
            {
                throw new IllegalStateException("the status page's " + name + " is missing from the CM's jar " +
                    "(expected beside " + StatusPage.class.getName() + "): rebuild it");
            }
            return new AdminResponse(200, contentType, in.readAllBytes(), null);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read the status page's " + name + " from the CM's jar", ex);
        }
    }
}
