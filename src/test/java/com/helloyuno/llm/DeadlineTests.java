package com.helloyuno.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DeadlineTests {

    @Test
    void aDeadlineInThePastHasExpiredWithNothingLeft() {
        var past = new Deadline(System.nanoTime() - 1_000_000);

        assertThat(past.expired()).isTrue();
        assertThat(past.remainingNanos()).isZero();
        assertThat(past.remaining()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aDeadlineAheadHasNotExpiredAndHasTimeLeft() {
        var deadline = Deadline.after(Duration.ofMinutes(1));

        assertThat(deadline.expired()).isFalse();
        assertThat(deadline.remaining())
                .isGreaterThan(Duration.ofSeconds(50))
                .isLessThanOrEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void cappingKeepsTheEarlierOfTheTwo() {
        var deadline = Deadline.after(Duration.ofMinutes(1));

        assertThat(deadline.capped(Duration.ofMinutes(5))).isSameAs(deadline);
        assertThat(deadline.capped(Duration.ofSeconds(1)).remaining()).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }
}
