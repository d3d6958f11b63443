package io.switchboard.rpc.codec;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.lang.reflect.Type;

/**
 * The CBOR payload codec of every session in the JVM (docs/rpc-protocol.md, section 6): Jackson's CBOR format,
 * decoding into types the receiver declares. The peer never chooses a class: no default typing, and polymorphic
 * type ids that name classes are refused by a validator that allows none. One mapper for all sessions, so the
 * (de)serializers Jackson builds by reflection are built once; the session whose object references a payload
 * carries is bound to the encoding or decoding thread for the duration ({@link #bind}).
 */
public final class PayloadCodec
{
    /** Deep nesting costs stack; no sane argument needs more. */
    private static final int MAX_NESTING_DEPTH = 200;
    private static final ThreadLocal<ObjectReferences> CURRENT = new ThreadLocal<>();
    private static final CBORMapper MAPPER = newMapper();

    private PayloadCodec()
    {
    }

    private static CBORMapper newMapper()
    {
        final CBORFactory factory = CBORFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            .disable(com.fasterxml.jackson.core.StreamWriteFeature.AUTO_CLOSE_TARGET)
            .build();
        return CBORMapper.builder(factory)
            .addModule(new Jdk8Module())
            .addModule(new RemoteReferenceModule())
            .polymorphicTypeValidator(BasicPolymorphicTypeValidator.builder().build())
            .disable(MapperFeature.DEFAULT_VIEW_INCLUSION)
            .disable(SerializationFeature.FLUSH_AFTER_WRITE_VALUE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
            .build();
    }

    public static CBORFactory factory()
    {
        return MAPPER.getFactory();
    }

    public static JavaType type(final Type type)
    {
        return MAPPER.getTypeFactory().constructType(type);
    }

    public static ObjectReader readerFor(final JavaType type)
    {
        return MAPPER.readerFor(type);
    }

    public static ObjectWriter writerFor(final JavaType type)
    {
        return MAPPER.writerFor(type);
    }

    /**
     * Binds the session whose payload the calling thread is about to encode or decode.
     *
     * @return the binding it replaces, to give to {@link #unbind}.
     */
    public static ObjectReferences bind(final ObjectReferences references)
    {
        final ObjectReferences previous = CURRENT.get();
        CURRENT.set(references);
        return previous;
    }

    public static void unbind(final ObjectReferences previous)
    {
        // set, not remove: a thread that reads frames binds on every frame, and set() on a present entry allocates nothing
        CURRENT.set(previous);
    }

    static ObjectReferences current()
    {
        return CURRENT.get();
    }
}
