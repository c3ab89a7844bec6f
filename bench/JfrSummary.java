// Where a service's CPU went, from a JFR recording: the share of execution samples (Java threads,
// jdk.ExecutionSample) whose stack holds a frame, inclusive, for the frames worth naming, and the
// hottest methods by self time. Used by scripts/bench-chat.sh (BENCH_PROFILE=1) for the /ask run.
//
//   java bench/JfrSummary.java RECORDING.jfr [FROM_EPOCH_MS TO_EPOCH_MS] > summary.txt

import module java.base;
import module jdk.jfr;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

final class JfrSummary {

    /** Frames (class prefix or class.method) whose inclusive share is always shown, in this order. */
    static final List<String> NAMED = List.of(
            "com.helloyuno.chat.AskController.ask",
            "com.helloyuno.widget.WidgetAuthentication",
            "com.helloyuno.chat.ChatPipeline.answer",
            "com.helloyuno.chat.QueryRewriter",
            "com.helloyuno.knowledge.Retriever.search",
            "com.helloyuno.llm.OpenAiEmbeddings",
            "com.helloyuno.llm.OpenAiChatModel.stream",
            "com.helloyuno.llm.OpenAiChatModel.structured",
            "com.helloyuno.llm.JdkHttpTransport",
            "com.helloyuno.llm.ProviderWire",
            "com.helloyuno.chat.AfterAnswer.process",
            "com.helloyuno.chat.TurnClassifier",
            "com.helloyuno.spool.Spool.submit",
            "com.helloyuno.chat.ChatHistory.insert",
            "com.helloyuno.lead",
            "com.helloyuno.ratelimit",
            "com.helloyuno.analytics",
            "com.openai",
            "com.fasterxml.jackson",
            "tools.jackson",
            "kotlin",
            "okhttp3",
            "okio",
            "jdk.internal.net.http",
            "io.jsonwebtoken",
            "org.postgresql",
            "com.zaxxer.hikari",
            "io.lettuce",
            "io.netty",
            "org.springframework.security",
            "org.springframework.web",
            "org.apache.catalina",
            "org.apache.coyote",
            "org.apache.tomcat",
            "io.micrometer",
            "ch.qos.logback",
            "java.util.regex");

    public static void main(String[] args) throws IOException {
        var file = Path.of(args[0]);
        long from = args.length > 2 ? Long.parseLong(args[1]) : Long.MIN_VALUE;
        long to = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;
        var inclusive = new HashMap<String, Integer>();
        var self = new HashMap<String, Integer>();
        int samples = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            long at = e.getStartTime().toEpochMilli();
            if (at < from || at > to || e.getStackTrace() == null) {
                continue;
            }
            samples++;
            var frames = e.getStackTrace().getFrames();
            if (!frames.isEmpty()) {
                self.merge(name(frames.getFirst()), 1, Integer::sum);
            }
            var seen = new HashSet<String>();
            for (RecordedFrame f : frames) {
                var method = name(f);
                for (var named : NAMED) {
                    if (method.startsWith(named)) {
                        seen.add(named);
                    }
                }
            }
            for (var named : seen) {
                inclusive.merge(named, 1, Integer::sum);
            }
        }
        System.out.printf(Locale.ROOT, "samples %d%n%n# inclusive share (stack holds the frame)%n", samples);
        for (var named : NAMED) {
            System.out.printf(
                    Locale.ROOT, "%6.1f%%  %s%n", 100.0 * inclusive.getOrDefault(named, 0) / Math.max(1, samples), named);
        }
        System.out.printf(Locale.ROOT, "%n# hottest methods by self time%n");
        var total = samples;
        self.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(30)
                .forEach(en -> System.out.printf(
                        Locale.ROOT, "%6.1f%%  %s%n", 100.0 * en.getValue() / Math.max(1, total), en.getKey()));
    }

    static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }
}
