package com.helloyuno.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.YunoApplication;
import com.helloyuno.testsupport.TestServices;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * With {@code yuno.sites.demo} on, an instance that starts on an empty database makes one demo
 * site for {@code localhost}, gives it the guides, and logs its id; the next start makes no other.
 */
@ExtendWith(OutputCaptureExtension.class)
class DemoSiteIntegrationTests {

    @Test
    void anEmptyDatabaseGetsOneDemoSiteWithItsGuides(CapturedOutput output) throws Exception {
        var admin = JdbcClient.create(new DriverManagerDataSource(
                TestServices.databaseUrl(), TestServices.databaseUsername(), TestServices.databasePassword()));
        var database =
                "yuno_demo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        admin.sql("CREATE DATABASE " + database).update();
        try {
            var url = TestServices.databaseUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
            var args = new ArrayList<String>();
            TestServices.properties().forEach((k, v) -> args.add("--" + k + "=" + v));
            args.add("--spring.datasource.url=" + url);
            args.add("--server.port=0");
            args.add("--yuno.sites.demo=true");
            args.add("--yuno.llm.openai-api-key=");

            String siteId;
            try (var context = new SpringApplicationBuilder(YunoApplication.class).run(args.toArray(String[]::new))) {
                var jdbc = context.getBean(JdbcClient.class);
                siteId = jdbc.sql("SELECT site_id FROM sites WHERE domain = 'localhost'")
                        .query(String.class)
                        .single();
                assertThat(jdbc.sql("SELECT count(*) FROM sites")
                                .query(Long.class)
                                .single())
                        .isEqualTo(1);
                assertThat(jdbc.sql("SELECT title FROM documents WHERE site_id = ? ORDER BY title")
                                .param(siteId)
                                .query(String.class)
                                .list())
                        .containsExactly(
                                "Adding the Yuno widget to your website",
                                "Plans, limits and leads",
                                "Teaching the assistant about your website");
            }
            assertThat(output).contains("Demo: created site " + siteId + " for localhost");

            // A second start finds the site and makes no other.
            try (var context = new SpringApplicationBuilder(YunoApplication.class).run(args.toArray(String[]::new))) {
                var jdbc = context.getBean(JdbcClient.class);
                assertThat(jdbc.sql("SELECT count(*) FROM sites")
                                .query(Long.class)
                                .single())
                        .isEqualTo(1);
            }
            assertThat(output).contains("Demo: site " + siteId + " (localhost) is ready");
        } finally {
            com.helloyuno.testsupport.DatabaseDrops.drop(
                    () -> admin.sql("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)")
                            .update());
        }
    }
}
