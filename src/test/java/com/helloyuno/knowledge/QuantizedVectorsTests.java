package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizedVectorsTests {

    private static final int DIMENSIONS = 1536;

    @Test
    void bitsAreTheSameBitStringAsPgvectorsBinaryQuantize() {
        var random = new Random(7);
        for (int round = 0; round < 20; round++) {
            var vector = vector(random);
            var words = QuantizedVectors.bits(vector);
            // Chunks.bits is pgvector's binary_quantize as a bit string: character i is dimension i.
            var string = Chunks.bits(vector);
            var fromWords = new StringBuilder();
            for (var word : words) {
                var binary = Long.toBinaryString(word);
                fromWords.append("0".repeat(Long.SIZE - binary.length())).append(binary);
            }
            assertThat(fromWords.toString()).isEqualTo(string);
        }
        assertThat(QuantizedVectors.bits(new float[DIMENSIONS])).containsOnly(0L);
    }

    @Test
    void nearestAreTheClosestByHammingDistanceWhateverTheOrderOfTheRows() {
        var random = new Random(11);
        for (int round = 0; round < 30; round++) {
            var n = 1 + random.nextInt(3_000);
            var site = site(random, n);
            var query = QuantizedVectors.bits(vector(random));
            var count = 1 + random.nextInt(400);

            var found = site.nearest(query, count);

            var distances = new ArrayList<long[]>();
            for (int i = 0; i < n; i++) {
                distances.add(new long[] {hamming(site, i, query), site.ids()[i]});
            }
            distances.sort(Comparator.comparingLong(d -> d[0]));
            var expected = Math.min(n, count);
            assertThat(found).hasSize(expected).doesNotHaveDuplicates();
            // Every one found is at least as near as every one left out (ties may go either way).
            var worstFound = found.stream()
                    .mapToLong(id -> distanceOf(distances, id))
                    .max()
                    .orElseThrow();
            var foundSet = new HashSet<>(found);
            for (var d : distances) {
                if (!foundSet.contains(d[1])) {
                    assertThat(d[0]).isGreaterThanOrEqualTo(worstFound);
                }
            }
            assertThat(worstFound).isEqualTo(distances.get(expected - 1)[0]);
        }
    }

    @Test
    void tiesAtTheCutFillTheCountExactly() {
        // Ten chunks at distance 0, ten at distance 1: asking for fifteen takes all ten nearest and five of the rest.
        var ids = new long[20];
        var bits = new long[20 * QuantizedVectors.WORDS];
        for (int i = 0; i < 20; i++) {
            ids[i] = 100 + i;
            if (i >= 10) {
                bits[i * QuantizedVectors.WORDS] = 1L;
            }
        }
        var site = new QuantizedVectors.SiteBits(1, "m", ids, bits);

        var found = site.nearest(new long[QuantizedVectors.WORDS], 15);

        assertThat(found).hasSize(15).containsAll(List.of(100L, 101L, 102L, 103L, 104L, 105L, 106L, 107L, 108L, 109L));
        assertThat(site.nearest(new long[QuantizedVectors.WORDS], 25)).hasSize(20);
    }

    private static long distanceOf(List<long[]> distances, long id) {
        return distances.stream().filter(d -> d[1] == id).findFirst().orElseThrow()[0];
    }

    private static long hamming(QuantizedVectors.SiteBits site, int row, long[] query) {
        long d = 0;
        for (int w = 0; w < QuantizedVectors.WORDS; w++) {
            d += Long.bitCount(site.bits()[row * QuantizedVectors.WORDS + w] ^ query[w]);
        }
        return d;
    }

    private static QuantizedVectors.SiteBits site(Random random, int n) {
        var ids = new long[n];
        var bits = new long[n * QuantizedVectors.WORDS];
        var base = vector(random);
        var order = new ArrayList<Long>();
        for (long i = 0; i < n; i++) {
            order.add(1_000_000L + 3 * i);
        }
        java.util.Collections.shuffle(order, random);
        for (int i = 0; i < n; i++) {
            ids[i] = order.get(i); // not in any order
            // Vectors near a common one, as a site's chunks are: many equal distances.
            var vector = base.clone();
            for (int flip = random.nextInt(200); flip > 0; flip--) {
                var at = random.nextInt(DIMENSIONS);
                vector[at] = -vector[at];
            }
            System.arraycopy(
                    QuantizedVectors.bits(vector), 0, bits, i * QuantizedVectors.WORDS, QuantizedVectors.WORDS);
        }
        return new QuantizedVectors.SiteBits(1, "m", ids, bits);
    }

    private static float[] vector(Random random) {
        var vector = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            vector[i] = (float) random.nextGaussian();
        }
        return vector;
    }
}
