package io.switchboard.client;

/**
 * The platform threads the tests start, written for Java 17 ({@code Thread.ofPlatform()} is 21+): the client's
 * tests also run on a Java 17 JVM.
 */
final class TestThreads
{
    private TestThreads()
    {
    }

    /**
     * @return a started platform thread running {@code task}.
     */
    static Thread start(final Runnable task)
    {
        final Thread thread = new Thread(task);
        thread.start();
        return thread;
    }

    /**
     * @return a started daemon platform thread named {@code name}: a server's loop, which must not keep the
     * test JVM alive.
     */
    static Thread daemon(final String name, final Runnable task)
    {
        final Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
