package com.helloyuno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.testsupport.TestServices;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SslVerifyMode;
import java.net.URI;
import java.util.UUID;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.StringRedisTemplate;

/**
 * REDIS_URL in the forms platforms hand out, read through application.yaml as the service reads it:
 * Heroku's {@code rediss://:password@host:port} (TLS, a password, no user), Render's and Redis
 * Cloud's {@code rediss://user:password@host:port}, a database number; and a user and password
 * that really open the tests' Redis while a wrong password does not.
 */
class RedisUrlIntegrationTests {

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RedisSettings.class)
    @Import(PlatformRedis.class)
    static class Platform {}

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class))
            .withUserConfiguration(Platform.class);

    @Test
    void herokusTlsUrlWithAPasswordAndNoUser() {
        redis(
                "REDIS_URL=rediss://:p%40ss%2Fw0rd@ec2-1-2-3-4.compute-1.amazonaws.com:21070",
                factory -> {
                    assertThat(factory.getClientConfiguration().isUseSsl()).isTrue();
                    assertThat(factory.getClientConfiguration().getVerifyMode()).isEqualTo(SslVerifyMode.FULL);
                    assertThat(factory.getHostName()).isEqualTo("ec2-1-2-3-4.compute-1.amazonaws.com");
                    assertThat(factory.getPort()).isEqualTo(21070);
                    // No user: Spring Data sends AUTH with the password alone, as for Redis's default user.
                    assertThat(factory.getStandaloneConfiguration().getUsername())
                            .isNullOrEmpty();
                    assertThat(factory.getStandaloneConfiguration()
                                    .getPassword()
                                    .get())
                            .isEqualTo("p@ss/w0rd".toCharArray());
                });
    }

    @Test
    void aTlsUrlWithAUserPasswordAndDatabase() {
        redis("REDIS_URL=rediss://red-abc123:s3cret@oregon-keyvalue.render.com:6379/2", factory -> {
            assertThat(factory.getClientConfiguration().isUseSsl()).isTrue();
            assertThat(factory.getStandaloneConfiguration().getUsername()).isEqualTo("red-abc123");
            assertThat(factory.getStandaloneConfiguration().getPassword().get()).isEqualTo("s3cret".toCharArray());
            assertThat(factory.getDatabase()).isEqualTo(2);
        });
    }

    /** Heroku's self-signed certificate: still TLS, without the check of whose certificate it is. */
    @Test
    void peerVerificationCanBeTurnedOffForTls() {
        redis(
                factory -> {
                    assertThat(factory.getClientConfiguration().isUseSsl()).isTrue();
                    assertThat(factory.getClientConfiguration().getVerifyMode()).isEqualTo(SslVerifyMode.NONE);
                },
                "REDIS_URL=rediss://:secret@redis.example.com:6380",
                "YUNO_REDIS_VERIFY_PEER=false");
    }

    @Test
    void turningVerificationOffNeverTurnsTlsOn() {
        redis(
                factory ->
                        assertThat(factory.getClientConfiguration().isUseSsl()).isFalse(),
                "REDIS_URL=redis://:secret@redis.example.com:6379",
                "YUNO_REDIS_VERIFY_PEER=false");
    }

    /** A user with a password made on the tests' Redis (an ACL user) opens it; a wrong password does not. */
    @Test
    void aUserAndPasswordInTheUrlOpenARealRedis() {
        var user = "yuno-url-test-" + UUID.randomUUID().toString().substring(0, 8);
        var password = "pw/" + UUID.randomUUID();
        var server = URI.create(TestServices.redisUrl());
        var client = RedisClient.create(TestServices.redisUrl());
        try (var admin = client.connect()) {
            admin.sync()
                    .aclSetuser(
                            user,
                            AclSetuserArgs.Builder.on()
                                    .addPassword(password)
                                    .keyPattern(user + ":*")
                                    .addCommand(io.lettuce.core.protocol.CommandType.GET)
                                    .addCommand(io.lettuce.core.protocol.CommandType.SET)
                                    .addCommand(io.lettuce.core.protocol.CommandType.DEL)
                                    .addCommand(io.lettuce.core.protocol.CommandType.PING)
                                    .addCommand(io.lettuce.core.protocol.CommandType.HELLO)
                                    .addCommand(io.lettuce.core.protocol.CommandType.AUTH)
                                    .addCommand(io.lettuce.core.protocol.CommandType.CLIENT));
            try {
                var url = "redis://" + user + ":" + password.replace("/", "%2F") + "@" + server.getHost() + ":"
                        + server.getPort();
                runner.withPropertyValues("REDIS_URL=" + url).run(context -> {
                    var redis = context.getBean(StringRedisTemplate.class);
                    redis.opsForValue().set(user + ":key", "value");
                    assertThat(redis.opsForValue().get(user + ":key")).isEqualTo("value");
                    redis.delete(user + ":key");
                });
                var wrong = "redis://" + user + ":not-the-password@" + server.getHost() + ":" + server.getPort();
                runner.withPropertyValues("REDIS_URL=" + wrong).run(context -> {
                    var redis = context.getBean(StringRedisTemplate.class);
                    assertThatThrownBy(() -> redis.opsForValue().get(user + ":key"))
                            .isInstanceOf(RedisConnectionFailureException.class);
                });
            } finally {
                admin.sync().aclDeluser(user);
            }
        } finally {
            client.shutdown();
        }
    }

    private void redis(String property, Consumer<LettuceConnectionFactory> check) {
        redis(check, property);
    }

    private void redis(Consumer<LettuceConnectionFactory> check, String... properties) {
        runner.withPropertyValues(properties).run((AssertableApplicationContext context) -> {
            assertThat(context).hasNotFailed();
            check.accept(context.getBean(LettuceConnectionFactory.class));
        });
    }
}
