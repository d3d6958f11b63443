package io.switchboard.rpc.codec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.Version;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.Module;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.Deserializers;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.Serializers;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import java.io.IOException;

/**
 * Makes objects of {@link io.switchboard.rpc.Remote} interfaces travel by reference: any value whose class
 * implements one is written as tag 55801 {@code [owner, id]}, and a parameter, field or element declared as a remote
 * interface is read from one. Both ask the session bound to the thread ({@link PayloadCodec#bind}).
 */
final class RemoteReferenceModule extends Module
{
    @Override
    public String getModuleName()
    {
        return "switchboard-remote-references";
    }

    @Override
    public Version version()
    {
        return Version.unknownVersion();
    }

    @Override
    public void setupModule(final SetupContext context)
    {
        context.addSerializers(new Serializers.Base()
        {
            @Override
            public JsonSerializer<?> findSerializer(
                final SerializationConfig config, final JavaType type, final BeanDescription beanDesc)
            {
                return RemoteInterface.isRemoteType(type.getRawClass()) ? RefSerializer.INSTANCE : null;
            }
        });
        context.addDeserializers(new Deserializers.Base()
        {
            @Override
            public JsonDeserializer<?> findBeanDeserializer(
                final JavaType type, final DeserializationConfig config, final BeanDescription beanDesc)
            {
                final Class<?> raw = type.getRawClass();
                return raw.isInterface() && RemoteInterface.isRemoteType(raw) ? new RefDeserializer(raw) : null;
            }
        });
    }

    static final class RefSerializer extends StdSerializer<Object>
    {
        static final RefSerializer INSTANCE = new RefSerializer();

        private RefSerializer()
        {
            super(Object.class);
        }

        @Override
        public void serialize(final Object value, final JsonGenerator gen, final SerializerProvider provider)
            throws IOException
        {
            final ObjectReferences references = PayloadCodec.current();
            if (references == null || !(gen instanceof CBORGenerator))
            {
                provider.reportMappingProblem("a remote object (%s) can only travel in a session's payload",
                    value.getClass().getName());
                return;
            }
            final RemoteRef ref = references.refFor(value);
            writeRef((CBORGenerator)gen, ref);
        }
    }

    static void writeRef(final CBORGenerator gen, final RemoteRef ref) throws IOException
    {
        gen.writeTag(RemoteRef.TAG);
        gen.writeStartArray(null, 2);
        gen.writeNumber(ref.owner());
        gen.writeNumber(ref.id());
        gen.writeEndArray();
    }

    static final class RefDeserializer extends StdDeserializer<Object>
    {
        private final Class<?> type;

        RefDeserializer(final Class<?> type)
        {
            super(type);
            this.type = type;
        }

        @Override
        public Object deserialize(final JsonParser p, final DeserializationContext ctxt) throws IOException
        {
            if (p.currentToken() != JsonToken.START_ARRAY || !(p instanceof CBORParser cbor) ||
                cbor.getCurrentTag() != RemoteRef.TAG)
            {
                return ctxt.handleUnexpectedToken(type, p);
            }
            final long owner = readNumber(p, ctxt);
            final long id = readNumber(p, ctxt);
            if (p.nextToken() != JsonToken.END_ARRAY || (owner != RemoteRef.SENDER && owner != RemoteRef.RECEIVER))
            {
                return ctxt.reportInputMismatch(type, "a remote reference is [owner 0|1, id], got owner %d", owner);
            }
            final ObjectReferences references = PayloadCodec.current();
            if (references == null)
            {
                return ctxt.reportInputMismatch(type, "a remote reference outside a session");
            }
            try
            {
                return references.resolve(new RemoteRef((int)owner, id), type);
            }
            catch (final IllegalArgumentException ex)
            {
                return ctxt.reportInputMismatch(type, "%s", ex.getMessage());
            }
        }

        private long readNumber(final JsonParser p, final DeserializationContext ctxt) throws IOException
        {
            if (p.nextToken() != JsonToken.VALUE_NUMBER_INT)
            {
                ctxt.reportInputMismatch(type, "a remote reference is [owner, id] of two integers");
            }
            return p.getLongValue();
        }
    }
}
