package io.switchboard.tests.http;

import io.switchboard.cm.supervisor.WorkerStatus;
import io.switchboard.tests.TestJdks;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpSmokeTest
{
    private static Instance instance;
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start()
    {
        instance = new Instance();
    }

    @AfterAll
    static void stop()
    {
        if (instance != null)
        {
            instance.close();
        }
    }

    @Test
    void shouldSayHello() throws Exception
    {
        final HttpResponse<String> response = CLIENT.send(
            HttpRequest.newBuilder(URI.create(instance.url("/hello"))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        assertEquals("Hello, world!", response.body());
    }

    @Test
    void shouldRunItsWorkersOnTheJdkOfTheRun()
    {
        // the Java 17 run of these suites must really run its workers on 17: each says so in its slot
        final String feature = Integer.toString(TestJdks.workerFeature());
        int ready = 0;
        for (final WorkerStatus slot : instance.cm().supervisor().status())
        {
            if ("READY".equals(slot.state()))
            {
                assertEquals(feature, slot.jdk().split("[.+-]")[0], "slot " + slot.slot() + " runs " + slot.jdk());
                ready++;
            }
        }
        assertEquals(2, ready, "READY workers");
    }
}
