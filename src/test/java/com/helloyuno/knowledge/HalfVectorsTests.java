package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HalfVectorsTests {

    @Test
    void writesPgvectorTextThatReadsBackWithin5e9() {
        var random = new Random(42);
        var vector = new float[1536];
        for (int round = 0; round < 200; round++) {
            for (int i = 0; i < vector.length; i++) {
                // Normalized embeddings' components, and a few very small ones.
                vector[i] = (float) (random.nextGaussian() / Math.sqrt(vector.length) * (i % 97 == 0 ? 1e-4 : 1));
            }
            var text = HalfVectors.text(vector);
            assertThat(text).startsWith("[").endsWith("]").doesNotContain(" ", "E", "e");
            var parts = text.substring(1, text.length() - 1).split(",");
            assertThat(parts).hasSize(vector.length);
            for (int i = 0; i < vector.length; i++) {
                // As a decimal (a float of it would add its own rounding): within 5e-9 of the float.
                assertThat(Double.parseDouble(parts[i]))
                        .isCloseTo(vector[i], org.assertj.core.data.Offset.offset(5.0e-9));
            }
        }
    }

    @Test
    void theStoredHalfIsTheExactDecimalsSaveForRareMidpointsAndThenOneStepOff() {
        var random = new Random(7);
        var samples = 2_000_000;
        var differing = 0;
        for (int i = 0; i < samples; i++) {
            var value = (float) (random.nextGaussian() * 0.05);
            var written = Float.parseFloat(HalfVectors.text(new float[] {value}).replaceAll("[\\[\\]]", ""));
            var exact = Float.floatToFloat16(value);
            var ours = Float.floatToFloat16(written);
            if (exact != ours) {
                differing++;
                assertThat(Math.abs(exact - ours)).isEqualTo(1);
            }
        }
        assertThat((double) differing / samples).isLessThan(1e-3);
    }

    @Test
    void writesTheEdgesPlainly() {
        assertThat(HalfVectors.text(
                        new float[] {0f, -0f, 0.5f, -0.25f, 1f, -1f, 2.5f, 0.000000001f, 0.9999999f, -0.12345678f}))
                .isEqualTo("[0,0,0.5,-0.25,1.0,-1.0,2.5,0,0.99999988,-0.12345678]");
        assertThat(HalfVectors.text(new float[0])).isEqualTo("[]");
    }
}
