package com.helloyuno.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Yuno-Signature} header: {@code t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">}
 * under the site's webhook secret, as Stripe signs its webhooks. The timestamp is signed too, so a
 * receiver that refuses old timestamps refuses replayed requests.
 */
final class Signature {

    static final String HEADER = "Yuno-Signature";

    private Signature() {}

    static String header(String secret, long unixSeconds, byte[] body) {
        return "t=" + unixSeconds + ",v1=" + hmac(secret, unixSeconds, body);
    }

    static String hmac(String secret, long unixSeconds, byte[] body) {
        try {
            var mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((unixSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }

    /**
     * The receiver's check, as the README shows it: the header's {@code v1} matches the body and
     * its {@code t} is at most {@code toleranceSeconds} from {@code nowSeconds}.
     */
    static boolean verify(String secret, String header, byte[] body, long nowSeconds, long toleranceSeconds) {
        long t = -1;
        String v1 = null;
        for (var part : header.split(",")) {
            var kv = part.strip().split("=", 2);
            if (kv.length != 2) {
                continue;
            }
            if (kv[0].equals("t")) {
                try {
                    t = Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    return false;
                }
            } else if (kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t < 0 || v1 == null || Math.abs(nowSeconds - t) > toleranceSeconds) {
            return false;
        }
        return MessageDigest.isEqual(
                hmac(secret, t, body).getBytes(StandardCharsets.US_ASCII), v1.getBytes(StandardCharsets.US_ASCII));
    }
}
