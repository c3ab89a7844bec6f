package com.helloyuno.widget;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Security events of widget authentication, as structured log lines and a counter per event. An IP
 * address appears only as a salted hash (enough to see that attempts come from one place), and no
 * token, nonce or secret is ever logged.
 */
@Component
class SecurityEvents {

    private static final Logger log = LoggerFactory.getLogger("com.helloyuno.security");

    private final MeterRegistry meters;
    private final ConcurrentHashMap<String, Counter> counters = new ConcurrentHashMap<>();
    private final SecretKeySpec salt;
    /** Never used itself, only copied: a MAC is not safe to share between threads. */
    private final @Nullable Mac keyed;

    SecurityEvents(MeterRegistry meters, WidgetSettings settings) {
        this.meters = meters;
        byte[] saltBytes;
        if (settings.ipHashSalt() != null && !settings.ipHashSalt().isBlank()) {
            saltBytes = settings.ipHashSalt().getBytes(StandardCharsets.UTF_8);
        } else {
            saltBytes = new byte[32];
            new SecureRandom().nextBytes(saltBytes);
        }
        this.salt = new SecretKeySpec(saltBytes, "HmacSHA256");
        this.keyed = keyedMac(salt);
    }

    /** The MAC keyed with the salt, to be copied for each hash; null where it cannot be copied. */
    private static @Nullable Mac keyedMac(SecretKeySpec salt) {
        try {
            var mac = newMac(salt);
            mac.clone();
            return mac;
        } catch (java.security.GeneralSecurityException | CloneNotSupportedException e) {
            return null;
        }
    }

    private static Mac newMac(SecretKeySpec salt) throws java.security.GeneralSecurityException {
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(salt);
        return mac;
    }

    /**
     * A salted, truncated hash of an IP address: stable within a deployment, not reversible. Every
     * widget request hashes its caller's address; a copy of a MAC keyed once costs less than
     * looking one up and keying it again, which was 8 of the token check's 24 samples in the stream
     * ramp's profile (bench/results/chat-profile-streams-evening.txt).
     */
    String ipHash(String ip) {
        try {
            return HexFormat.of().formatHex(mac().doFinal(ip.getBytes(StandardCharsets.UTF_8)), 0, 8);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Mac mac() throws java.security.GeneralSecurityException {
        if (keyed != null) {
            try {
                return (Mac) keyed.clone();
            } catch (CloneNotSupportedException e) {
                // A provider whose MAC cannot be copied: keyed anew each time below.
            }
        }
        return newMac(salt);
    }

    void refused(String event, @Nullable String siteId, String ipHash, @Nullable String domain) {
        counters.computeIfAbsent(
                        event,
                        e -> Counter.builder("yuno.security.events")
                                .description("Refused widget authentications and token uses, by event")
                                .tag("event", e)
                                .register(meters))
                .increment();
        // logfmt in the message for plain-text logs; the same pairs as key-values for structured ones.
        log.atWarn()
                .setMessage("security_event event={} site_id={} ip_hash={} domain={}")
                .addArgument(event)
                .addArgument(safe(siteId))
                .addArgument(ipHash)
                .addArgument(safe(domain))
                .addKeyValue("event", event)
                .addKeyValue("site_id", safe(siteId))
                .addKeyValue("ip_hash", ipHash)
                .addKeyValue("domain", safe(domain))
                .log();
    }

    /** Client-supplied values go to the log only as short, printable text. */
    private static String safe(@Nullable String value) {
        if (value == null) {
            return "-";
        }
        var printable = value.replaceAll("[^\\x21-\\x7E]", "?");
        return printable.length() > 100 ? printable.substring(0, 100) + "..." : printable;
    }
}
