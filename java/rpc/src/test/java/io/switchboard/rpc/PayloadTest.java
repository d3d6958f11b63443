package io.switchboard.rpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.rpc.TestApi.Colour;
import io.switchboard.rpc.TestApi.Point;
import io.switchboard.rpc.TestApi.Shape;
import io.switchboard.rpc.TestApi.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PayloadTest
{
    private final SessionPair pair = new SessionPair(TestApi.standardServices());

    @AfterEach
    void tearDown()
    {
        pair.close();
    }

    @Test
    void shouldRoundTripRecordsEnumsListsMapsOptionalsAndBytes()
    {
        final Types types = pair.client.lookup("types", Types.class);
        final Map<String, Integer> tags = new LinkedHashMap<>();
        tags.put("a", 1);
        tags.put("b", -2);
        final Shape shape = new Shape("tri", Colour.GREEN, List.of(new Point(0, 0), new Point(3, -4)), tags,
            Optional.of("note"), new byte[] {0, (byte)0xFF, 7});
        final Shape back = types.shape(shape);
        assertEquals(shape.name(), back.name());
        assertEquals(shape.colour(), back.colour());
        assertEquals(shape.points(), back.points());
        assertEquals(shape.tags(), back.tags());
        assertEquals(shape.note(), back.note());
        assertArrayEquals(shape.data(), back.data());

        final Shape empty = types.shape(new Shape("e", Colour.RED, List.of(), Map.of(), Optional.empty(), new byte[0]));
        assertEquals(Optional.empty(), empty.note());

        assertEquals(Optional.of(new Point(1, 2)), types.maybe(Optional.of(new Point(1, 2))));
        assertEquals(Optional.empty(), types.maybe(Optional.empty()));
        final List<Map<String, List<Colour>>> nested = List.of(Map.of("x", List.of(Colour.RED, Colour.GREEN)));
        assertEquals(nested, types.nested(nested));
        assertEquals(1 + 2L + 3 + 1 + 5, types.sum(1, 2L, 3.9, true, (short)5));
        assertEquals(Colour.RED, types.colour(Colour.RED));
        types.nothing();
    }

    @Test
    void shouldNeverLoadAClassNamedInAPayload() throws Exception
    {
        final String gadget = "io.switchboard.rpc.PayloadTest$Gadget";
        final Types types = pair.client.lookup("types", Types.class);
        // a value declared Object decodes to plain maps, lists and scalars, whatever it names
        final Object back = types.anything(Map.of("@class", gadget, "type", gadget, "value", List.of(gadget)));
        assertTrue(back instanceof Map, String.valueOf(back));
        assertEquals(gadget, ((Map<?, ?>)back).get("@class"));
        assertEquals(List.of(gadget), types.anything(List.of(gadget)));

        // an application error's type name is only text
        final RawPeer peer = new RawPeer(DeployedServices.none());
        final java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().start(() ->
        {
            try
            {
                peer.session.lookup("anything", Types.class);
                outcome.complete(null);
            }
            catch (final Throwable ex)
            {
                outcome.complete(ex);
            }
        });
        final RawPeer.Frame call = peer.awaitType(RpcFrame.CALL);
        final byte[] map = RawPeer.cbor(gen ->
        {
            gen.writeStartObject();
            gen.writeStringField("message", "boom");
            gen.writeStringField("type", gadget);
            gen.writeFieldName("stack");
            gen.writeStartArray();
            gen.writeString(gadget + ".run(Gadget.java:1)");
            gen.writeEndArray();
            gen.writeStringField("extra", "ignored");
            gen.writeEndObject();
        });
        final byte[] body = new byte[2 + map.length];
        body[1] = 1;
        System.arraycopy(map, 0, body, 2, map.length);
        peer.feed(RawPeer.frame(RpcFrame.ERROR, call.callId(), 0, body));
        final RemoteApplicationException thrown = (RemoteApplicationException)outcome.get(5, TimeUnit.SECONDS);
        assertEquals(gadget, thrown.remoteType());
        assertEquals("boom", thrown.remoteMessage());
        assertEquals(List.of(gadget + ".run(Gadget.java:1)"), thrown.remoteStack());
        assertFalse(GadgetFlag.LOADED.get(), "loading the gadget class would have run its static initializer");
    }

    /**
     * Loading this class by name would set the flag.
     */
    static final class Gadget
    {
        static
        {
            GadgetFlag.LOADED.set(true);
        }
    }

    /**
     * Apart from the gadget: reading a flag of the gadget's own would initialize it.
     */
    static final class GadgetFlag
    {
        static final java.util.concurrent.atomic.AtomicBoolean LOADED = new java.util.concurrent.atomic.AtomicBoolean();
    }
}
