package com.helloyuno.widget;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.plan.PlanType;
import com.helloyuno.site.CustomConfig;
import com.helloyuno.site.Site;
import com.helloyuno.site.Theme;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WidgetCallerTests {

    @Test
    void thePrincipalsNameSaysWhoWithoutTheVisitorOrTheSitesSettings() {
        var site = new Site(
                "abcdefgh12345678",
                "shop.example",
                List.of("other.example"),
                false,
                "owner-user-1",
                PlanType.FREE,
                true,
                true,
                Theme.DARK,
                CustomConfig.DEFAULTS,
                true,
                null,
                Instant.EPOCH,
                Instant.EPOCH);
        var caller = new WidgetCaller(site, "shop.example", "visitor-42", "token-id-7", "iphash-0f0f");

        assertThat(caller.toString())
                .isEqualTo("widget visitor of abcdefgh12345678")
                .doesNotContain("visitor-42", "iphash-0f0f", "token-id-7", "owner-user-1", "other.example");
    }
}
