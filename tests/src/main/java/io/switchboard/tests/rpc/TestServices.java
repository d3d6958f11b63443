package io.switchboard.tests.rpc;

import io.switchboard.rpc.Remote;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The remote interfaces of {@link TestRpcApplication}, deployed on the tests' workers as application {@code test}.
 */
final class TestServices
{
    private TestServices()
    {
    }

    /**
     * What a test needs to know of the worker it talks to.
     */
    @Remote
    interface Probe
    {
        long pid();

        /**
         * @return {@link Tracked} objects made and not yet closed, in this worker JVM.
         */
        int trackedOpen();

        /**
         * @return calls of {@link Slow#sleep} that ended because they were interrupted (cancelled), in this JVM.
         */
        int sleepsInterrupted();

        /**
         * @return calls of {@link Slow#sleep} that have begun to sleep, in this JVM: a test waits for a call to be
         * running on the worker before it cancels it or kills its client.
         */
        int sleepsStarted();
    }

    /**
     * An object whose life is counted: made by a lookup, closed by release or by the end of its session.
     */
    @Remote
    interface Tracked
    {
        int touch();
    }

    /**
     * Blocks; concurrent calls allowed.
     */
    @Remote
    interface Slow
    {
        /**
         * @return true if it slept the whole time, false if interrupted.
         */
        boolean sleep(long ms);

        /**
         * Returns once {@code parties} calls are inside at the same time (or after 10 s, with false).
         */
        boolean meet(int parties);

        /**
         * Returns true once a file exists at {@code path} (or false after 60 s): a gate the test opens. Counted in
         * {@link Probe#sleepsStarted}.
         */
        boolean awaitFile(String path);
    }

    /**
     * The client's view of {@link Slow} with calls that return at once.
     */
    @Remote
    interface SlowAsync
    {
        CompletableFuture<Boolean> sleep(long ms);

        CompletableFuture<Boolean> meet(int parties);

        CompletableFuture<Boolean> awaitFile(String path);
    }

    /**
     * Exported by the client; called back by {@link Relay}.
     */
    @Remote
    interface Listener
    {
        int onEvent(int sequence);
    }

    /**
     * A worker object that calls the client back.
     */
    @Remote
    interface Relay
    {
        /**
         * Calls {@code listener.onEvent(i)} for i in 1..count, one after another, and sums the answers.
         */
        long relay(Listener listener, int count);
    }

    /**
     * Answers as large as asked: what moves big frames towards a client that sends small ones.
     */
    @Remote
    interface Blob
    {
        /**
         * @return {@code length} bytes, byte {@code i} being {@link #patternByte patternByte(i, seed)}.
         */
        byte[] bytes(int length, int seed);
    }

    /**
     * The content of {@link Blob#bytes}: a hash of the index, so that bytes lost, repeated or moved by any
     * distance show up as a difference.
     */
    static byte patternByte(final int index, final int seed)
    {
        int x = index * 0x9E3779B9 + seed;
        x ^= x >>> 16;
        x *= 0x85EBCA6B;
        x ^= x >>> 13;
        return (byte)x;
    }

    /**
     * Values of every kind the protocol carries.
     */
    @Remote
    interface Values
    {
        Everything roundTrip(Everything value);
    }

    enum Colour
    {
        RED, GREEN
    }

    record Everything(
        int number,
        long big,
        double real,
        boolean flag,
        String text,
        byte[] bytes,
        Colour colour,
        List<String> names,
        java.util.Map<String, Integer> counts,
        java.util.Optional<String> maybe)
    {
    }
}
