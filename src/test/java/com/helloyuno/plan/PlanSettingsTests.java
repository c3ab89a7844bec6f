package com.helloyuno.plan;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.ConfigDataApplicationContextInitializer;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The plan table as the application reads it from {@code application.yaml}. */
class PlanSettingsTests {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withInitializer(new ConfigDataApplicationContextInitializer())
            .withUserConfiguration(Config.class);

    @Test
    void defaultsAreTheContractsPlanTable() {
        runner.run(context -> {
            var plans = context.getBean(PlanSettings.class);
            assertThat(plans.limits(PlanType.FREE)).isEqualTo(new PlanLimits(30, 200, 500, 1_000));
            assertThat(plans.limits(PlanType.BASIC)).isEqualTo(new PlanLimits(60, 500, 2_000, 10_000));
            assertThat(plans.limits(PlanType.PRO)).isEqualTo(new PlanLimits(120, 1_000, 5_000, 50_000));
            assertThat(plans.limits(PlanType.ENTERPRISE)).isEqualTo(new PlanLimits(300, 2_500, 15_000, 200_000));
            assertThat(plans.session()).isEqualTo(new PlanSettings.SessionLimits(20, 300));
        });
    }

    @Test
    void oneLimitCanBeChangedThroughConfiguration() {
        runner.withPropertyValues("yuno.plans.limits.free.minute=3").run(context -> {
            var plans = context.getBean(PlanSettings.class);
            assertThat(plans.limits(PlanType.FREE)).isEqualTo(new PlanLimits(3, 200, 500, 1_000));
        });
    }

    @Test
    void refusesANonPositiveLimit() {
        runner.withPropertyValues("yuno.plans.limits.pro.hour=0")
                .run(context -> assertThat(context).hasFailed());
    }

    @Test
    void wireNamesAreLowerCase() {
        assertThat(PlanType.fromWireName("enterprise")).isEqualTo(PlanType.ENTERPRISE);
        assertThat(PlanType.fromWireName("ENTERPRISE")).isNull();
        assertThat(PlanType.PRO.wireName()).isEqualTo("pro");
    }

    @EnableConfigurationProperties(PlanSettings.class)
    static class Config {}
}
