package com.helloyuno.platform;

import java.util.HashMap;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Reads a platform's {@code DATABASE_URL} ({@link DatabaseUrl}) before the data source is made:
 * its JDBC form becomes {@code spring.datasource.url}, and its user and password the credentials
 * unless {@code DATABASE_USERNAME} / {@code DATABASE_PASSWORD} are set, which still win. A
 * {@code jdbc:} URL is left to {@code application.yaml} as before. {@code REDIS_URL} needs nothing:
 * Lettuce takes {@code redis://} and {@code rediss://} with a password as platforms give them.
 */
class PlatformSettings implements EnvironmentPostProcessor {

    static final String SOURCE = "yunoPlatformSettings";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        DatabaseUrl.fromPlatform(environment.getProperty("DATABASE_URL")).ifPresent(url -> {
            var values = new HashMap<String, Object>();
            values.put("spring.datasource.url", url.jdbcUrl());
            if (url.username() != null && !StringUtils.hasText(environment.getProperty("DATABASE_USERNAME"))) {
                values.put("spring.datasource.username", url.username());
            }
            if (url.password() != null && !StringUtils.hasText(environment.getProperty("DATABASE_PASSWORD"))) {
                values.put("spring.datasource.password", url.password());
            }
            // First: above application.yaml's ${DATABASE_URL} placeholder, which would pass the
            // platform's form to the driver as it is.
            environment.getPropertySources().addFirst(new MapPropertySource(SOURCE, values));
        });
    }
}
