package io.switchboard.cm.routing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Maps a request path to its application by the longest matching prefix. No
 * allocation per lookup: the path is matched as bytes of the parsed head.
 */
public final class Router
{
    private final Route[] routes;

    public Router(final List<Route> routes)
    {
        final List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparingInt((Route route) -> route.prefix().length()).reversed());
        this.routes = sorted.toArray(new Route[0]);
    }

    /**
     * @return the route for the path, or null when none matches (a 404 from the CM).
     */
    public Route route(final byte[] path, final int offset, final int length)
    {
        for (final Route route : routes)
        {
            if (route.matches(path, offset, length))
            {
                return route;
            }
        }
        return null;
    }

    /**
     * @return the distinct applications the routes name.
     */
    public List<String> applications()
    {
        final List<String> names = new ArrayList<>();
        for (final Route route : routes)
        {
            if (!names.contains(route.application()))
            {
                names.add(route.application());
            }
        }
        return names;
    }
}
