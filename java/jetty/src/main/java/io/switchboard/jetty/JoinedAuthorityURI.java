package io.switchboard.jetty;

import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.http.UriCompliance;

import java.net.URI;
import java.util.Collection;

/**
 * A request URI as Jetty's own immutable one, with its authority ({@code host:port}) joined once, when it is made.
 * <p>
 * Why: Jetty checks every request's {@code Host} against its URI's authority before it calls the handler, and
 * Jetty's immutable URI joins its host and port into a new String each time it is asked (about 165 bytes a
 * request). {@link RequestMetaData} gives the same URI object to every request with the same target and Host, so
 * the joined authority is made once for all of them. Everything else is the Jetty URI's own answer.
 */
final class JoinedAuthorityURI implements HttpURI
{
    private final HttpURI.Immutable uri;
    private final String authority;

    JoinedAuthorityURI(final HttpURI.Immutable uri)
    {
        this.uri = uri;
        this.authority = uri.getAuthority();
    }

    @Override
    public String getAuthority()
    {
        return authority;
    }

    @Override
    public HttpURI.Immutable asImmutable()
    {
        return uri;
    }

    @Override
    public String asString()
    {
        return uri.asString();
    }

    @Override
    public String getDecodedPath()
    {
        return uri.getDecodedPath();
    }

    @Override
    public String getCanonicalPath()
    {
        return uri.getCanonicalPath();
    }

    @Override
    public String getFragment()
    {
        return uri.getFragment();
    }

    @Override
    public String getHost()
    {
        return uri.getHost();
    }

    @Override
    public String getParam()
    {
        return uri.getParam();
    }

    @Override
    public String getPath()
    {
        return uri.getPath();
    }

    @Override
    public String getPathQuery()
    {
        return uri.getPathQuery();
    }

    @Override
    public int getPort()
    {
        return uri.getPort();
    }

    @Override
    public String getQuery()
    {
        return uri.getQuery();
    }

    @Override
    public String getScheme()
    {
        return uri.getScheme();
    }

    @Override
    public String getUser()
    {
        return uri.getUser();
    }

    @Override
    public boolean hasAuthority()
    {
        return uri.hasAuthority();
    }

    @Override
    public boolean isAbsolute()
    {
        return uri.isAbsolute();
    }

    @Override
    public boolean isAmbiguous()
    {
        return uri.isAmbiguous();
    }

    @Override
    public boolean hasViolations()
    {
        return uri.hasViolations();
    }

    @Override
    public boolean hasViolation(final UriCompliance.Violation violation)
    {
        return uri.hasViolation(violation);
    }

    @Override
    public Collection<UriCompliance.Violation> getViolations()
    {
        return uri.getViolations();
    }

    @Override
    public boolean hasAmbiguousSegment()
    {
        return uri.hasAmbiguousSegment();
    }

    @Override
    public boolean hasAmbiguousEmptySegment()
    {
        return uri.hasAmbiguousEmptySegment();
    }

    @Override
    public boolean hasAmbiguousSeparator()
    {
        return uri.hasAmbiguousSeparator();
    }

    @Override
    public boolean hasAmbiguousParameter()
    {
        return uri.hasAmbiguousParameter();
    }

    @Override
    public boolean hasAmbiguousEncoding()
    {
        return uri.hasAmbiguousEncoding();
    }

    @Override
    public boolean hasUtf16Encoding()
    {
        return uri.hasUtf16Encoding();
    }

    @Override
    public URI toURI()
    {
        return uri.toURI();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof JoinedAuthorityURI joined ? uri.equals(joined.uri) : uri.equals(other);
    }

    @Override
    public int hashCode()
    {
        return uri.hashCode();
    }

    @Override
    public String toString()
    {
        return uri.toString();
    }
}
