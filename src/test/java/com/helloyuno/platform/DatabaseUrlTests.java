package com.helloyuno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The DATABASE_URL forms platforms hand out, read as the JDBC URL and credentials. */
class DatabaseUrlTests {

    @Test
    void aHerokuOrRenderUrlBecomesJdbcWithItsCredentials() {
        var url = DatabaseUrl.fromPlatform("postgres://u1:p%40ss+w%3Ard@db.example.com:6543/yuno_prod?sslmode=require")
                .orElseThrow();
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example.com:6543/yuno_prod?sslmode=require");
        assertThat(url.username()).isEqualTo("u1");
        assertThat(url.password()).isEqualTo("p@ss+w:rd");
        assertThat(url.toString()).doesNotContain("p@ss");
    }

    @Test
    void postgresqlSchemeDefaultPortAndNoPassword() {
        var url = DatabaseUrl.fromPlatform("postgresql://yuno@localhost/yuno").orElseThrow();
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/yuno");
        assertThat(url.username()).isEqualTo("yuno");
        assertThat(url.password()).isNull();
    }

    @Test
    void aJdbcUrlIsLeftAsItIs() {
        assertThat(DatabaseUrl.fromPlatform("jdbc:postgresql://127.0.0.1:5432/yuno"))
                .isEmpty();
        assertThat(DatabaseUrl.fromPlatform(null)).isEmpty();
    }

    @Test
    void aUrlWithoutADatabaseIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> DatabaseUrl.fromPlatform("postgres://u:secret@db.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("secret");
    }
}
