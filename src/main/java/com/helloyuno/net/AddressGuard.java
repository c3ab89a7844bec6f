package com.helloyuno.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Decides which addresses an outbound connection to a name that someone else chose may go to.
 * Loopback, private (RFC 1918, unique local), link-local, CGNAT, multicast, unspecified, reserved
 * and documentation ranges are refused unless private addresses are allowed (tests); cloud metadata
 * addresses ({@code 169.254.169.254}, {@code fd00:ec2::254}, {@code 100.100.100.200}) always are.
 *
 * <p>Used as an HTTP client's name lookup ({@link #allowedAddresses}), it checks the addresses the
 * connection is then made to: a name that resolves to a public address for an earlier check and to
 * a private one a moment later (DNS rebinding) is not connected to.
 */
public final class AddressGuard {

    private static final List<String> METADATA =
            List.of("169.254.169.254", "fd00:ec2:0:0:0:0:0:254", "100.100.100.200");

    /** Host name to addresses: the system's resolver, or a test's. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    private final boolean allowPrivate;
    private final Predicate<InetAddress> alsoAllowed;
    private final Resolver resolver;

    /**
     * @param allowPrivate whether private and loopback ranges are allowed (local tests only)
     * @param alsoAllowed addresses allowed beyond the policy (tests); never metadata addresses
     * @param resolver how names are resolved
     */
    public AddressGuard(boolean allowPrivate, Predicate<InetAddress> alsoAllowed, Resolver resolver) {
        this.allowPrivate = allowPrivate;
        this.alsoAllowed = alsoAllowed;
        this.resolver = resolver;
    }

    public AddressGuard(boolean allowPrivate) {
        this(allowPrivate, address -> false, InetAddress::getAllByName);
    }

    /**
     * The addresses of a host, when every one of them is allowed.
     *
     * @throws AddressRefused when any is not: a name with one private address among public ones is
     *     refused whole, since the connection could go to any of them
     * @throws UnknownHostException when the name does not resolve
     */
    public List<InetAddress> allowedAddresses(String host) throws UnknownHostException {
        var addresses = resolver.resolve(host);
        if (addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        for (var address : addresses) {
            if (!allowed(address)) {
                throw new AddressRefused("The host resolves to an address that may not be reached.");
            }
        }
        return List.of(addresses);
    }

    public boolean allowed(InetAddress address) {
        if (isMetadata(address)) {
            return false;
        }
        if (alsoAllowed.test(address)) {
            return true;
        }
        if (address.isAnyLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        return allowPrivate || isPublic(address);
    }

    private static boolean isMetadata(InetAddress address) {
        return METADATA.contains(address.getHostAddress().toLowerCase(Locale.ROOT));
    }

    public static boolean isPublic(InetAddress address) {
        if (address.isLoopbackAddress()
                || address.isLinkLocalAddress()
                || address.isSiteLocalAddress()
                || address.isAnyLocalAddress()
                || address.isMulticastAddress()) {
            return false;
        }
        var b = address.getAddress();
        if (address instanceof Inet4Address) {
            return isPublicV4(b);
        }
        if (address instanceof Inet6Address) {
            var first = b[0] & 0xff;
            if ((first & 0xfe) == 0xfc) { // fc00::/7 unique local
                return false;
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return false; // 2001:db8::/32 documentation
            }
            if (first == 0x20 && (b[1] & 0xff) == 0x02) { // 2002::/16 6to4 carries an IPv4 address
                return isPublicV4(new byte[] {b[2], b[3], b[4], b[5]});
            }
            if (isZero(b, 0, 12)) { // ::/96 IPv4-compatible (and ::, ::1 handled above)
                return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if ((first == 0x00) && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff && (b[3] & 0xff) == 0x9b) {
                return isPublicV4(new byte[] {b[12], b[13], b[14], b[15]}); // 64:ff9b::/96 NAT64
            }
            return true;
        }
        return false;
    }

    private static boolean isPublicV4(byte[] b) {
        var a0 = b[0] & 0xff;
        var a1 = b[1] & 0xff;
        var a2 = b[2] & 0xff;
        return !(a0 == 0 // this network
                || a0 == 10
                || a0 == 127
                || a0 == 100 && a1 >= 64 && a1 <= 127 // CGNAT
                || a0 == 169 && a1 == 254
                || a0 == 172 && a1 >= 16 && a1 <= 31
                || a0 == 192 && a1 == 0 && a2 == 0 // IETF protocol assignments
                || a0 == 192 && a1 == 0 && a2 == 2 // documentation
                || a0 == 192 && a1 == 168
                || a0 == 198 && (a1 == 18 || a1 == 19) // benchmarking
                || a0 == 198 && a1 == 51 && a2 == 100
                || a0 == 203 && a1 == 0 && a2 == 113
                || a0 >= 224); // multicast, reserved, broadcast
    }

    private static boolean isZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }
}
