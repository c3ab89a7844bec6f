package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.YunoApplication;
import com.helloyuno.testsupport.TestServices;
import java.util.ArrayList;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.jdbc.core.simple.JdbcClient;

/** A crawl left running by an instance that died is failed when an instance starts. */
class CrawlRecoveryIntegrationTests {

    @Test
    void aJobLeftRunningByADeadInstanceIsFailedAtStartUp() throws Exception {
        var job = UUID.randomUUID();
        var site = UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        var args = new ArrayList<String>();
        TestServices.properties().forEach((k, v) -> args.add("--" + k + "=" + v));
        // Only the start-up poll may see the job: the next one is an hour away.
        args.add("--yuno.knowledge.crawler.poll-interval=1h");
        args.add("--yuno.llm.openai-api-key=");
        args.add("--server.port=0");
        var application = new SpringApplicationBuilder(YunoApplication.class);

        // A first start migrates the database; the dead instance's job is then left behind.
        try (var context = application.run(args.toArray(String[]::new))) {
            var jdbc = context.getBean(JdbcClient.class);
            jdbc.sql("INSERT INTO sites (site_id, domain) VALUES (?, 'example.com')")
                    .param(site)
                    .update();
            jdbc.sql("""
                            INSERT INTO crawl_jobs (id, site_id, url, max_pages, status, owner, heartbeat_at, started_at)
                            VALUES (?, ?, 'https://example.com/', 10, 'running', 'crashed-host:1/x',
                                    now() - interval '10 minutes', now() - interval '10 minutes')""").params(job, site).update();
        }

        try (var context = new SpringApplicationBuilder(YunoApplication.class).run(args.toArray(String[]::new))) {
            var jdbc = context.getBean(JdbcClient.class);
            var deadline = System.nanoTime() + 10_000_000_000L;
            String status;
            do {
                Thread.sleep(100);
                status = jdbc.sql("SELECT status FROM crawl_jobs WHERE id = ?")
                        .param(job)
                        .query(String.class)
                        .single();
            } while (!status.equals("failed") && System.nanoTime() < deadline);
            assertThat(status).isEqualTo("failed");
            assertThat(jdbc.sql("SELECT errors::text FROM crawl_jobs WHERE id = ?")
                            .param(job)
                            .query(String.class)
                            .single())
                    .contains("stopped before it finished");
        }
    }
}
