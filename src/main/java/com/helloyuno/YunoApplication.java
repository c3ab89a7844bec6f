package com.helloyuno;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * Yuno: one backend for many sites' AI chat widgets. Each subpackage is one feature.
 *
 * <p>Spring Security's in-memory user is left out: callers are keys and widget tokens, never users
 * with passwords, and its start-up line ("Using generated security password") would advertise a
 * credential that nothing accepts.
 */
@SpringBootApplication(exclude = UserDetailsServiceAutoConfiguration.class)
@ConfigurationPropertiesScan
public class YunoApplication {

    public static void main(String[] args) {
        SpringApplication.run(YunoApplication.class, args);
    }

    /** The one clock of the service, in UTC; tests replace it to move time instead of sleeping. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
