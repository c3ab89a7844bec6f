package com.helloyuno.knowledge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.helloyuno.net.AddressGuard;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        assertThat(AddressGuard.isPublic(InetAddress.getByName("::ffff:10.0.0.1")))
                .isFalse();
        assertThat(AddressGuard.isPublic(InetAddress.getByName("2002:0a00:0001::")))
                .isFalse();
        assertThat(AddressGuard.isPublic(InetAddress.getByName("64:ff9b::7f00:1")))
                .isFalse();
        assertThat(AddressGuard.isPublic(InetAddress.getByName("2606:4700::1111")))
                .isTrue();
    }
    /**
     * The IPv4 ranges the crawler must not reach (IANA special-purpose registry), written here as
     * CIDR blocks independently of the code under test.
     */
    static final List<String> NOT_PUBLIC_V4 = List.of(
            "0.0.0.0/8",
            "10.0.0.0/8",
            "100.64.0.0/10",
            "127.0.0.0/8",
            "169.254.0.0/16",
            "172.16.0.0/12",
            "192.0.0.0/24",
            "192.0.2.0/24",
            "192.168.0.0/16",
            "198.18.0.0/15",
            "198.51.100.0/24",
            "203.0.113.0/24",
            "224.0.0.0/3");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "fd12:3456::1",
                "fc00::1",
                "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                "2001:db8::1",
                "2001:db8:ffff::1",
                "::a00:1",
                "::c0a8:101",
                "::a9fe:a9fe",
                "2002:c0a8:0101::1",
                "64:ff9b::a00:1",
                "64:ff9b::c612:1"
            })
    void refusesPrivateAndDocumentationIpv6AndIpv6CarryingAPrivateIpv4(String address) throws Exception {
        var ip = InetAddress.getByName(address);
        assertThat(ip).as(address).isInstanceOf(Inet6Address.class);

        assertThat(AddressGuard.isPublic(ip)).as(address).isFalse();
        assertThatThrownBy(() -> resolvingTo(address).check(URI.create("https://docs.example.com/"), site()))
                .as(address)
                .isInstanceOf(KnowledgeErrors.AddressNotAllowed.class);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "2606:4700::1111",
                "fbff:ffff::1",
                "fe00::1",
                "2001:db9::1",
                "2001:db7::1",
                "2001:4860::8888",
                "2002:0808:0808::1",
                "2003::1",
                "::808:808",
                "64:ff9b::808:808",
                "64:ff9a::a00:1",
                "65:ff9b::a00:1",
                "1:0:0:0:0:0:a00:1"
            })
    void acceptsPublicIpv6AndIpv6CarryingAPublicIpv4(String address) throws Exception {
        var ip = InetAddress.getByName(address);

        assertThat(AddressGuard.isPublic(ip)).as(address).isTrue();
        assertThat(resolvingTo(address).allowedAddresses("docs.example.com")).containsExactly(ip);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "100.63.255.255",
                "100.128.0.0",
                "9.255.255.255",
                "11.0.0.0",
                "172.15.255.255",
                "172.32.0.0",
                "169.253.255.255",
                "169.255.0.0",
                "192.0.1.0",
                "192.0.3.0",
                "192.1.0.0",
                "192.167.255.255",
                "192.169.0.0",
                "198.17.255.255",
                "198.20.0.0",
                "198.51.99.255",
                "198.51.101.0",
                "198.52.100.1",
                "203.0.112.255",
                "203.0.114.0",
                "203.1.113.1",
                "126.255.255.255",
                "128.0.0.0",
                "1.0.0.0",
                "223.255.255.255"
            })
    void acceptsPublicIpv4AddressesJustOutsideEveryRefusedRange(String address) throws Exception {
        var ip = InetAddress.getByName(address);

        assertThat(AddressGuard.isPublic(ip)).as(address).isTrue();
        assertThat(resolvingTo(address).allowedAddresses("docs.example.com")).containsExactly(ip);
    }

    @Property(tries = 2000)
    void anIpv4AddressIsPublicExactlyWhenNoRefusedRangeHoldsIt(@ForAll("ipv4") int address) throws Exception {
        var ip = InetAddress.getByAddress(v4(address));

        assertThat(AddressGuard.isPublic(ip)).as(ip.getHostAddress()).isEqualTo(!inRefusedRange(address));
    }

    @Property(tries = 1000)
    void everyAddressOfARefusedRangeIsRefused(@ForAll("refusedIpv4") int address) throws Exception {
        var ip = InetAddress.getByAddress(v4(address));

        assertThat(AddressGuard.isPublic(ip)).as(ip.getHostAddress()).isFalse();
        assertThat(new UrlGuard(false, a -> false).allowed(ip))
                .as(ip.getHostAddress())
                .isFalse();
    }

    /** An IPv4 address inside IPv6 (IPv4-compatible, 6to4, NAT64) is judged as the IPv4 address. */
    @Property(tries = 1000)
    void anIpv6AddressCarryingAnIpv4OneIsJudgedByIt(@ForAll("ipv4") int address) throws Exception {
        var v4 = v4(address);
        var expected = !inRefusedRange(address);

        var compatible = new byte[16];
        System.arraycopy(v4, 0, compatible, 12, 4);
        var sixToFour = new byte[16];
        sixToFour[0] = 0x20;
        sixToFour[1] = 0x02;
        System.arraycopy(v4, 0, sixToFour, 2, 4);
        sixToFour[15] = 1;
        var nat64 = new byte[16];
        nat64[1] = 0x64;
        nat64[2] = (byte) 0xff;
        nat64[3] = (byte) 0x9b;
        System.arraycopy(v4, 0, nat64, 12, 4);

        for (var bytes : List.of(sixToFour, nat64)) {
            var ip = Inet6Address.getByAddress(null, bytes, -1);
            assertThat(AddressGuard.isPublic(ip)).as(ip.getHostAddress()).isEqualTo(expected);
        }
        var ip = Inet6Address.getByAddress(null, compatible, -1);
        // ::/8 holds :: and ::1 and, as IPv4, 0.0.0.0/8: never public.
        assertThat(AddressGuard.isPublic(ip)).as(ip.getHostAddress()).isEqualTo(expected && (address >>> 24) != 0);
    }

    @Property(tries = 500)
    void anyUniqueLocalIpv6AddressIsRefused(@ForAll("uniqueLocal") byte[] address) throws Exception {
        var ip = Inet6Address.getByAddress(null, address, -1);

        assertThat(AddressGuard.isPublic(ip)).as(ip.getHostAddress()).isFalse();
    }

    @Test
    void refusesAHostWithOnePrivateAddressAmongPublicOnes() {
        var guard = new UrlGuard(false, a -> false, host ->
                new InetAddress[] {InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.1.2.3")});

        assertThatThrownBy(() -> guard.check(URI.create("https://docs.example.com/"), site()))
                .isInstanceOf(KnowledgeErrors.AddressNotAllowed.class);
    }

    @Test
    void connectionsArePinnedToEveryAddressTheCheckAccepted() throws Exception {
        var guard = resolvingTo("93.184.216.34", "2606:4700::1111");

        assertThat(guard.allowedAddresses("docs.example.com"))
                .containsExactly(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("2606:4700::1111"));
    }

    @Test
    void aNameThatResolvesToNothingIsAnInvalidUrl() {
        var guard = new UrlGuard(false, a -> false, host -> new InetAddress[0]);
        var unknown = new UrlGuard(false, a -> false, host -> {
            throw new UnknownHostException(host);
        });

        assertThatThrownBy(() -> guard.allowedAddresses("docs.example.com")).isInstanceOf(UnknownHostException.class);
        assertThatThrownBy(() -> guard.check(URI.create("https://docs.example.com/"), site()))
                .isInstanceOf(KnowledgeErrors.UrlInvalid.class)
                .hasMessageContaining("does not resolve");
        assertThatThrownBy(() -> unknown.check(URI.create("https://docs.example.com/"), site()))
                .isInstanceOf(KnowledgeErrors.UrlInvalid.class);
    }

    @Test
    void aUrlWhoseHostJavaCannotReadIsRefusedBeforeAnyLookup() {
        var resolved = new java.util.concurrent.atomic.AtomicInteger();
        var guard = new UrlGuard(false, a -> false, host -> {
            resolved.incrementAndGet();
            return new InetAddress[] {InetAddress.getByName("93.184.216.34")};
        });

        for (var url :
                new String[] {"https://exa_mple.com/", "http:///path", "https:relative", "http://user@docs.example.com/"
                }) {
            assertThatThrownBy(() -> guard.check(URI.create(url), site()))
                    .as(url)
                    .isInstanceOf(KnowledgeErrors.UrlInvalid.class);
        }
        assertThat(resolved).hasValue(0);
    }

    @Test
    void parseAcceptsAnAbsoluteHttpUrlWithSpaceAround() {
        assertThat(UrlGuard.parse("  HTTPS://docs.example.com/a?b=c  "))
                .isEqualTo(URI.create("HTTPS://docs.example.com/a?b=c"));
        assertThat(UrlGuard.parse("http://docs.example.com")).hasHost("docs.example.com");
        assertThatThrownBy(() -> UrlGuard.parse("/relative/path"))
                .isInstanceOf(KnowledgeErrors.UrlSchemeNotAllowed.class);
    }

    @Test
    void theTestAllowanceAddsAddressesButNeverMetadataUnspecifiedOrMulticast() throws Exception {
        var loopbackAllowed = new UrlGuard(false, InetAddress::isLoopbackAddress);
        var everything = new UrlGuard(true, a -> false);

        assertThat(loopbackAllowed.allowed(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(loopbackAllowed.allowed(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(new UrlGuard(false, a -> true).allowed(InetAddress.getByName("169.254.169.254")))
                .isFalse();
        assertThat(new UrlGuard(false, a -> true).allowed(InetAddress.getByName("100.100.100.200")))
                .isFalse();
        assertThat(everything.allowed(InetAddress.getByName("0.0.0.0"))).isFalse();
        assertThat(everything.allowed(InetAddress.getByName("::"))).isFalse();
        assertThat(everything.allowed(InetAddress.getByName("224.0.0.1"))).isFalse();
        assertThat(everything.allowed(InetAddress.getByName("ff02::1"))).isFalse();
        assertThat(everything.allowed(InetAddress.getByName("fd12:3456::1"))).isTrue();
        assertThat(everything.allowed(InetAddress.getByName("93.184.216.34"))).isTrue();
    }

    @Test
    void theApplicationsGuardAddsNoAddressOfItsOwn() throws Exception {
        var crawler = org.mockito.Mockito.mock(KnowledgeSettings.Crawler.class);
        var settings = org.mockito.Mockito.mock(KnowledgeSettings.class);
        org.mockito.Mockito.when(settings.crawler()).thenReturn(crawler);
        var guard = new UrlGuard(settings);

        assertThat(guard.allowed(InetAddress.getByName("10.0.0.1"))).isFalse();
        assertThat(guard.allowed(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(guard.allowed(InetAddress.getByName("93.184.216.34"))).isTrue();
    }

    @Provide
    Arbitrary<Integer> ipv4() {
        // Every address, with the edges of each refused range (and one past them) drawn often.
        var edges = NOT_PUBLIC_V4.stream()
                .flatMap(cidr -> {
                    var range = range(cidr);
                    return java.util.stream.Stream.of(range[0], range[1], range[0] - 1, range[1] + 1);
                })
                .map(l -> (int) (long) l)
                .toList();
        return Arbitraries.oneOf(Arbitraries.integers(), Arbitraries.integers(), Arbitraries.of(edges));
    }

    @Provide
    Arbitrary<Integer> refusedIpv4() {
        return Arbitraries.of(NOT_PUBLIC_V4).flatMap(cidr -> {
            var range = range(cidr);
            return Arbitraries.longs().between(range[0], range[1]).map(l -> (int) (long) l);
        });
    }

    @Provide
    Arbitrary<byte[]> uniqueLocal() {
        return Arbitraries.bytes().array(byte[].class).ofSize(16).map(bytes -> {
            bytes[0] = (byte) (0xfc | (bytes[0] & 1));
            return bytes;
        });
    }

    private static boolean inRefusedRange(int address) {
        var unsigned = Integer.toUnsignedLong(address);
        return NOT_PUBLIC_V4.stream().anyMatch(cidr -> {
            var range = range(cidr);
            return unsigned >= range[0] && unsigned <= range[1];
        });
    }

    /** The first and last address of a CIDR block, as unsigned values. */
    private static long[] range(String cidr) {
        var slash = cidr.indexOf('/');
        var parts = cidr.substring(0, slash).split("\\.");
        long base = 0;
        for (var part : parts) {
            base = base << 8 | Long.parseLong(part);
        }
        var size = 1L << (32 - Integer.parseInt(cidr.substring(slash + 1)));
        return new long[] {base, base + size - 1};
    }

    private static byte[] v4(int address) {
        return new byte[] {(byte) (address >>> 24), (byte) (address >>> 16), (byte) (address >>> 8), (byte) address};
    }

    private static UrlGuard resolvingTo(String... addresses) {
        return new UrlGuard(false, a -> false, host -> {
            var out = new InetAddress[addresses.length];
            for (int i = 0; i < addresses.length; i++) {
                out[i] = InetAddress.getByName(addresses[i]);
            }
            return out;
        });
    }

    private static AllowedHosts site() {
        return new AllowedHosts(Set.of("docs.example.com"), false);
    }
}
