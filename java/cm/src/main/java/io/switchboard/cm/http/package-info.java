/**
 * The CM's HTTP/1.1 codec (RFC 9110, RFC 9112): pure Java, no I/O, no
 * allocation per request.
 * <p>
 * A request goes through it like this:
 * <ol>
 *   <li>{@link io.switchboard.cm.http.RequestHeadParser} takes the bytes read from the socket, in whatever pieces
 *   they came, copies the head into its own buffer (the one copy of request bytes the CM makes), checks it
 *   strictly, and stops right after it. Its {@link io.switchboard.cm.http.RequestHead} gives method, target,
 *   version and fields as offsets into that buffer, and the derived facts: body framing, keep-alive,
 *   100-continue, host.</li>
 *   <li>The body, if any, stays in the read buffer: a Content-Length body is relayed as is; a chunked one goes
 *   through {@link io.switchboard.cm.http.ChunkedDecoder}, which hands out the data ranges in place.</li>
 *   <li>The response head is written by {@link io.switchboard.cm.http.ResponseHeadWriter} (Date from
 *   {@link io.switchboard.cm.http.HttpDate}), a chunked response body framed by
 *   {@link io.switchboard.cm.http.ChunkedEncoder}.</li>
 * </ol>
 * A request the CM refuses raises {@link io.switchboard.cm.http.HttpException} with its status and a constant
 * reason (never bytes of the peer); the CM answers with that status, {@code Connection: close}, and closes.
 * <p>
 * Limits live in {@link io.switchboard.cm.http.HttpLimits}. Every class here is single-threaded: parser and
 * decoder per connection, date and response writer per I/O thread.
 */
package io.switchboard.cm.http;
