package io.switchboard.rpc.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * How one remote method's arguments and result travel: a CBOR array of the arguments, each written and read as
 * its declared parameter type, and the result as the declared return type (the future's type argument for an async
 * method). Readers and writers are made once, here, so a call only walks values.
 */
public final class MethodCodec
{
    private static final Object[] NO_ARGUMENTS = new Object[0];

    private final String qualifiedName;
    private final String name;
    private final byte[] nameUtf8;
    private final Method method;
    private final Class<?>[] rawParameterTypes;
    private final ObjectReader[] parameterReaders;
    private final ObjectWriter[] parameterWriters;
    private final boolean async;
    private final boolean voidResult;
    private final ObjectReader resultReader;
    private final ObjectWriter resultWriter;

    /**
     * @param qualifiedName for messages, e.g. {@code Echo.echo}.
     * @param method the interface method, or null for a method with no Java declaration (the registry's lookup).
     */
    public MethodCodec(
        final String qualifiedName, final String name, final Type[] parameterTypes, final Type returnType,
        final Method method)
    {
        this.qualifiedName = qualifiedName;
        this.name = name;
        this.nameUtf8 = RemoteInterface.utf8(name);
        this.method = method;
        this.rawParameterTypes = new Class<?>[parameterTypes.length];
        this.parameterReaders = new ObjectReader[parameterTypes.length];
        this.parameterWriters = new ObjectWriter[parameterTypes.length];
        for (int i = 0; i < parameterTypes.length; i++)
        {
            final JavaType type = PayloadCodec.type(parameterTypes[i]);
            rawParameterTypes[i] = type.getRawClass();
            parameterReaders[i] = PayloadCodec.readerFor(type);
            parameterWriters[i] = PayloadCodec.writerFor(type);
        }
        final Class<?> rawReturn = PayloadCodec.type(returnType).getRawClass();
        this.async = rawReturn == CompletableFuture.class || rawReturn == CompletionStage.class;
        final Type resultType = async ? futureValueType(returnType) : returnType;
        this.voidResult = resultType == void.class || resultType == Void.class;
        final JavaType resultJavaType = PayloadCodec.type(voidResult ? Object.class : resultType);
        this.resultReader = PayloadCodec.readerFor(resultJavaType);
        this.resultWriter = PayloadCodec.writerFor(resultJavaType);
    }

    private static Type futureValueType(final Type returnType)
    {
        return returnType instanceof ParameterizedType parameterized ? parameterized.getActualTypeArguments()[0] :
            Object.class;
    }

    public String qualifiedName()
    {
        return qualifiedName;
    }

    public String name()
    {
        return name;
    }

    public byte[] nameUtf8()
    {
        return nameUtf8;
    }

    public Method method()
    {
        return method;
    }

    public int parameterCount()
    {
        return rawParameterTypes.length;
    }

    /**
     * @return whether the method returns a future: the proxy does not wait, the implementation answers later.
     */
    public boolean isAsync()
    {
        return async;
    }

    public void writeArguments(final CBORGenerator gen, final Object[] args) throws IOException
    {
        final int count = rawParameterTypes.length;
        gen.writeStartArray(null, count);
        for (int i = 0; i < count; i++)
        {
            parameterWriters[i].writeValue(gen, args[i]);
        }
        gen.writeEndArray();
    }

    /**
     * Reads the arguments; the parser stands on the array's start, and the caller has checked the count.
     *
     * @throws com.fasterxml.jackson.databind.DatabindException when a value does not fit its parameter's type.
     * @throws com.fasterxml.jackson.core.exc.StreamReadException when the CBOR itself is malformed or cut short.
     */
    public Object[] readArguments(final JsonParser parser) throws IOException
    {
        final int count = rawParameterTypes.length;
        final Object[] args = count == 0 ? NO_ARGUMENTS : new Object[count];
        for (int i = 0; i < count; i++)
        {
            parser.nextToken();
            final Object value = parameterReaders[i].readValue(parser);
            if (value == null && rawParameterTypes[i].isPrimitive())
            {
                throw new IllegalArgumentException("null for parameter " + i + " of primitive type " +
                    rawParameterTypes[i].getName());
            }
            args[i] = value;
        }
        if (parser.nextToken() != JsonToken.END_ARRAY)
        {
            throw new IllegalArgumentException("more arguments than the " + count + " of " + qualifiedName);
        }
        return args;
    }

    public void writeResult(final CBORGenerator gen, final Object value) throws IOException
    {
        if (voidResult || value == null)
        {
            gen.writeNull();
        }
        else
        {
            resultWriter.writeValue(gen, value);
        }
    }

    public Object readResult(final JsonParser parser) throws IOException
    {
        parser.nextToken();
        if (voidResult)
        {
            parser.skipChildren();
            return null;
        }
        return resultReader.readValue(parser);
    }
}
