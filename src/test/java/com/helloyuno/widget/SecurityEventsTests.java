package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class SecurityEventsTests {

    private static final String SALT = "a salt the operator chose";

    @Test
    void anAddressHashesToTheFirstEightBytesOfItsHmacWithTheSalt() throws Exception {
        var events = events(SALT);

        assertThat(events.ipHash("203.0.113.7"))
                .isEqualTo(hmac(SALT, "203.0.113.7"))
                .hasSize(16);
        assertThat(events.ipHash("203.0.113.7")).isEqualTo(events.ipHash("203.0.113.7"));
        assertThat(events.ipHash("203.0.113.8")).isNotEqualTo(events.ipHash("203.0.113.7"));
        // Another deployment's salt, another hash: not comparable across deployments.
        assertThat(events("another salt").ipHash("203.0.113.7")).isNotEqualTo(events.ipHash("203.0.113.7"));
    }

    @Test
    void requestsOnManyThreadsAtOnceEachGetTheirOwnAddresssHash() throws Exception {
        var events = events(SALT);
        var threads = 8;
        var perThread = 500;
        var start = new CountDownLatch(1);
        var wrong = new AtomicInteger();
        var pool = Executors.newFixedThreadPool(threads);
        try {
            var done = new ArrayList<Future<?>>();
            for (int t = 0; t < threads; t++) {
                var thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        var ip = "198.51." + thread + "." + i % 256;
                        if (!events.ipHash(ip).equals(hmac(SALT, ip))) {
                            wrong.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            // Platform threads released together hash at the same moment on every core.
            start.countDown();
            for (var future : done) {
                future.get();
            }
        } finally {
            pool.shutdown();
        }

        assertThat(wrong).hasValue(0);
    }

    private static SecurityEvents events(String salt) {
        var settings = WidgetTokensTests.settings(WidgetTokensTests.SECRET, List.of(), 10000, salt);
        return new SecurityEvents(new SimpleMeterRegistry(), settings);
    }

    private static String hmac(String salt, String ip) throws Exception {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(salt.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(ip.getBytes(StandardCharsets.UTF_8)), 0, 8);
    }
}
