package io.switchboard.rpc;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface whose objects may be called across a session. Every abstract method of the interface is a
 * remote method, identified on the wire by its name and argument count, so names must not be overloaded: that is
 * checked when a service is deployed or a proxy is made.
 * <p>
 * An object implementing a {@code @Remote} interface travels by reference, never by value: passing one as an
 * argument or result exports it to the peer, which then calls it back. A method returning
 * {@link java.util.concurrent.CompletableFuture} (or {@link java.util.concurrent.CompletionStage}) is asynchronous:
 * the proxy returns the future at once, and the implementing side answers when its future completes. Since only the
 * name and argument count travel, a caller may use an async twin of a sync interface:
 * <pre>{@code
 * @Remote interface Echo      { byte[] echo(byte[] b); }
 * @Remote interface EchoAsync { CompletableFuture<byte[]> echo(byte[] b); }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface Remote
{
}
