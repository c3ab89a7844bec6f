package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import com.helloyuno.testsupport.TcpProxy;
import com.helloyuno.testsupport.TestServices;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL goes away while the common words are refreshed in the background: the refresh's
 * transaction cannot begin (a TransactionException, not a DataAccessException), and the refresh
 * says so and keeps the words it has instead of ending its thread with an uncaught exception (which
 * failed AskDuringOutageIntegrationTests once, when a refresh fell due during its outage).
 */
@SpringBootTest(
        properties = {
            "spring.datasource.hikari.connection-timeout=500",
            "spring.datasource.hikari.validation-timeout=250"
        })
class CommonWordsDuringOutageIntegrationTests {

    static final TcpProxy postgres = TestServices.postgresProxy();

    @Autowired
    CommonWords commonWords;

    @DynamicPropertySource
    static void throughTheProxy(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", () -> TestServices.databaseUrlThrough(postgres));
    }

    @AfterAll
    static void closeProxy() {
        postgres.close();
    }

    @Test
    void aRefreshDuringAnOutageFailsQuietlyAndTheNextOneWorks() {
        assertThat(commonWords.refresh()).isNotNegative();

        postgres.cut();
        try {
            assertThat(commonWords.refresh()).isEqualTo(-1);
        } finally {
            postgres.restore();
        }
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(20))
                .until(() -> commonWords.refresh() >= 0);
    }
}
