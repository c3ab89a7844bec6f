package com.helloyuno.testsupport;

import java.util.LinkedHashMap;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Where the tests find a real PostgreSQL with pgvector and a real Redis, chosen once per JVM:
 *
 * <ol>
 *   <li>the services named by {@code DATABASE_URL} and {@code REDIS_URL}, as {@code
 *       scripts/test.sh} exports them after starting local services;
 *   <li>otherwise, when a Docker engine answers, Testcontainers ({@code pgvector/pgvector:pg17} and
 *       {@code redis:7-alpine}), started once and shared by every test context.
 * </ol>
 */
public final class TestServices {

    private static Map<String, String> properties;

    private TestServices() {}

    /** Settings in the contract's environment variable names, as the application reads them. */
    /** The tests' {@code YUNO_SECRETS_KEY}, read by {@code yuno.sites.secrets-key}. */
    public static final String SECRETS_KEY = "test-secrets-key-of-at-least-32-bytes-0123456789";

    public static synchronized Map<String, String> properties() {
        if (properties == null) {
            properties = discover();
        }
        return properties;
    }

    public static String databaseUrl() {
        return properties().get("DATABASE_URL");
    }

    public static String databaseUsername() {
        return properties().get("DATABASE_USERNAME");
    }

    public static String databasePassword() {
        return properties().get("DATABASE_PASSWORD");
    }

    /** A proxy in front of the tests' PostgreSQL, for tests that cut it. */
    public static TcpProxy postgresProxy() {
        var url = java.net.URI.create(databaseUrl().substring("jdbc:".length()));
        return new TcpProxy(url.getHost(), url.getPort() == -1 ? 5432 : url.getPort());
    }

    /** The tests' database URL, reached through that proxy. */
    public static String databaseUrlThrough(TcpProxy proxy) {
        var url = java.net.URI.create(databaseUrl().substring("jdbc:".length()));
        return "jdbc:postgresql://127.0.0.1:" + proxy.port() + url.getPath()
                + (url.getQuery() == null ? "" : "?" + url.getQuery());
    }

    public static String redisUrl() {
        return properties().get("REDIS_URL");
    }

    private static Map<String, String> discover() {
        var env = System.getenv();
        var local = new LinkedHashMap<String, String>();
        if (env.get("DATABASE_URL") != null && !env.get("DATABASE_URL").isBlank()) {
            local.put("DATABASE_URL", env.get("DATABASE_URL"));
            local.put("DATABASE_USERNAME", env.getOrDefault("DATABASE_USERNAME", "yuno"));
            local.put("DATABASE_PASSWORD", env.getOrDefault("DATABASE_PASSWORD", "yuno"));
            local.put("REDIS_URL", env.getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
            return Map.copyOf(local);
        }
        if (dockerAnswers()) {
            return Map.copyOf(Containers.start());
        }
        throw new IllegalStateException("The tests need PostgreSQL with pgvector and Redis. Run them with"
                + " scripts/test.sh (which starts local services), export DATABASE_URL, DATABASE_USERNAME,"
                + " DATABASE_PASSWORD and REDIS_URL, or start a Docker engine for Testcontainers.");
    }

    private static boolean dockerAnswers() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Holds the containers so that they are only loaded, and started, when Docker is used. */
    private static final class Containers {
        static Map<String, String> start() {
            var postgres = new PostgreSQLContainer(DockerImageName.parse("pgvector/pgvector:pg17"))
                    .withDatabaseName("yuno")
                    .withUsername("yuno")
                    .withPassword("yuno");
            var redis = new GenericContainer<>(DockerImageName.parse("redis:7-alpine")).withExposedPorts(6379);
            postgres.start();
            redis.start();
            return Map.of(
                    "DATABASE_URL", postgres.getJdbcUrl(),
                    "DATABASE_USERNAME", postgres.getUsername(),
                    "DATABASE_PASSWORD", postgres.getPassword(),
                    "REDIS_URL", "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379));
        }
    }
}
