package com.helloyuno.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How Yuno reaches Redis beyond {@code REDIS_URL} (Spring's {@code spring.data.redis.url}, which
 * takes {@code redis://} and {@code rediss://} with a user, a password and a database as
 * platforms hand them out).
 *
 * @param verifyPeer whether a {@code rediss://} server's certificate must be one the JVM trusts.
 *     Heroku's Key-Value Store presents a self-signed certificate that nothing vouches for; there,
 *     {@code YUNO_REDIS_VERIFY_PEER=false} keeps the connection encrypted without checking whose
 *     certificate it is. Leave it on wherever the provider's certificate is signed.
 */
@ConfigurationProperties("yuno.redis")
record RedisSettings(@DefaultValue("true") boolean verifyPeer) {}
