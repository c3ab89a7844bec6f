package com.helloyuno.analytics;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.analytics.AnalyticsEvent.AnswerGiven;
import com.helloyuno.analytics.AnalyticsEvent.ErrorOccurred;
import com.helloyuno.analytics.AnalyticsEvent.QuestionAsked;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Events cannot carry free text. */
class AnalyticsEventTests {

    /** The only strings an event may hold, each checked against a pattern on the way in. */
    private static final Set<String> CHECKED_STRINGS = Set.of("siteId", "sessionId", "code");

    @Test
    void everyEventIsMadeOfTypedFieldsAndCheckedStrings() {
        for (var type : AnalyticsEvent.class.getPermittedSubclasses()) {
            assertThat(type.isRecord()).as(type.getSimpleName()).isTrue();
            for (var component : type.getRecordComponents()) {
                var kind = component.getType();
                var typed = kind.isPrimitive() || kind.isEnum() || kind == Double.class;
                var checked = kind == String.class && CHECKED_STRINGS.contains(component.getName());
                assertThat(typed || checked)
                        .as(type.getSimpleName() + "." + component.getName() + " must not carry free text")
                        .isTrue();
            }
        }
        assertThat(Arrays.stream(AnalyticsEvent.class.getPermittedSubclasses()).map(Class::getSimpleName))
                .containsExactlyInAnyOrder(
                        "Authenticated",
                        "QuestionAsked",
                        "AnswerGiven",
                        "LeadCaptured",
                        "RateLimited",
                        "ErrorOccurred",
                        "LeadDelivered",
                        "LeadDeliveryFailed");
    }

    @Test
    void stringsOfTheWrongShapeAreReplaced() {
        var question = new QuestionAsked("jane@example.com", "my email is jane@example.com", 1, false);
        assertThat(question.siteId()).isEqualTo("unknown");
        assertThat(question.sessionId()).isNull();

        var error = new ErrorOccurred("a1B2c3D4e5F6g7H8", "ok-session", "Call me at +1 415 555 2671", 500);
        assertThat(error.code()).isEqualTo("other");
        assertThat(error.sessionId()).isEqualTo("ok-session");
    }

    @Test
    void confidenceIsBetweenZeroAndOne() {
        assertThat(answer(1.7).confidence()).isEqualTo(1.0);
        assertThat(answer(-1.0).confidence()).isEqualTo(0.0);
        assertThat(answer(Double.NaN).confidence()).isNull();
        assertThat(answer(Double.NaN).properties()).doesNotContainKey("confidence");
    }

    private static AnswerGiven answer(double confidence) {
        return new AnswerGiven("a1B2c3D4e5F6g7H8", "s", 10, 5, 1, 1, confidence, 0, false, true);
    }
}
