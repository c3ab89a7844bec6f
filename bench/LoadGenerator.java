// The chat benchmark's load generator: drives a running Yuno and reads its metrics; see
// ChatBench.java.

import module java.base;
import module java.net.http;

import static java.nio.charset.StandardCharsets.UTF_8;

final class LoadGenerator {
    static final String DOMAIN = "bench.example";
    static final String ORIGIN = "https://" + DOMAIN;
    static final String QUESTION = "What is your refund policy?";
    /**
     * Marks that make every question's text unique, so that no answer is served by Yuno's memory
     * of questions already embedded (QueryVectors): punctuation, which full-text search, the seed's
     * and Yuno's alike, ignores, so the search is the same as for QUESTION.
     */
    private static final String MARKS = "?!.,;";
    static final int STREAM_CHUNKS = 50;
    /** What the fake streams with STREAM_CHUNKS chunks ("Answer word1 ... word49"): a whole answer's text. */
    static final String STREAM_TEXT = IntStream.range(0, STREAM_CHUNKS)
            .mapToObj(i -> i == 0 ? "Answer" : " word" + i)
            .collect(Collectors.joining());
    static final int STREAM_DELAY_MS = 100;

    final String base;
    final String fake;
    final String key;
    final long servicePid;
    final long fakePid;
    final long selfPid = ProcessHandle.current().pid();
    final String label;
    final Path out;
    final List<Integer> concurrency;
    final List<Integer> levels;
    final Duration warmup;
    final Duration warmupMax;
    final double warmupJitShare;
    final Duration runTime;
    final int runRequests;
    final double clockTicks;
    final HttpClient http;
    final String pgPort;
    final String pgUser;
    final String pgPassword;
    final String pgDatabase;
    final boolean origin;
    /** Over how long the streams of one level are opened, evenly. */
    final Duration ramp;
    final int originProbe;
    final List<String> tokens = new ArrayList<>();
    /** The seed's design (../shared/peers/seed_flask), run beside Yuno as the reference; empty when not. */
    final String seedBase;
    final long seedPid;
    final String seedSite;
    final List<String> seedTokens = new ArrayList<>();
    final AtomicLong sessions = new AtomicLong();
    String siteId;

    LoadGenerator(Map<String, String> o) {
        base = o.get("base");
        fake = o.get("fake");
        key = o.get("key");
        servicePid = Long.parseLong(o.get("pid"));
        fakePid = Long.parseLong(o.get("fake-pid"));
        label = o.getOrDefault("label", "run");
        out = Path.of(o.getOrDefault("out", "bench/results"));
        concurrency = ints(o.getOrDefault("concurrency", "16,64"));
        levels = ints(o.getOrDefault("levels", "100,500,1000,2000"));
        warmup = Duration.ofSeconds(Long.parseLong(o.getOrDefault("warmup-seconds", "6")));
        warmupMax = Duration.ofSeconds(Long.parseLong(o.getOrDefault("warmup-max-seconds", "180")));
        warmupJitShare = Double.parseDouble(o.getOrDefault("warmup-jit-share", "0.05"));
        runTime = Duration.ofSeconds(Long.parseLong(o.getOrDefault("run-seconds", "15")));
        runRequests = Integer.parseInt(o.getOrDefault("run-requests", "30000"));
        clockTicks = Double.parseDouble(o.getOrDefault("clk-tck", "100"));
        pgPort = o.getOrDefault("pg-port", "5432");
        pgUser = o.getOrDefault("pg-user", "yuno");
        pgPassword = o.getOrDefault("pg-password", "yuno");
        pgDatabase = o.getOrDefault("pg-database", "yuno_bench");
        origin = Boolean.parseBoolean(o.getOrDefault("origin", "false"));
        ramp = Duration.ofSeconds(Long.parseLong(o.getOrDefault("ramp-seconds", "4")));
        originProbe = Integer.parseInt(o.getOrDefault("origin-probe", "0"));
        seedBase = o.getOrDefault("seed-base", "");
        seedPid = Long.parseLong(o.getOrDefault("seed-pid", "0"));
        seedSite = o.getOrDefault("seed-site", "");
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
    }

    static List<Integer> ints(String csv) {
        if (csv.isBlank() || csv.equals("none")) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(String::trim).map(Integer::parseInt).toList();
    }

    void run() throws Exception {
        Files.createDirectories(out);
        setUp();
        if (!concurrency.isEmpty()) {
            throughput();
        }
        if (!levels.isEmpty()) {
            streams();
        }
        if (originProbe > 0) {
            originProbe();
        }
    }

    /**
     * Browser requests carry an Origin, and the widget's CORS check looks the host up in
     * PostgreSQL whenever its cached answer (yuno.sites.cache-ttl, 5 s) has expired. This sends
     * one such request every 5.5 s while nothing else runs, and reads the connections the pool
     * counts as in use (hikaricp_connections_active) a second after each: on a sound service it
     * is 0 every time.
     */
    void originProbe() throws Exception {
        settle();
        var lines = new ArrayList<String>();
        lines.add("# One POST /widget/authenticate with an Origin header every 5.5 s, nothing else running;");
        lines.add("# hikaricp_connections_active read 1 s after each (a sound service shows 0 every time).");
        lines.add("before: active=" + gauge("hikaricp_connections_active") + " idle="
                + gauge("hikaricp_connections_idle"));
        for (int i = 1; i <= originProbe; i++) {
            Thread.sleep(5500);
            var status = authenticateRequest(true).statusCode();
            Thread.sleep(1000);
            lines.add(String.format(
                    Locale.ROOT,
                    "request %d with Origin: HTTP %d, then active=%s idle=%s",
                    i,
                    status,
                    gauge("hikaricp_connections_active"),
                    gauge("hikaricp_connections_idle")));
            log("%s", lines.getLast());
        }
        write("chat-origin-probe.txt", String.join("\n", lines) + "\n");
    }

    String gauge(String name) throws Exception {
        return scrapeText()
                .lines()
                .filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .map(l -> l.substring(l.lastIndexOf(' ') + 1))
                .findFirst()
                .orElse("?");
    }

    // ---- set-up: one enterprise site with one document, and a few widget tokens ----

    @SuppressWarnings("unchecked")
    void setUp() throws Exception {
        var created = (Map<String, Object>) Json.parse(expect(
                201,
                post(
                        "/api/sites",
                        Json.write(Map.of("domain", DOMAIN, "plan_type", "enterprise")),
                        "Authorization",
                        "Bearer " + key)));
        siteId = (String) created.get("site_id");
        // The knowledge base's document endpoints are not merged yet: three chunks go straight into
        // PostgreSQL, embedded with the fake's one vector, so that every question finds them.
        var vector = "[1" + ",0".repeat(1535) + "]";
        var sql = new StringBuilder("BEGIN;\n");
        var documentId = UUID.randomUUID();
        sql.append(String.format(
                "INSERT INTO documents (id, site_id, title, url, content_type, content_hash) VALUES ('%s', '%s',"
                        + " 'Refund policy', '%s/refunds', 'text/plain', '%s');%n",
                documentId, siteId, ORIGIN, documentId));
        var passages = List.of(
                "Refund policy. You can ask for a refund within 30 days of purchase; write to us with your order"
                        + " number and we answer within one business day.",
                "Refunds go back to the card you paid with, within 5 business days of our answer. Shipping costs"
                        + " are refunded when the item arrived damaged.",
                "Items bought on sale can be exchanged but not refunded. Gift cards are not refundable.");
        for (int i = 0; i < passages.size(); i++) {
            sql.append(String.format(
                    "INSERT INTO chunks (site_id, document_id, ordinal, title, url, content, token_count, embedding,"
                            + " embedding_model) VALUES ('%s', '%s', %d, 'Refund policy', '%s/refunds', '%s', %d,"
                            + " '%s', 'text-embedding-3-small');%n",
                    siteId, documentId, i, ORIGIN, passages.get(i), passages.get(i).length() / 4, vector));
        }
        sql.append("COMMIT;\n");
        psql(sql.toString());
        for (int i = 0; i < 16; i++) {
            tokens.add(authenticate());
        }
        if (!seedBase.isEmpty()) {
            for (int i = 0; i < 16; i++) {
                seedTokens.add((String) ((Map<String, Object>) Json.parse(expect(200, seedAuthenticate())))
                        .get("token"));
            }
            var seedSample = expect(200, seedAsk(seedTokens.getFirst()));
            log("seed reference at %s ready; a sample answer: %s", seedBase, seedSample);
        }
        var sample = (Map<String, Object>) Json.parse(expect(200, ask(tokens.getFirst(), false)));
        log("site %s ready; a sample answer has %d source(s): %s",
                siteId, ((List<Object>) sample.get("sources")).size(), Json.write(sample.get("sources")));
    }

    void psql(String sql) throws Exception {
        var command = new ProcessBuilder(
                        "psql", "-q", "-X", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", pgPort, "-U", pgUser,
                        "-d", pgDatabase)
                .redirectErrorStream(true);
        command.environment().put("PGPASSWORD", pgPassword);
        var process = command.start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(sql.getBytes(UTF_8));
        }
        var output = new String(process.getInputStream().readAllBytes(), UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("psql failed: " + output);
        }
    }

    String authenticate() throws Exception {
        @SuppressWarnings("unchecked")
        var body = (Map<String, Object>) Json.parse(expect(200, authenticateRequest()));
        return (String) body.get("token");
    }

    HttpResponse<String> authenticateRequest() throws Exception {
        return authenticateRequest(origin);
    }

    /** Browsers send an Origin; the benchmark leaves it out unless --origin true (see originProbe). */
    HttpResponse<String> authenticateRequest(boolean withOrigin) throws Exception {
        var body = Json.write(Map.of("site_id", siteId, "domain", DOMAIN, "nonce", "n-" + UUID.randomUUID()));
        return withOrigin
                ? post("/widget/authenticate", body, "Origin", ORIGIN)
                : post("/widget/authenticate", body);
    }

    /** The seed's authenticate: site id and domain (its own site, on peer.example), and a nonce it ignores. */
    HttpResponse<String> seedAuthenticate() throws Exception {
        var body = Json.write(Map.of("site_id", seedSite, "domain", "peer.example", "nonce", "n-" + UUID.randomUUID()));
        var request = HttpRequest.newBuilder(URI.create(seedBase + "/widget/authenticate"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** QUESTION made unique by the request's number (see MARKS). */
    static String question(long n) {
        var text = new StringBuilder(QUESTION);
        do {
            text.append(MARKS.charAt((int) (n % MARKS.length())));
            n /= MARKS.length();
        } while (n > 0);
        return text.toString();
    }

    /** The seed's /ask: the same question and a new session, as Yuno is asked. */
    HttpResponse<String> seedAsk(String token) throws Exception {
        var session = sessions.incrementAndGet();
        var body = Json.write(Map.of(
                "messages",
                List.of(Map.of("role", "user", "content", question(session))),
                "session_id",
                "bench-" + session));
        var request = HttpRequest.newBuilder(URI.create(seedBase + "/ask"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    String askBody() {
        var session = sessions.incrementAndGet();
        return Json.write(Map.of(
                "messages",
                List.of(Map.of("role", "user", "content", question(session))),
                "page_url",
                ORIGIN + "/pricing",
                "session_id",
                "bench-" + session));
    }

    HttpRequest askRequest(String token, boolean stream) {
        var request = HttpRequest.newBuilder(URI.create(base + "/ask"))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .header("Accept", stream ? "text/event-stream" : "application/json");
        if (origin) {
            request.header("Origin", ORIGIN);
        }
        return request.POST(HttpRequest.BodyPublishers.ofString(askBody())).build();
    }

    HttpResponse<String> ask(String token, boolean stream) throws Exception {
        return http.send(askRequest(token, stream), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String url, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String expect(int status, HttpResponse<String> response) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().uri() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body();
    }

    // ---- phase 1: throughput and latency with a provider that answers at once ----

    /** What is measured; {@code pid} is the process whose CPU counts as the service's (0: Yuno's). */
    record Endpoint(String name, String uri, Callable<Integer> call, long pid) {
        Endpoint(String name, String uri, Callable<Integer> call) {
            this(name, uri, call, 0);
        }

        boolean seed() {
            return pid != 0;
        }
    }

    void throughput() throws Exception {
        fakeMode(STREAM_CHUNKS, 0);
        List<Endpoint> endpoints = List.of(
                new Endpoint("GET /actuator/health/liveness", "/actuator/health/liveness", () -> get(
                                base + "/actuator/health/liveness")
                        .statusCode()),
                new Endpoint("POST /widget/authenticate", "/widget/authenticate", () -> authenticateRequest()
                        .statusCode()),
                askEndpoint(false));
        if (!seedBase.isEmpty()) {
            var withSeed = new ArrayList<>(endpoints);
            withSeed.add(new Endpoint("seed reference: POST /widget/authenticate", "(seed)", () -> seedAuthenticate()
                    .statusCode(), seedPid));
            withSeed.add(new Endpoint("seed reference: POST /ask (JSON)", "(seed)", () -> {
                var token = seedTokens.get((int) (askCounter.incrementAndGet() % seedTokens.size()));
                var response = seedAsk(token);
                return response.statusCode() == 200 && !response.body().contains("\"answer\"")
                        ? -1
                        : response.statusCode();
            }, seedPid));
            endpoints = List.copyOf(withSeed);
        }
        log(
                "warm-up: %d s per endpoint at concurrency 16, then 5 s more at a time while the JIT compiler"
                        + " takes over %.0f %% of the service's CPU (at most %d s)",
                warmup.toSeconds(),
                warmupJitShare * 100,
                warmupMax.toSeconds());
        for (var endpoint : endpoints) {
            warmUp(endpoint);
            settle();
        }
        var rows = new ArrayList<String>();
        rows.add("| endpoint | concurrency | requests | errors | throughput (req/s) | server p50 (ms) | server p99"
                + " (ms) | client p50 (ms) | client p99 (ms) | service CPU per request (ms) | of which JIT compiling"
                + " (ms) | CPU used, in cores: service / fake / load generator / rest of machine |");
        rows.add("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var measured = new LinkedHashMap<String, RunResult>();
        // When each run was, in epoch milliseconds: to cut a profile of the service to one run
        // (java bench/JfrSummary.java recording.jfr FROM TO).
        var phases = new ArrayList<String>();
        for (var c : concurrency) {
            for (var endpoint : endpoints) {
                var before = scrape();
                var from = System.currentTimeMillis();
                var result = closedLoop(endpoint, c, runRequests, runTime);
                phases.add(endpoint.name() + "@" + c + "\t" + from + "\t" + System.currentTimeMillis());
                measured.put(endpoint.name() + "@" + c, result);
                var after = scrape();
                var server = Histogram.delta(before, after, endpoint.uri());
                var row = String.format(
                        Locale.ROOT,
                        "| `%s` | %d | %d | %s | %.0f | %s | %s | %.1f | %.1f | %.1f | %.2f | %s |",
                        endpoint.name(),
                        c,
                        result.count(),
                        result.errorText(),
                        result.throughput(),
                        server.quantileText(0.50),
                        server.quantileText(0.99),
                        result.quantileMs(0.50),
                        result.quantileMs(0.99),
                        result.cpuPerRequestMs(),
                        result.compilerPerRequestMs(),
                        result.cpu().text());
                rows.add(row);
                log("%s  (server-side count %d)", row, server.count());
                settle();
            }
        }
        if (!seedBase.isEmpty()) {
            rows.add("");
            rows.add("Yuno against the seed's design, same run (above 1 is Yuno ahead; CPU: below 1 is Yuno cheaper):");
            rows.add("");
            rows.add("| clients | `/ask` throughput, Yuno / seed | `/ask` CPU per answer, Yuno / seed |"
                    + " `/widget/authenticate` throughput, Yuno / seed | `/widget/authenticate` CPU per request, Yuno / seed |");
            rows.add("|---:|---:|---:|---:|---:|");
            for (var c : concurrency) {
                var ask = measured.get("POST /ask (JSON)@" + c);
                var seedAsk = measured.get("seed reference: POST /ask (JSON)@" + c);
                var auth = measured.get("POST /widget/authenticate@" + c);
                var seedAuth = measured.get("seed reference: POST /widget/authenticate@" + c);
                var row = String.format(
                        Locale.ROOT,
                        "| %d | %.2f | %.2f | %.2f | %.2f |",
                        c,
                        ask.throughput() / seedAsk.throughput(),
                        ask.cpuPerRequestMs() / seedAsk.cpuPerRequestMs(),
                        auth.throughput() / seedAuth.throughput(),
                        auth.cpuPerRequestMs() / seedAuth.cpuPerRequestMs());
                rows.add(row);
                log("ratios %s", row);
            }
        }
        write("chat-throughput.md", String.join("\n", rows) + "\n");
        write("chat-phases.tsv", String.join("\n", phases) + "\n");
    }

    /**
     * Sends an endpoint requests until the service runs compiled code: a 2-core machine under load
     * leaves HotSpot's compiler threads little CPU, so its queue drains for minutes, and a run
     * measured while it does counts compiling as the cost of a request (1.85 of 4.9 ms per answer
     * after 15 s, in the first run that showed the compiler's share). A service runs for hours;
     * what compiling is left in a measured run stays in its CPU per request and is also shown on
     * its own (the table's JIT column).
     */
    void warmUp(Endpoint endpoint) throws Exception {
        var slice = Duration.ofSeconds(5);
        var result = closedLoop(endpoint, 16, 1_000_000, warmup);
        var spent = warmup;
        // Two quiet slices in a row: a compiler thread between two long C2 compilations can look
        // idle for one.
        var quiet = jitShare(result) > warmupJitShare ? 0 : 1;
        while (quiet < 2 && spent.compareTo(warmupMax) < 0) {
            result = closedLoop(endpoint, 16, 1_000_000, slice);
            spent = spent.plus(slice);
            quiet = jitShare(result) > warmupJitShare ? 0 : quiet + 1;
        }
        log(
                "warm-up of %s: %d s, the JIT compiler's share of the service's CPU in the last part %.1f %%",
                endpoint.name(),
                spent.toSeconds(),
                jitShare(result) * 100);
    }

    static double jitShare(RunResult result) {
        return result.cpu().service() > 0 ? result.cpu().compiler() / result.cpu().service() : 0;
    }

    record RunResult(
            int count, double seconds, long[] latencies, Map<String, Integer> errors, Cpu.Usage cpu) {
        double throughput() {
            return count / seconds;
        }

        double quantileMs(double q) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            var index = (int) Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1);
            return latencies[Math.max(0, index)] / 1e6;
        }

        double cpuPerRequestMs() {
            return cpu.service() * seconds * 1000 / Math.max(1, count);
        }

        /** The part of {@link #cpuPerRequestMs()} spent by the JIT compiler's threads. */
        double compilerPerRequestMs() {
            return cpu.compiler() * seconds * 1000 / Math.max(1, count);
        }

        String errorText() {
            if (errors.isEmpty()) {
                return "0";
            }
            var total = errors.values().stream().mapToInt(Integer::intValue).sum();
            return total + " (" + errors + ")";
        }
    }

    /** C workers send requests back to back until {@code max} were sent or {@code time} passed. */
    final AtomicLong askCounter = new AtomicLong();

    /** /ask with a quick answer; a 200 without the whole answer counts as an error. */
    Endpoint askEndpoint(boolean stream) {
        return new Endpoint(stream ? "POST /ask (SSE)" : "POST /ask (JSON)", "/ask", () -> {
            var token = tokens.get((int) (askCounter.incrementAndGet() % tokens.size()));
            var response = ask(token, stream);
            var complete = stream
                    ? response.body().contains("event: done")
                    : response.body().contains("\"answer\"");
            return response.statusCode() == 200 && !complete ? -1 : response.statusCode();
        });
    }

    RunResult closedLoop(Endpoint endpoint, int c, int max, Duration time) throws Exception {
        var latencies = new long[max];
        var claimed = new AtomicInteger();
        var done = new AtomicInteger();
        var errors = new ConcurrentHashMap<String, Integer>();
        var cpu = Cpu.start(this, endpoint.seed() ? endpoint.pid() : servicePid);
        var start = System.nanoTime();
        var end = start + time.toNanos();
        var workers = new ArrayList<Thread>();
        for (int w = 0; w < c; w++) {
            workers.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < end) {
                    var slot = claimed.getAndIncrement();
                    if (slot >= max) {
                        return;
                    }
                    var t0 = System.nanoTime();
                    String error = null;
                    try {
                        var status = endpoint.call().call();
                        if (status != 200) {
                            error = status == -1 ? "bad body" : Integer.toString(status);
                        }
                    } catch (Exception e) {
                        error = e.getClass().getSimpleName();
                    }
                    latencies[done.getAndIncrement()] = System.nanoTime() - t0;
                    if (error != null) {
                        errors.merge(error, 1, Integer::sum);
                    }
                }
            }));
        }
        for (var worker : workers) {
            worker.join(time.plusSeconds(90));
        }
        var seconds = (System.nanoTime() - start) / 1e9;
        var usage = cpu.stop();
        var count = done.get();
        var sorted = Arrays.copyOf(latencies, count);
        Arrays.sort(sorted);
        return new RunResult(count, seconds, sorted, new TreeMap<>(errors), usage);
    }

    /** Waits until the after-answer work of earlier questions (one classification each) is over. */
    void settle() throws Exception {
        var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long last = -1;
        while (System.nanoTime() < deadline) {
            var stats = fakeStats();
            var now = ((Number) stats.get("structured")).longValue();
            if (now == last && ((Number) stats.get("streams")).intValue() == 0) {
                break;
            }
            last = now;
            Thread.sleep(1000);
        }
    }

    // ---- phase 2: concurrent streaming chats with a provider that takes 5 s per answer ----

    record StreamOutcome(
            int status,
            boolean done,
            String error,
            int tokens,
            String text,
            int sources,
            long firstTokenNanos,
            long totalNanos,
            String failure) {
        boolean ok() {
            return status == 200 && done && error == null && failure == null && STREAM_TEXT.equals(text);
        }
    }

    void streams() throws Exception {
        if (concurrency.isEmpty()) {
            // A fresh instance: warm it up (JIT) with quick answers, JSON and streamed, first.
            fakeMode(STREAM_CHUNKS, 0);
            log("warm-up: JSON then streamed answers at concurrency 16, each until the JIT compiler settles");
            warmUp(askEndpoint(false));
            warmUp(askEndpoint(true));
            settle();
        }
        fakeMode(STREAM_CHUNKS, STREAM_DELAY_MS);
        var rows = new ArrayList<String>();
        rows.add("| streams started | completed whole | errors | peak streams open at once (client / provider)"
                + " | first token p50 / p99 (s) | whole answer p50 / p99 / max (s) | answers without sources"
                + " | RSS idle → peak (MiB) | heap used peak (MiB) | live heap after a full GC at the peak"
                + " (MiB) | open files peak | CPU used, in cores: service / fake / load generator / rest |");
        rows.add("|---:|---:|---|---|---|---|---:|---|---:|---|---:|---|");
        var timeline = new StringBuilder("# label level t_s open_streams rss_mib heap_mib open_files\n");
        for (var level : levels) {
            var result = level(level, timeline);
            rows.add(result.row());
            log("%s", result.row());
            write("chat-streams-" + label + ".md", String.join("\n", rows) + "\n");
            Files.writeString(out.resolve("chat-streams-" + label + "-timeline.txt"), timeline.toString());
            if (result.errors() > 0) {
                log("level %d had errors: stopping the ramp here", level);
                break;
            }
            // Streams opened evenly over the ramp, each 5 s long: at most level x 5 s / ramp are open
            // at once when the ramp is longer than an answer.
            var expectedOpen = level * Math.min(1.0, STREAM_CHUNKS * STREAM_DELAY_MS / 1000.0 / ramp.toSeconds());
            if (result.peakOpen() < 0.9 * expectedOpen || result.firstTokenP50Seconds() > 5) {
                log("level %d: %d streams open at once at most, first token after %.1f s (p50): the machine"
                                + " cannot keep up; stopping",
                        level, result.peakOpen(), result.firstTokenP50Seconds());
                break;
            }
            // Let the after-answer work of this level finish before the next one.
            settle();
        }
        var metrics = interesting(scrapeText());
        write("chat-streams-" + label + "-metrics.txt", metrics);
    }

    record LevelResult(String row, int errors, int peakOpen, double firstTokenP50Seconds) {}

    LevelResult level(int level, StringBuilder timeline) throws Exception {
        fakeMode(STREAM_CHUNKS, STREAM_DELAY_MS); // resets the provider's peak
        var streamClient = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(30))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        var rssIdle = rssMiB();
        var open = new AtomicInteger();
        var peakOpen = new AtomicInteger();
        var outcomes = new StreamOutcome[level];
        var bodies = new ConcurrentLinkedQueue<InputStream>();
        // Started evenly over 4 s, shorter than an answer (5 s): if the service keeps up, all are
        // open at once near the end of the ramp.
        var ramp = this.ramp;
        var hardDeadline = System.nanoTime() + ramp.toNanos() + Duration.ofSeconds(60).toNanos();
        var serviceFirstTokens = scrapeText("yuno_chat_first_token_seconds");
        var cpu = Cpu.start(this);
        var start = System.nanoTime();

        var peakRss = new AtomicLong(rssIdle);
        var peakHeap = new AtomicLong();
        var peakFiles = new AtomicLong();
        var sampling = new AtomicBoolean(true);
        var sampler = Thread.ofVirtual().start(() -> {
            var tick = 0;
            while (sampling.get()) {
                try {
                    var rss = rssMiB();
                    var files = openFiles();
                    // Only the heap's series: the whole exposition (every histogram) scraped each
                    // second was 12 % of the service's CPU samples during the 1,000-stream ramp
                    // (JFR, 2026-12-02 13:35), a load no Prometheus scraping every 15 s puts on it.
                    var heap = tick % 2 == 0 ? heapMiB(scrapeText("jvm_memory_used_bytes")) : -1;
                    peakRss.accumulateAndGet(rss, Math::max);
                    peakFiles.accumulateAndGet(files, Math::max);
                    peakHeap.accumulateAndGet(heap, Math::max);
                    synchronized (timeline) {
                        timeline.append(String.format(
                                Locale.ROOT,
                                "%s %d %.1f %d %d %s %d%n",
                                label,
                                level,
                                (System.nanoTime() - start) / 1e9,
                                open.get(),
                                rss,
                                heap < 0 ? "-" : Long.toString(heap),
                                files));
                    }
                    tick++;
                    Thread.sleep(500);
                } catch (Exception e) {
                    return;
                }
            }
        });

        // Live heap with (nearly) every stream open: a full GC (jcmd GC.run) once all are open, or
        // once the count of open streams stopped growing for a second after the ramp.
        var liveHeap = new AtomicLong(-1);
        var openAtGc = new AtomicInteger(-1);
        var gc = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(ramp);
                var best = open.get();
                var since = System.nanoTime();
                var giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (open.get() < level && System.nanoTime() - since < 1_000_000_000L
                        && System.nanoTime() < giveUp) {
                    Thread.sleep(100);
                    if (open.get() > best) {
                        best = open.get();
                        since = System.nanoTime();
                    }
                }
                openAtGc.set(open.get());
                var jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow())
                        .resolveSibling("jcmd")
                        .toString();
                var process = new ProcessBuilder(jcmd, Long.toString(servicePid), "GC.run")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                if (process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0) {
                    liveHeap.set(heapMiB(scrapeText()));
                }
            } catch (Exception e) {
                log("forced GC failed: %s", e);
            }
        });
        var threads = new Thread[level];
        for (int i = 0; i < level; i++) {
            var at = start + ramp.toNanos() * i / level;
            while (System.nanoTime() < at) {
                LockSupport.parkNanos(at - System.nanoTime());
            }
            var index = i;
            var token = tokens.get(i % tokens.size());
            threads[i] = Thread.ofVirtual().start(() -> outcomes[index] =
                    oneStream(streamClient, token, open, peakOpen, bodies));
        }
        for (var thread : threads) {
            var left = hardDeadline - System.nanoTime();
            if (left > 0) {
                thread.join(Duration.ofNanos(left));
            }
        }
        // Past the hard deadline, whatever is still open is cut (and counted as a failure).
        bodies.forEach(body -> {
            try {
                body.close();
            } catch (IOException ignored) {
                // closing
            }
        });
        for (var thread : threads) {
            thread.join(Duration.ofSeconds(5));
        }
        var usage = cpu.stop();
        gc.join(Duration.ofSeconds(30));
        Thread.sleep(1000);
        sampling.set(false);
        sampler.join(Duration.ofSeconds(5));
        var providerPeak = ((Number) fakeStats().get("max_streams")).intValue();
        streamClient.close();

        var ok = 0;
        var noSources = 0;
        var failures = new TreeMap<String, Integer>();
        var firstTokens = new ArrayList<Long>();
        var totals = new ArrayList<Long>();
        long tokenEvents = 0;
        for (var outcome : outcomes) {
            if (outcome == null) {
                failures.merge("not finished", 1, Integer::sum);
                continue;
            }
            if (outcome.ok()) {
                ok++;
                tokenEvents += outcome.tokens();
                firstTokens.add(outcome.firstTokenNanos());
                totals.add(outcome.totalNanos());
                if (outcome.sources() == 0) {
                    noSources++;
                }
            } else {
                var why = outcome.failure() != null
                        ? outcome.failure()
                        : outcome.error() != null
                                ? "error event " + outcome.error()
                                : outcome.status() != 200
                                        ? "HTTP " + outcome.status()
                                        : "incomplete (" + outcome.tokens() + " token events, " + outcome.text().length()
                                                + " of " + STREAM_TEXT.length() + " characters)";
                failures.merge(why, 1, Integer::sum);
            }
        }
        // Where in the ramp the slow first tokens were: p50 / p99 / max of those started in each
        // second, to tell a warm-up at the start from a queue that builds up.
        var seconds = Math.max(1, (int) ramp.toSeconds());
        var bySecond = new StringBuilder();
        for (int second = 0; second < seconds; second++) {
            var inSecond = new ArrayList<Long>();
            for (int i = second * level / seconds; i < (second + 1) * level / seconds; i++) {
                if (outcomes[i] != null && outcomes[i].ok()) {
                    inSecond.add(outcomes[i].firstTokenNanos());
                }
            }
            Collections.sort(inSecond);
            bySecond.append(String.format(
                    Locale.ROOT,
                    " %d: %s/%s/%s",
                    second,
                    seconds(inSecond, 0.50),
                    seconds(inSecond, 0.99),
                    seconds(inSecond, 1.0)));
        }
        log("level %d: first token p50/p99/max (s) of the streams started in each second of the ramp:%s", level, bySecond);
        // The service sends tokens that queued behind a slow write as one event: fewer than the
        // fake's STREAM_CHUNKS per answer when it fell behind.
        log(
                "level %d: token events per whole answer: %.1f on average (the provider sent %d)",
                level,
                ok == 0 ? 0.0 : (double) tokenEvents / ok,
                STREAM_CHUNKS);
        var serviceFirstTokensAfter = scrapeText("yuno_chat_first_token_seconds");
        log(
                "level %d: first token as the service measured it (yuno.chat.first.token, streamed; from the"
                        + " request's arrival; histogram bucket bounds): p50 <= %s s, p99 <= %s s",
                level,
                bucketQuantile(serviceFirstTokens, serviceFirstTokensAfter, 0.50),
                bucketQuantile(serviceFirstTokens, serviceFirstTokensAfter, 0.99));
        Collections.sort(firstTokens);
        Collections.sort(totals);
        var errors = level - ok;
        var row = String.format(
                Locale.ROOT,
                "| %d | %d | %s | %d / %d | %s / %s | %s / %s / %s | %d | %d → %d | %d | %s | %d | %s |",
                level,
                ok,
                errors == 0 ? "0" : errors + " " + failures,
                peakOpen.get(),
                providerPeak,
                seconds(firstTokens, 0.50),
                seconds(firstTokens, 0.99),
                seconds(totals, 0.50),
                seconds(totals, 0.99),
                seconds(totals, 1.0),
                noSources,
                rssIdle,
                peakRss.get(),
                peakHeap.get(),
                liveHeap.get() < 0 ? "–" : liveHeap.get() + " (" + openAtGc.get() + " open)",
                peakFiles.get(),
                usage.text());
        var firstTokenP50 = firstTokens.isEmpty()
                ? Double.POSITIVE_INFINITY
                : firstTokens.get((int) Math.max(0, Math.ceil(0.5 * firstTokens.size()) - 1)) / 1e9;
        return new LevelResult(row, errors, peakOpen.get(), firstTokenP50);
    }

    StreamOutcome oneStream(
            HttpClient client,
            String token,
            AtomicInteger open,
            AtomicInteger peakOpen,
            Queue<InputStream> bodies) {
        var t0 = System.nanoTime();
        var status = 0;
        var done = false;
        String error = null;
        var tokens = 0;
        var text = new StringBuilder();
        var sources = 0;
        long first = 0;
        String failure = null;
        var opened = false;
        try {
            var response = client.send(askRequest(token, true), HttpResponse.BodyHandlers.ofInputStream());
            status = response.statusCode();
            bodies.add(response.body());
            peakOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            opened = true;
            try (var reader = new BufferedReader(new InputStreamReader(response.body(), UTF_8))) {
                String event = null;
                String line;
                while ((line = reader.readLine()) != null) {
                    if (line.startsWith("event:")) {
                        event = line.substring(6).trim();
                    } else if (line.startsWith("data:") && event != null) {
                        var data = line.substring(5).trim();
                        switch (event) {
                            case "token" -> {
                                if (tokens++ == 0) {
                                    first = System.nanoTime() - t0;
                                }
                                // The service may send several of the fake's tokens as one event.
                                text.append(tokenText(data));
                            }
                            case "sources" -> sources = ((List<?>) Json.parse(data)).size();
                            case "done" -> done = true;
                            case "error" -> error = String.valueOf(((Map<?, ?>) Json.parse(data)).get("code"));
                            default -> {}
                        }
                    }
                }
            }
        } catch (Exception e) {
            failure = e.getClass().getSimpleName();
        } finally {
            if (opened) {
                open.decrementAndGet();
            }
        }
        return new StreamOutcome(
                status, done, error, tokens, text.toString(), sources, first, System.nanoTime() - t0, failure);
    }

    /** A token event's text: read without a parser when it has no escapes (the fake's never do). */
    static String tokenText(String data) {
        var prefix = "{\"text\":\"";
        if (data.startsWith(prefix) && data.endsWith("\"}") && data.indexOf('\\') < 0) {
            return data.substring(prefix.length(), data.length() - 2);
        }
        return String.valueOf(((Map<?, ?>) Json.parse(data)).get("text"));
    }

    static String seconds(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return "–";
        }
        var index = (int) Math.min(sorted.size() - 1, Math.max(0, Math.ceil(q * sorted.size()) - 1));
        return String.format(Locale.ROOT, "%.2f", sorted.get(index) / 1e9);
    }

    // ---- the service's own numbers ----

    String scrapeText() throws Exception {
        return expect(200, get(base + "/actuator/prometheus", "Authorization", "Bearer " + key));
    }

    /** The series of one metric only (the endpoint's {@code includedNames}). */
    String scrapeText(String name) throws Exception {
        return expect(
                200,
                get(base + "/actuator/prometheus?includedNames=" + name, "Authorization", "Bearer " + key));
    }

    List<String> scrape() throws Exception {
        return scrapeText().lines().filter(l -> l.startsWith("http_server_requests_seconds_bucket")).toList();
    }

    /**
     * The upper bound of the histogram bucket holding quantile {@code q} of what was recorded
     * between two scrapes of {@code yuno_chat_first_token_seconds} (streamed answers).
     */
    static String bucketQuantile(String before, String after, double q) {
        var counts = new java.util.TreeMap<Double, Double>();
        for (var side = 0; side < 2; side++) {
            var sign = side == 0 ? -1 : 1;
            for (var line : (side == 0 ? before : after).lines().toList()) {
                if (line.startsWith("yuno_chat_first_token_seconds_bucket{") && line.contains("streamed=\"true\"")) {
                    var le = line.substring(line.indexOf("le=\"") + 4);
                    le = le.substring(0, le.indexOf('"'));
                    var bound = le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
                    counts.merge(bound, sign * Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
                }
            }
        }
        if (counts.isEmpty() || counts.lastEntry().getValue() <= 0) {
            return "-";
        }
        var total = counts.lastEntry().getValue();
        for (var entry : counts.entrySet()) {
            if (entry.getValue() >= q * total) {
                return String.format(Locale.ROOT, "%.3f", entry.getKey());
            }
        }
        return "-";
    }

    static long heapMiB(String metrics) {
        var bytes = 0.0;
        for (var line : metrics.lines().toList()) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                bytes += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Math.round(bytes / (1 << 20));
    }

    static String interesting(String metrics) {
        var prefixes = List.of(
                "yuno_llm_chat_calls_seconds_count",
                "yuno_chat_spool",
                "hikaricp_connections_timeout_total",
                "hikaricp_connections_max",
                "jvm_memory_max_bytes",
                "jvm_memory_used_bytes",
                "jvm_threads_live_threads",
                "jvm_gc_pause_seconds_count",
                "jvm_gc_pause_seconds_sum",
                "process_files_open_files",
                "http_server_requests_seconds_count",
                "yuno_ratelimit");
        return metrics.lines()
                        .filter(l -> prefixes.stream().anyMatch(l::startsWith))
                        .collect(Collectors.joining("\n"))
                + "\n";
    }

    long rssMiB() {
        try {
            for (var line : Files.readAllLines(Path.of("/proc/" + servicePid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }

    long openFiles() {
        try (var files = Files.list(Path.of("/proc/" + servicePid + "/fd"))) {
            return files.count();
        } catch (IOException e) {
            return -1;
        }
    }

    void fakeMode(int chunks, int delayMs) throws Exception {
        expect(200, get(fake + "/bench/mode?chunks=" + chunks + "&delay_ms=" + delayMs));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> fakeStats() throws Exception {
        return (Map<String, Object>) Json.parse(expect(200, get(fake + "/bench/stats")));
    }

    void write(String name, String text) throws IOException {
        Files.writeString(out.resolve(name), text);
    }

    static void log(String format, Object... args) {
        System.err.printf(Locale.ROOT, "[bench] " + format + "%n", args);
    }
}
