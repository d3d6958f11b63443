package io.switchboard.cm.config;

import io.switchboard.cm.supervisor.WorkerJava;
import io.switchboard.cm.supervisor.WorkerLaunch;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line and the --config file together: which wins, where each value came from, and every mistake
 * said in one line naming the option as written and, for the file's, the file and line.
 */
class CmCommandLineTest
{
    @TempDir
    Path dir;
    private Path runtimeJar;

    @BeforeEach
    void runtime() throws Exception
    {
        runtimeJar = Files.createFile(dir.resolve("worker.jar"));
    }

    @Test
    void shouldLetTheCommandLineWinOverTheFileListsIncluded() throws Exception
    {
        final Path file = config("port=9000", "workers=3", "route=/=demo,/api=api", "rpc-port=-1");

        final CmCommandLine.Loaded loaded = load("--config", file.toString(), "--workers", "4", "--route", "/x=demo");

        assertEquals(9000, loaded.config().port());
        assertEquals(4, loaded.config().workers());
        assertEquals(List.of("/x"), loaded.config().routes().stream().map(r -> r.prefix()).toList(),
            "a list on the command line replaces the file's");
        assertEquals(-1, loaded.config().rpcPort());
        assertEquals(file + ":1", loaded.sources().get("--port"));
        assertEquals("command line", loaded.sources().get("--workers"));
        assertEquals("command line", loaded.sources().get("--route"));
        assertEquals("default", loaded.sources().get("--channels"));
    }

    @Test
    void shouldRefuseAnUnknownKeySuggestingTheNearest() throws Exception
    {
        final Path file = config("port=9000", "# workers", "workrs=3");
        assertEquals(file + ":3: unknown key 'workrs' (did you mean 'workers'?)", error("--config", file.toString()));

        final Path far = config("colour=blue");
        assertEquals(far + ":1: unknown key 'colour' (--help lists the options)", error("--config", far.toString()));

        final Path action = config("print-config=true");
        assertEquals(action + ":1: unknown key 'print-config' (it is for the command line only)",
            error("--config", action.toString()));
    }

    @Test
    void shouldBlameAValueThatDoesNotConvertOnItsLineByTheOptionsName() throws Exception
    {
        final Path file = config("port=9000", "head-timeout-ms=ten");
        assertEquals(file + ":2: Invalid value for option '--head-timeout-ms': 'ten' is not a long",
            error("--config", file.toString()));
    }

    @Test
    void shouldBlameAValueOutOfRangeOnItsLineOrOnTheCommandLine() throws Exception
    {
        final Path file = config("port=70000", "route=/=demo,api=x");
        final String both = error("--config", file.toString(), "--admin-port", "-2");
        assertEquals(List.of(
            file + ":1: --port 70000: not a port (0 to 65535, 0 for any free one)",
            "--admin-port -2: not a port (0 to 65535, 0 for any free one, -1 for none)",
            file + ":2: --route api=x: a route prefix starts with / and does not end with one: api"),
            List.of(both.split("\n")));
    }

    @Test
    void shouldCheckEveryKindOfValue()
    {
        assertEquals("--head-timeout-ms 0: must be at least 1", error("--head-timeout-ms", "0"));
        assertEquals("--ring-capacity 1000: must be a power of two from 1024 to 1073741824",
            error("--ring-capacity", "1000"));
        assertEquals("--heartbeat-timeout-ms 500: must be at least 2000", error("--heartbeat-timeout-ms", "500"));
        assertEquals("--route /a=demo,/a=other: /a is routed to demo already".replace("/a=demo,/a=other", "/a=other"),
            error("--route", "/a=demo,/a=other"));
        assertEquals("--route: 'de mo' is not an application name (letters, digits, . _ -)",
            error("--route", "/=de mo"));
        assertEquals("--rpc-port 9000: --port is 9000 already (sessions are served on --port too; -1 for no port " +
            "of their own)", error("--port", "9000", "--rpc-port", "9000"));
        assertTrue(error("--channels", "65536", "--ring-capacity", "1048576")
            .startsWith("--channels 65536 and --ring-capacity 1048576 make a segment of at least 131120 MiB; " +
                "the CM maps at most 2 GiB: lower --channels or --ring-capacity"), "2 GiB cap");
        assertEquals("--crash-loop-park-ms 5000: must be at least --restart-delay-max-ms (10000)",
            error("--crash-loop-park-ms", "5000"));
    }

    @Test
    void shouldRequireTheWorkerRuntimeAndCheckEveryClassPathEntry() throws Exception
    {
        final ConfigException missing = assertThrows(ConfigException.class,
            () -> CmCommandLine.parse(new String[0], new PrintWriter(new StringWriter())));
        assertEquals("--worker-classpath is missing: the worker runtime's jar (./switchboard run passes it; add your " +
            "applications with --app-classpath)", missing.getMessage());

        Files.createDirectory(dir.resolve("lib"));
        final String ok = dir.resolve("lib") + "/*:" + runtimeJar;
        assertEquals(runtimeJar + ":" + dir.resolve("lib") + "/*:" + runtimeJar,
            load("--app-classpath", ok).config().workerClassPath());
        assertTrue(error("--app-classpath", dir.resolve("nope.jar").toString())
            .startsWith("--app-classpath: no file or directory " + dir.resolve("nope.jar")));
        assertTrue(error("--app-classpath", dir.resolve("none") + "/*").startsWith("--app-classpath: no directory " +
            dir.resolve("none")));
    }

    @Test
    void shouldRunTheWorkersOnTheJavaNamedAndPassThemTheirHandlerThreads() throws Exception
    {
        final Path home = Path.of(System.getProperty("java.home"));

        final CmConfig config = load("--worker-java", home + "," + home.resolve("bin/java"),
            "--worker-handler-threads", "32").config();

        final WorkerLaunch launch = config.workerLaunch(List.of("demo"));
        assertEquals(List.of(new WorkerJava(home.resolve("bin/java"), Runtime.version().feature()),
            new WorkerJava(home.resolve("bin/java"), Runtime.version().feature())), launch.javas());
        final List<String> second = launch.command("seg", 1, 1);
        assertEquals(home.resolve("bin/java").toString(), second.get(0));
        assertEquals("32", second.get(second.indexOf("--handler-threads") + 1));
        assertEquals(List.of(WorkerJava.ofThisJvm()), load().config().workerLaunch(List.of()).javas());
    }

    @Test
    void shouldGiveEachWorkerItsShareOfTheCoresAsCarriersUnlessTold() throws Exception
    {
        final String property = "-Djdk.virtualThreadScheduler.parallelism=";
        final int share = WorkerLaunch.carrierShare(Runtime.getRuntime().availableProcessors(), 1, 2);

        final List<String> byDefault = load().config().workerLaunch(List.of()).command("seg", 0, 0);
        final List<String> told = load("--worker-carriers", "3").config().workerLaunch(List.of()).command("seg", 0, 0);

        if (Runtime.version().feature() >= WorkerLaunch.CARRIERS_SINCE_JAVA)
        {
            assertTrue(byDefault.contains(property + share), byDefault.toString());
            assertTrue(told.contains(property + "3"), told.toString());
        }
        assertEquals("--worker-carriers -1: must be from 0 to 32767", error("--worker-carriers", "-1"));
    }

    @Test
    void shouldRefuseAWorkerJavaThatIsMissingNotAJavaOrOlderThan17() throws Exception
    {
        final Path old = fakeJava("old", "    java.specification.version = 11");
        final Path ancient = fakeJava("ancient", "    java.specification.version = 1.8");
        final Path notJava = fakeJava("echo", "hello");

        assertEquals("--worker-java " + dir.resolve("none") + ": no such java launcher",
            error("--worker-java", dir.resolve("none").toString()));
        assertEquals("--worker-java " + old + " is Java 11; worker JVMs need Java 17 or newer (the worker runtime " +
            "is compiled for 17)", error("--worker-java", old.toString()));
        assertEquals("--worker-java " + ancient + " is Java 8; worker JVMs need Java 17 or newer (the worker " +
            "runtime is compiled for 17)", error("--worker-java", ancient.toString()));
        assertEquals("--worker-java " + notJava + " did not say its java.specification.version; is it a java " +
            "launcher? It printed: hello", error("--worker-java", notJava.toString()));
        assertEquals("--worker-java " + runtimeJar + ": not executable", error("--worker-java", runtimeJar.toString()));
        assertEquals("--worker-handler-threads 0: must be at least 1", error("--worker-handler-threads", "0"));
    }

    /**
     * @return an executable that prints {@code output} whatever it is asked, as a launcher would its settings.
     */
    private Path fakeJava(final String name, final String output) throws Exception
    {
        final Path script = dir.resolve(name);
        Files.writeString(script, "#!/bin/sh\ncat >&2 <<'END'\n" + output + "\nEND\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void shouldTakeAWebApplicationThatIsADirectoryOrAWarAndASessionStoreToBeMade() throws Exception
    {
        final Path exploded = Files.createDirectory(dir.resolve("shop"));
        final Path war = Files.createFile(dir.resolve("blog.WAR"));

        final CmConfig config = load("--webapp", "/shop=" + exploded, "--webapp", "/blog=" + war,
            "--session-store", dir.resolve("sessions/new").toString()).config();

        assertEquals(List.of("/shop=" + exploded, "/blog=" + war), config.webApplications);
    }

    @Test
    void shouldRefuseAWebApplicationThatIsMissingOrNeitherAWarNorADirectory() throws Exception
    {
        final Path notes = Files.createFile(dir.resolve("notes.txt"));

        assertEquals("--webapp /shop=" + dir.resolve("none.war") + ": no WAR or directory " + dir.resolve("none.war"),
            error("--webapp", "/shop=" + dir.resolve("none.war")));
        assertEquals("--webapp /shop=" + notes + ": " + notes + " is neither a WAR (a file named .war) nor a directory",
            error("--webapp", "/shop=" + notes));
    }

    @Test
    void shouldRefuseAWebApplicationsBadOrTakenPrefix() throws Exception
    {
        final Path exploded = Files.createDirectory(dir.resolve("shop"));

        assertTrue(error("--webapp", exploded.toString())
            .startsWith("--webapp " + exploded + ": a web application is PREFIX=PATH, e.g. /shop=shop.war ("),
            "no prefix");
        assertTrue(error("--webapp", "shop=" + exploded)
            .startsWith("--webapp shop=" + exploded + ": a web application is PREFIX=PATH, e.g. /shop=shop.war (a " +
                "route prefix starts with /"), "relative prefix");
        assertEquals("--webapp /shop/=" + exploded + ": a web application is PREFIX=PATH, e.g. /shop=shop.war (a " +
            "route prefix starts with / and does not end with one: /shop/)", error("--webapp", "/shop/=" + exploded));
        assertEquals("--webapp /sh?op=" + exploded + ": the prefix is a path: visible ASCII, no ? # or ,",
            error("--webapp", "/sh?op=" + exploded));
        assertEquals("--webapp /=" + exploded + ": / is routed by --route /=demo already",
            error("--webapp", "/=" + exploded));
        assertEquals("--webapp /shop=" + exploded + ": /shop is routed by --route /shop=demo already",
            error("--route", "/=demo,/shop=demo", "--webapp", "/shop=" + exploded));
        assertEquals("--webapp /shop=" + exploded + ": /shop is routed by --webapp /shop=" + exploded + " already",
            error("--webapp", "/shop=" + exploded, "--webapp", "/shop=" + exploded));
    }

    @Test
    void shouldRefuseASessionStoreThatIsAFileOrCannotBeMade() throws Exception
    {
        final Path file = Files.createFile(dir.resolve("store"));

        assertEquals("--session-store " + file + ": " + file + " is not a directory",
            error("--session-store", file.toString()));
        assertEquals("--session-store " + file.resolve("a/b") + ": " + file.resolve("a/b") +
            " does not exist and cannot be made (" + file + " is not a writable directory)",
            error("--session-store", file.resolve("a/b").toString()));
    }

    @Test
    void shouldRefuseASessionStoreThatIsNotWritable() throws Exception
    {
        final Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        assertTrue(readOnly.toFile().setWritable(false, false));
        try
        {
            // root writes anywhere: there the check cannot be seen to refuse
            Assumptions.assumeFalse(Files.isWritable(readOnly), "running as a user who can write a read-only directory");

            assertEquals("--session-store " + readOnly + ": " + readOnly + " is not writable",
                error("--session-store", readOnly.toString()));
            assertEquals("--session-store " + readOnly.resolve("s") + ": " + readOnly.resolve("s") +
                " does not exist and cannot be made (" + readOnly + " is not a writable directory)",
                error("--session-store", readOnly.resolve("s").toString()));
        }
        finally
        {
            readOnly.toFile().setWritable(true, false);
        }
    }

    @Test
    void shouldSuggestTheNearestOptionForAMistypedFlag()
    {
        assertEquals("Unknown options: '--prot', '5' (did you mean --port?)", error("--prot", "5"));
    }

    @Test
    void shouldPrintTheVersionAndHelpWithoutReadingTheFile()
    {
        final StringWriter out = new StringWriter();
        assertTrue(CmCommandLine.parse(new String[] {"--version", "--config", "/nonexistent"}, new PrintWriter(out))
            .isEmpty());
        assertTrue(out.toString().matches("switchboard \\S+ \\(commit [0-9a-f]{7}(, dirty)?\\)\\n|" +
            "switchboard \\S+ \\(commit unknown\\)\\n"), out.toString());

        final StringWriter help = new StringWriter();
        assertTrue(CmCommandLine.parse(new String[] {"--help"}, new PrintWriter(help)).isEmpty());
        assertTrue(help.toString().replaceAll("\\s+", " ").contains("An option on the command line wins over the file's"),
            help.toString());
    }

    @Test
    void shouldReportEveryOptionItsValueAndOriginAndTheSharedMemory() throws Exception
    {
        final Path file = config("workers=3");
        final String report = ConfigReport.render(load("--config", file.toString(), "--port", "0"));

        assertTrue(report.lines().anyMatch(l -> l.matches("--workers +3 +" + java.util.regex.Pattern.quote(file + ":1"))),
            report);
        assertTrue(report.lines().anyMatch(l -> l.matches("--port +0 +command line")), report);
        assertTrue(report.lines().anyMatch(l -> l.matches("--drain-ms +10000 +default")), report);
        assertTrue(report.contains("shared memory: 257 MiB (--channels 1024 x 2 rings x (--ring-capacity 131072 + 384)"),
            report);
        assertFalse(report.contains("--help"), report);
    }

    private CmCommandLine.Loaded load(final String... args)
    {
        return CmCommandLine.parse(withRuntime(args), new PrintWriter(new StringWriter())).orElseThrow();
    }

    private String error(final String... args)
    {
        return assertThrows(ConfigException.class,
            () -> CmCommandLine.parse(withRuntime(args), new PrintWriter(new StringWriter()))).getMessage();
    }

    private String[] withRuntime(final String... args)
    {
        final List<String> all = new ArrayList<>(List.of("--worker-classpath", runtimeJar.toString()));
        all.addAll(List.of(args));
        return all.toArray(new String[0]);
    }

    private Path config(final String... lines) throws Exception
    {
        return Files.write(Files.createTempFile(dir, "sb", ".properties"), List.of(lines));
    }
}
