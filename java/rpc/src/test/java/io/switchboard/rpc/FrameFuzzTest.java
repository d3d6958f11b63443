package io.switchboard.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.switchboard.protocol.rpc.RpcFrame;
import io.switchboard.protocol.rpc.RpcFrameScanner;
import io.switchboard.protocol.rpc.RpcGoodbyeCode;
import io.switchboard.rpc.codec.BigEndian;
import io.switchboard.rpc.stream.FrameAssembler;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Seeded random mutations of valid frame streams, fed to the CM's {@link RpcFrameScanner} and, through a
 * {@link FrameAssembler}, to an {@link RpcSession} (the worker's and the client's decoder). Whatever arrives:
 * <ul>
 *   <li>nothing throws, and the session reports no unexpected failure to its error handler;</li>
 *   <li>the session either stays open (and, when the mutated part ended on a frame boundary, answers the PING
 *   appended after it) or ends with GOODBYE 7 (protocol error), or because a GOODBYE arrived;</li>
 *   <li>every byte the session sent back is a well-formed stream, nothing after its GOODBYE;</li>
 *   <li>the scanner says the same of the stream whatever pieces it arrives in, and what it rejects the session
 *   rejects too (the CM never relays a stream a worker would accept and the CM would not, or the other way);</li>
 *   <li>once closed, the session holds no call and no object.</li>
 * </ul>
 * A failure names the seed and the stream in hex. {@code -Dsb.fuzz.seed=S -Dsb.fuzz.iterations=N} replays or
 * extends the run; the default is a fixed seed and a count that runs in about a second.
 * <p>
 * Self-contained on purpose: a shared fuzz engine (test-support {@code io.switchboard.testsupport.fuzz}) is being
 * written on another branch; once it lands, the mutators here can move to it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FrameFuzzTest
{
    private static final int MAX_FRAME_LENGTH = 4096;
    private static final long FINAL_PING_ID = 0x4242;
    private static final long SEED = Long.getLong("sb.fuzz.seed", 0x5B_F022L);
    private static final int ITERATIONS = Integer.getInteger("sb.fuzz.iterations", 3000);
    private static final int[] INTERESTING_U32 = {0, 1, 3, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,
        MAX_FRAME_LENGTH - 5, MAX_FRAME_LENGTH - 4, MAX_FRAME_LENGTH - 3, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF};
    private static final int[] INTERESTING_BYTES = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0x18, 0x1B, 0x1F, 0x5F, 0x9F, 0xBF,
        0xD9, 0xF6, 0xF7};

    private final List<byte[]> corpus = corpus();

    @Test
    void shouldSurviveMutatedFramesWhateverThePieces()
    {
        final SplittableRandom seeds = new SplittableRandom(SEED);
        for (int i = 0; i < ITERATIONS; i++)
        {
            final long seed = seeds.nextLong();
            final SplittableRandom random = new SplittableRandom(seed);
            final byte[] stream = mutatedStream(random);
            try
            {
                checkScanner(stream, random);
                checkSession(stream, random);
            }
            catch (final AssertionError | RuntimeException ex)
            {
                throw new AssertionError("iteration " + i + ", seed " + seed + " (base seed " + SEED + "), stream " +
                    HexFormat.of().formatHex(stream) + ": " + ex, ex);
            }
        }
    }

    @Test
    void shouldAcceptTheUnmutatedCorpusWhole()
    {
        final ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (final byte[] frame : corpus)
        {
            if (frame[RpcFrame.TYPE_OFFSET] != RpcFrame.GOODBYE && frame[RpcFrame.TYPE_OFFSET] != RpcFrame.RESULT &&
                frame[RpcFrame.TYPE_OFFSET] != RpcFrame.ERROR && frame[RpcFrame.TYPE_OFFSET] != RpcFrame.PONG)
            {
                stream.writeBytes(frame);
            }
        }
        stream.writeBytes(RawPeer.header(RpcFrame.PING, FINAL_PING_ID, 0, 0));
        final Outcome outcome = run(stream.toByteArray(), new SplittableRandom(1));
        assertNull(outcome.session.closeReason(), "a valid stream keeps the session open");
        assertEquals(List.of(), outcome.reported);
        org.junit.jupiter.api.Assertions.assertTrue(outcome.pongSeen, "the final PING was answered");
    }

    // ------------------------------------------------------------------------------------------------ the checks

    private static void checkScanner(final byte[] stream, final SplittableRandom random)
    {
        final RpcFrameScanner whole = new RpcFrameScanner(MAX_FRAME_LENGTH);
        final int wholeScanned = whole.scan(ByteBuffer.wrap(stream), 0, stream.length);

        final RpcFrameScanner pieces = new RpcFrameScanner(MAX_FRAME_LENGTH);
        final ByteBuffer buffer = ByteBuffer.wrap(stream);
        int offset = 0;
        int piecesScanned = 0;
        while (offset < stream.length && pieces.error() == null)
        {
            final int length = pieceLength(random, stream.length - offset);
            final int scanned = pieces.scan(buffer, offset, length);
            org.junit.jupiter.api.Assertions.assertTrue(scanned >= 0 && scanned <= length,
                "scan returned " + scanned + " of " + length);
            if (pieces.error() == null)
            {
                assertEquals(length, scanned, "a piece scanned short without an error");
            }
            piecesScanned += scanned;
            offset += length;
        }
        assertEquals(whole.error() == null, pieces.error() == null,
            "whole: " + whole.error() + ", in pieces: " + pieces.error());
        assertEquals(whole.frames(), pieces.frames(), "frames, whole and in pieces");
        assertEquals(whole.calls(), pieces.calls());
        assertEquals(whole.answers(), pieces.answers());
        if (whole.error() == null)
        {
            assertEquals(stream.length, wholeScanned);
            assertEquals(stream.length, piecesScanned);
            assertEquals(whole.atFrameBoundary(), pieces.atFrameBoundary());
        }
        else
        {
            // a rejected piece reports where the bad frame's header begins in it: never past the bytes accepted
            org.junit.jupiter.api.Assertions.assertTrue(wholeScanned <= stream.length);
            assertEquals(0, whole.scan(ByteBuffer.wrap(stream), 0, stream.length), "nothing after an error");
        }
    }

    private void checkSession(final byte[] stream, final SplittableRandom random)
    {
        final Outcome outcome = run(stream, random);
        final RpcSession session = outcome.session;
        assertEquals(List.of(), outcome.reported, "failures reported to the error handler");

        final RpcFrameScanner sent = new RpcFrameScanner(MAX_FRAME_LENGTH);
        final byte[] sentBytes = outcome.sent.toByteArray();
        sent.scan(ByteBuffer.wrap(sentBytes), 0, sentBytes.length);
        assertNull(sent.error(), "what the session sent is well-formed");
        org.junit.jupiter.api.Assertions.assertTrue(sent.atFrameBoundary(), "the session sent whole frames");

        final RpcFrameScanner cm = new RpcFrameScanner(MAX_FRAME_LENGTH);
        final int rejectedAt = cm.scan(ByteBuffer.wrap(stream), 0, stream.length);
        if (session.isOpen())
        {
            if (cm.error() != null)
            {
                // the CM judges a frame by its header; the session waits for the whole frame: open is right
                // only while the frame the CM rejected has not all arrived
                final long wholeLength = rejectedAt + 4 <= stream.length ?
                    BigEndian.u32(stream, rejectedAt) + RpcFrame.LENGTH_FIELD_LENGTH : Long.MAX_VALUE;
                org.junit.jupiter.api.Assertions.assertTrue(rejectedAt + wholeLength > stream.length,
                    "the session took a whole frame the CM rejects: " + cm.error());
            }
            org.junit.jupiter.api.Assertions.assertFalse(sent.goodbyeComplete(), "GOODBYE sent, session open");
            // the PING appended is a frame of its own only if the mutated part ends on a frame boundary
            final RpcFrameScanner beforePing = new RpcFrameScanner(MAX_FRAME_LENGTH);
            beforePing.scan(ByteBuffer.wrap(stream), 0, stream.length - RpcFrame.HEADER_LENGTH);
            if (beforePing.atFrameBoundary())
            {
                org.junit.jupiter.api.Assertions.assertTrue(outcome.pongSeen, "the final PING, a frame of its own, unanswered");
            }
        }
        else
        {
            final String reason = session.closeReason();
            if (reason.startsWith("protocol error"))
            {
                org.junit.jupiter.api.Assertions.assertTrue(sent.goodbyeComplete(), "a protocol error without GOODBYE");
                assertEquals(RpcGoodbyeCode.PROTOCOL_ERROR, outcome.lastGoodbyeCode, reason);
            }
            else
            {
                org.junit.jupiter.api.Assertions.assertTrue(reason.startsWith("the peer said goodbye"), reason);
                org.junit.jupiter.api.Assertions.assertFalse(sent.goodbyeComplete(), "a GOODBYE answered with GOODBYE");
            }
            org.junit.jupiter.api.Assertions.assertTrue(outcome.sinkClosed, "the transport is closed at the end");
        }

        session.close();
        assertEquals(0, session.incomingCallsInFlight(), "incoming calls left");
        assertEquals(0, session.outgoingCallsInFlight(), "outgoing calls left");
        assertEquals(0, session.exportedObjectCount(), "objects left");
    }

    private static final class Outcome
    {
        RpcSession session;
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        final List<String> reported = new ArrayList<>();
        boolean sinkClosed;
        boolean pongSeen;
        int lastGoodbyeCode = -1;
    }

    /**
     * Feeds the stream in random pieces to a session behind an assembler; services run inline, so everything the
     * stream causes is done when the last piece returns.
     */
    private static Outcome run(final byte[] stream, final SplittableRandom random)
    {
        final Outcome outcome = new Outcome();
        outcome.session = RpcSession.builder(new FrameSink()
            {
                @Override
                public void send(final byte[] buffer, final int offset, final int length)
                {
                    outcome.sent.write(buffer, offset, length);
                    final int type = BigEndian.u8(buffer, offset + RpcFrame.TYPE_OFFSET);
                    if (type == RpcFrame.PONG && BigEndian.i64(buffer, offset + RpcFrame.CALL_ID_OFFSET) == FINAL_PING_ID)
                    {
                        outcome.pongSeen = true;
                    }
                    else if (type == RpcFrame.GOODBYE)
                    {
                        outcome.lastGoodbyeCode = BigEndian.u16(buffer, offset + RpcFrame.GOODBYE_CODE_OFFSET);
                    }
                }

                @Override
                public void close()
                {
                    outcome.sinkClosed = true;
                }
            })
            .services(services())
            .executor(Runnable::run)
            .limits(MAX_FRAME_LENGTH, 16)
            .name("fuzzed")
            .errorHandler((what, cause) -> outcome.reported.add(what + ": " + cause))
            .build();
        final FrameAssembler assembler = new FrameAssembler(MAX_FRAME_LENGTH, 64, outcome.session);
        int offset = 0;
        while (offset < stream.length)
        {
            final int length = pieceLength(random, stream.length - offset);
            assembler.onBytes(stream, offset, length);
            offset += length;
        }
        return outcome;
    }

    private static DeployedServices services()
    {
        // no service that calls back: the fuzzer never answers, so a callback would wait out its deadline
        return SessionPair.services(r ->
        {
            r.deploy("echo", TestApi.Echo.class, c -> new TestApi.EchoService());
            r.deploy("counter", TestApi.Counter.class, c -> new TestApi.CounterService());
            r.deploy("types", TestApi.Types.class, c -> new TestApi.TypesService());
        });
    }

    private static int pieceLength(final SplittableRandom random, final int remaining)
    {
        return switch (random.nextInt(4))
        {
            case 0 -> remaining;
            case 1 -> 1 + random.nextInt(Math.min(remaining, 8));
            default -> 1 + random.nextInt(remaining);
        };
    }

    // ------------------------------------------------------------------------------------------------ the mutator

    /**
     * A few corpus frames, one to four mutations of the whole, then a PING that is never mutated.
     */
    private byte[] mutatedStream(final SplittableRandom random)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final List<Integer> frameStarts = new ArrayList<>();
        final int count = 1 + random.nextInt(6);
        for (int i = 0; i < count; i++)
        {
            frameStarts.add(out.size());
            out.writeBytes(corpus.get(random.nextInt(corpus.size())));
        }
        byte[] stream = out.toByteArray();
        final int mutations = 1 + random.nextInt(4);
        for (int m = 0; m < mutations && stream.length > 0; m++)
        {
            stream = mutate(stream, frameStarts, random);
        }
        final byte[] ping = RawPeer.header(RpcFrame.PING, FINAL_PING_ID, 0, 0);
        final byte[] whole = java.util.Arrays.copyOf(stream, stream.length + ping.length);
        System.arraycopy(ping, 0, whole, stream.length, ping.length);
        return whole;
    }

    private static byte[] mutate(final byte[] stream, final List<Integer> frameStarts, final SplittableRandom random)
    {
        final byte[] copy = stream.clone();
        final int at = random.nextInt(copy.length);
        switch (random.nextInt(8))
        {
            case 0 -> copy[at] ^= (byte)(1 << random.nextInt(8));
            case 1 -> copy[at] = (byte)INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
            case 2 ->
            {
                // a header field of a frame (length, type, or a CALL's deadline / method length / first argument byte)
                final int start = frameStarts.get(random.nextInt(frameStarts.size()));
                final int[] fields = {RpcFrame.LENGTH_OFFSET, RpcFrame.TYPE_OFFSET, RpcFrame.CALL_ID_OFFSET + 4,
                    RpcFrame.OBJECT_ID_OFFSET + 4, RpcFrame.CALL_DEADLINE_OFFSET, RpcFrame.CALL_METHOD_LENGTH_OFFSET};
                final int field = start + fields[random.nextInt(fields.length)];
                if (field + 4 <= copy.length)
                {
                    BigEndian.putU32(copy, field, INTERESTING_U32[random.nextInt(INTERESTING_U32.length)] & 0xFFFF_FFFFL);
                }
                else
                {
                    copy[at] = (byte)random.nextInt(256);
                }
            }
            case 3 ->
            {
                final int start = frameStarts.get(random.nextInt(frameStarts.size()));
                if (start + RpcFrame.TYPE_OFFSET < copy.length)
                {
                    copy[start + RpcFrame.TYPE_OFFSET] = (byte)random.nextInt(11);
                }
            }
            case 4 ->
            {
                return java.util.Arrays.copyOf(copy, at);
            }
            case 5 ->
            {
                final byte[] inserted = new byte[1 + random.nextInt(32)];
                for (int i = 0; i < inserted.length; i++)
                {
                    inserted[i] = (byte)INTERESTING_BYTES[random.nextInt(INTERESTING_BYTES.length)];
                }
                return splice(copy, at, 0, inserted);
            }
            case 6 -> 
            {
                return splice(copy, at, Math.min(copy.length - at, 1 + random.nextInt(16)), new byte[0]);
            }
            default ->
            {
                final int length = Math.min(copy.length - at, 1 + random.nextInt(32));
                return splice(copy, at, 0, java.util.Arrays.copyOfRange(copy, at, at + length));
            }
        }
        return copy;
    }

    private static byte[] splice(final byte[] source, final int at, final int removed, final byte[] inserted)
    {
        final byte[] result = new byte[source.length - removed + inserted.length];
        System.arraycopy(source, 0, result, 0, at);
        System.arraycopy(inserted, 0, result, at, inserted.length);
        System.arraycopy(source, at + removed, result, at + inserted.length, source.length - at - removed);
        return result;
    }

    /**
     * Valid frames of every type: lookups (objects 1, 2, 3 in the order the session numbers them), calls with
     * arguments of several CBOR kinds, and the bare frames. RESULT, ERROR, PONG and GOODBYE are valid on the wire
     * but not here (nothing was asked): a stream holding one ends the session, which is a path worth walking too.
     */
    private static List<byte[]> corpus()
    {
        final List<byte[]> frames = new ArrayList<>();
        frames.add(RawPeer.call(1, 0, 0, "lookup", new Object[] {"echo"}));
        frames.add(RawPeer.call(2, 0, 0, "lookup", new Object[] {"counter"}));
        frames.add(RawPeer.call(3, 0, 1000, "lookup", new Object[] {"types"}));
        frames.add(RawPeer.callFrame(4, 1, 0, "echo", RawPeer.cbor(gen ->
        {
            gen.writeStartArray(null, 1);
            gen.writeBinary(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
            gen.writeEndArray();
        })));
        frames.add(RawPeer.call(5, 1, 0, "text", new Object[] {"héllo"}));
        frames.add(RawPeer.call(6, 2, 0, "increment", new Object[0]));
        frames.add(RawPeer.call(7, 3, 0, "sum", new Object[] {1, 2L, 3.5, true, 5}));
        frames.add(RawPeer.callFrame(8, 3, 0, "nested", RawPeer.cbor(gen ->
        {
            gen.writeStartArray(null, 1);
            gen.writeStartArray(null, 1);
            gen.writeStartObject();
            gen.writeFieldName("k");
            gen.writeStartArray(null, 2);
            gen.writeString("RED");
            gen.writeString("GREEN");
            gen.writeEndArray();
            gen.writeEndObject();
            gen.writeEndArray();
            gen.writeEndArray();
        })));
        frames.add(RawPeer.call(9, 3, 0, "anything", new Object[] {"any"}));
        frames.add(RawPeer.header(RpcFrame.PING, 10, 0, 0));
        frames.add(RawPeer.header(RpcFrame.CANCEL, 4, 0, 0));
        frames.add(RawPeer.header(RpcFrame.RELEASE, 0, 2, 0));
        frames.add(RawPeer.frame(RpcFrame.RESULT, 11, 0, new byte[] {(byte)0xF6}));
        frames.add(RawPeer.frame(RpcFrame.ERROR, 12, 0, new byte[] {0, 1, (byte)0xA0}));
        frames.add(RawPeer.header(RpcFrame.PONG, 13, 0, 0));
        final byte[] text = "bye".getBytes(StandardCharsets.UTF_8);
        final byte[] goodbye = RawPeer.header(RpcFrame.GOODBYE, 0, 0, 4 + text.length);
        BigEndian.putU16(goodbye, RpcFrame.GOODBYE_MESSAGE_LENGTH_OFFSET, text.length);
        System.arraycopy(text, 0, goodbye, RpcFrame.GOODBYE_MESSAGE_OFFSET, text.length);
        frames.add(goodbye);
        return frames;
    }
}
