package com.helloyuno.platform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A SHA-256 digest as a map key: four longs, so that a cache keyed by what visitors send (a token,
 * a question) keeps none of its text in the heap, and compares in four steps.
 */
public record DigestKey(long a, long b, long c, long d) {

    /**
     * The SHA-256 of the parts, each preceded by its length in UTF-8 bytes, so that no two
     * different lists of the same number of parts give the same key ("ab", "c" and "a", "bc"
     * differ). A cache calls it with one number of parts, always.
     */
    public static DigestKey of(String... parts) {
        try {
            var sha = MessageDigest.getInstance("SHA-256");
            for (var part : parts) {
                var bytes = part.getBytes(StandardCharsets.UTF_8);
                sha.update(
                        ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
                sha.update(bytes);
            }
            var digest = ByteBuffer.wrap(sha.digest());
            return new DigestKey(digest.getLong(), digest.getLong(), digest.getLong(), digest.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }
}
