package com.helloyuno.testsupport;

import java.util.HashMap;
import java.util.List;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;

/**
 * Gives every Spring test context the real services of {@link TestServices}, at the lowest
 * precedence, so that a test can still point one of them elsewhere with its own properties.
 */
class TestServicesCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(
            Class<?> testClass, List<ContextConfigurationAttributes> configAttributes) {
        return new Customizer();
    }

    private static java.nio.file.Path newSpoolDirectory() {
        try {
            var dir = java.nio.file.Files.createTempDirectory("yuno-test-spool-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private record Customizer() implements ContextCustomizer {
        @Override
        public void customizeContext(
                org.springframework.context.ConfigurableApplicationContext context,
                org.springframework.test.context.MergedContextConfiguration mergedConfig) {
            var values = new HashMap<String, Object>(TestServices.properties());
            // Identity secrets sealed, as in production.
            values.put("YUNO_SECRETS_KEY", TestServices.SECRETS_KEY);
            var sources = context.getEnvironment().getPropertySources();
            sources.addLast(new MapPropertySource("yunoTestServices", values));
            // A spool of this context's own: never the working directory's, which a local instance
            // (scripts/run.sh) may have filled with writes for its own database, nor YUNO_SPOOL_DIR's.
            // Above the environment and application.yaml; a test's own properties still win.
            var spool = new MapPropertySource(
                    "yunoTestSpool",
                    java.util.Map.of("yuno.spool.directory", newSpoolDirectory().toString()));
            var environment = org.springframework.core.env.StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME;
            if (sources.contains(environment)) {
                sources.addBefore(environment, spool);
            } else {
                sources.addFirst(spool);
            }
        }
    }
}
