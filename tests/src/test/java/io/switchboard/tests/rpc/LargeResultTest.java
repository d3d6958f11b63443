package io.switchboard.tests.rpc;

import io.switchboard.tests.http.Instance;
import io.switchboard.tests.rpc.RawFrames.Welcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.TimeUnit;

import static io.switchboard.tests.rpc.RawFrames.blobCall;
import static io.switchboard.tests.rpc.RawFrames.connect;
import static io.switchboard.tests.rpc.RawFrames.frame;
import static io.switchboard.tests.rpc.RawFrames.hello;
import static io.switchboard.tests.rpc.RawFrames.lookup;
import static io.switchboard.tests.rpc.RawFrames.readWelcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * RESULT frames of the largest size a session allows (16 MiB, the CM's default), many times larger than a
 * ring, relayed to clients that take them late or at once: every byte arrives, in order, and the session goes on.
 * Once, a client that read its socket a second late lost the session part-way through such a frame: the CM
 * overran its output buffer (issue 11.6).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LargeResultTest
{
    /** The whole RESULT frame: the protocol's default maximum, length field included. */
    private static final int FRAME_LENGTH = 16 << 20;
    /** The byte string in it: the frame less its 24-byte header and the CBOR head (0x5A, u32 length). */
    private static final int BLOB_LENGTH = FRAME_LENGTH - 24 - 5;
    /** Sessions served at once, each with one large RESULT per round. */
    private static final int SESSIONS = 4;
    /** Rounds of late reading: 4 x 25 = 100 frames, each read a second after it was asked for. */
    private static final int LATE_ROUNDS = 25;
    private static final long READ_LATE_MS = 1_000;
    private static final int PROMPT_FRAMES = 20;

    private static Instance instance;
    private final byte[] scratch = new byte[BLOB_LENGTH];

    @BeforeAll
    static void start()
    {
        instance = new Instance();
    }

    @AfterAll
    static void stop()
    {
        instance.close();
    }

    @Test
    void clientsReadingASecondLateGetEveryLargeResultWhole() throws Exception
    {
        final Socket[] sockets = new Socket[SESSIONS];
        final OutputStream[] outs = new OutputStream[SESSIONS];
        final DataInputStream[] ins = new DataInputStream[SESSIONS];
        final long[] blobs = new long[SESSIONS];
        try
        {
            for (int s = 0; s < SESSIONS; s++)
            {
                sockets[s] = connect(instance.rpcPort());
                outs[s] = sockets[s].getOutputStream();
                ins[s] = new DataInputStream(sockets[s].getInputStream());
                blobs[s] = open(outs[s], ins[s]);
            }
            for (int round = 1; round <= LATE_ROUNDS; round++)
            {
                for (int s = 0; s < SESSIONS; s++)
                {
                    outs[s].write(blobCall(10 + round, blobs[s], BLOB_LENGTH, seed(round, s)));
                }
                // the scenario, not a race stage: the worker writes the whole frame while nobody reads
                Thread.sleep(READ_LATE_MS);
                for (int s = 0; s < SESSIONS; s++)
                {
                    readBlob(ins[s], 10 + round, seed(round, s), "round " + round + " of session " + s);
                }
            }
            for (int s = 0; s < SESSIONS; s++)
            {
                sayGoodbye(outs[s], ins[s]);
            }
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                if (socket != null)
                {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aClientReadingAtOnceGetsEveryLargeResultWhole() throws Exception
    {
        try (Socket socket = connect(instance.rpcPort()))
        {
            final OutputStream out = socket.getOutputStream();
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final long blob = open(out, in);
            for (int i = 1; i <= PROMPT_FRAMES; i++)
            {
                out.write(blobCall(10 + i, blob, BLOB_LENGTH, seed(i, 99)));
                readBlob(in, 10 + i, seed(i, 99), "frame " + i);
            }
            sayGoodbye(out, in);
        }
    }

    /**
     * @return the id of the session's {@code blob} object.
     */
    private static long open(final OutputStream out, final DataInputStream in) throws IOException
    {
        out.write(hello("test"));
        final Welcome welcome = readWelcome(in);
        assertEquals(0, welcome.status(), welcome.message());
        assertEquals(FRAME_LENGTH, welcome.maxFrameLength(), "the CM's default max frame length");
        return lookup(out, in, 1, "blob");
    }

    private static int seed(final int round, final int session)
    {
        return round * 1_000 + session;
    }

    /**
     * Reads one RESULT of {@code blob.bytes(BLOB_LENGTH, seed)} and checks every byte.
     */
    private void readBlob(final DataInputStream in, final long callId, final int seed, final String which)
        throws IOException
    {
        assertEquals(FRAME_LENGTH - 4, in.readInt(), "length field of " + which);
        assertEquals(2, in.readUnsignedByte(), "RESULT for " + which);
        in.skipNBytes(3);
        assertEquals(callId, in.readLong(), "call id of " + which);
        assertEquals(0, in.readLong(), "object id of " + which);
        assertEquals(0x5A, in.readUnsignedByte(), "a byte string with a 4-byte length in " + which);
        assertEquals(BLOB_LENGTH, in.readInt(), "the byte string's length in " + which);
        int read = 0;
        while (read < BLOB_LENGTH)
        {
            final int n = in.read(scratch, read, BLOB_LENGTH - read);
            if (n < 0)
            {
                fail("the connection ended after " + read + " of the " + BLOB_LENGTH + " bytes of " + which);
            }
            read += n;
        }
        for (int i = 0; i < BLOB_LENGTH; i++)
        {
            if (scratch[i] != TestServices.patternByte(i, seed))
            {
                fail("byte " + i + " of " + which + " is " + scratch[i] + ", not " + TestServices.patternByte(i, seed));
            }
        }
    }

    /**
     * The session is still whole: the client's GOODBYE goes through and the CM closes.
     */
    private static void sayGoodbye(final OutputStream out, final DataInputStream in) throws IOException
    {
        out.write(frame(8, 0, 0, new byte[] {0, 0, 0, 0}));
        assertEquals(-1, in.read(), "the CM closes after the client's GOODBYE");
    }
}
