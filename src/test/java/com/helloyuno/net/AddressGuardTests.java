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
}
