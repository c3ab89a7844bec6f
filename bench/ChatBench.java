// The chat benchmark's two halves, dependency-free JDK 25 sources in this folder: a fake
// OpenAI-compatible provider (FakeProvider), and the load generator that drives a running Yuno and
// reads its metrics (LoadGenerator, with Cpu and Histogram); Json is just enough JSON for both.
// scripts/bench-chat.sh compiles them all (javac bench/*.java) and runs this entry point; see
// "Benchmarks" in the README.
//
//   java -cp <classes> ChatBench fake --port-file FILE
//   java -cp <classes> ChatBench run --base URL --fake URL --key OPERATOR_KEY --pid SERVICE_PID
//        --fake-pid PID --label NAME --out DIR [--concurrency 16,64] [--levels 100,200,500]
//        [--origin false] [--origin-probe 3] [--warmup-seconds 15] [--run-seconds 15] (see the script)
//
// Everything is bounded: each throughput run by a request count and a duration, each streaming
// level by a hard deadline, and the ramp stops at the first level with errors.

import module java.base;

public class ChatBench {

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            throw new IllegalArgumentException("usage: ChatBench fake|run --option value ...");
        }
        var options = new LinkedHashMap<String, String>();
        for (int i = 1; i + 1 < args.length; i += 2) {
            options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        switch (args[0]) {
            case "fake" -> new FakeProvider().serve(Path.of(options.get("port-file")));
            case "run" -> new LoadGenerator(options).run();
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }
}
