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

    private record Customizer() implements ContextCustomizer {
        @Override
        public void customizeContext(
                org.springframework.context.ConfigurableApplicationContext context,
                org.springframework.test.context.MergedContextConfiguration mergedConfig) {
            var values = new HashMap<String, Object>(TestServices.properties());
            // Identity secrets sealed, as in production.
            values.put("YUNO_SECRETS_KEY", TestServices.SECRETS_KEY);
            context.getEnvironment().getPropertySources().addLast(new MapPropertySource("yunoTestServices", values));
        }
    }
}
