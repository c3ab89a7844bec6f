package com.helloyuno.site;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Owner keys: {@code ysk_} and 40 random base62 characters (about 238 bits). Only their SHA-256
 * is stored: the keys are random enough that a fast hash is safe, and a lookup by hash needs no
 * scan of all sites.
 */
final class OwnerKeys {

    static final String PREFIX = "ysk_";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final int LENGTH = 40;

    private final SecureRandom random = new SecureRandom();

    String generate() {
        return PREFIX + randomString(LENGTH);
    }

    String randomString(int length) {
        var out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return out.toString();
    }

    static boolean looksLikeOwnerKey(String key) {
        return key.startsWith(PREFIX) && key.length() == PREFIX.length() + LENGTH;
    }

    static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** SHA-256 of a text's UTF-8 bytes: owner keys' stored form, and the secrets key's AES key. */
    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
