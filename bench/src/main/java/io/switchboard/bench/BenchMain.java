package io.switchboard.bench;

import io.switchboard.bench.faults.FaultsSuite;
import io.switchboard.bench.fuzz.HttpFuzz;
import io.switchboard.bench.idle.IdleSuite;
import io.switchboard.bench.ipc.IpcSuite;
import io.switchboard.bench.rpc.RpcSuite;
import io.switchboard.bench.soak.SoakSuite;

import java.util.Arrays;

/**
 * Entry point of the benchmark jar, run by {@code ./switchboard bench SUITE}:
 * picks the suite by name and hands it the remaining arguments.
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -jar bench/target/switchboard-bench.jar ipc [--quick] [...]
 * </pre>
 * The jar's own {@code org.openjdk.jmh.Main} is still there for one benchmark at a time:
 * {@code java -cp switchboard-bench.jar org.openjdk.jmh.Main ShmRoundTrip -p idle=SPIN}.
 */
public final class BenchMain
{
    private BenchMain()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length == 0 || "-h".equals(args[0]) || "--help".equals(args[0]))
        {
            System.out.println("usage: switchboard bench SUITE [options]\n\nsuites:\n  ipc   " + IpcSuite.DESCRIPTION +
                "\n  rpc   " + RpcSuite.DESCRIPTION + "\n  soak  " + SoakSuite.DESCRIPTION +
                "\n  faults " + FaultsSuite.DESCRIPTION +
                "\n  idle  " + IdleSuite.DESCRIPTION +
                "\n  fuzz  " + HttpFuzz.DESCRIPTION);
            System.out.println();
            System.out.println(IpcSuite.USAGE);
            System.out.println();
            System.out.println(RpcSuite.USAGE);
            System.out.println();
            System.out.println(SoakSuite.USAGE);
            System.out.println();
            System.out.println(FaultsSuite.USAGE);
            System.out.println(IdleSuite.USAGE);
            System.out.println();
            System.out.println(HttpFuzz.USAGE);
            return;
        }

        final String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0])
        {
            case "ipc" -> System.exit(IpcSuite.run(rest));
            case "rpc" -> System.exit(RpcSuite.run(rest));
            case "soak" -> System.exit(SoakSuite.run(rest));
            case "faults" -> System.exit(FaultsSuite.run(rest));
            case "idle" -> System.exit(IdleSuite.run(rest));
            case "fuzz" -> System.exit(HttpFuzz.run(rest));
            default ->
            {
                System.err.println("unknown benchmark suite: " + args[0] + " (known: ipc, rpc, soak, faults, fuzz)");
                System.exit(2);
            }
        }
    }
}
