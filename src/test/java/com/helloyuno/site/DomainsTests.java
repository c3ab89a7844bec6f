package com.helloyuno.site;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DomainsTests {

    @ParameterizedTest
    @CsvSource({
        "example.com, example.com",
        "EXAMPLE.com., example.com",
        "https://Shop.Example.COM:443/pricing?x=1#top, shop.example.com",
        "http://user:pw@example.com/, example.com",
        "  example.com  , example.com",
        "bücher.de, xn--bcher-kva.de",
        "xn--bcher-kva.de, xn--bcher-kva.de",
        "localhost, localhost",
        "my-site.co.uk, my-site.co.uk"
    })
    void normalisesWhatTheContractTolerates(String input, String expected) {
        assertThat(Domains.normalize(input)).contains(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "example",
                "exa mple.com",
                "-example.com",
                "example-.com",
                "ex_ample.com",
                "127.0.0.1",
                "[::1]",
                "example.com:abc",
                "example..com",
                "http://",
                "example.123",
                "<script>.com"
            })
    void refusesWhatIsNotAHostName(String input) {
        assertThat(Domains.normalize(input)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({
        "example.com, example.com, false, true",
        "shop.example.com, example.com, false, false",
        "shop.example.com, example.com, true, true",
        "a.b.example.com, example.com, true, true",
        "badexample.com, example.com, true, false",
        "example.com.evil.net, example.com, true, false"
    })
    void matchesSubdomainsOnlyAtALabelBoundary(String host, String domain, boolean subdomains, boolean expected) {
        assertThat(Domains.matches(host, domain, subdomains)).isEqualTo(expected);
    }
}
