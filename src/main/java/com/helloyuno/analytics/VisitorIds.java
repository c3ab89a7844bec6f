package com.helloyuno.analytics;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * The visitor id sent to Mixpanel: HMAC-SHA256 of the site and session with a per-deployment
 * secret, in hex. It tells visitors apart without revealing their session id, and cannot be
 * reversed or recomputed without the secret. Not thread-safe: one per sending thread.
 */
final class VisitorIds {

    private final Mac mac;

    VisitorIds(@Nullable String salt) {
        byte[] key;
        if (salt == null || salt.isBlank()) {
            key = new byte[32];
            new SecureRandom().nextBytes(key);
        } else {
            key = salt.getBytes(StandardCharsets.UTF_8);
        }
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /** The id of a session's visitor; events without a session share one id per site. */
    String of(String siteId, @Nullable String sessionId) {
        var input = siteId + "\n" + (sessionId == null ? "" : sessionId);
        return HexFormat.of().formatHex(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
    }
}
