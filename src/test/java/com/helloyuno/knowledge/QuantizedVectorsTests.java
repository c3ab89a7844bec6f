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

    @Test
    void aQuestionTableScoresBitsByTheSumOfTheQuestionsComponentsWhereABitIsSet() {
        var random = new Random(13);
        for (int round = 0; round < 50; round++) {
            var question = vector(random);
            var bits = new long[2 * QuantizedVectors.WORDS];
            for (int w = 0; w < bits.length; w++) {
                bits[w] = random.nextLong();
            }
            var table = new QuantizedVectors.QuestionTable(question);
            // The second row: its score reads its own 24 words, not the first row's.
            double expected = 0;
            for (int d = 0; d < DIMENSIONS; d++) {
                var word = bits[QuantizedVectors.WORDS + d / Long.SIZE];
                if ((word >>> (Long.SIZE - 1 - d % Long.SIZE) & 1) != 0) {
                    expected += question[d];
                }
            }
            assertThat((double) table.score(bits, QuantizedVectors.WORDS))
                    .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-3));
        }
        // A vector shorter than the bits counts its missing components as 0.
        var all = new long[QuantizedVectors.WORDS];
        java.util.Arrays.fill(all, -1L);
        assertThat(new QuantizedVectors.QuestionTable(new float[] {1, 2, 3}).score(all, 0))
                .isEqualTo(6f);
    }

    @Test
    void theQuestionsOwnVectorFindsTheExactNearestAmongFarFewerSurvivorsThanHammingDistance() {
        var random = new Random(17);
        int hammingFound = 0;
        int asymmetricFound = 0;
        int wanted = 0;
        for (int round = 0; round < 40; round++) {
            var n = 2_000 + random.nextInt(2_000);
            var site = siteOfVectors(random, n);
            // A question near one of the site's chunks, as a question in its words is.
            var question = site.vectors()[random.nextInt(n)].clone();
            for (int d = 0; d < DIMENSIONS; d++) {
                question[d] += (float) (random.nextGaussian() * 0.8);
            }
            var truth = exactNearest(site, question, 5);

            var asymmetric = site.bits().nearest(question, 200, 50);
            var hamming = site.bits().nearest(QuantizedVectors.bits(question), 50);

            assertThat(asymmetric).hasSize(50).doesNotHaveDuplicates();
            assertThat(site.bits().nearest(QuantizedVectors.bits(question), 200))
                    .containsAll(asymmetric);
            wanted += truth.size();
            asymmetricFound += (int) truth.stream().filter(asymmetric::contains).count();
            hammingFound += (int) truth.stream().filter(hamming::contains).count();
        }
        // These sites' chunks crowd around a few topics, so the true top 5 after the first are
        // nearly tied: 168 of 200 found at depth 50, against 150 by Hamming distance alone at the
        // same depth and 191 among all 200 Hamming survivors.
        assertThat((double) asymmetricFound / wanted).isGreaterThanOrEqualTo(0.8);
        assertThat((double) asymmetricFound).isGreaterThan(hammingFound * 1.1);
    }

    @Test
    void theExactDepthComesBestScoredFirst() {
        var random = new Random(23);
        for (int round = 0; round < 20; round++) {
            var site = siteOfVectors(random, 500 + random.nextInt(1_000));
            var question = vector(random);
            var table = new QuantizedVectors.QuestionTable(question);
            var rowOf = new java.util.HashMap<Long, Integer>();
            for (int i = 0; i < site.bits().ids().length; i++) {
                rowOf.put(site.bits().ids()[i], i);
            }

            var found = site.bits().nearest(question, 200, 50);

            var scores = found.stream()
                    .map(id -> table.score(site.bits().bits(), rowOf.get(id) * QuantizedVectors.WORDS))
                    .toList();
            assertThat(scores).isSortedAccordingTo(Comparator.reverseOrder());
            // And no survivor left out scores higher than the last one taken.
            var taken = new HashSet<>(found);
            for (var id : site.bits().nearest(QuantizedVectors.bits(question), 200)) {
                if (!taken.contains(id)) {
                    assertThat(table.score(site.bits().bits(), rowOf.get(id) * QuantizedVectors.WORDS))
                            .isLessThanOrEqualTo(scores.getLast());
                }
            }
        }
    }

    @Test
    void aSiteWithNoMoreChunksThanTheExactDepthIsReturnedWhole() {
        var random = new Random(19);
        var site = site(random, 30);
        var found = site.nearest(vector(random), 200, 50);
        assertThat(found)
                .containsExactlyInAnyOrder(
                        java.util.Arrays.stream(site.ids()).boxed().toArray(Long[]::new));
        // Between the two depths: the exact depth, from the Hamming survivors.
        var larger = site(random, 120);
        var question = vector(random);
        assertThat(larger.nearest(question, 200, 50)).hasSize(50).doesNotHaveDuplicates();
        assertThat(larger.nearest(question, 100, 50)).isSubsetOf(larger.nearest(QuantizedVectors.bits(question), 100));
    }

    private record SiteOfVectors(QuantizedVectors.SiteBits bits, float[][] vectors) {}

    /** Chunks around a few topics of one site, as the benchmark's are: many near each other. */
    private static SiteOfVectors siteOfVectors(Random random, int n) {
        var topics = new float[8][];
        for (int t = 0; t < topics.length; t++) {
            topics[t] = vector(random);
        }
        var ids = new long[n];
        var bits = new long[n * QuantizedVectors.WORDS];
        var vectors = new float[n][];
        for (int i = 0; i < n; i++) {
            ids[i] = 10_000L + i;
            var topic = topics[random.nextInt(topics.length)];
            var vector = new float[DIMENSIONS];
            for (int d = 0; d < DIMENSIONS; d++) {
                vector[d] = topic[d] + (float) random.nextGaussian();
            }
            vectors[i] = vector;
            System.arraycopy(
                    QuantizedVectors.bits(vector), 0, bits, i * QuantizedVectors.WORDS, QuantizedVectors.WORDS);
        }
        return new SiteOfVectors(new QuantizedVectors.SiteBits(1, "m", ids, bits), vectors);
    }

    private static List<Long> exactNearest(SiteOfVectors site, float[] question, int k) {
        var order = new ArrayList<Integer>();
        var similarity = new double[site.vectors().length];
        for (int i = 0; i < similarity.length; i++) {
            similarity[i] = cosine(site.vectors()[i], question);
            order.add(i);
        }
        order.sort((a, b) -> Double.compare(similarity[b], similarity[a]));
        return order.subList(0, k).stream().map(i -> site.bits().ids()[i]).toList();
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    private static float[] vector(Random random) {
        var vector = new float[DIMENSIONS];
        for (int i = 0; i < DIMENSIONS; i++) {
            vector[i] = (float) random.nextGaussian();
        }
        return vector;
    }
}
