package io.switchboard.rpc.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The CBOR map of an ERROR frame (docs/rpc-protocol.md, section 5): {@code "message"}, and for an application
 * error the thrower's {@code "type"} and {@code "stack"}, at most {@link #MAX_STACK_FRAMES} texts.
 */
public record ErrorPayload(String message, String type, List<String> stack)
{
    public static final int MAX_STACK_FRAMES = 32;

    public static void writeMessage(final CBORGenerator gen, final String message) throws IOException
    {
        gen.writeStartObject(1);
        gen.writeStringField("message", message);
        gen.writeEndObject();
    }

    public static void writeThrowable(final CBORGenerator gen, final Throwable thrown) throws IOException
    {
        final StackTraceElement[] trace = thrown.getStackTrace();
        final int frames = Math.min(trace.length, MAX_STACK_FRAMES);
        gen.writeStartObject(3);
        gen.writeStringField("message", String.valueOf(thrown.getMessage()));
        gen.writeStringField("type", thrown.getClass().getName());
        gen.writeFieldName("stack");
        gen.writeStartArray(null, frames);
        for (int i = 0; i < frames; i++)
        {
            final StackTraceElement element = trace[i];
            gen.writeString(element.getClassName() + "." + element.getMethodName() + "(" +
                (element.getFileName() == null ? "Unknown Source" : element.getFileName()) +
                (element.getLineNumber() >= 0 ? ":" + element.getLineNumber() : "") + ")");
        }
        gen.writeEndArray();
        gen.writeEndObject();
    }

    /**
     * Reads the map; fields it does not know are skipped, texts it expects but finds missing are empty.
     *
     * @throws StreamReadException when the payload is not such a map.
     */
    public static ErrorPayload read(final JsonParser parser) throws IOException
    {
        if (parser.nextToken() != JsonToken.START_OBJECT)
        {
            throw new JsonParseException(parser, "ERROR payload is not a CBOR map");
        }
        String message = "";
        String type = "";
        final List<String> stack = new ArrayList<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = parser.currentName();
            final JsonToken value = parser.nextToken();
            switch (field)
            {
                case "message" -> message = value == JsonToken.VALUE_STRING ? parser.getText() : message;
                case "type" -> type = value == JsonToken.VALUE_STRING ? parser.getText() : type;
                case "stack" ->
                {
                    if (value == JsonToken.START_ARRAY)
                    {
                        while (parser.nextToken() != JsonToken.END_ARRAY)
                        {
                            if (parser.currentToken() == null)
                            {
                                throw new JsonParseException(parser, "ERROR stack cut short");
                            }
                            if (stack.size() < MAX_STACK_FRAMES && parser.currentToken() == JsonToken.VALUE_STRING)
                            {
                                stack.add(parser.getText());
                            }
                            parser.skipChildren();
                        }
                    }
                    else
                    {
                        parser.skipChildren();
                    }
                }
                default -> parser.skipChildren();
            }
        }
        if (parser.currentToken() != JsonToken.END_OBJECT)
        {
            throw new JsonParseException(parser, "ERROR payload map cut short");
        }
        return new ErrorPayload(message, type, stack);
    }
}
