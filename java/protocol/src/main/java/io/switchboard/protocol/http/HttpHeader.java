package io.switchboard.protocol.http;

/**
 * One header field as it crossed the channel: name and value, unchanged.
 */
public record HttpHeader(String name, String value)
{
}
