package io.switchboard.rpc.thread;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Threads for code that blocks (an application's handler, a drain, a session's end): virtual threads where the
 * JVM has them (Java 21 and newer, found once by method-handle lookup, since this module compiles for Java 17),
 * platform threads otherwise.
 * <pre>
 *   what                       Java 21+                          Java 17 to 20
 *   ----------------------     -----------------------------     --------------------------------------------------
 *   {@link #executor}          a virtual thread per task         a pool of at most {@code platformThreads} daemon
 *                                                                threads, idle ones ending after 60 s; tasks beyond
 *                                                                that wait in an unbounded queue, in order
 *   {@link #start}             a virtual thread                  a daemon platform thread
 *   {@link #isVirtual}         Thread.isVirtual()                false
 * </pre>
 * The blocking semantics are the same: {@code execute} never blocks and never refuses, and a task may block as
 * long as it likes. What differs is how many tasks run at once on Java 17: a task that waits for another task of
 * the same executor may wait until a thread frees up, so the pool is sized for the blocking work it serves
 * (the worker's {@code --handler-threads}).
 */
public final class HandlerThreads
{
    /** Platform threads of a pool when nobody says: enough for handlers that block on I/O for a while. */
    public static final int DEFAULT_PLATFORM_THREADS = 200;

    private static final MethodHandle VIRTUAL_FACTORY = findVirtualFactory();
    private static final MethodHandle SAME_NAME_VIRTUAL_FACTORY = findSameNameVirtualFactory();
    private static final MethodHandle PER_TASK_EXECUTOR = findPerTaskExecutor();
    private static final MethodHandle IS_VIRTUAL = findIsVirtual();

    private HandlerThreads()
    {
    }

    /**
     * @return whether this JVM runs virtual threads (and {@link #executor} makes them).
     */
    public static boolean hasVirtualThreads()
    {
        return null != VIRTUAL_FACTORY;
    }

    /**
     * @param namePrefix      the threads' names, numbered from 0.
     * @param platformThreads at most this many platform threads run tasks at once where virtual threads are missing.
     * @return an executor whose tasks may block.
     */
    public static ExecutorService executor(final String namePrefix, final int platformThreads)
    {
        if (platformThreads < 1)
        {
            throw new IllegalArgumentException("platformThreads=" + platformThreads + " for " + namePrefix + ": at least 1");
        }

        if (null != VIRTUAL_FACTORY)
        {
            try
            {
                return (ExecutorService)PER_TASK_EXECUTOR.invoke(factory(namePrefix));
            }
            catch (final Throwable t)
            {
                throw new IllegalStateException("Executors.newThreadPerTaskExecutor", t);
            }
        }

        final ThreadPoolExecutor pool = new ThreadPoolExecutor(
            platformThreads, platformThreads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), factory(namePrefix));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * @return a factory of virtual threads, or of daemon platform threads, named {@code namePrefix + n}.
     */
    public static ThreadFactory factory(final String namePrefix)
    {
        if (null != VIRTUAL_FACTORY)
        {
            try
            {
                return (ThreadFactory)VIRTUAL_FACTORY.invoke(namePrefix);
            }
            catch (final Throwable t)
            {
                throw new IllegalStateException("Thread.ofVirtual", t);
            }
        }

        final AtomicLong count = new AtomicLong();
        return task ->
        {
            final Thread thread = new Thread(task, namePrefix + count.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * @param name every thread's name.
     * @return a factory of virtual threads all named {@code name}, or null before Java 21. A numbered name is a
     * new String (and its builder) for every thread, which a thread per request pays on every request.
     */
    public static ThreadFactory sameNameVirtualFactory(final String name)
    {
        if (null == SAME_NAME_VIRTUAL_FACTORY)
        {
            return null;
        }
        try
        {
            return (ThreadFactory)SAME_NAME_VIRTUAL_FACTORY.invoke(name);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("Thread.ofVirtual", t);
        }
    }

    /**
     * Starts one thread for {@code task}: virtual, or a daemon platform thread.
     */
    public static Thread start(final String name, final Runnable task)
    {
        final Thread thread = factory(name).newThread(task);
        thread.setName(name);
        thread.start();
        return thread;
    }

    /**
     * @return whether {@code thread} is virtual; always false before Java 21.
     */
    public static boolean isVirtual(final Thread thread)
    {
        if (null == IS_VIRTUAL)
        {
            return false;
        }
        try
        {
            return (boolean)IS_VIRTUAL.invokeExact(thread);
        }
        catch (final Throwable t)
        {
            throw new IllegalStateException("Thread.isVirtual", t);
        }
    }

    /**
     * {@code prefix -> Thread.ofVirtual().name(prefix, 0).factory()}, or null before Java 21.
     */
    private static MethodHandle findVirtualFactory()
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            final Class<?> builder = Class.forName("java.lang.Thread$Builder");
            final Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            final MethodHandle start = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual));
            final MethodHandle name = lookup.findVirtual(
                builder, "name", MethodType.methodType(builder, String.class, long.class));
            final MethodHandle factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
            // (String) -> ThreadFactory: factory(name(ofVirtual(), prefix, 0))
            final MethodHandle named = MethodHandles.insertArguments(
                MethodHandles.collectArguments(name, 0, start.asType(MethodType.methodType(builder))), 1, 0L);
            return MethodHandles.filterReturnValue(named, factory);
        }
        catch (final ReflectiveOperationException ex)
        {
            return null;
        }
    }

    /**
     * {@code name -> Thread.ofVirtual().name(name).factory()}, or null before Java 21.
     */
    private static MethodHandle findSameNameVirtualFactory()
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            final Class<?> builder = Class.forName("java.lang.Thread$Builder");
            final Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
            final MethodHandle start = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual));
            final MethodHandle name = lookup.findVirtual(builder, "name", MethodType.methodType(builder, String.class));
            final MethodHandle factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
            // (String) -> ThreadFactory: factory(name(ofVirtual(), name))
            final MethodHandle named =
                MethodHandles.collectArguments(name, 0, start.asType(MethodType.methodType(builder)));
            return MethodHandles.filterReturnValue(named, factory);
        }
        catch (final ReflectiveOperationException ex)
        {
            return null;
        }
    }

    private static MethodHandle findPerTaskExecutor()
    {
        try
        {
            return MethodHandles.publicLookup().findStatic(Executors.class, "newThreadPerTaskExecutor",
                MethodType.methodType(ExecutorService.class, ThreadFactory.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            return null;
        }
    }

    private static MethodHandle findIsVirtual()
    {
        try
        {
            return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            return null;
        }
    }
}
