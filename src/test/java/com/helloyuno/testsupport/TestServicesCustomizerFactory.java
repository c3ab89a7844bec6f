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
            // A spool of this context's own: never the working directory's, which a local instance
            // (scripts/run.sh) may have filled with writes for its own database.
            values.put("yuno.spool.directory", newSpoolDirectory().toString());
            context.getEnvironment().getPropertySources().addLast(new MapPropertySource("yunoTestServices", values));
        }
    }
}
