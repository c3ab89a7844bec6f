package com.helloyuno;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.testsupport.Http;
import com.helloyuno.testsupport.TestServices;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.core.userdetails.UserDetailsService;

/** Start-up refuses settings that would make the service unsafe. */
@ExtendWith(OutputCaptureExtension.class)
class StartupIntegrationTests {

    @Test
    void refusesAJwtSecretShorterThan32Bytes(CapturedOutput output) {
        var args = arguments("only-31-bytes-long-secret-value");

        assertThatThrownBy(() -> new SpringApplicationBuilder(YunoApplication.class)
                        .run(args)
                        .close())
                .hasStackTraceContaining("JWT_SECRET must be at least 32 bytes long (it has 31)");
        // Boot's failure report tells the operator which setting to fix.
        assertThat(output).contains("yuno.widget").contains("JWT_SECRET must be at least 32 bytes");
        assertThat(output).doesNotContain("only-31-bytes-long-secret-value");
    }

    /**
     * A misspelt stop-word dictionary stops the start before the web server takes a connection:
     * the search statement casts the list to {@code regdictionary[]}, so the instance would fail
     * every visitor's question with words.
     */
    @Test
    void refusesAStopWordDictionaryTheDatabaseDoesNotHaveBeforeServingAnyone(CapturedOutput output) {
        var args = arguments(
                "s".repeat(32), "--yuno.knowledge.retrieval.stop-word-dictionaries=yuno_english_stop,englsh_stem");

        assertThatThrownBy(() -> new SpringApplicationBuilder(YunoApplication.class)
                        .run(args)
                        .close())
                .hasStackTraceContaining("stop-word-dictionaries names text search dictionaries the database"
                        + " does not have: [englsh_stem]");
        // Tomcat was made (its lines are captured) but never took the port.
        assertThat(output).contains("Tomcat initialized").doesNotContain("Tomcat started on port");
    }

    /**
     * A platform's {@code postgres://user:password@host:port/db} works as DATABASE_URL (the tests'
     * own database, given in that form, with no DATABASE_USERNAME/PASSWORD); and no start-up line
     * offers a generated password.
     */
    @Test
    void startsWithAPlatformsPostgresUrlAndOffersNoGeneratedPassword(CapturedOutput output) {
        var jdbc = java.net.URI.create(TestServices.databaseUrl().substring("jdbc:".length()));
        var platform = "postgres://" + TestServices.databaseUsername() + ":" + TestServices.databasePassword() + "@"
                + jdbc.getHost() + ":" + (jdbc.getPort() == -1 ? 5432 : jdbc.getPort()) + jdbc.getPath()
                + "?sslmode=disable";
        var args = new ArrayList<String>();
        args.add("--DATABASE_URL=" + platform);
        args.add("--REDIS_URL=" + TestServices.redisUrl());
        args.add("--JWT_SECRET=" + "s".repeat(32));
        args.add("--server.port=0");
        try (var context = new SpringApplicationBuilder(YunoApplication.class).run(args.toArray(String[]::new))) {
            var jdbcClient = context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
            assertThat(jdbcClient.sql("SELECT 1").query(Integer.class).single()).isEqualTo(1);
        }
        assertThat(output).doesNotContain("generated security password");
        assertThat(output).doesNotContain(TestServices.databasePassword() + "@");
    }

    /**
     * Callers are operator and owner keys and widget tokens, never users with passwords: Spring
     * Security's in-memory user is not made, so no start-up line offers a "generated security
     * password" and no user name and password opens anything, while the keys still do.
     */
    @Test
    void makesNoInMemoryUserAndTheKeysStillWork(CapturedOutput output) {
        var operatorKey = "yadm_startup_test_key_0123456789";
        try (var context = new SpringApplicationBuilder(YunoApplication.class)
                .run(arguments("s".repeat(32), "--YUNO_ADMIN_API_KEY=" + operatorKey))) {
            assertThat(context.getBeanNamesForType(UserDetailsService.class)).isEmpty();
            var http = new Http(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));

            assertThat(http.get("/api/sites", "Authorization", "Bearer " + operatorKey)
                            .status())
                    .isEqualTo(200);
            assertThat(http.get("/api/sites").status()).isEqualTo(401);
            assertThat(http.get("/api/sites", "Authorization", "Bearer yadm_not_the_operator_key_000")
                            .status())
                    .isEqualTo(401);
            // The default user's name, with any password: nothing reads Basic credentials.
            var basic = Base64.getEncoder().encodeToString("user:password".getBytes(StandardCharsets.UTF_8));
            var refused = http.get("/api/sites", "Authorization", "Basic " + basic);
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.json().path("code").asString()).isEqualTo("unauthorized");
        }
        assertThat(output).contains("Tomcat started on port").doesNotContain("generated security password");
    }

    @Test
    void acceptsAJwtSecretOf32Bytes(CapturedOutput output) {
        try (var context = new SpringApplicationBuilder(YunoApplication.class).run(arguments("s".repeat(32)))) {
            assertThat(context.isActive()).isTrue();
        }
        // The line whose absence shows that a refused start served no one.
        assertThat(output).contains("Tomcat started on port");
    }

    /** The tests' own services, this JWT secret, any free port, then {@code more}, as command-line arguments. */
    private static String[] arguments(String jwtSecret, String... more) {
        var args = new ArrayList<String>();
        TestServices.properties().forEach((k, v) -> args.add("--" + k + "=" + v));
        args.add("--JWT_SECRET=" + jwtSecret);
        args.add("--server.port=0");
        args.addAll(java.util.List.of(more));
        return args.toArray(String[]::new);
    }
}
