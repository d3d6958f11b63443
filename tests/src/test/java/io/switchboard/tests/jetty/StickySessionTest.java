package io.switchboard.tests.jetty;

import io.switchboard.tests.http.Instance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sticky sessions across real workers: the example shop's session counter, whose sessions live in one worker's
 * JVM, over two workers. The CM reads the node from the {@code JSESSIONID} cookie ({@code .w0}, {@code .w1}) and
 * sends each session's requests back to it; with {@code --session-store} a session outlives its worker.
 */
@Timeout(240)
class StickySessionTest
{
    private static final Pattern COUNTER = Pattern.compile("count=(\\d+) session=(\\S+) pid=(\\d+)\n");
    private static final Pattern COOKIE = Pattern.compile("JSESSIONID=([^;]+)");

    /** One browser's session: its cookie, the worker that answers it, how many visits it counted. */
    private static final class Session
    {
        String cookie;
        long pid;
        int count;
    }

    @Test
    void shouldAnswerEachSessionFromItsWorker() throws Exception
    {
        try (Instance instance = new Instance("--workers", "2", "--webapp", "/shop=" + ExampleWebAppTest.SHOP_WAR))
        {
            final Http http = new Http(instance.port());
            final List<Session> sessions = new ArrayList<>();
            final Map<String, Long> pidOfNode = new HashMap<>();
            for (int i = 0; i < 50; i++)
            {
                final Session session = new Session();
                visit(http, session);
                sessions.add(session);
                final String node = session.cookie.substring(session.cookie.lastIndexOf('.') + 1);
                final Long previous = pidOfNode.putIfAbsent(node, session.pid);
                assertTrue(previous == null || previous == session.pid, "node " + node + " answered from two JVMs");
            }
            assertEquals(Set.of("w0", "w1"), pidOfNode.keySet(), "the new sessions spread over both workers");

            // 1,000 requests, the sessions interleaved: each always back at its own worker, its count unbroken
            for (int round = 1; round < 20; round++)
            {
                for (final Session session : sessions)
                {
                    final long pid = session.pid;
                    visit(http, session);
                    assertEquals(pid, session.pid, "session " + session.cookie + " moved");
                    assertEquals(round + 1, session.count);
                }
            }
        }
    }

    @Test
    void shouldCountEveryVisitOfSessionsVisitingAtOnce() throws Exception
    {
        // each worker's channel slots carry request after request of different sessions at once: every answer
        // must be its own request's, whole (the worker reuses a slot's exchange objects, Jetty's channels too)
        try (Instance instance = new Instance("--workers", "2", "--webapp", "/shop=" + ExampleWebAppTest.SHOP_WAR))
        {
            final int browsers = 8;
            final int visits = 200;
            final ExecutorService threads = Executors.newFixedThreadPool(browsers);
            try
            {
                final List<Future<Session>> done = new ArrayList<>();
                for (int b = 0; b < browsers; b++)
                {
                    done.add(threads.submit(() ->
                    {
                        final Http http = new Http(instance.port());
                        final Session session = new Session();
                        for (int visit = 1; visit <= visits; visit++)
                        {
                            final long pid = session.pid;
                            visit(http, session);
                            assertEquals(visit, session.count, "session " + session.cookie);
                            assertTrue(visit == 1 || pid == session.pid, "session " + session.cookie + " moved");
                        }
                        return session;
                    }));
                }
                for (final Future<Session> session : done)
                {
                    assertEquals(visits, session.get().count);
                }
            }
            finally
            {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void shouldKeepSessionsThroughARollingRestart(@TempDir final Path store) throws Exception
    {
        try (Instance instance = new Instance("--workers", "2", "--webapp", "/shop=" + ExampleWebAppTest.SHOP_WAR,
            "--session-store", store.toString()))
        {
            final Http http = new Http(instance.port());
            final List<Session> sessions = newSessions(http, 10);
            final Set<Long> before = instance.readyWorkerPids();

            assertTrue(instance.cm().supervisor().restartAll());
            while (true)
            {
                final Set<Long> now = instance.readyWorkerPids();
                if (now.size() == 2 && now.stream().noneMatch(before::contains))
                {
                    break;
                }
                Thread.sleep(20);
            }

            for (final Session session : sessions)
            {
                visit(http, session);
                assertEquals(4, session.count, "session " + session.cookie + " lost its visits");
                assertFalse(before.contains(session.pid));
            }
        }
    }

    @Test
    void shouldKeepSessionsWhenTheirWorkerIsKilled(@TempDir final Path store) throws Exception
    {
        try (Instance instance = new Instance("--workers", "2", "--webapp", "/shop=" + ExampleWebAppTest.SHOP_WAR,
            "--session-store", store.toString()))
        {
            final Http http = new Http(instance.port());
            final List<Session> sessions = newSessions(http, 10);
            final long victim = sessions.get(0).pid;

            assertTrue(ProcessHandle.of(victim).orElseThrow().destroyForcibly());
            while (instance.readyWorkerPids().contains(victim))
            {
                Thread.sleep(20);
            }

            final Set<Long> answeredBy = new HashSet<>();
            for (final Session session : sessions)
            {
                visit(http, session);
                assertEquals(4, session.count, "session " + session.cookie + " lost its visits");
                answeredBy.add(session.pid);
            }
            assertFalse(answeredBy.contains(victim));
        }
    }

    private static List<Session> newSessions(final Http http, final int count) throws Exception
    {
        final List<Session> sessions = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final Session session = new Session();
            for (int visit = 0; visit < 3; visit++)
            {
                visit(http, session);
            }
            assertEquals(3, session.count);
            sessions.add(session);
        }
        return sessions;
    }

    private static void visit(final Http http, final Session session) throws Exception
    {
        final var request = http.request("/shop/counter");
        if (session.cookie != null)
        {
            request.header("Cookie", "JSESSIONID=" + session.cookie);
        }
        final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        final Matcher body = COUNTER.matcher(response.body());
        assertTrue(body.matches(), response.body());
        session.count = Integer.parseInt(body.group(1));
        session.pid = Long.parseLong(body.group(3));
        // a new session, or its id reissued with the node of the worker that took it over
        response.headers().firstValue("Set-Cookie").ifPresent(cookie ->
        {
            final Matcher id = COOKIE.matcher(cookie);
            assertTrue(id.find(), cookie);
            session.cookie = id.group(1);
        });
        assertNotNull(session.cookie, "no session cookie");
    }
}
