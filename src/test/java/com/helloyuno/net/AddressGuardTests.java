package com.helloyuno.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

/**
 * The guard as production builds it ({@code new AddressGuard(allowPrivate)}): without the
 * operator's permission nothing private is reached, and even with it, cloud metadata never is.
 */
class AddressGuardTests {

    @Test
    void theProductionGuardRefusesPrivateLoopbackAndMetadataAddressesAndAllowsPublicOnes() throws UnknownHostException {
        var guard = new AddressGuard(false);
        for (var refused : new String[] {"10.0.0.1", "127.0.0.1", "192.168.1.1", "169.254.169.254", "::1", "fd12::1"}) {
            assertThat(guard.allowed(InetAddress.getByName(refused)))
                    .as(refused)
                    .isFalse();
            assertThatThrownBy(() -> guard.allowedAddresses(refused))
                    .as(refused)
                    .isInstanceOf(AddressRefused.class);
        }
        assertThat(guard.allowed(InetAddress.getByName("93.184.216.34"))).isTrue();
        assertThat(guard.allowedAddresses("93.184.216.34")).containsExactly(InetAddress.getByName("93.184.216.34"));
    }

    @Test
    void allowingPrivateAddressesForTestsStillRefusesMetadata() throws UnknownHostException {
        var guard = new AddressGuard(true);
        assertThat(guard.allowed(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(guard.allowed(InetAddress.getByName("169.254.169.254"))).isFalse();
    }

    @Test
    void multicastIsNeverPublicInIpv4OrIpv6() throws UnknownHostException {
        // isPublic is the policy on its own, not only behind allowed()'s own multicast check.
        for (var multicast : new String[] {"224.0.0.1", "239.255.255.250", "ff02::1", "ff05::1:3", "ff0e::1"}) {
            assertThat(AddressGuard.isPublic(InetAddress.getByName(multicast)))
                    .as(multicast)
                    .isFalse();
        }
        assertThat(AddressGuard.isPublic(InetAddress.getByName("2606:4700::1111")))
                .isTrue();
    }
}
