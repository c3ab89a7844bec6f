package com.helloyuno.knowledge;

/**
 * Vectors as pgvector {@code halfvec} text, written by hand, for the chunks' stored vectors (a
 * search sends its question's vector as a binary {@code float4[]} instead: {@link Chunks#QUANTIZED_SCAN}).
 *
 * <p>pgvector-java's {@code PGvector} writes its text with {@code Arrays.toString} (the shortest
 * exact decimal of every float, then a copy to drop the spaces): 38 % of an ingesting thread's CPU
 * in the knowledge benchmark's profile, for 1,536 numbers per chunk that the column keeps in 16
 * bits each anyway. Here each component below 1 in magnitude (an embedding's, always) is written
 * in fixed point to 8 decimals: 5e-9 at most from the float, a twelfth of the smallest step of a
 * {@code halfvec} (6e-8), so a stored value differs from the exact decimal's only where the float
 * lies that close to the midpoint of two {@code halfvec} values, and then by that one step (the
 * tests count it). Anything else (never seen from a provider) is written as Java writes it.
 */
final class HalfVectors {

    private static final double SCALE = 1e8;
    private static final int DECIMALS = 8;

    private HalfVectors() {}

    /** pgvector's text form, {@code [0.1,-0.02,...]}. */
    static String text(float[] vector) {
        var out = new StringBuilder(vector.length * 12 + 2).append('[');
        var digits = new char[DECIMALS];
        for (int i = 0; i < vector.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            var value = vector[i];
            if (!(Math.abs(value) < 1f)) {
                out.append(value); // 1 and more, infinities and NaN (which the server refuses)
                continue;
            }
            var scaled = Math.round(Math.abs((double) value) * SCALE);
            if (scaled == 0) {
                out.append('0');
                continue;
            }
            if (scaled >= (long) SCALE) {
                out.append(value < 0 ? "-1" : "1");
                continue;
            }
            if (value < 0) {
                out.append('-');
            }
            var n = (int) scaled;
            var length = DECIMALS;
            while (n % 10 == 0) {
                n /= 10;
                length--;
            }
            for (int d = length - 1; d >= 0; d--) {
                digits[d] = (char) ('0' + n % 10);
                n /= 10;
            }
            out.append("0.").append(digits, 0, length);
        }
        return out.append(']').toString();
    }
}
