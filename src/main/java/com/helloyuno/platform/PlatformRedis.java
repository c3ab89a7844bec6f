package com.helloyuno.platform;

import io.lettuce.core.SslVerifyMode;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientConfigurationBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** Redis over TLS with a provider's self-signed certificate, when {@link RedisSettings} says so. */
@Configuration(proxyBeanMethods = false)
class PlatformRedis {

    private static final Logger log = LoggerFactory.getLogger(PlatformRedis.class);

    @Bean
    LettuceClientConfigurationBuilderCustomizer redisPeerVerification(RedisSettings settings, Environment environment) {
        return builder -> {
            // Only for TLS that is on already: the setting must never turn TLS on for a redis:// URL.
            if (!settings.verifyPeer() && usesTls(environment)) {
                log.warn("YUNO_REDIS_VERIFY_PEER=false: Redis's TLS certificate is not verified");
                builder.useSsl().verifyPeer(SslVerifyMode.NONE);
            }
        };
    }

    private static boolean usesTls(Environment environment) {
        var url = environment.getProperty("spring.data.redis.url", "");
        return url.strip().toLowerCase(Locale.ROOT).startsWith("rediss:")
                || environment.getProperty("spring.data.redis.ssl.enabled", Boolean.class, false);
    }
}
