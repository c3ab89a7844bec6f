package com.helloyuno.problem;

import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.ConfigurableTomcatWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** Puts {@link ProblemReportValve} where Tomcat, and Spring Boot after it, put their HTML one. */
@Configuration(proxyBeanMethods = false)
class ContainerErrorConfiguration {

    @Bean
    WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory> problemReportValve() {
        return new Customizer();
    }

    /** Last, so that Spring Boot's own error valve is already there to be replaced. */
    private static final class Customizer
            implements WebServerFactoryCustomizer<ConfigurableTomcatWebServerFactory>, Ordered {

        @Override
        public void customize(ConfigurableTomcatWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                var host = context.getParent();
                var pipeline = host.getPipeline();
                for (var valve : pipeline.getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        pipeline.removeValve(valve);
                    }
                }
                pipeline.addValve(new ProblemReportValve());
                if (host instanceof StandardHost standard) {
                    // Otherwise the host adds its own HTML valve when it starts.
                    standard.setErrorReportValveClass(ProblemReportValve.class.getName());
                }
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }
}
