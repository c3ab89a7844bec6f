package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The crawler's checks before it connects anywhere; no test here opens a connection. */
class UrlGuardTests {

    private final UrlGuard guard = new UrlGuard(false, address -> false);
    private final AllowedHosts everyTestHost = new AllowedHosts(
            Set.of(
                    "127.0.0.1",
                    "10.0.0.1",
                    "169.254.169.254",
                    "localhost",
                    "0.0.0.0",
                    "::1",
                    "fd00:ec2::254",
                    "192.168.1.1",
                    "172.16.0.1",
                    "100.64.0.1",
                    "224.0.0.1",
                    "93.184.216.34",
                    "fe80::1"),
            false);

    @Test
    void refusesLoopbackPrivateLinkLocalMetadataAndUnspecifiedAddresses() {
        for (var url : new String[] {
            "http://127.0.0.1/",
            "http://localhost:8080/",
            "http://10.0.0.1/",
            "http://192.168.1.1/",
            "http://172.16.0.1/",
            "http://100.64.0.1/",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fd00:ec2::254]/",
            "http://[::1]/",
            "http://[fe80::1]/",
            "http://0.0.0.0/",
            "http://224.0.0.1/"
        }) {
            assertThatThrownBy(() -> guard.check(URI.create(url), everyTestHost))
                    .as(url)
                    .isInstanceOf(KnowledgeErrors.AddressNotAllowed.class);
        }
    }

    @Test
    void acceptsAPublicAddress() {
        assertThatCode(() -> guard.check(URI.create("https://93.184.216.34/page"), everyTestHost))
                .doesNotThrowAnyException();
    }

    @Test
    void refusesSchemesOtherThanHttp() {
        for (var url :
                new String[] {"file:///etc/passwd", "ftp://example.com/", "gopher://example.com/", "data:text/plain,x"
                }) {
            assertThatThrownBy(() -> guard.check(URI.create(url), everyTestHost))
                    .as(url)
                    .isInstanceOf(KnowledgeErrors.UrlSchemeNotAllowed.class);
        }
        assertThatThrownBy(() -> UrlGuard.parse("file:///etc/passwd"))
                .isInstanceOf(KnowledgeErrors.UrlSchemeNotAllowed.class);
        assertThatThrownBy(() -> UrlGuard.parse("http://user:pw@example.com/"))
                .isInstanceOf(KnowledgeErrors.UrlInvalid.class);
        assertThatThrownBy(() -> UrlGuard.parse("not a url")).isInstanceOf(KnowledgeErrors.UrlInvalid.class);
    }

    @Test
    void refusesHostsOutsideTheSiteBeforeResolvingThem() {
        var site = new AllowedHosts(Set.of("example.com"), true);

        assertThatThrownBy(() -> guard.check(URI.create("https://evil.example.net/"), site))
                .isInstanceOf(KnowledgeErrors.UrlOutsideSite.class);
        assertThatThrownBy(() -> guard.check(URI.create("https://badexample.com/"), site))
                .isInstanceOf(KnowledgeErrors.UrlOutsideSite.class);
        assertThatThrownBy(() -> guard.check(URI.create("https://example.com.evil.net/"), site))
                .isInstanceOf(KnowledgeErrors.UrlOutsideSite.class);
    }

    @Test
    void subdomainsAreAllowedOnlyWhenTheSiteSaysSoAtALabelBoundary() {
        var withSubdomains = new AllowedHosts(Set.of("Example.COM."), true);
        var without = new AllowedHosts(Set.of("example.com"), false);

        assertThat(withSubdomains.permits("shop.example.com")).isTrue();
        assertThat(withSubdomains.permits("EXAMPLE.com.")).isTrue();
        assertThat(withSubdomains.permits("badexample.com")).isFalse();
        assertThat(without.permits("shop.example.com")).isFalse();
        assertThat(without.permits("example.com")).isTrue();
        assertThat(new AllowedHosts(Set.of("bücher.de"), false).permits("xn--bcher-kva.de"))
                .isTrue();
    }

    @Test
    void theTestFlagAllowsPrivateAddressesButNeverMetadata() throws Exception {
        var permissive = new UrlGuard(true, address -> false);

        assertThat(permissive.allowed(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(permissive.allowed(InetAddress.getByName("10.0.0.1"))).isTrue();
        assertThat(permissive.allowed(InetAddress.getByName("169.254.169.254"))).isFalse();
        assertThat(permissive.allowed(InetAddress.getByName("fd00:ec2::254"))).isFalse();
    }

    @Test
    void embeddedIpv4AddressesAreCheckedToo() throws Exception {
        assertThat(UrlGuard.isPublic(InetAddress.getByName("::ffff:10.0.0.1"))).isFalse();
        assertThat(UrlGuard.isPublic(InetAddress.getByName("2002:0a00:0001::"))).isFalse();
        assertThat(UrlGuard.isPublic(InetAddress.getByName("64:ff9b::7f00:1"))).isFalse();
        assertThat(UrlGuard.isPublic(InetAddress.getByName("2606:4700::1111"))).isTrue();
    }
}
